"""Extract stage: the catalogue text -> :class:`~ruhrgraph.records.Catalogue`.

The text is a PDF conversion with uneven markup (see ``data/source/README.md``). Every
variant is handled here in code; the source copy is never edited. The reader returns the
records together with findings (line, kind, message) for whatever it had to work around,
and raises :class:`ReadError` only when the input cannot be read as a catalogue at all:
not UTF-8 text, empty, truncated, duplicate codes, a project without its rows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ruhrgraph.extract import markup
from ruhrgraph.extract.durations import parse_duration
from ruhrgraph.records import (
    Catalogue,
    Duration,
    Field,
    Finding,
    Measure,
    Project,
    Row,
    Span,
    TocEntry,
)


class ReadError(ValueError):
    """The input cannot be read as a catalogue. ``problems`` holds every (line, message)."""

    def __init__(self, source: str, problems: list[tuple[int, str]]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}:{line}: {message}" for line, message in problems))


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
class _Line:
    number: int
    start: int
    text: str  # without the line break

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _lines(text: str) -> list[_Line]:
    out, offset = [], 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        body = raw.rstrip("\r\n")
        out.append(_Line(number, offset, body))
        offset += len(raw)
    return out


def _strip_heading_markup(text: str) -> str:
    """``### **Title (X, 01-02)**`` or ``<b>Title</b>\\t`` -> ``Title (X, 01-02)``."""
    text = HEADING.sub(lambda m: m.group("text"), text.strip())
    text = markup.TAG.sub("", text)
    text = text.replace("**", "")
    return text.strip()


def _span(lines: list[_Line], first: _Line, last: _Line, start: int | None = None,
          end: int | None = None) -> Span:
    return Span(first.number, last.number,
                first.start if start is None else start,
                last.end if end is None else end)


