"""The project explorer: filters that combine, facet counts, sorting and pages, no Flask.

:class:`ProjectTable` is read once per build through a ``select`` function (the web passes
its backend's, under the timeout): one row per project with its action field, lead
ministry, the ministries, places and organisations its text names, its years and its number
of measures. The queries are ours and take no input. Everything a user chooses is a
:class:`Filters` value, parsed and checked against the table's own keys (an unknown value is
a :class:`FilterError` naming the parameter), and applied in Python: :func:`explore` answers
the rows of one page and, for each facet, the count of every value under the *other*
filters. :func:`view_query` writes the SPARQL that answers the same rows, with the chosen
values as typed terms in a VALUES block (:mod:`ruhrgraph.query.bindings`), for the editor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace

from ruhrgraph import store
from ruhrgraph.namespaces import DCAT, DCTERMS, RDFS, RG, SKOS, XSD
from ruhrgraph.query.bindings import inline_values

RGNS = str(RG._NS)
#: The year a project counts from when its text names no start (the catalogue's year).
CATALOGUE_YEAR = 2020
#: facet -> the row attribute it filters on (a set or one value)
FACETS = {"field": "field", "ministry": "ministry", "named_ministry": "named_ministries",
          "place": "places", "organisation": "organisations"}
SORTS = ("code", "title", "field", "ministry", "start", "end", "measures", "places",
         "organisations")
YEAR_FILTERS = ("start_from", "start_to", "end_from", "end_to", "running_in")
MIN_YEAR, MAX_YEAR = 1900, 2200

_PROLOGUE = (f"PREFIX rg: <{RGNS}>\nPREFIX dcterms: <{DCTERMS}>\nPREFIX rdfs: <{RDFS}>\n"
             f"PREFIX dcat: <{DCAT}>\nPREFIX xsd: <{XSD}>\n")
_PROJECTS = _PROLOGUE + """SELECT ?project ?code ?title ?field ?ministry ?start ?end ?open WHERE {
  ?project a rg:Project ; dcterms:identifier ?code ; rdfs:label ?title ;
           rg:actionField ?field ; rg:leadMinistry ?ministry ; dcterms:temporal ?d .
  ?d rg:openEnded ?open .
  OPTIONAL { ?d dcat:startDate ?start } OPTIONAL { ?d dcat:endDate ?end }
}"""
_RELATIONS = {"named_ministries": "mentionsMinistry", "places": "mentionsPlace",
              "organisations": "mentionsOrganisation", "measures": "hasMeasure"}
_RELATION = _PROLOGUE + "SELECT ?project ?o WHERE { ?project rg:%s ?o }"


#: Why the explorer cannot use a value, as data: reason -> the English message (a ``%``-format
#: over the error's ``values``); the web layer says it in the reader's language.
FILTER_MESSAGES = {
    "unknown_key": "no %(kind)s has the key %(key)r in the catalogue",
    "year": "a year from %(low)d to %(high)d, not %(value)r",
    "yes_no": "'yes' or 'no', not %(value)r",
}


class FilterError(ValueError):
    """A parameter whose value the explorer cannot use; ``parameter`` names it, ``reason`` (a
    key of :data:`FILTER_MESSAGES`) and ``values`` say why."""

    def __init__(self, parameter: str, reason: str, **values: object):
        self.parameter, self.reason, self.values = parameter, reason, values
        self.message = FILTER_MESSAGES[reason] % values
        super().__init__(f"{parameter}: {self.message}")


@dataclass(frozen=True)
class Row:
    iri: str
    code: str
    title: str
    field: str
    ministry: str
    start: int | None
    end: int | None
    open_ended: bool
    named_ministries: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    measures: int = 0

    def running_in(self, year: int) -> bool:
        start = self.start if self.start is not None else CATALOGUE_YEAR
        return start <= year and (self.open_ended or (self.end or 9999) >= year)


@dataclass(frozen=True)
class ProjectTable:
    rows: tuple[Row, ...]
    labels: Mapping[str, str]  # IRI -> its label in the table's language (German first)
    keys: Mapping[str, str]    # IRI -> the key in its path (field 2, ministry mwide, ...)

    by_key: Mapping[str, str]  # "kind:key" -> IRI (the keys map turned round)
    english: Mapping[str, str] = field(default_factory=dict)  # IRI -> English label, if any

    def iri_of(self, key: str) -> str | None:
        return self.by_key.get(key)

    def in_english(self) -> ProjectTable:
        """The same table labelled in English where the graph has English labels (the
        action fields' short names); the rest as the source names them."""
        return replace(self, labels={**self.labels, **self.english}, english={})


def _kind(iri: str) -> str:
    return iri.rsplit("/", 2)[-2]


def _key(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _year(term: object | None) -> int | None:
    return int(term.value[:4]) if term is not None and term.value[:4].isdigit() else None


def load_table(select: Callable[[str], list[dict]]) -> ProjectTable:
    """The table of every project, from the graph (a handful of fixed queries)."""
    related: dict[str, dict[str, set[str]]] = {name: {} for name in _RELATIONS}
    for name, predicate in _RELATIONS.items():
        for row in select(_RELATION % predicate):
            related[name].setdefault(row["project"].value, set()).add(row["o"].value)
    rows = []
    for r in select(_PROJECTS):
        iri = r["project"].value
        rows.append(Row(
            iri, r["code"].value, r["title"].value, r["field"].value, r["ministry"].value,
            _year(r.get("start")), _year(r.get("end")), r["open"].value == "true",
            frozenset(related["named_ministries"].get(iri, ())),
            frozenset(related["places"].get(iri, ())),
            frozenset(related["organisations"].get(iri, ())),
            len(related["measures"].get(iri, ()))))
    rows.sort(key=lambda row: row.code)
    entities = {row.field for row in rows} | {row.ministry for row in rows}
    for row in rows:
        entities |= row.named_ministries | row.places | row.organisations
    labels, english = _labels(select, entities)
    keys = {iri: _key(iri) for iri in entities}
    return ProjectTable(tuple(rows), labels, keys,
                        {f"{_kind(iri)}:{key}": iri for iri, key in keys.items()}, english)


def _labels(select: Callable[[str], list[dict]], entities: set[str]
            ) -> tuple[dict[str, str], dict[str, str]]:
    """The German label of each entity, and the English one where the graph has it; for an
    action field its short name and for a ministry its abbreviation (``skos:altLabel``),
    which fit a table cell."""
    labels: dict[str, str] = {}
    english: dict[str, str] = {}
    query = _PROLOGUE + "SELECT ?s ?label WHERE { ?s rdfs:label ?label }"
    for row in select(query):
        s = row["s"].value
        if s in entities and (s not in labels or getattr(row["label"], "language", "") == "de"):
            labels[s] = row["label"].value
    short = _PROLOGUE + (f"PREFIX skos: <{SKOS}>\n"
                         "SELECT ?s ?label WHERE { ?s skos:altLabel ?label }")
    for row in select(short):
        s, label = row["s"].value, row["label"].value
        if s not in entities:
            continue
        if "/field/" in s:
            language = getattr(row["label"], "language", "")
            (english if language == "en" else labels)[s] = label
        elif "/ministry/" in s and len(label) <= 16 and len(label) < len(labels.get(s, "")):
            labels[s] = label  # the abbreviation: the shortest other name
    return labels, english


@dataclass(frozen=True)
class Filters:
    """What a view shows: one value per facet (its key), year bounds, open-ended, text."""

    field: str | None = None
    ministry: str | None = None
    named_ministry: str | None = None
    place: str | None = None
    organisation: str | None = None
    start_from: int | None = None
    start_to: int | None = None
    end_from: int | None = None
    end_to: int | None = None
    running_in: int | None = None
    open_ended: bool | None = None
    text: str = ""

    @classmethod
    def parse(cls, args: Mapping[str, str], table: ProjectTable) -> Filters:
        """Filters from request parameters, each checked; unknown names are ignored by the
        caller, a bad value is a :class:`FilterError`."""
        values: dict[str, object] = {}
        for facet in FACETS:
            key = args.get(facet, "")
            if key:
                kind = "ministry" if facet == "named_ministry" else facet
                if table.iri_of(f"{kind}:{key}") is None:
                    raise FilterError(facet, "unknown_key", kind=kind, key=key[:60])
                values[facet] = key
        for name in YEAR_FILTERS:
            raw = args.get(name, "")
            if raw:
                if not raw.isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
                    raise FilterError(name, "year", low=MIN_YEAR, high=MAX_YEAR,
                                      value=raw[:20])
                values[name] = int(raw)
        flag = args.get("open_ended", "")
        if flag:
            if flag not in ("yes", "no"):
                raise FilterError("open_ended", "yes_no", value=flag[:20])
            values["open_ended"] = flag == "yes"
        values["text"] = args.get("q", "").strip()
        return cls(**values)

    def without(self, facet: str) -> Filters:
        return replace(self, **{facet: None})

    def active(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) not in (None, "")}


@dataclass(frozen=True)
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class View:
    rows: tuple[Row, ...]       # the page
    total: int                  # rows under all filters
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    all_rows: tuple[Row, ...] = ()  # every row under the filters, sorted (for downloads)


def _wanted(filters: Filters, table: ProjectTable) -> dict[str, str | None]:
    """facet -> the IRI its filter asks for (facets without a filter left out)."""
    wanted = {}
    for facet in FACETS:
        key = getattr(filters, facet)
        if key is not None:
            kind = "ministry" if facet == "named_ministry" else facet
            wanted[facet] = table.iri_of(f"{kind}:{key}")
    return wanted


def _failing(row: Row, wanted: dict[str, str | None], filters: Filters,
             text_rows: set[str] | None) -> tuple[str, ...]:
    """The filters ``row`` does not pass: facet names, and ``""`` for the years and the
    text (which no facet's count leaves out)."""
    failing = []
    for facet, iri in wanted.items():
        value = getattr(row, FACETS[facet])
        if (iri not in value) if isinstance(value, frozenset) else (value != iri):
            failing.append(facet)
    if not _years(row, filters) or (text_rows is not None and row.iri not in text_rows):
        failing.append("")
    return tuple(failing)


def _years(row: Row, f: Filters) -> bool:
    start = row.start if row.start is not None else CATALOGUE_YEAR
    checks = (
        f.start_from is None or start >= f.start_from,
        f.start_to is None or start <= f.start_to,
        f.end_from is None or row.open_ended or (row.end is not None and row.end >= f.end_from),
        f.end_to is None or (not row.open_ended and row.end is not None and row.end <= f.end_to),
        f.running_in is None or row.running_in(f.running_in),
        f.open_ended is None or row.open_ended == f.open_ended,
    )
    return all(checks)


def _sort_key(table: ProjectTable, column: str) -> Callable[[Row], tuple]:
    def key(row: Row) -> tuple:
        value = getattr(row, column)
        if column in ("field", "ministry"):
            value = table.labels.get(value, value)
        elif column in ("places", "organisations"):
            value = len(value)
        return (value is None, value if value is not None else 0, row.code)
    return key


def explore(table: ProjectTable, filters: Filters, *, text_rows: set[str] | None = None,
            sort: str = "code", descending: bool = False, page: int = 1,
            page_size: int = 50) -> View:
    """The rows of ``page`` under ``filters`` (``text_rows``: the projects the text search
    found, when a text is given), sorted, and every facet's counts under the other
    filters."""
    wanted = _wanted(filters, table)
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    kept = []
    for row in table.rows:  # one pass: a row counts in a facet when only that facet fails
        failing = _failing(row, wanted, filters, text_rows)
        if not failing:
            kept.append(row)
        if len(failing) > 1 or failing == ("",):
            continue
        for facet in (failing if failing else FACETS):
            value = getattr(row, FACETS[facet])
            for iri in (value if isinstance(value, frozenset) else (value,)):
                counts[facet][iri] = counts[facet].get(iri, 0) + 1
    kept.sort(key=_sort_key(table, sort), reverse=descending)
    facets = {}
    for facet in FACETS:
        selected = getattr(filters, facet)
        facets[facet] = sorted(
            (FacetValue(table.keys[i], table.labels.get(i, table.keys[i]), n,
                        table.keys[i] == selected) for i, n in counts[facet].items()),
            key=lambda v: (-v.count, v.label))
    start = (page - 1) * page_size
    return View(tuple(kept[start:start + page_size]), len(kept), facets, tuple(kept))


def view_query(filters: Filters, table: ProjectTable) -> str:
    """SPARQL that answers the view's rows (without the text filter, which is the search
    index's), the chosen values written in as typed terms."""
    lines = ["SELECT ?project ?code ?title ?field ?ministry ?start ?end ?openEnded WHERE {",
             "  ?project a rg:Project ; dcterms:identifier ?code ; rdfs:label ?title ;",
             "           rg:actionField ?field ; rg:leadMinistry ?ministry ;",
             "           dcterms:temporal ?d .",
             "  ?d rg:openEnded ?openEnded .",
             "  OPTIONAL { ?d dcat:startDate ?s } OPTIONAL { ?d dcat:endDate ?e }",
             "  BIND(xsd:integer(STR(?s)) AS ?start) BIND(xsd:integer(STR(?e)) AS ?end)"]
    bound: dict[str, object] = {}
    patterns = {"field": None, "ministry": None, "named_ministry": "rg:mentionsMinistry",
                "place": "rg:mentionsPlace", "organisation": "rg:mentionsOrganisation"}
    for facet, predicate in patterns.items():
        key = getattr(filters, facet)
        if key is None:
            continue
        kind = "ministry" if facet == "named_ministry" else facet
        variable = facet if predicate is None else f"{facet}Named"
        bound[variable] = store.iri(table.iri_of(f"{kind}:{key}"))
        if predicate:
            lines.append(f"  ?project {predicate} ?{variable} .")
    conditions = _year_conditions(filters)
    if conditions:
        lines.append(f"  FILTER({' && '.join(conditions)})")
    lines.append("}\nORDER BY ?code")
    query = _PROLOGUE + "\n".join(lines)
    return inline_values(query, bound) if bound else query


def _year_conditions(f: Filters) -> list[str]:
    start = f"COALESCE(?start, {CATALOGUE_YEAR})"
    out = []
    for value, text in ((f.start_from, f"{start} >= {{}}"), (f.start_to, f"{start} <= {{}}"),
                        (f.end_from, "(?openEnded || COALESCE(?end, 0) >= {})"),
                        (f.end_to, "(!?openEnded && COALESCE(?end, 9999) <= {})"),
                        (f.running_in, f"({start} <= {{0}} && (?openEnded || "
                                       f"COALESCE(?end, 9999) >= {{0}}))")):
        if value is not None:
            out.append(text.format(int(value)))
    if f.open_ended is not None:
        out.append("?openEnded" if f.open_ended else "!?openEnded")
    return out

