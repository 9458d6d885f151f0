"""The reader's checks: whole-catalogue consistency, each check returning a list of findings.

:func:`problems` runs the fatal checks (counts announced by the table of contents, duplicate
codes, missing or empty rows, projects missing from the text or from the table of contents);
any finding it returns makes the reader raise ``ReadError``. The other functions find what
the reader works around and reports as non-fatal findings: a project whose title, ministry
or field differs from its table-of-contents entry, rows out of order or not tab-separated, a
field title that differs, a missing final line break. No check raises or changes its input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ruhrgraph.extract import markup
from ruhrgraph.extract.body import Body, FieldDraft, ProjectDraft
from ruhrgraph.extract.source import ROW_LABELS, Line
from ruhrgraph.extract.toc import FrontMatter
from ruhrgraph.records import Finding, TocEntry

# --- fatal -----------------------------------------------------------------------------


def problems(front: FrontMatter, body: Body, lines: list[Line]) -> list[Finding]:
    """Every fatal problem of the catalogue as a whole."""
    return [*counts(front, body, lines), *duplicate_codes(body.projects),
            *rows(body.projects, lines), *toc_entries(front.entries, body.projects, lines)]


def counts(front: FrontMatter, body: Body, lines: list[Line]) -> list[Finding]:
    """As many action fields and projects as the table of contents' heading announces."""
    out = []
    if len(body.fields) != front.expected_fields:
        out.append(Finding(lines[-1].number, "field-count",
                           f"found {len(body.fields)} action fields, the table of contents "
                           f"(line {front.toc_line.number}) announces {front.expected_fields}"
                           + (": truncated?" if len(body.fields) < front.expected_fields
                              else "")))
    if len(front.entries) != front.expected_projects:
        out.append(Finding(front.toc_line.number, "project-count",
                           f"the table of contents lists {len(front.entries)} projects, its "
                           f"heading announces {front.expected_projects}"))
    return out


def duplicate_codes(drafts: list[ProjectDraft]) -> list[Finding]:
    """A project code used twice in the body."""
    out, seen = [], {}
    for draft in drafts:
        if draft.code in seen:
            out.append(Finding(draft.heading.number, "duplicate-code",
                               f"duplicate project code {draft.code} "
                               f"(first on line {seen[draft.code].heading.number})"))
        else:
            seen[draft.code] = draft
    return out


def rows(drafts: list[ProjectDraft], lines: list[Line]) -> list[Finding]:
    """Every project has each of its three rows, and none is empty."""
    out = []
    for draft in drafts:
        missing = [label for label in ROW_LABELS if label not in draft.rows]
        if len(missing) == len(ROW_LABELS):
            out.append(Finding(draft.heading.number, "no-rows", f"project {draft.code} has no "
                               f"rows (expected {', '.join(ROW_LABELS)})"))
        elif missing:
            truncated = draft is drafts[-1] and draft.last is lines[-1]
            out.append(Finding(draft.last.number, "missing-row",
                               f"project {draft.code} (line {draft.heading.number}) lacks its "
                               f"{', '.join(missing)} row"
                               + ("; the text ends here: truncated?" if truncated else "")))
        for label in ROW_LABELS:
            row = draft.rows.get(label)
            if row is not None and not markup.clean(row.raw):
                out.append(Finding(row.span.line_start, "empty-row",
                                   f"project {draft.code}: empty {label} row"))
    return out


def toc_entries(toc: list[TocEntry], drafts: list[ProjectDraft],
                lines: list[Line]) -> list[Finding]:
    """The table of contents and the body list the same projects, each once."""
    out = []
    in_body = {draft.code for draft in drafts}
    in_toc: set[str] = set()
    for entry in toc:
        if entry.code in in_toc:
            out.append(Finding(entry.line, "toc-duplicate-code", f"duplicate project code "
                               f"{entry.code} in the table of contents"))
        in_toc.add(entry.code)
        if entry.code not in in_body:
            out.append(Finding(lines[-1].number if not drafts else drafts[-1].last.number,
                               "missing-project",
                               f"project {entry.code} listed in the table of contents (line "
                               f"{entry.line}) is missing from the text: truncated?"))
    for draft in drafts:
        if draft.code not in in_toc:
            out.append(Finding(draft.heading.number, "not-in-toc",
                               f"project {draft.code} is not in the table of contents"))
    return out


# --- non-fatal -------------------------------------------------------------------------


def final_newline(text: str, lines: list[Line]) -> list[Finding]:
    if text.endswith("\n"):
        return []
    return [Finding(lines[-1].number, "no-final-newline", "the last line has no line break")]


def project_findings(draft: ProjectDraft, entry: TocEntry, text: str,
                     lines: list[Line]) -> list[Finding]:
    """What a read project differs in from its table-of-contents entry and the usual form."""
    return [*compare_with_toc(draft, entry), *row_order(draft),
            *untabbed_rows(draft, text, lines)]


def compare_with_toc(draft: ProjectDraft, entry: TocEntry) -> Iterator[Finding]:
    line = draft.heading.number
    if not draft.title:
        yield Finding(line, "title-missing", f"project {draft.code} has no title in the text; "
                      f"taken from the table of contents (line {entry.line}): {entry.title!r}")
    elif draft.title != entry.title:
        yield Finding(line, "title-differs", f"project {draft.code}: {draft.title!r} in the "
                      f"text, {entry.title!r} in the table of contents (line {entry.line})")
    if draft.ministry != entry.ministry:
        yield Finding(line, "ministry-differs", f"project {draft.code}: {draft.ministry!r} in "
                      f"the text, {entry.ministry!r} in the table of contents")
    if draft.field != entry.field:
        yield Finding(line, "field-differs", f"project {draft.code} stands in field "
                      f"{draft.field}, the table of contents lists it under {entry.field}")
    separator = re.search(r"\(\s*[^,;()]+?\s*([,;])\s*\d{2}-\d{2}\s*\)", draft.heading.text)
    if separator and separator.group(1) == ";":
        yield Finding(line, "code-separator", f"project {draft.code}: ';' instead of ',' "
                      "between ministry and code")


def row_order(draft: ProjectDraft) -> list[Finding]:
    if draft.row_order == list(ROW_LABELS):
        return []
    return [Finding(draft.heading.number, "row-order",
                    f"rows in the order {', '.join(draft.row_order)}")]


def untabbed_rows(draft: ProjectDraft, text: str, lines: list[Line]) -> list[Finding]:
    """Rows written as ``**Label** text`` instead of ``Label<TAB>text``."""
    return [Finding(row.span.line_start, "row-not-tabbed", f"{label} row is not tab-separated")
            for label, row in draft.rows.items()
            if "\t" not in text[lines[row.span.line_start - 1].start:row.span.start]]


def field_titles(fields: list[FieldDraft], toc_titles: list[tuple[int, str]]) -> list[Finding]:
    """Action-field titles that differ between the body and the table of contents."""
    out = []
    for item in fields:
        toc_title = next((t for n, (_, t) in enumerate(toc_titles, 1) if n == item.number),
                         None)
        if toc_title is not None and toc_title != item.title:
            out.append(Finding(item.line.number, "field-title-differs",
                               f"field {item.number}: {item.title!r} in the text, "
                               f"{toc_title!r} in the table of contents"))
    return out
