"""What the graph says about one resource: the data of its page and of its RDF documents.

The document of an entity holds every triple whose subject is the entity or one of its hash
IRIs (``<entity>#passage``, ``#geometry``, ...: the parts described on its page), reached
from the entity in one or two steps. The page adds labels, the incoming links (counted per
property and paged by IRI: ``after`` is the last IRI of the previous page) and where each
fact comes from in the source text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from ruhrgraph import store
from ruhrgraph.namespaces import OA, ONTOLOGY, PROV, RDF, RDFS, SKOS
from ruhrgraph.namespaces import ONTOLOGY_NS as RG
from ruhrgraph.query.bindings import inline_values
from ruhrgraph.web import state
from ruhrgraph.web.pages import lookup
from ruhrgraph.web.pages.terms import Linker, Shown, pick_label

PAGE = 20  # incoming links shown per property and page
# Up to PAGEABLE links are read and sorted here (ORDER BY under substitutions took 60 ms
# for 1,000 at x1000); beyond, sorting them for every page costs too much: the first few
# in the store's order, and the whole list as a SPARQL query. Likewise the values of a
# large resource's property: the first in the index's order (ORDER BY read every triple of
# the store under substitutions, x100: 300 ms, not 0.6 ms).
_IN_ALL = f"PREFIX rdfs: <{RDFS}>\n" + """\
# Every resource linking to one resource by one property, with labels.
SELECT ?resource ?property ?linked ?label
WHERE {
  ?linked ?property ?resource .
  OPTIONAL { ?linked rdfs:label ?label }
}
ORDER BY ?linked
"""
PAGEABLE = 1000
@dataclass
class Incoming:
    predicate: Shown
    count: int
    subjects: list[Shown]
    more_after: str | None  # the last IRI shown, when there are more to page through
    everything: str | None = None  # the query editor listing them all, when too many to page


@dataclass
class Description:
    iri: str
    triples: list[tuple[object, object, object]]  # the document: entity and its parts
    label: tuple[str, str | None] | None
    labels_all: list[tuple[str, str | None]]
    types: list[Shown]
    properties: list[tuple[Shown, list[Shown], int]]  # property, values shown, values left out
    parts: list[tuple[Shown, list[tuple[Shown, list[Shown], int]]]]
    incoming: list[Incoming] = field(default_factory=list)
    provenance: list[dict] = field(default_factory=list)
    complete: bool = True  # whether ``triples`` is the whole document (PAGE_LARGE_RESOURCE)

    @property
    def exists(self) -> bool:
        return bool(self.triples or self.incoming)


def _is_part(term: object, prefix: str) -> bool:
    return store.term_kind(term) == "iri" and term.value.startswith(prefix)


def _parts(iri: str, found: lookup.Resources, own=None) -> tuple[list, list]:
    """The entity's hash IRIs one step (``#passage``) and two steps (``#passage`` ->
    ``#quote``) from it, each level fetched with one lookup."""
    prefix = iri + "#"
    own = own if own is not None else [(None, p, o) for p, o in found.out(lookup.iri(iri))]
    first = lookup.unique(o for _, _, o in own if _is_part(o, prefix))
    found.fetch(first)
    second = lookup.unique(o for f in first for _, o in found.out(f)
                           if _is_part(o, prefix) and o.value != f.value)
    found.fetch(second)
    return first, second


def document(iri: str, found: lookup.Resources | None = None, own=None
             ) -> list[tuple[object, object, object]]:
    """The triples of the entity's RDF document (no labels of other resources); ``own``,
    if given, stands for the entity's own triples (a page's part of them)."""
    found = found or lookup.Resources()
    subject = lookup.iri(iri)
    triples = own if own is not None else [(subject, p, o) for p, o in found.out(subject)]
    seen = set()
    for part in (p for level in _parts(iri, found, triples) for p in level):
        for p, o in found.out(part):
            key = (part.value, str(p), str(o))
            if key not in seen:
                seen.add(key)
                triples.append((part, p, o))
    return triples


