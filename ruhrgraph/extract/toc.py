"""Front matter: the catalogue's title, introduction and table of contents.

:func:`front_matter` reads the lines before the first action field. It raises
:class:`~ruhrgraph.extract.source.ReadError` at once when there is no title, no table of
contents or no body after it (nothing else can be read then); otherwise it returns a
:class:`FrontMatter` with the table-of-contents entries, the field titles listed there, the
counts its heading announces, and the findings (fatal ``problems`` and non-fatal
``findings``) of the table's lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ruhrgraph.extract import markup
from ruhrgraph.extract.source import (
    FIELD_TITLE,
    HEADING,
    PROJECT_HEADING,
    TOC_HEADING,
    TOC_PAGE,
    Line,
    ReadError,
    strip_heading_markup,
)
from ruhrgraph.records import Finding, TocEntry


@dataclass
class FrontMatter:
    """What comes before the body; ``body_index`` is the index of the first field's line."""

    title: str
    introduction: str
    toc_line: Line
    expected_fields: int
    expected_projects: int
    body_index: int
    entries: list[TocEntry] = field(default_factory=list)
    field_titles: list[tuple[int, str]] = field(default_factory=list)  # (line, title)
    problems: list[Finding] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def front_matter(lines: list[Line], where: str) -> FrontMatter:
    """Title, introduction and table of contents of ``lines``; ReadError if one is missing."""
    title_line = _title_line(lines, where)
    toc_index = _toc_index(lines, title_line, where)
    toc_match = TOC_HEADING.match(HEADING.match(lines[toc_index].text).group("text"))
    body_index = _body_index(lines, toc_index, where)
    front = FrontMatter(_title(title_line), _introduction(lines[title_line.number:toc_index]),
                        lines[toc_index], int(toc_match.group("fields")),
                        int(toc_match.group("projects")), body_index)
    for line in lines[toc_index + 1:body_index]:
        if line.text.strip():
            _read_toc_line(front, line)
    return front


def _title_line(lines: list[Line], where: str) -> Line:
    title_line = next((ln for ln in lines if HEADING.match(ln.text)), None)
    if title_line is None or HEADING.match(title_line.text).group("marks") != "#":
        raise ReadError(where, [Finding(1, "no-title",
                                        "no catalogue title: expected a '# ' heading")])
    return title_line


def _title(title_line: Line) -> str:
    title = re.sub(r"\s+", " ", HEADING.match(title_line.text).group("text"))
    return re.sub(r"(\w)- (\w)", r"\1-\2", title)  # "Ruhr- Konferenz" (PDF line break)


def _toc_index(lines: list[Line], title_line: Line, where: str) -> int:
    toc_index = next((i for i, ln in enumerate(lines) if (m := HEADING.match(ln.text))
                      and TOC_HEADING.match(m.group("text"))), None)
    if toc_index is None:
        raise ReadError(where, [Finding(title_line.number, "no-toc",
                                        "no table of contents: expected a heading "
                                        "'## N Handlungsfelder mit M Projekten …'")])
    return toc_index


def _introduction(intro_lines: list[Line]) -> str:
    return "\n\n".join(markup.clean(ln.text.lstrip("#- ").strip())
                       if not ln.text.startswith("- ") else "- " + ln.text[2:].strip()
                       for ln in intro_lines if ln.text.strip())


def _body_index(lines: list[Line], toc_index: int, where: str) -> int:
    """The index of the first action field's heading (a level-2 field title)."""
    body_index = next((i for i in range(toc_index + 1, len(lines))
                       if (m := HEADING.match(lines[i].text)) and len(m.group("marks")) == 2
                       and FIELD_TITLE.match(m.group("text"))
                       and not PROJECT_HEADING.match(m.group("text"))), None)
    if body_index is None:
        raise ReadError(where, [Finding(lines[-1].number, "no-body",
                                        "the text ends before the first action field: "
                                        "truncated after the table of contents?")])
    return body_index


def _read_toc_line(front: FrontMatter, line: Line) -> None:
    """One non-blank line of the table of contents: a field title or a project entry."""
    plain = strip_heading_markup(line.text)
    page_match = TOC_PAGE.search(plain)
    body = plain[: page_match.start()] if page_match else plain
    page = int(page_match.group("page")) if page_match and page_match.group("page") else None
    body = body.rstrip(". ").strip()
    if FIELD_TITLE.match(body):
        front.field_titles.append((line.number, body))
        return
    heading = PROJECT_HEADING.match(body)
    if not heading:
        front.findings.append(Finding(line.number, "toc-unreadable",
                                      f"table-of-contents line not understood: {body[:60]!r}"))
        return
    if not front.field_titles:
        front.problems.append(Finding(line.number, "toc-project-before-field",
                                      "project listed before the first action field"))
        return
    title = heading.group("title").strip()
    if re.search(r"\s[“”\"„]$", title):
        front.findings.append(Finding(line.number, "toc-stray-quote",
                                      f"stray quotation mark after the title {title!r}"))
        title = title.rstrip(" “”\"„").strip()
    front.entries.append(TocEntry(heading.group("code"), heading.group("ministry").strip(),
                                  title, len(front.field_titles), page, line.number))
