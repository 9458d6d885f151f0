"""Figures of the served graph, read by SPARQL: what VoID and the catalogue state about it.

Every figure comes from a query over the union of the graphs (what the Turtle, N-Triples and
JSON-LD dumps hold) or over the named graphs, run through a ``select`` function the caller
supplies (the web layer passes one that asks its backend, embedded store or remote
endpoint). The queries are fixed text; the only values in them are the IRI base and the
Wikidata namespace, from the configuration and this module, written as escaped literals.

:func:`summary` (the catalogue's and pages' figures) asks only what indexes answer at once;
:func:`statistics` (VoID's) scans the whole graph, which takes a while on a large one
(seconds at ×100, see ``docs/opendata.md``), so it can be run once per build:
``python -m ruhrgraph.publish.statistics RELEASE_DIR`` writes ``RELEASE_DIR/statistics.json``, which
the web layer reads instead of asking again.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ruhrgraph import store
from ruhrgraph.iris import DEFAULT_BASE, Iris
from ruhrgraph.namespaces import DCAT, ORG, OWL, RDF, RG, SCHEMA, SKOS, WIKIDATA, XSD

#: A row of a SELECT: variable name -> IRI or literal value (str), or int for integers.
Row = Mapping[str, "str | int"]
Select = Callable[[str], Sequence[Row]]

#: Predicates that link an entity to the same (or a matching) thing in another dataset.
LINK_PREDICATES = (OWL + "sameAs", SCHEMA + "sameAs", SKOS + "exactMatch", SKOS + "closeMatch")
RDF_TYPE = RDF + "type"

#: Example resources: one instance of each of these classes.
EXAMPLE_CLASSES = (str(RG.Programme), str(RG.Project), str(RG.Measure), str(RG.Ministry),
                   SCHEMA + "Place", ORG + "Organization")


@dataclass(frozen=True)
class Linkset:
    """Links from the entities of one kind (IRI path segment) to Wikidata by one predicate."""

    kind: str
    predicate: str
    triples: int


@dataclass(frozen=True)
class Summary:
    """What the catalogue and the HTML pages state: cheap to ask (index lookups)."""

    projects: int
    fields: int  # action fields
    measures: int
    first_year: int | None  # earliest start of a project duration
    last_year: int | None  # latest stated end of a project duration
    open_ended: int  # durations without a stated end that continue
    district_keys: tuple[str, ...]  # 5-digit keys of the Kreise and kreisfreie Städte (RVR)


@dataclass(frozen=True)
class Statistics:
    """What VoID states: scans of the whole graph (seconds on a large one)."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int]  # class IRI -> distinct instances
    properties: dict[str, int]  # property IRI -> triples
    graphs: dict[str, int]  # named graph IRI -> triples
    linksets: tuple[Linkset, ...]
    examples: tuple[str, ...]
    root: str | None  # the programme: the entry to the graph
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


def _sorted(select: Select, key: str, query: str) -> list:
    return sorted(select(query), key=lambda row: str(row[key]))