def _shown(triples) -> tuple[list, dict[tuple[str, str], int]]:
    """The triples a page shows: of a subject's values of one property, the first
    PAGE_VALUES_SHOWN in IRI order when there are more (a programme has a part per project);
    and how many were left out, by (subject, property)."""
    shown_max = state().settings.page_values_shown
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for t in triples:
        groups[(t[0].value, t[1].value)].append(t)
    shown, hidden = [], {}
    for key, group in groups.items():
        if len(group) > shown_max:
            hidden[key] = len(group) - shown_max
            group = sorted(group, key=lambda t: (store.term_kind(t[2]) != "iri",
                                                 t[2].value))[:shown_max]
        shown += group
    return shown, hidden


def _own(iri: str) -> tuple[list | None, dict[tuple[str, str], int]]:
    """For a resource of more than PAGE_LARGE_RESOURCE triples (a programme of a thousand
    catalogues has 74,000 parts), the triples its page shows: all values of the properties
    with at most PAGE_VALUES_SHOWN, that many of each of the others (the first the index
    gives; the page orders them by label), and how many were left out; ``None`` for a
    resource small enough to read whole."""
    shown_max = state().settings.page_values_shown
    subject = lookup.iri(iri)
    counts = lookup.counts_by_property(s=subject)
    if sum(n for _, n in counts) <= state().settings.page_large_resource:
        return None, {}
    own = lookup.triples(s=subject, p=[p for p, n in counts if n <= shown_max])
    hidden = {}
    for p, n in counts:
        if n > shown_max:
            own += lookup.triples(s=subject, p=p, max_rows=shown_max)
            hidden[(iri, p.value)] = n - shown_max
    return own, hidden


def _labels(iri: str, triples, found: lookup.Resources) -> dict[str, tuple[str, str | None]]:
    """Labels of what the entity and its first-level parts link to (among ``triples``)."""
    first, _ = _parts(iri, found, [t for t in triples if t[0].value == iri])
    subjects = {iri, *(f.value for f in first)}
    linked = [o for s, _, o in triples if s.value in subjects and store.term_kind(o) == "iri"]
    by_iri: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for s, _, label in lookup.triples(s=lookup.unique(linked), p=lookup.iri(RDFS + "label")):
        by_iri[s.value].append((label.value, label.language))
    labels = {x: pick_label(ls) for x, ls in by_iri.items()}
    labels.update(ontology_labels())
    return labels


def ontology_labels() -> dict[str, tuple[str, str | None]]:
    """English labels of the terms of the ontology graph (the page's language), cached."""
    st = state()
    cached = st.extras.get("ontology_labels")
    if cached is None:
        rows = lookup.select(f"""SELECT ?t ?label WHERE {{
          ?t rdfs:isDefinedBy <{ONTOLOGY}> ; rdfs:label ?label .
          FILTER(LANG(?label) = "en") }}""")
        cached = st.extras["ontology_labels"] = {r["t"].value: (r["label"].value, "en")
                                                 for r in rows}
    return cached


def _group(linker: Linker, rows, labels, hidden: dict[str, int] | None = None
           ) -> list[tuple[Shown, list[Shown], int]]:
    """(property, values, how many more values were left out), in the page's order."""
    by_predicate: dict[str, tuple[object, list]] = {}
    for p, o in rows:
        by_predicate.setdefault(p.value, (p, []))[1].append(o)
    out = []
    for p, objects in by_predicate.values():
        shown = [linker.show(o, labels) for o in objects]
        shown.sort(key=lambda s: (s.kind != "iri", s.lang != "de", s.text.casefold()))
        out.append((linker.show(p, labels), shown, (hidden or {}).get(p.value, 0)))
    order = {RDF + "type": 0, RDFS + "label": 1, SKOS + "prefLabel": 2}
    out.sort(key=lambda po: (order.get(po[0].value, 9), po[0].text.casefold(), po[0].value))
    return out


