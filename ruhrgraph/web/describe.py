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
from ruhrgraph.bindings import inline_values
from ruhrgraph.iris import ONTOLOGY_NS as RG
from ruhrgraph.web import lookup, state
from ruhrgraph.web.terms import OA, PROV, RDF, RDFS, SKOS, Linker, Shown, pick_label

PAGE = 20  # incoming links shown per property and page

_IN_COUNTS = """SELECT ?iri ?p (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?iri }
GROUP BY ?iri ?p ORDER BY ?p"""
_IN_PAGE = """SELECT ?iri ?p ?after ?s WHERE {
  ?s ?p ?iri .
  FILTER(STR(?s) > ?after)
} ORDER BY STR(?s) LIMIT 21"""
# Beyond PAGEABLE links, sorting them for every page costs too much (seconds for 10^5):
# the first few in the store's order, and the whole list as a SPARQL query.
_IN_FIRST = """SELECT ?iri ?p ?s WHERE { ?s ?p ?iri } LIMIT 20"""
_IN_ALL = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
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
    properties: list[tuple[Shown, list[Shown]]]
    parts: list[tuple[Shown, list[tuple[Shown, list[Shown]]]]]
    incoming: list[Incoming] = field(default_factory=list)
    provenance: list[dict] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return bool(self.triples or self.incoming)


def _is_part(term: object, prefix: str) -> bool:
    return store.term_kind(term) == "iri" and term.value.startswith(prefix)


def _parts(iri: str, found: lookup.Resources) -> tuple[list, list]:
    """The entity's hash IRIs one step (``#passage``) and two steps (``#passage`` ->
    ``#quote``) from it, each level fetched with one lookup."""
    prefix = iri + "#"
    first = lookup.unique(o for _, o in found.out(lookup.iri(iri)) if _is_part(o, prefix))
    found.fetch(first)
    second = lookup.unique(o for f in first for _, o in found.out(f)
                           if _is_part(o, prefix) and o.value != f.value)
    found.fetch(second)
    return first, second


def document(iri: str, found: lookup.Resources | None = None
             ) -> list[tuple[object, object, object]]:
    """The triples of the entity's RDF document (no labels of other resources)."""
    found = found or lookup.Resources()
    subject = lookup.iri(iri)
    triples = [(subject, p, o) for p, o in found.out(subject)]
    seen = set()
    for part in (p for level in _parts(iri, found) for p in level):
        for p, o in found.out(part):
            key = (part.value, str(p), str(o))
            if key not in seen:
                seen.add(key)
                triples.append((part, p, o))
    return triples


def _labels(iri: str, found: lookup.Resources) -> dict[str, tuple[str, str | None]]:
    """Labels of what the entity and its first-level parts link to."""
    first, _ = _parts(iri, found)
    linked = [o for s in (lookup.iri(iri), *first) for _, o in found.out(s)
              if store.term_kind(o) == "iri"]
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
        rows = lookup.select("""SELECT ?t ?label WHERE {
          ?t rdfs:isDefinedBy <https://w3id.org/ruhrgraph/ontology> ; rdfs:label ?label .
          FILTER(LANG(?label) = "en") }""")
        cached = st.extras["ontology_labels"] = {r["t"].value: (r["label"].value, "en")
                                                 for r in rows}
    return cached


def _group(linker: Linker, rows, labels) -> list[tuple[Shown, list[Shown]]]:
    by_predicate: dict[str, tuple[object, list]] = {}
    for p, o in rows:
        by_predicate.setdefault(p.value, (p, []))[1].append(o)
    out = []
    for p, objects in by_predicate.values():
        shown = [linker.show(o, labels) for o in objects]
        shown.sort(key=lambda s: (s.kind != "iri", s.lang != "de", s.text.casefold()))
        out.append((linker.show(p, labels), shown))
    order = {RDF + "type": 0, RDFS + "label": 1, SKOS + "prefLabel": 2}
    out.sort(key=lambda po: (order.get(po[0].value, 9), po[0].text.casefold()))
    return out


def incoming(iri: str, only: str | None = None, after: str = "") -> list[Incoming]:
    """Incoming links counted per property, with the first page (or, for ``only``, the page
    after the IRI ``after``) of the resources linking here."""
    linker = Linker(state().iris)
    labels = ontology_labels()
    out = []
    for row in lookup.select(_IN_COUNTS, {"iri": lookup.iri(iri)}):
        predicate, count = row["p"], int(row["n"].value)
        bound = {"iri": lookup.iri(iri), "p": predicate}
        everything = None
        if count > PAGEABLE:
            page = lookup.select(_IN_FIRST, bound)
            everything = "/sparql?" + urlencode({"query": inline_values(
                _IN_ALL, {"resource": lookup.iri(iri), "property": predicate})})
        else:
            start = after if only == predicate.value else ""
            page = lookup.select(_IN_PAGE, {**bound, "after": lookup.text(start)})
        found = lookup.labels([r["s"].value for r in page[:PAGE]
                               if store.term_kind(r["s"]) == "iri"])
        subjects = [linker.show(r["s"], found) for r in page[:PAGE]]
        more = subjects[-1].value if len(page) > PAGE and everything is None else None
        out.append(Incoming(linker.show(predicate, labels), count, subjects, more, everything))
    return out


def provenance(iri: str, found: lookup.Resources | None = None) -> list[dict]:
    """Where the entity's facts come from: passages of a source, with lines and words."""
    found = found or lookup.Resources()
    linker = Linker(state().iris)
    passages = lookup.unique(o for p, o in found.out(lookup.iri(iri))
                             if p.value in (PROV + "wasDerivedFrom", OA + "hasTarget"))
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
    triples = document(iri, found)
    labels = _labels(iri, found)
    main = [(p, o) for s, p, o in triples if s.value == iri]
    labels_all = sorted({(o.value, o.language) for p, o in main
                         if p.value in (RDFS + "label", SKOS + "prefLabel")},
                        key=lambda lt: (lt[1] != "de", lt[1] != "en", lt[0]))
    parts: dict[str, tuple[object, list]] = {}
    for s, p, o in triples:
        if s.value != iri:
            parts.setdefault(s.value, (s, []))[1].append((p, o))
    types = [linker.show(o, labels) for p, o in main if p.value == RDF + "type"]
    return Description(
        iri=iri, triples=triples, label=pick_label(labels_all), labels_all=labels_all,
        types=types, properties=_group(linker, main, labels),
        parts=[(linker.show(s), _group(linker, rows, labels))
               for s, rows in sorted(parts.values(), key=lambda sr: sr[0].value)],
        incoming=incoming(iri, only, after), provenance=provenance(iri, found))
