"""Record assembly: checked drafts -> the frozen records of :mod:`ruhrgraph.records`.

Runs only after the checks found no fatal problem, so every project has its three rows and
a table-of-contents entry. :func:`projects` turns each project draft into a
:class:`~ruhrgraph.records.Project` (description as plain text, the Maßnahmen row split
into measures, the Laufzeit row read as a duration, the spans of title and rows) together
with its non-fatal findings; it raises ``ReadError`` for a Maßnahmen row without a measure.
:func:`fields` does the same for the action fields.
"""

from __future__ import annotations

import re

from ruhrgraph.extract import checks, markup
from ruhrgraph.extract.body import FieldDraft, ProjectDraft
from ruhrgraph.extract.durations import parse_duration
from ruhrgraph.extract.source import Line, ReadError, lines_span, offsets_span
from ruhrgraph.records import Duration, Field, Finding, Measure, Project, Row, Span, TocEntry


def projects(drafts: list[ProjectDraft], toc: list[TocEntry], text: str, lines: list[Line],
             where: str) -> tuple[tuple[Project, ...], list[Finding]]:
    """The project records in source order and what was noticed reading them."""
    toc_by_code = {entry.code: entry for entry in toc}
    records, findings = [], []
    for draft in drafts:
        entry = toc_by_code[draft.code]
        findings.extend(checks.project_findings(draft, entry, text, lines))
        records.append(project(draft, entry, lines, where))
    return tuple(records), findings


def project(draft: ProjectDraft, entry: TocEntry, lines: list[Line], where: str) -> Project:
    rows = draft.rows
    measures_row = rows["Maßnahmen"]
    found = measures(measures_row, lines)
    if not found:
        raise ReadError(where, [Finding(measures_row.span.line_start, "no-measures",
                                        f"project {draft.code}: no measures in the row")])
    span = Span(draft.heading.number, max(r.span.line_end for r in rows.values()),
                draft.heading.start, max(r.span.end for r in rows.values()))
    return Project(
        code=draft.code, ministry=draft.ministry,
        title=draft.title or entry.title, title_toc=entry.title,
        title_in_body=bool(draft.title), field=draft.field,
        description=markup.clean(rows["Projektbeschreibung"].raw),
        measures=found, duration=duration(rows["Laufzeit"]), span=span,
        title_span=_title_span(draft), description_span=rows["Projektbeschreibung"].span,
        measures_span=measures_row.span)


def _title_span(draft: ProjectDraft) -> Span | None:
    """Where the body title stands on the heading line; the whole line if markup is inside."""
    if not draft.title:
        return None
    offset = draft.heading.text.find(draft.title)
    if offset < 0:  # title with markup inside
        return lines_span(draft.heading, draft.heading)
    start = draft.heading.start + offset
    return Span(draft.heading.number, draft.heading.number, start, start + len(draft.title))


def duration(row: Row) -> Duration:
    parsed = parse_duration(markup.clean_inline(row.raw))
    return Duration(parsed.text, parsed.start_year, parsed.end_year, parsed.open_ended,
                    row.span, parsed.note)


def measures(row: Row, lines: list[Line]) -> tuple[Measure, ...]:
    """The items of a Maßnahmen row, in whichever of its markup variants it is written."""
    fragment = row.raw
    if markup.TAG.search(fragment):
        found = markup.blocks(fragment)
    elif re.search(r"^\s*[-*] ", fragment, re.MULTILINE):
        found = markup.markdown_blocks(fragment)
    else:
        found = markup.lettered_blocks(fragment) or markup.markdown_blocks(fragment)
    out = []
    for block in found:
        raw = block.raw
        if block.label and block.kind in {"step", "text"}:
            label_match = re.match(r"^\s*(<b>.*?</b>|\d{1,2}[.)]|[A-Z]\))\s*", raw)
            body = raw[label_match.end():] if label_match else raw
        else:
            body = raw
        text = markup.strip_bullet(markup.clean_inline(body))
        if not text:
            continue
        start = row.span.start + block.start
        end = row.span.start + block.end
        out.append(Measure(len(out) + 1, text, block.kind, block.label,
                           offsets_span(lines, start, end)))
    return tuple(out)


def fields(drafts: list[FieldDraft]) -> tuple[Field, ...]:
    return tuple(Field(item.number, item.title,
                       "\n\n".join(markup.clean(ln.text) for ln in item.intro),
                       lines_span(item.line, item.last))
                 for item in drafts)