def incoming(iri: str, only: str | None = None, after: str = "") -> list[Incoming]:
    """Incoming links counted per property, with the first page (or, for ``only``, the page
    after the IRI ``after``) of the resources linking here."""
    linker = Linker(state().iris)
    labels = ontology_labels()
    out = []
    for predicate, count in lookup.counts_by_property(o=lookup.iri(iri)):
        everything = None
        if count > PAGEABLE:
            page = [s for s, _, _ in lookup.triples(p=predicate, o=lookup.iri(iri),
                                                     max_rows=PAGE)]
            everything = "/sparql?" + urlencode({"query": inline_values(
                _IN_ALL, {"resource": lookup.iri(iri), "property": predicate})})
        else:
            start = after if only == predicate.value else ""
            linking = lookup.unique(s for s, _, _ in lookup.triples(p=predicate,
                                                                    o=lookup.iri(iri)))
            page = sorted((t for t in linking if t.value > start),
                          key=lambda t: t.value)[:PAGE + 1]
        found = lookup.labels([t.value for t in page[:PAGE] if store.term_kind(t) == "iri"])
        subjects = [linker.show(t, found) for t in page[:PAGE]]
        more = subjects[-1].value if len(page) > PAGE and everything is None else None
        out.append(Incoming(linker.show(predicate, labels), count, subjects, more, everything))
    return out


def provenance(iri: str, found: lookup.Resources | None = None) -> list[dict]:
    """Where the entity's facts come from: passages of a source, with lines and words."""
    found = found or lookup.Resources()
    linker = Linker(state().iris)
    subject = lookup.iri(iri)
    derived = [PROV + "wasDerivedFrom", OA + "hasTarget"]
    found.fetch([subject], derived)
    passages = lookup.unique(o for p in derived for o in found.objects(subject, p))
    found.fetch(passages)
    found.fetch(o for passage in passages for o in found.objects(passage, OA + "hasSelector"))
    out = []
    for passage in passages:
        first = found.value(passage, RG + "firstLine")
        last = found.value(passage, RG + "lastLine")
        source = found.value(passage, OA + "hasSource")
        if first is None or last is None or source is None:
            continue
        quotes = [q for sel in found.objects(passage, OA + "hasSelector")
                  if (q := found.value(sel, OA + "exact")) is not None]
        for quote in quotes or [None]:
            out.append({"source": source.value, "source_path": linker.path(source.value),
                        "first": int(first.value), "last": int(last.value),
                        "quote": quote.value if quote is not None else None})
    out.sort(key=lambda p: (p["first"], p["last"]))
    return out


def describe(iri: str, only: str | None = None, after: str = "") -> Description:
    linker = Linker(state().iris)
    found = lookup.Resources()
    own, large = _own(iri)
    triples = document(iri, found, own)
    shown, hidden = _shown(triples)
    hidden.update(large)
    labels = _labels(iri, shown, found)
    main = [(p, o) for s, p, o in shown if s.value == iri]
    labels_all = sorted({(o.value, o.language) for p, o in main
                         if p.value in (RDFS + "label", SKOS + "prefLabel")},
                        key=lambda lt: (lt[1] != "de", lt[1] != "en", lt[0]))
    parts: dict[str, tuple[object, list]] = {}
    for s, p, o in shown:
        if s.value != iri:
            parts.setdefault(s.value, (s, []))[1].append((p, o))
    # Our own classes first, then by IRI: the first is the page's kind, whatever order the
    # engine answers in.
    base = state().iris.base
    types = [linker.show(o, labels) for o in sorted(
        (o for p, o in main if p.value == RDF + "type"),
        key=lambda o: (not o.value.startswith(base), o.value))]

    def left_out(subject: str) -> dict[str, int]:
        return {p: n for (s, p), n in hidden.items() if s == subject}

    return Description(
        iri=iri, triples=triples, label=pick_label(labels_all), labels_all=labels_all,
        types=types, properties=_group(linker, main, labels, left_out(iri)),
        parts=[(linker.show(s), _group(linker, rows, labels, left_out(s.value)))
               for s, rows in sorted(parts.values(), key=lambda sr: sr[0].value)],
        incoming=incoming(iri, only, after), provenance=provenance(iri, found),
        complete=own is None)
