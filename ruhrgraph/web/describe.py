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
from ruhrgraph.web import lookup, state
from ruhrgraph.web.terms import RDF, RDFS, SKOS, Linker, Shown, pick_label

PAGE = 20  # incoming links shown per property and page

_OUT = """SELECT ?iri ?p ?o WHERE { ?iri ?p ?o }"""
_PARTS = """SELECT ?iri ?s ?p ?o WHERE {
  ?iri ?p1 ?s .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), CONCAT(STR(?iri), "#")))
  ?s ?p ?o .
}"""
_PARTS2 = """SELECT ?iri ?s ?p ?o WHERE {
  ?iri ?p1 ?f .
  FILTER(isIRI(?f) && STRSTARTS(STR(?f), CONCAT(STR(?iri), "#")))
  ?f ?p2 ?s .
  FILTER(isIRI(?s) && ?s != ?f && STRSTARTS(STR(?s), CONCAT(STR(?iri), "#")))
  ?s ?p ?o .
}"""
_LABELS = ("""SELECT ?iri ?x ?label WHERE { ?iri ?p ?x . ?x rdfs:label ?label }""",
           """SELECT ?iri ?x ?label WHERE {
  ?iri ?p1 ?f .
  FILTER(isIRI(?f) && STRSTARTS(STR(?f), CONCAT(STR(?iri), "#")))
  ?f ?p ?x .
  ?x rdfs:label ?label .
}""")
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
_PROVENANCE = """SELECT ?iri ?passage ?source ?first ?last ?quote WHERE {
  VALUES ?from { prov:wasDerivedFrom oa:hasTarget }
  ?iri ?from ?passage .
  ?passage rg:firstLine ?first ;
           rg:lastLine ?last ;
           oa:hasSource ?source .
  OPTIONAL { ?passage oa:hasSelector ?selector . ?selector oa:exact ?quote }
}"""


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


def document(iri: str) -> list[tuple[object, object, object]]:
    """The triples of the entity's RDF document (no labels of other resources)."""
    bound = {"iri": lookup.iri(iri)}
    triples = [(lookup.iri(iri), r["p"], r["o"]) for r in lookup.select(_OUT, bound)]
    seen = set()
    for query in (_PARTS, _PARTS2):
        for r in lookup.select(query, bound):
            key = (str(r["s"]), str(r["p"]), str(r["o"]))
            if key not in seen:
                seen.add(key)
                triples.append((r["s"], r["p"], r["o"]))
    return triples


def _labels(iri: str) -> dict[str, tuple[str, str | None]]:
    found: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for query in _LABELS:
        for r in lookup.select(query, {"iri": lookup.iri(iri)}):
            found[r["x"].value].append((r["label"].value, r["label"].language))
    labels = {x: pick_label(ls) for x, ls in found.items()}
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


def provenance(iri: str) -> list[dict]:
    """Where the entity's facts come from: passages of a source, with lines and words."""
    linker = Linker(state().iris)
    out = []
    for r in lookup.select(_PROVENANCE, {"iri": lookup.iri(iri)}):
        out.append({"source": r["source"].value, "source_path": linker.path(r["source"].value),
                    "first": int(r["first"].value), "last": int(r["last"].value),
                    "quote": r["quote"].value if "quote" in r else None})
    out.sort(key=lambda p: (p["first"], p["last"]))
    return out


def describe(iri: str, only: str | None = None, after: str = "") -> Description:
    linker = Linker(state().iris)
    triples = document(iri)
    labels = _labels(iri)
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
        incoming=incoming(iri, only, after), provenance=provenance(iri))
