"""The records that flow between the stages: the contract of extract -> link -> mapping.

All character offsets are Python string indices (Unicode code points) into the
decoded source text, ``start`` inclusive and ``end`` exclusive, so that
``text[start:end]`` is the quoted passage. Lines are 1-based.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Span:
    """A passage of the source: lines and offsets from ``start`` to ``end``."""

    line_start: int
    line_end: int
    start: int
    end: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Finding:
    """Something the reader or linker noticed; ``kind`` is a slug, e.g. ``title-differs``.

    One shape for fatal problems (carried by ``ReadError``) and non-fatal ones (in
    ``Catalogue.findings``); every kind is listed in ``docs/records.md``.
    """

    line: int
    kind: str
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Measure:
    """One item of a project's Maßnahmen row.

    ``kind`` is ``item`` (a bullet), ``step`` (a numbered or lettered step) or ``text`` (a
    lead-in paragraph or other prose, kept so that no text is lost). ``label`` is the number,
    letter or bold lead as written ("1.", "A)", "Phase 1:"). ``position`` counts from 1 in
    source order.
    """

    position: int
    text: str
    kind: str
    label: str | None
    span: Span

    def to_dict(self) -> dict:
        return {"position": self.position, "text": self.text, "kind": self.kind,
                "label": self.label, "source": self.span.to_dict()}


@dataclass(frozen=True)
class Duration:
    """The Laufzeit row: verbatim text, the years it names and whether it is open-ended."""

    text: str
    start_year: int | None
    end_year: int | None
    open_ended: bool
    span: Span
    note: str | None = None

    def to_dict(self) -> dict:
        return {"text": self.text, "start_year": self.start_year, "end_year": self.end_year,
                "open_ended": self.open_ended, "note": self.note, "source": self.span.to_dict()}


@dataclass(frozen=True)
class Row:
    """One labelled row of a project (Projektbeschreibung, Maßnahmen, Laufzeit) as written."""

    label: str
    raw: str
    span: Span


@dataclass(frozen=True)
class TocEntry:
    code: str
    ministry: str
    title: str
    field: int
    page: int | None
    line: int


@dataclass(frozen=True)
class Project:
    code: str
    ministry: str
    title: str
    title_toc: str
    title_in_body: bool
    field: int
    description: str
    measures: tuple[Measure, ...]
    duration: Duration
    span: Span
    title_span: Span | None
    description_span: Span
    measures_span: Span

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "ministry": self.ministry,
            "title": self.title,
            "title_toc": self.title_toc,
            "title_in_body": self.title_in_body,
            "field": self.field,
            "description": self.description,
            "measures": [m.to_dict() for m in self.measures],
            "duration": self.duration.to_dict(),
            "source": self.span.to_dict(),
            "rows": {
                "title": self.title_span.to_dict() if self.title_span else None,
                "description": self.description_span.to_dict(),
                "measures": self.measures_span.to_dict(),
                "duration": self.duration.span.to_dict(),
            },
        }


@dataclass(frozen=True)
class Field:
    """A Handlungsfeld: its number (1-5 in catalogue order), title and introduction."""

    number: int
    title: str
    introduction: str
    span: Span

    def to_dict(self) -> dict:
        return {"number": self.number, "title": self.title,
                "introduction": self.introduction, "source": self.span.to_dict()}


@dataclass(frozen=True)
class Catalogue:
    """Everything the reader takes from the source text."""

    title: str
    introduction: str
    fields: tuple[Field, ...]
    projects: tuple[Project, ...]
    toc: tuple[TocEntry, ...]
    findings: tuple[Finding, ...]
    source_name: str
    source_sha256: str
    text: str = field(repr=False)


# --- linked records -------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A place in the source where a name was found: surface ``text`` == source[start:end]."""

    text: str
    line: int
    start: int
    end: int
    method: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class EntityLink:
    """A project's link to one entity (place, organisation, ministry, project) with its mentions.

    ``key`` is the entity's stable key: the AGS of a place, the id of an organisation,
    the abbreviation key of a ministry, the code of a project.
    """

    key: str
    mentions: tuple[Mention, ...]

    def to_dict(self) -> dict:
        return {"key": self.key, "mentions": [m.to_dict() for m in self.mentions]}


@dataclass(frozen=True)
class LinkedProject:
    project: Project
    ministry_key: str
    places: tuple[EntityLink, ...]
    organisations: tuple[EntityLink, ...]
    other_ministries: tuple[EntityLink, ...]
    related_projects: tuple[EntityLink, ...]


@dataclass(frozen=True)
class LinkedCatalogue:
    catalogue: Catalogue
    projects: tuple[LinkedProject, ...]
    findings: tuple[Finding, ...]
