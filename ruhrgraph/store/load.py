"""The load side of the store, owned by the build: create a store from the mapping's
N-Quads, load the ontology into its graph, dump every serialisation, count what it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ruhrgraph.namespaces import XSD
from ruhrgraph.store.engine import BlankNode, NamedNode, RdfFormat, Store, parse, serialize
from ruhrgraph.store.read import StoreError


@dataclass(frozen=True)
class DumpFormat:
    """One dump serialisation: file suffix, media type, name, and whether it keeps graphs."""

    suffix: str
    media_type: str
    name: str
    rdf_format: RdfFormat
    quads: bool


#: The dumps ``ruhrgraph build`` writes, in this order. Turtle and N-Triples hold
#: the union of the graphs; JSON-LD (named graphs as ``@graph``), N-Quads and TriG keep them.
DUMP_FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat("ttl", "text/turtle", "Turtle", RdfFormat.TURTLE, False),
    DumpFormat("nt", "application/n-triples", "N-Triples", RdfFormat.N_TRIPLES, False),
    DumpFormat("jsonld", "application/ld+json", "JSON-LD", RdfFormat.JSON_LD, True),
    DumpFormat("nq", "application/n-quads", "N-Quads", RdfFormat.N_QUADS, True),
    DumpFormat("trig", "application/trig", "TriG", RdfFormat.TRIG, True),
)

_XSD_STRING = XSD + "string"


class LoadError(ValueError):
    """A file to load is not valid RDF; the message names file:line:column."""


def _load_error(path: Path, error: SyntaxError) -> LoadError:
    line = getattr(error, "lineno", None)
    column = getattr(error, "offset", None)
    where = f"{path}:{line}:{column}" if line else str(path)
    return LoadError(f"{where}: {error.msg if hasattr(error, 'msg') else error}")


def create_store(path: str | Path, nquads: str | Path,
                 graph_files: Iterable[tuple[str | Path, str]] = ()) -> int:
    """Create a new store at ``path`` from an N-Quads file and from Turtle files each
    loaded into the named graph given beside it; return the number of quads."""
    path, nquads = Path(path), Path(nquads)
    if path.exists():
        raise StoreError(f"{path} exists already: a store is only ever written once")
    store = Store(str(path))
    try:
        try:
            store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
        except SyntaxError as error:
            raise _load_error(nquads, error) from None
        for file, graph in graph_files:
            try:
                store.bulk_load(path=str(file), format=RdfFormat.TURTLE,
                                to_graph=NamedNode(graph))
            except SyntaxError as error:
                raise _load_error(Path(file), error) from None
        store.optimize()
        store.flush()
        return len(store)
    finally:
        del store


def dump_store(path: str | Path, directory: str | Path, name: str,
               prefixes: Mapping[str, str] | None = None,
               formats: Iterable[DumpFormat] = DUMP_FORMATS,
               written: Callable[[Path], object] | None = None) -> list[Path]:
    """Write ``<directory>/<name>.<suffix>`` for each format from the store at ``path``.

    The store is read once, into the N-Quads dump; the other formats are re-serialised
    from that file (parsing it is several times cheaper than reading the store again).
    Triple formats hold the union of the graphs: the build keeps the graphs' triples
    disjoint, so the union has no duplicates. ``written(path)`` is called as each file is
    complete (the build compresses it meanwhile).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    formats = list(formats)
    nquads = directory / f"{name}.nq"
    store = Store.read_only(str(path))
    try:
        store.dump(str(nquads), format=RdfFormat.N_QUADS)
    finally:
        del store
    done = []
    for fmt in formats:
        target = directory / f"{name}.{fmt.suffix}"
        if fmt.rdf_format != RdfFormat.N_QUADS:
            kwargs = {}
            if prefixes and fmt.rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG):
                kwargs["prefixes"] = dict(prefixes)
            quads = parse(path=str(nquads), format=RdfFormat.N_QUADS)
            data = quads if fmt.quads else (quad.triple for quad in quads)
            serialize(data, str(target), format=fmt.rdf_format, **kwargs)
        if written is not None:
            written(target)
        done.append(target)
    if not any(fmt.rdf_format == RdfFormat.N_QUADS for fmt in formats):
        nquads.unlink()
    return done


def graph_sizes(path: str | Path) -> dict[str, int]:
    """Quads per named graph (and ``""`` for the default graph if it is not empty)."""
    store = Store.read_only(str(path))
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    sizes = {row["g"].value: int(row["n"].value) for row in rows}
    default = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    n = int(next(iter(default))["n"].value)
    if n:
        sizes[""] = n
    del store
    return sizes


def count_instances(path: str | Path, graph: str, classes: Mapping[str, str],
                    exclude: Mapping[str, Iterable[str]] | None = None) -> dict[str, int]:
    """For each ``name -> class IRI`` (our own constants, never user input): the number of
    distinct instances in ``graph``, leaving out instances of the classes ``exclude[name]``."""
    store = Store.read_only(str(path))
    counts = {}
    for name, cls in classes.items():
        filters = "".join(f" FILTER NOT EXISTS {{ ?x a <{ex}> }}"
                          for ex in (exclude or {}).get(name, ()))
        query = (f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH <{graph}> "
                 f"{{ ?x a <{cls}>{filters} }} }}")
        counts[name] = int(next(iter(store.query(query)))["n"].value)
    del store
    return counts


def rdflib_graph(nquads: str):
    """The triples of an N-Quads text as an rdflib Graph (graph names dropped), for pySHACL:
    pyoxigraph parses, which is faster than rdflib's own N-Quads parser."""
    from rdflib import BNode as RBNode
    from rdflib import Graph as RGraph
    from rdflib import Literal as RLiteral
    from rdflib import URIRef

    graph = RGraph()
    cache: dict = {}

    def term(node):
        converted = cache.get(node)
        if converted is None:
            if isinstance(node, NamedNode):
                converted = URIRef(node.value)
            elif isinstance(node, BlankNode):
                converted = RBNode(node.value)
            elif node.language:
                converted = RLiteral(node.value, lang=node.language)
            elif node.datatype.value == _XSD_STRING:  # RDF 1.1: "a" and "a"^^xsd:string are
                converted = RLiteral(node.value)      # one term; rdflib tells them apart
            else:
                converted = RLiteral(node.value, datatype=URIRef(node.datatype.value))
            cache[node] = converted
        return converted

    add = graph.add
    for quad in parse(nquads, RdfFormat.N_QUADS):
        add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph


def read_quads(path: str | Path) -> list[tuple[str, str, str, str]]:
    """Every quad of the store at ``path`` as N-Quads term strings (s, p, o, g), for tests
    and checks; the default graph is ``""``."""
    store = Store.read_only(str(path))
    out = [(str(q.subject), str(q.predicate), str(q.object),
            str(q.graph_name) if isinstance(q.graph_name, NamedNode) else "")
           for q in store]
    del store
    return out
