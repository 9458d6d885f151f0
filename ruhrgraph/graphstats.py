"""Statistics of the served graph, read by SPARQL: what VoID and the catalogue state about it.

Every figure comes from a query over the union of the graphs (what the Turtle, N-Triples and
JSON-LD dumps hold) or over the named graphs, run through a ``select`` function the caller
supplies (the web layer passes one that asks its backend, embedded store or remote
endpoint). The queries are fixed text; the only values in them are the IRI base and the
Wikidata namespace, from the configuration and this module, written as escaped literals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ruhrgraph.iris import Iris
from ruhrgraph.vocab import RG

#: A row of a SELECT: variable name -> IRI or literal value (str), or int for integers.
Row = Mapping[str, "str | int"]
Select = Callable[[str], Sequence[Row]]

WIKIDATA = "http://www.wikidata.org/entity/"
DCAT = "http://www.w3.org/ns/dcat#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: Example resources: one instance of each of these classes (the first by IRI).
EXAMPLE_CLASSES = (str(RG.Programme), str(RG.Project), str(RG.Measure), str(RG.Ministry),
                   "http://schema.org/Place", "http://www.w3.org/ns/org#Organization")


@dataclass(frozen=True)
class Linkset:
    """Links from the entities of one kind (IRI path segment) to Wikidata by one predicate."""

    kind: str
    predicate: str
    triples: int


@dataclass(frozen=True)
class Statistics:
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int]  # class IRI -> distinct instances
    properties: dict[str, tuple[int, int, int]]  # IRI -> (triples, subjects, objects)
    graphs: dict[str, int]  # named graph IRI -> triples
    linksets: tuple[Linkset, ...]
    examples: tuple[str, ...]
    root: str | None  # the programme: the entry to the graph
    first_year: int | None  # earliest start of a project duration
    last_year: int | None  # latest stated end of a project duration
    open_ended: int  # durations without a stated end that continue
    district_keys: tuple[str, ...]  # 5-digit keys of the Kreise and kreisfreie Städte (RVR)
    vocabularies: tuple[str, ...]  # namespaces of the classes and properties used


def literal(text: str) -> str:
    """``text`` as a SPARQL string literal (for configuration values only)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    if any(c in escaped for c in "\n\r"):
        raise ValueError(f"line break in {text!r}")
    return f'"{escaped}"'


def _one(select: Select, query: str) -> Row:
    rows = select(query)
    return rows[0] if rows else {}


def _year(value: str | int | None) -> int | None:
    if value is None:
        return None
    text = str(value)
    return int(text[:4]) if text[:4].isdigit() else None


def namespace(iri: str) -> str:
    """The namespace of a term IRI: up to the last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def statistics(select: Select, iris: Iris) -> Statistics:
    base = literal(iris.base)
    totals = _one(select, "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) "
                          "(COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }")
    entities = _one(select, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
                            f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {base})) }}")
    classes = {r["class"]: int(r["n"]) for r in select(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class FILTER(isIRI(?class)) } "
        "GROUP BY ?class ORDER BY ?class")}
    properties = {r["p"]: (int(r["n"]), int(r["s"]), int(r["o"])) for r in select(
        "SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?s) (COUNT(DISTINCT ?o) AS ?o) "
        "WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")}
    graphs = {r["g"]: int(r["n"]) for r in select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")}
    links: Counter[tuple[str, str]] = Counter()
    for row in select("SELECT ?s ?p WHERE { ?s ?p ?o FILTER(isIRI(?o) && "
                      f"STRSTARTS(STR(?o), {literal(WIKIDATA)})) }}"):
        parsed = iris.parse(str(row["s"]).split("#", 1)[0])
        links[(parsed[0] if parsed else "other", str(row["p"]))] += 1
    examples = []
    for cls in EXAMPLE_CLASSES:
        row = _one(select, f"SELECT ?x WHERE {{ ?x a <{cls}> FILTER(isIRI(?x) && "
                           f"STRSTARTS(STR(?x), {base})) }} ORDER BY ?x LIMIT 1")
        if row.get("x"):
            examples.append(str(row["x"]))
    root = _one(select, f"SELECT ?x WHERE {{ ?x a <{RG.Programme}> }} ORDER BY ?x LIMIT 1")
    years = _one(select, f"SELECT (MIN(?start) AS ?first) WHERE {{ ?d <{DCAT}startDate> ?start }}")
    ends = _one(select, f"SELECT (MAX(?end) AS ?last) WHERE {{ ?d <{DCAT}endDate> ?end }}")
    open_ended = _one(select, f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d <{RG.openEnded}> "
                              "true }")
    districts = sorted({str(r["ags"])[:5] for r in select(
        f"SELECT DISTINCT ?ags WHERE {{ ?x <{RG.inRuhrRegion}> true ; <{RG.ags}> ?ags . "
        f"{{ ?x a <{RG.District}> }} UNION {{ ?x a <{RG.IndependentCity}> }} }}")})
    vocabularies = sorted({namespace(term) for term in (*classes, *properties)
                           if namespace(term)})
    return Statistics(
        triples=int(totals.get("triples", 0)), entities=int(entities.get("n", 0)),
        distinct_subjects=int(totals.get("subjects", 0)),
        distinct_objects=int(totals.get("objects", 0)), classes=classes,
        properties=properties, graphs=graphs,
        linksets=tuple(Linkset(k, p, n) for (k, p), n in sorted(links.items())),
        examples=tuple(examples), root=str(root["x"]) if root.get("x") else None,
        first_year=_year(years.get("first")), last_year=_year(ends.get("last")),
        open_ended=int(open_ended.get("n", 0)), district_keys=tuple(districts),
        vocabularies=tuple(vocabularies))


def entity_paths(select: Select, iris: Iris) -> list[str]:
    """Paths under the base (``project/01-01``) of every entity the graph describes: the
    subjects whose IRI is ``{base}{kind}/{key}`` (fragments belong to their entity's page)."""
    rows = select("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && "
                  f"STRSTARTS(STR(?s), {literal(iris.base)})) }}")
    paths = set()
    for row in rows:
        iri = str(row["s"]).split("#", 1)[0]
        parsed = iris.parse(iri)
        if parsed:
            paths.add(iri[len(iris.base):])
    return sorted(paths)
