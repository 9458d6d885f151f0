"""The HTML and markdown fragments inside the catalogue's rows, handled with offsets kept.

The converted PDF holds ``<p>``, ``<ul>``, ``<ol>``, ``<li>``, ``<b>``, ``<sub>`` and
entities such as ``&amp;`` inside table rows, and one project written in markdown
(``**Maßnahmen**`` and ``- `` list lines). Two views are offered:

* :func:`clean` turns a fragment into plain text (tags dropped, entities resolved, bullets
  and white space tidied) for titles, descriptions and measures;
* :func:`mask` blanks out markup *in place*, keeping every other character at its offset, so
  that names found in the masked text are exact slices of the source.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUB = re.compile(r"\s*<sub>\s*([0-9]+)\s*</sub>\s*")
_BULLET = re.compile(r"^[•·▪◦‣\-–]\s+")
_SPACE = re.compile(r"[ \t\u00a0]+")


def clean(fragment: str) -> str:
    """Plain text of a fragment: ``CO <sub>2</sub> -neutral`` -> ``CO₂-neutral``."""
    text = _SUB.sub(lambda m: m.group(1).translate(_SUBSCRIPT), fragment)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"</(p|li|ul|ol)>|<br\s*/?>", "\n", text)
    text = TAG.sub(" ", text)
    text = html.unescape(text)
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line:
            out.append(line)
        elif out and out[-1] != "":
            out.append("")
    return "\n".join(out).strip().replace("\n\n", "\n\n")


def clean_inline(fragment: str) -> str:
    """Like :func:`clean`, but on one line (paragraph breaks become spaces)."""
    return _SPACE.sub(" ", clean(fragment).replace("\n", " ")).strip()


def strip_bullet(text: str) -> str:
    return _BULLET.sub("", text, count=1)


def mask(text: str) -> str:
    """The text with tags and markdown emphasis blanked and entities resolved in place.

    Every character keeps its offset: a tag becomes spaces of its length, ``&amp;`` becomes
    ``&`` followed by four spaces, ``**`` becomes two spaces.
    """
    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    def entity(match: re.Match[str]) -> str:
        value = html.unescape(match.group(0))
        if len(value) != 1:
            return " " * len(match.group(0))
        return value + " " * (len(match.group(0)) - 1)

    text = TAG.sub(blank, text)
    text = ENTITY.sub(entity, text)
    return text.replace("**", "  ")


@dataclass(frozen=True)
class Block:
    """A piece of a row: ``kind`` is ``item`` (bullet), ``step`` (ordered) or ``text``.

    ``start``/``end`` are offsets into the fragment the block came from; ``raw`` is the
    fragment's text between them (markup included).
    """

    kind: str
    start: int
    end: int
    raw: str
    label: str | None = None


_BLOCK_TAGS = {"p", "ul", "ol", "li"}


def blocks(fragment: str) -> list[Block]:
    """Split an HTML fragment into paragraphs, list items and the free text between them."""
    out: list[Block] = []
    lists: list[str] = []
    open_start: int | None = None      # start of the current p/li content or free text
    open_kind: str | None = None

    def close(end: int) -> None:
        nonlocal open_start, open_kind
        if open_start is not None:
            _emit(out, fragment, open_kind or "text", open_start, end)
        open_start, open_kind = None, None

    position = 0
    for match in TAG.finditer(fragment):
        name = match.group(1).lower()
        if name not in _BLOCK_TAGS:
            continue
        closing = match.group(0).startswith("</")
        if open_start is None and fragment[position:match.start()].strip():
            # free text between blocks (or a paragraph without <p>)
            open_start, open_kind = position, "text"
        if name in {"ul", "ol"}:
            close(match.start())
            if closing:
                if lists:
                    lists.pop()
            else:
                lists.append(name)
        elif not closing:
            close(match.start())
            open_start = match.end()
            open_kind = ("step" if lists and lists[-1] == "ol" else "item") if name == "li" \
                else "text"
        else:
            close(match.start())
        position = match.end()
    if open_start is None and fragment[position:].strip():
        open_start, open_kind = position, "text"
    close(len(fragment))
    return out


_STEP_LABEL = re.compile(r"^\s*(\d{1,2}[.)]|[A-Z]\))\s+")
_BOLD_LABEL = re.compile(r"^\s*<b>(.*?)</b>\s*")


def _emit(out: list[Block], fragment: str, kind: str, start: int, end: int) -> None:
    raw = fragment[start:end]
    stripped_left = len(raw) - len(raw.lstrip())
    start += stripped_left
    end -= len(raw) - len(raw.rstrip())
    if start >= end:
        return
    raw = fragment[start:end]
    if not clean(raw):
        return
    label = None
    bold = _BOLD_LABEL.match(raw)
    step = _STEP_LABEL.match(raw)
    if bold:
        label = clean_inline(bold.group(1))
    elif step and kind in {"step", "item"}:
        label = step.group(1)
        if kind == "item":
            kind = "step"
    out.append(Block(kind, start, end, raw, label))


def markdown_blocks(fragment: str) -> list[Block]:
    """Split a markdown fragment: ``- `` lines are items, other paragraphs are text."""
    out: list[Block] = []
    paragraph_start: int | None = None
    paragraph_end = 0
    offset = 0
    for line in fragment.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.lstrip().startswith(("- ", "* ")):
            if paragraph_start is not None:
                _emit(out, fragment, "text", paragraph_start, paragraph_end)
                paragraph_start = None
            _emit(out, fragment, "item", offset + body.index(body.lstrip()[0]) + 2,
                  offset + len(body))
        elif body.strip():
            if paragraph_start is None:
                paragraph_start = offset
            paragraph_end = offset + len(body)
        elif paragraph_start is not None:
            _emit(out, fragment, "text", paragraph_start, paragraph_end)
            paragraph_start = None
        offset += len(line)
    if paragraph_start is not None:
        _emit(out, fragment, "text", paragraph_start, paragraph_end)
    return out


_LETTERED = re.compile(r"(?:^|(?<=\s))([A-Z])\)\s")


def lettered_blocks(fragment: str) -> list[Block] | None:
    """``A) first B) second`` in plain text as steps, when the letters run A, B, C, ..."""
    marks = list(_LETTERED.finditer(fragment))
    if len(marks) < 2 or fragment[: marks[0].start()].strip():
        return None
    if [m.group(1) for m in marks] != [chr(ord("A") + i) for i in range(len(marks))]:
        return None
    out: list[Block] = []
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(fragment)
        _emit(out, fragment, "step", mark.start(), end)
    return out