def _line_of(lines: list[_Line], offset: int) -> int:
    """1-based line number holding ``offset`` (binary search)."""
    lo, hi = 0, len(lines) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if lines[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lines[lo].number


def offsets_span(lines: list[_Line], start: int, end: int) -> Span:
    return Span(_line_of(lines, start), _line_of(lines, max(start, end - 1)), start, end)


# --- reading ---------------------------------------------------------------------


def decode(data: bytes, source: str) -> str:
    """UTF-8 text of ``data``, or a ReadError naming the line of the first bad byte."""
    if not data.strip():
        raise ReadError(source, [(1, "the file is empty: no catalogue text to read")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReadError(source, [(line, f"not UTF-8 text: byte 0x{data[error.start]:02x} "
                                        f"at offset {error.start} ({error.reason})")]) from None
    bad = re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise ReadError(source, [(line, f"binary data: control character "
                                        f"U+{ord(bad.group(0)):04X} at offset {bad.start()}")])
    return text


def read(path: str | Path) -> Catalogue:
    """Read and parse the catalogue file at ``path``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(str(path), [(0, f"cannot read the file: {error.strerror}")]) from None
    return parse(decode(data, str(path)), source_name=path.name,
                 sha256=hashlib.sha256(data).hexdigest(), source_path=str(path))


# --- parsing ---------------------------------------------------------------------


@dataclass
class _ProjectDraft:
    heading: _Line
    title: str
    ministry: str
    code: str
    field: int
    rows: dict[str, Row] = field(default_factory=dict)
    row_order: list[str] = field(default_factory=list)
    last: _Line | None = None


def _toc(lines: list[_Line], start: int, stop: int, problems: list[tuple[int, str]],
         findings: list[Finding]) -> tuple[list[TocEntry], list[tuple[int, str]]]:
    """Table-of-contents entries and the field headings (line, title) between two indexes."""
    entries: list[TocEntry] = []
    fields: list[tuple[int, str]] = []
    for line in lines[start:stop]:
        if not line.text.strip():
            continue
        plain = _strip_heading_markup(line.text)
        page_match = TOC_PAGE.search(plain)
        body = plain[: page_match.start()] if page_match else plain
        page = int(page_match.group("page")) if page_match and page_match.group("page") else None
        body = body.rstrip(". ").strip()
        if FIELD_TITLE.match(body):
            fields.append((line.number, body))
            continue
        heading = PROJECT_HEADING.match(body)
        if not heading:
            findings.append(Finding(line.number, "toc-unreadable",
                                    f"table-of-contents line not understood: {body[:60]!r}"))
            continue
        if not fields:
            problems.append((line.number, "project listed before the first action field"))
            continue
        title = heading.group("title").strip()
        if re.search(r"\s[“”\"„]$", title):
            findings.append(Finding(line.number, "toc-stray-quote",
                                    f"stray quotation mark after the title {title!r}"))
            title = title.rstrip(" “”\"„").strip()
        entries.append(TocEntry(heading.group("code"), heading.group("ministry").strip(),
                                title, len(fields), page, line.number))
    return entries, fields


def _measures(row: Row, lines: list[_Line], code: str) -> tuple[Measure, ...]:
    fragment = row.raw
    if markup.TAG.search(fragment):
        found = markup.blocks(fragment)
    elif re.search(r"^\s*[-*] ", fragment, re.MULTILINE):
        found = markup.markdown_blocks(fragment)
    else:
        found = markup.lettered_blocks(fragment) or markup.markdown_blocks(fragment)
    measures = []
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
        measures.append(Measure(len(measures) + 1, text, block.kind, block.label,
                                offsets_span(lines, start, end)))
    return tuple(measures)


def parse(text: str, source_name: str = "<text>", sha256: str | None = None,
          source_path: str | None = None) -> Catalogue:
    """Parse catalogue ``text``; raise :class:`ReadError` if it is not a whole catalogue."""
    where = source_path or source_name
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if not text.strip():
        raise ReadError(where, [(1, "the text is empty: no catalogue to read")])
    lines = _lines(text)
    problems: list[tuple[int, str]] = []
    findings: list[Finding] = []
    if not text.endswith("\n"):
        findings.append(Finding(lines[-1].number, "no-final-newline",
                                "the last line has no line break"))

    # 1. title, introduction and the table of contents
    title_line = next((ln for ln in lines if HEADING.match(ln.text)), None)
    if title_line is None or HEADING.match(title_line.text).group("marks") != "#":
        raise ReadError(where, [(1, "no catalogue title: expected a '# ' heading")])
    title = re.sub(r"\s+", " ", HEADING.match(title_line.text).group("text"))
    title = re.sub(r"(\w)- (\w)", r"\1-\2", title)  # "Ruhr- Konferenz" (PDF line break)
    toc_index = next((i for i, ln in enumerate(lines) if (m := HEADING.match(ln.text))
                      and TOC_HEADING.match(m.group("text"))), None)
    if toc_index is None:
        raise ReadError(where, [(title_line.number, "no table of contents: expected a heading "
                                 "'## N Handlungsfelder mit M Projekten …'")])
    toc_match = TOC_HEADING.match(HEADING.match(lines[toc_index].text).group("text"))
    expected_fields = int(toc_match.group("fields"))
    expected_projects = int(toc_match.group("projects"))
    intro_lines = lines[title_line.number:toc_index]
    introduction = "\n\n".join(markup.clean(ln.text.lstrip("#- ").strip())
                               if not ln.text.startswith("- ") else "- " + ln.text[2:].strip()
                               for ln in intro_lines if ln.text.strip())

    body_index = next((i for i in range(toc_index + 1, len(lines))
                       if (m := HEADING.match(lines[i].text)) and len(m.group("marks")) == 2
                       and FIELD_TITLE.match(m.group("text"))
                       and not PROJECT_HEADING.match(m.group("text"))), None)
    if body_index is None:
        raise ReadError(where, [(lines[-1].number, "the text ends before the first action "
                                 "field: truncated after the table of contents?")])
    toc, toc_fields = _toc(lines, toc_index + 1, body_index, problems, findings)

    # 2. the body: action fields, their introductions and projects with rows
    fields: list[dict] = []
    drafts: list[_ProjectDraft] = []
    current: _ProjectDraft | None = None
    row: dict | None = None

    def close_row() -> None:
        nonlocal row
        if row is None or current is None:
            row = None
            return
        first, last = row["first"], row["last"]
        start, end = row["start"], last.end
        raw = text[start:end]
        # trailing blank lines or the spaces after a label are not part of the row
        stripped = raw.rstrip()
        end = start + len(stripped)
        lead = len(raw) - len(raw.lstrip())
        span = Span(first.number, _line_of(lines, max(start, end - 1)), start + lead, end)
        label = row["label"]
        if label in current.rows:
            problems.append((first.number, f"project {current.code}: second {label!r} row "
                             f"(the first is on line {current.rows[label].span.line_start})"))
        current.rows[label] = Row(label, text[span.start:span.end], span)
        current.row_order.append(label)
        row = None

    def close_project() -> None:
        nonlocal current
        close_row()
        if current is not None:
            drafts.append(current)
        current = None

    for line in lines[body_index:]:
        stripped = line.text.strip()
        heading = HEADING.match(line.text)
        plain = _strip_heading_markup(line.text)
        project_heading = PROJECT_HEADING.match(plain) if stripped else None
        if heading and FIELD_TITLE.match(heading.group("text")) and not project_heading:
            close_project()
            fields.append({"number": len(fields) + 1, "title": heading.group("text"),
                           "line": line, "intro": [], "last": line})
            continue
        if project_heading and not ROW_START.match(line.text):
            close_project()
            if heading and len(heading.group("marks")) != 3:
                findings.append(Finding(line.number, "heading-level",
                                        f"project heading with level {len(heading.group('marks'))}"
                                        " instead of 3"))
            current = _ProjectDraft(line, project_heading.group("title").strip(),
                                    project_heading.group("ministry").strip(),
                                    project_heading.group("code"), len(fields))
            current.last = line
            continue
        start_match = ROW_START.match(line.text)
        if start_match and current is not None:
            close_row()
            row = {"label": start_match.group("label"), "first": line, "last": line,
                   "start": line.start + start_match.end()}
            current.last = line
            continue
        if not stripped:
            continue
        if row is not None:
            row["last"] = line
            current.last = line
        elif current is not None:
            problems.append((line.number, f"project {current.code}: text outside its rows: "
                             f"{stripped[:60]!r}"))
        elif fields:
            fields[-1]["intro"].append(line)
            fields[-1]["last"] = line
        else:
            findings.append(Finding(line.number, "stray-text", f"text before the first "
                                    f"action field: {stripped[:60]!r}"))
    close_project()

    # 3. checks: counts, codes, rows, the table of contents
    if len(fields) != expected_fields:
        problems.append((lines[-1].number, f"found {len(fields)} action fields, the table of "
                         f"contents (line {lines[toc_index].number}) announces {expected_fields}"
                         + (": truncated?" if len(fields) < expected_fields else "")))
    if len(toc) != expected_projects:
        problems.append((lines[toc_index].number, f"the table of contents lists {len(toc)} "
                         f"projects, its heading announces {expected_projects}"))
    seen: dict[str, _ProjectDraft] = {}
    for draft in drafts:
        if draft.code in seen:
            problems.append((draft.heading.number, f"duplicate project code {draft.code} "
                             f"(first on line {seen[draft.code].heading.number})"))
        else:
            seen[draft.code] = draft
        missing = [label for label in ROW_LABELS if label not in draft.rows]
        if len(missing) == len(ROW_LABELS):
            problems.append((draft.heading.number, f"project {draft.code} has no rows "
                             f"(expected {', '.join(ROW_LABELS)})"))
        elif missing:
            truncated = draft is drafts[-1] and draft.last is lines[-1]
            problems.append((draft.last.number, f"project {draft.code} (line "
                             f"{draft.heading.number}) lacks its {', '.join(missing)} row"
                             + ("; the text ends here: truncated?" if truncated else "")))
        for label in ROW_LABELS:
            row_record = draft.rows.get(label)
            if row_record is not None and not markup.clean(row_record.raw):
                problems.append((row_record.span.line_start, f"project {draft.code}: empty "
                                 f"{label} row"))
    toc_by_code = {entry.code: entry for entry in toc}
    toc_seen: set[str] = set()
    for entry in toc:
        if entry.code in toc_seen:
            problems.append((entry.line, f"duplicate project code {entry.code} in the table "
                             "of contents"))
        toc_seen.add(entry.code)
        if entry.code not in seen:
            problems.append((lines[-1].number if not drafts else drafts[-1].last.number,
                             f"project {entry.code} listed in the table of contents (line "
                             f"{entry.line}) is missing from the text: truncated?"))
    for draft in drafts:
        if draft.code not in toc_by_code:
            problems.append((draft.heading.number, f"project {draft.code} is not in the table "
                             "of contents"))
    if problems:
        raise ReadError(where, sorted(set(problems)))

    # 4. records
    projects = []
    for draft in drafts:
        entry = toc_by_code[draft.code]
        findings.extend(_compare_with_toc(draft, entry))
        rows = draft.rows
        description = markup.clean(rows["Projektbeschreibung"].raw)
        measures = _measures(rows["Maßnahmen"], lines, draft.code)
        if not measures:
            raise ReadError(where, [(rows["Maßnahmen"].span.line_start,
                                     f"project {draft.code}: no measures in the row")])
        duration_row = rows["Laufzeit"]
        parsed = parse_duration(markup.clean_inline(duration_row.raw))
        duration = Duration(parsed.text, parsed.start_year, parsed.end_year, parsed.open_ended,
                            duration_row.span, parsed.note)
        if draft.row_order != list(ROW_LABELS):
            findings.append(Finding(draft.heading.number, "row-order",
                                    f"rows in the order {', '.join(draft.row_order)}"))
        for label, row_record in rows.items():
            if "\t" not in text[lines[row_record.span.line_start - 1].start:row_record.span.start]:
                findings.append(Finding(row_record.span.line_start, "row-not-tabbed",
                                        f"{label} row is not tab-separated"))
        title_in_body = bool(draft.title)
        title_span = None
        if title_in_body:
            offset = draft.heading.text.find(draft.title)
            if offset < 0:  # title with markup inside
                title_span = _span(lines, draft.heading, draft.heading)
            else:
                start = draft.heading.start + offset
                title_span = Span(draft.heading.number, draft.heading.number, start,
                                  start + len(draft.title))
        last_line = max(r.span.line_end for r in rows.values())
        span = Span(draft.heading.number, last_line, draft.heading.start,
                    max(r.span.end for r in rows.values()))
        projects.append(Project(
            code=draft.code, ministry=draft.ministry,
            title=draft.title or entry.title, title_toc=entry.title,
            title_in_body=title_in_body, field=draft.field, description=description,
            measures=measures, duration=duration, span=span, title_span=title_span,
            description_span=rows["Projektbeschreibung"].span,
            measures_span=rows["Maßnahmen"].span))

    field_records = []
    for item in fields:
        intro = "\n\n".join(markup.clean(ln.text) for ln in item["intro"])
        toc_title = next((t for n, (_, t) in enumerate(toc_fields, 1) if n == item["number"]),
                         None)
        if toc_title is not None and toc_title != item["title"]:
            findings.append(Finding(item["line"].number, "field-title-differs",
                                    f"field {item['number']}: {item['title']!r} in the text, "
                                    f"{toc_title!r} in the table of contents"))
        field_records.append(Field(item["number"], item["title"], intro,
                                   _span(lines, item["line"], item["last"])))
    return Catalogue(title=title, introduction=introduction, fields=tuple(field_records),
                     projects=tuple(projects), toc=tuple(toc),
                     findings=tuple(sorted(findings, key=lambda f: (f.line, f.kind))),
                     source_name=source_name, source_sha256=sha256, text=text)


def _compare_with_toc(draft: _ProjectDraft, entry: TocEntry) -> Iterator[Finding]:
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