def statistics(select: Select, iris: Iris) -> Statistics:
    base = literal(iris.base)
    totals = _one(select, "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) "
                          "(COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }")
    entities = _one(select, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class "
                            f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {base})) }}")
    # Sorted here: an engine may order IRIs by its own ids (Virtuoso), not by their text.
    classes = {r["class"]: int(r["n"]) for r in _sorted(select, "class",
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class FILTER(isIRI(?class)) } "
        "GROUP BY ?class ORDER BY ?class")}
    properties = {r["p"]: int(r["n"]) for r in _sorted(select, "p",
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")}
    graphs = {r["g"]: int(r["n"]) for r in _sorted(select, "g",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")}
    links: Counter[tuple[str, str]] = Counter()
    predicates = " ".join(f"<{p}>" for p in LINK_PREDICATES)
    for row in select(f"SELECT ?s ?p WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?o "
                      f"FILTER(isIRI(?o) && STRSTARTS(STR(?o), {literal(WIKIDATA)})) }}"):
        parsed = iris.parse(str(row["s"]).split("#", 1)[0])
        links[(parsed[0] if parsed else "other", str(row["p"]))] += 1
    examples = []
    for cls in EXAMPLE_CLASSES:
        row = _one(select, f"SELECT ?x WHERE {{ ?x a <{cls}> FILTER(isIRI(?x) && "
                           f"STRSTARTS(STR(?x), {base})) }} ORDER BY STR(?x) LIMIT 1")
        if row.get("x"):
            examples.append(str(row["x"]))
    root = _one(select, f"SELECT ?x WHERE {{ ?x a <{RG.Programme}> }} ORDER BY STR(?x) "
                        "LIMIT 1")
    vocabularies = sorted({namespace(term) for term in (*classes, *properties)
                           if namespace(term)})
    return Statistics(
        triples=int(totals.get("triples", 0)), entities=int(entities.get("n", 0)),
        distinct_subjects=int(totals.get("subjects", 0)),
        distinct_objects=int(totals.get("objects", 0)), classes=classes,
        properties=properties, graphs=graphs,
        linksets=tuple(Linkset(k, p, n) for (k, p), n in sorted(links.items())),
        examples=tuple(examples), root=str(root["x"]) if root.get("x") else None,
        vocabularies=tuple(vocabularies))


def _count(select: Select, cls: str) -> int:
    return int(_one(select, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{cls}> }}")
               .get("n", 0))


def summary(select: Select) -> Summary:
    years = _one(select, f"SELECT (MIN(?start) AS ?first) WHERE {{ ?d <{DCAT}startDate> ?start }}")
    ends = _one(select, f"SELECT (MAX(?end) AS ?last) WHERE {{ ?d <{DCAT}endDate> ?end }}")
    open_ended = _one(select, f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d <{RG.openEnded}> "
                              "true }")
    districts = sorted({str(r["ags"])[:5] for r in select(
        f"SELECT DISTINCT ?ags WHERE {{ ?x <{RG.inRuhrRegion}> true ; <{RG.ags}> ?ags . "
        f"{{ ?x a <{RG.District}> }} UNION {{ ?x a <{RG.IndependentCity}> }} }}")})
    fields = _one(select, f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ ?p <{RG.actionField}> ?f }}")
    return Summary(projects=_count(select, str(RG.Project)), fields=int(fields.get("n", 0)),
                   measures=_count(select, str(RG.Measure)),
                   first_year=_year(years.get("first")), last_year=_year(ends.get("last")),
                   open_ended=int(open_ended.get("n", 0)), district_keys=tuple(districts))


def entity_paths(select: Select, iris: Iris) -> list[str]:
    """Paths under the base (``project/01-01``) of every entity the graph describes: the
    typed subjects whose IRI is ``{base}{kind}/{key}`` (fragments belong to their entity's
    page)."""
    rows = select("SELECT DISTINCT ?s WHERE { ?s a ?class FILTER(isIRI(?s) && "
                  f"STRSTARTS(STR(?s), {literal(iris.base)})) }}")
    paths = set()
    for row in rows:
        iri = str(row["s"]).split("#", 1)[0]
        parsed = iris.parse(iri)
        if parsed:
            paths.add(iri[len(iris.base):])
    return sorted(paths)


# --- rows, files ------------------------------------------------------------------------

FILE = "statistics.json"
_INTEGER = XSD + "integer"


def rows(result: store.Result) -> list[dict[str, str | int]]:
    """The solutions of a SELECT result as :data:`Row` dicts (integers as ``int``)."""
    out = []
    for binding in json.loads(store.convert(result, "json"))["results"]["bindings"]:
        out.append({name: int(term["value"]) if term.get("datatype") == _INTEGER
                    else term["value"] for name, term in binding.items()})
    return out


def to_json(stats: Statistics, build_id: str) -> str:
    return json.dumps({"build_id": build_id, **asdict(stats)}, indent=1, ensure_ascii=False)


def from_json(text: str) -> tuple[str, Statistics]:
    """``(build id, statistics)`` of a :func:`to_json` text."""
    data = json.loads(text)
    build_id = data.pop("build_id")
    data["linksets"] = tuple(Linkset(**item) for item in data["linksets"])
    for name in ("examples", "vocabularies"):
        data[name] = tuple(data[name])
    return build_id, Statistics(**data)


def write(release: str | Path, base: str = DEFAULT_BASE) -> Path:
    """Compute the statistics of ``release/store`` and write ``release/statistics.json``
    (atomically: a reader sees the old file or the new one)."""
    release = Path(release)
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    read_store = store.ReadStore.open(release / "store")
    stats = statistics(lambda query: rows(read_store.evaluate(query, max_rows=10**9)),
                       Iris(manifest.get("base_iri") or base))
    target = release / FILE
    tmp = target.with_name(f".{FILE}.{os.getpid()}")
    tmp.write_text(to_json(stats, manifest["build_id"]) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


if __name__ == "__main__":
    for directory in sys.argv[1:] or ["data/build/current"]:
        print(write(Path(directory).resolve()))
