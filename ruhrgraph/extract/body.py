"""The body: action fields with their introductions, projects with their labelled rows.

:func:`read_body` feeds the lines from the first action field on, one at a time, to a
:class:`_BodyReader`, which keeps the field, project and row being read as small drafts and
closes each when the next one starts. It returns a :class:`Body`: the field and project
drafts in source order, the fatal ``problems`` (a second row of one label, text outside the
rows) and the non-fatal ``findings`` (a heading of the wrong level, stray text). It raises
nothing; the checks and record assembly come after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ruhrgraph.extract.source import (
    FIELD_TITLE,
    HEADING,
    PROJECT_HEADING,
    ROW_START,
    Line,
    line_of,
    strip_heading_markup,
)
from ruhrgraph.records import Finding, Row, Span


@dataclass
class FieldDraft:
    """An action field being read: its heading line, the lines of its introduction."""

    number: int
    title: str
    line: Line
    last: Line
    intro: list[Line] = field(default_factory=list)


@dataclass
class ProjectDraft:
    """A project being read: its heading, the rows read so far (by label and in order)."""

    heading: Line
    title: str
    ministry: str
    code: str
    field: int
    last: Line
    rows: dict[str, Row] = field(default_factory=dict)
    row_order: list[str] = field(default_factory=list)


@dataclass
class _RowDraft:
    """A row being read: ``start`` is the offset just after its label."""

    label: str
    first: Line
    last: Line
    start: int


@dataclass
class Body:
    fields: list[FieldDraft]
    projects: list[ProjectDraft]
    problems: list[Finding]
    findings: list[Finding]


def read_body(text: str, lines: list[Line], body_index: int) -> Body:
    """The fields and projects of ``lines[body_index:]`` (``text`` is the whole source)."""
    reader = _BodyReader(text, lines)
    for line in lines[body_index:]:
        reader.feed(line)
    return reader.close()


class _BodyReader:
    """Reads the body line by line; the drafts open now are ``project`` and ``row``."""

    def __init__(self, text: str, lines: list[Line]):
        self.text = text
        self.lines = lines
        self.fields: list[FieldDraft] = []
        self.projects: list[ProjectDraft] = []
        self.problems: list[Finding] = []
        self.findings: list[Finding] = []
        self.project: ProjectDraft | None = None
        self.row: _RowDraft | None = None

    def feed(self, line: Line) -> None:
        stripped = line.text.strip()
        heading = HEADING.match(line.text)
        plain = strip_heading_markup(line.text)
        project_heading = PROJECT_HEADING.match(plain) if stripped else None
        if heading and FIELD_TITLE.match(heading.group("text")) and not project_heading:
            self._open_field(line, heading.group("text"))
        elif project_heading and not ROW_START.match(line.text):
            self._open_project(line, heading, project_heading)
        elif (row_start := ROW_START.match(line.text)) and self.project is not None:
            self._open_row(line, row_start)
        elif stripped:
            self._add_text(line, stripped)

    def close(self) -> Body:
        self._close_project()
        return Body(self.fields, self.projects, self.problems, self.findings)

    def _open_field(self, line: Line, title: str) -> None:
        self._close_project()
        self.fields.append(FieldDraft(len(self.fields) + 1, title, line, line))

    def _open_project(self, line: Line, heading: re.Match | None,
                      project_heading: re.Match) -> None:
        self._close_project()
        if heading and len(heading.group("marks")) != 3:
            self.findings.append(Finding(line.number, "heading-level",
                                         f"project heading with level "
                                         f"{len(heading.group('marks'))} instead of 3"))
        self.project = ProjectDraft(line, project_heading.group("title").strip(),
                                    project_heading.group("ministry").strip(),
                                    project_heading.group("code"), len(self.fields), line)

    def _open_row(self, line: Line, row_start: re.Match) -> None:
        self._close_row()
        self.row = _RowDraft(row_start.group("label"), line, line, line.start + row_start.end())
        self.project.last = line

    def _add_text(self, line: Line, stripped: str) -> None:
        """A non-blank line that opens nothing: part of a row or a field introduction."""
        if self.row is not None:
            self.row.last = line
            self.project.last = line
        elif self.project is not None:
            self.problems.append(Finding(line.number, "text-outside-rows",
                                         f"project {self.project.code}: text outside its "
                                         f"rows: {stripped[:60]!r}"))
        elif self.fields:
            self.fields[-1].intro.append(line)
            self.fields[-1].last = line
        else:
            self.findings.append(Finding(line.number, "stray-text", f"text before the first "
                                         f"action field: {stripped[:60]!r}"))

    def _close_row(self) -> None:
        row, project = self.row, self.project
        self.row = None
        if row is None or project is None:
            return
        start = row.start
        raw = self.text[start:row.last.end]
        # trailing blank lines or the spaces after a label are not part of the row
        end = start + len(raw.rstrip())
        lead = len(raw) - len(raw.lstrip())
        span = Span(row.first.number, line_of(self.lines, max(start, end - 1)), start + lead,
                    end)
        if row.label in project.rows:
            first_row = project.rows[row.label].span.line_start
            self.problems.append(Finding(row.first.number, "duplicate-row",
                                         f"project {project.code}: second {row.label!r} row "
                                         f"(the first is on line {first_row})"))
        project.rows[row.label] = Row(row.label, self.text[span.start:span.end], span)
        project.row_order.append(row.label)

    def _close_project(self) -> None:
        self._close_row()
        if self.project is not None:
            self.projects.append(self.project)
        self.project = None
