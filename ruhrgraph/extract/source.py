"""The catalogue text as numbered lines: positions, spans, the structural patterns, ReadError.

Every later step of the reader works on :class:`Line` objects (1-based number, offset of the
first character, text without the line break), so that any record can name the passage it
came from as a :class:`~ruhrgraph.records.Span`. The regular expressions here recognise the
catalogue's structure (title, table of contents, action fields, project headings, rows) in
all the markup variants of the PDF conversion. :class:`ReadError` is the one fatal error of
the extract stage: it carries every fatal problem as a :class:`~ruhrgraph.records.Finding`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ruhrgraph.extract import markup
from ruhrgraph.records import Finding, Span


class ReadError(ValueError):
    """The input cannot be read as a catalogue. ``findings`` holds every fatal problem.

    ``str(error)`` names each as ``source:line: message``, one a line.
    """

    def __init__(self, source: str, findings: list[Finding]):
        self.source = source
        self.findings = findings
        super().__init__("\n".join(f"{source}:{f.line}: {f.message}" for f in findings))


ROW_LABELS = ("Projektbeschreibung", "Maßnahmen", "Laufzeit")
_CODE = r"(?P<code>\d{2}-\d{2})"
_MINISTRY = r"(?P<ministry>[A-Za-zÄÖÜäöü][A-Za-zÄÖÜäöü/ ]*?)"
PROJECT_HEADING = re.compile(rf"^(?P<title>.*?)\s*\(\s*{_MINISTRY}\s*[,;]\s*{_CODE}\s*\)\s*$")
TOC_PAGE = re.compile(r"\s*\.{2,}\s*(?P<page>\d+)?\s*$")
ROW_START = re.compile(r"^(?:\*\*)?(?P<label>Projektbeschreibung|Maßnahmen|Laufzeit)(?:\*\*)?"
                       r"(?:\t+| +|$)")
HEADING = re.compile(r"^(?P<marks>#{1,6})\s+(?P<text>.*?)\s*$")
TOC_HEADING = re.compile(r"^(?P<fields>\d+)\s+Handlungsfelder\s+mit\s+(?P<projects>\d+)\s+"
                         r"Projekten\b")
FIELD_TITLE = re.compile(r"^Chancenregion Ruhr:")


@dataclass
class Line:
    number: int
    start: int
    text: str  # without the line break

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def split_lines(text: str) -> list[Line]:
    """Every line of ``text`` with its number and the offset of its first character."""
    out, offset = [], 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        body = raw.rstrip("\r\n")
        out.append(Line(number, offset, body))
        offset += len(raw)
    return out


def strip_heading_markup(text: str) -> str:
    """``### **Title (X, 01-02)**`` or ``<b>Title</b>\\t`` -> ``Title (X, 01-02)``."""
    text = HEADING.sub(lambda m: m.group("text"), text.strip())
    text = markup.TAG.sub("", text)
    text = text.replace("**", "")
    return text.strip()


def lines_span(first: Line, last: Line) -> Span:
    """The span from the start of line ``first`` to the end of line ``last``."""
    return Span(first.number, last.number, first.start, last.end)


def line_of(lines: list[Line], offset: int) -> int:
    """1-based line number holding ``offset`` (binary search)."""
    lo, hi = 0, len(lines) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if lines[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lines[lo].number


def offsets_span(lines: list[Line], start: int, end: int) -> Span:
    """The span of the characters ``start`` to ``end``, with the lines that hold them."""
    return Span(line_of(lines, start), line_of(lines, max(start, end - 1)), start, end)
