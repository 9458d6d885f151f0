"""The read side of the store: open a built store read-only, query it, convert results.

:class:`ReadStore` opens a built store read-only and evaluates SPARQL queries into a
:class:`Result`, a complete result held in a canonical, line-based serialisation (TSV for
solutions, N-Triples for graphs) whose rows are counted while they are written, so a result
is cut at ``max_rows`` without ever materialising more. :func:`convert` turns a
:class:`Result` into any offered format; :func:`parse_remote` turns the answer of a remote
SPARQL endpoint into a :class:`Result` the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from ruhrgraph.store.engine import (
    BINDINGS,
    BOOLEAN,
    GRAPH,
    GRAPH_FORMATS,
    RESULTS_FORMATS,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    Variable,
    parse,
    parse_query_results,
    serialize,
)

_ERROR_AT = re.compile(r"error at (\d+):(\d+): ?")


class QuerySyntaxError(ValueError):
    """A query the SPARQL parser refused, with the 1-based line and column it names."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class StoreError(RuntimeError):
    """The store cannot be opened or read."""


class ResultTooLarge(Exception):
    """Raised inside a serialiser's write to stop it once the row limit is passed."""


@dataclass(frozen=True)
class Result:
    """A complete query result: ``body`` is TSV (bindings), N-Triples (graph) or
    ``true``/``false`` (boolean); ``rows`` counts solutions or triples in it."""

    kind: str
    body: bytes
    rows: int
    truncated: bool = False


class _LineCounter:
    """A binary sink that keeps at most ``limit`` lines after ``header`` lines and stops
    the writer (by raising) as soon as one more arrives."""

    def __init__(self, limit: int, header: int):
        self.limit, self.header = limit, header
        self.chunks: list[bytes] = []
        self.lines = 0
        self.truncated = False

    def write(self, data: bytes) -> int:
        data = bytes(data)
        new = data.count(b"\n")
        if self.lines + new > self.limit + self.header:
            keep = self.limit + self.header - self.lines
            end = -1
            for _ in range(keep):
                end = data.index(b"\n", end + 1)
            self.chunks.append(data[: end + 1])
            self.lines += keep
            self.truncated = True
            raise ResultTooLarge
        self.chunks.append(data)
        self.lines += new
        return len(data)

    def flush(self) -> None:
        pass

    def result(self, kind: str) -> Result:
        return Result(kind, b"".join(self.chunks), self.lines - self.header, self.truncated)


def _solutions_result(solutions: QuerySolutions, max_rows: int) -> Result:
    sink = _LineCounter(max_rows, header=1)
    try:
        solutions.serialize(sink, format=QueryResultsFormat.TSV)
    except ResultTooLarge:
        pass
    return sink.result(BINDINGS)


def _triples_result(triples: Iterable[Triple], max_rows: int) -> Result:
    sink = _LineCounter(max_rows, header=0)
    try:
        if isinstance(triples, QueryTriples):
            triples.serialize(sink, format=RdfFormat.N_TRIPLES)
        else:
            serialize(triples, sink, format=RdfFormat.N_TRIPLES)
    except ResultTooLarge:
        pass
    return sink.result(GRAPH)


def _boolean_result(value: bool) -> Result:
    return Result(BOOLEAN, b"true" if value else b"false", 1)


def _syntax_error(error: SyntaxError) -> QuerySyntaxError:
    text = str(error)
    match = _ERROR_AT.match(text)
    if match:
        return QuerySyntaxError(text[match.end():], int(match.group(1)), int(match.group(2)))
    return QuerySyntaxError(text)


class ReadStore:
    """A built store opened read-only (a snapshot: later writes are not seen)."""

    def __init__(self, store: Store, path: str | None = None):
        self._store = store
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> ReadStore:
        path = Path(path)
        if not path.is_dir():
            raise StoreError(f"no store at {path}: run `ruhrgraph build` first")
        try:
            return cls(Store.read_only(str(path)), str(path))
        except OSError as error:
            raise StoreError(f"cannot open the store at {path}: {error}") from error
        except RuntimeError as error:  # pyoxigraph's answer to a damaged RocksDB directory
            raise StoreError(f"the store at {path} is damaged: {error}") from error

    def evaluate(self, query: str, *, default_graphs: Iterable[str] | None = None,
                 named_graphs: Iterable[str] | None = None, max_rows: int = 100_000,
                 base_iri: str | None = None, union_default: bool = True,
                 bindings: Mapping[str, object] | None = None) -> Result:
        """Evaluate ``query`` completely (call it in a thread that may be abandoned).

        Without dataset IRIs the default graph is the union of all graphs (unless
        ``union_default`` is false: the query has FROM clauses); with either list given, the
        dataset is exactly those graphs (SPARQL 1.1 Protocol §2.1.4). ``bindings`` (variable
        name -> term made with :func:`iri` or :func:`literal`) are bound with pyoxigraph
        substitutions, never pasted into the text (each variable must be projected).
        """
        kwargs: dict = {"base_iri": base_iri}
        if bindings:
            kwargs["substitutions"] = {Variable(n): t for n, t in bindings.items()}
        if default_graphs is None and named_graphs is None:
            kwargs["use_default_graph_as_union"] = union_default
        else:
            kwargs["default_graph"] = [NamedNode(g) for g in default_graphs or ()]
            kwargs["named_graphs"] = [NamedNode(g) for g in named_graphs or ()]
        try:
            answer = self._store.query(query, **kwargs)
        except SyntaxError as error:
            raise _syntax_error(error) from None
        return _materialise(answer, max_rows)

    def select(self, query: str, bindings: Mapping[str, object] | None = None,
               max_rows: int | None = None) -> list[dict[str, object]]:
        """Rows of a SELECT (union default graph) as dicts of pyoxigraph terms, at most
        ``max_rows``: the pages' own queries, without a serialisation in between.

        ``bindings`` maps variable names to terms made with :func:`iri`, :func:`literal`;
        they are bound with pyoxigraph substitutions, never pasted into the text.
        """
        subs = {Variable(name): term for name, term in (bindings or {}).items()}
        try:
            solutions = self._store.query(query, use_default_graph_as_union=True,
                                          substitutions=subs or None)
        except SyntaxError as error:
            raise _syntax_error(error) from None
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names if row[n] is not None}
                for row in islice(solutions, max_rows)]

    def ask(self, query: str) -> bool:
        return bool(self._store.query(query, use_default_graph_as_union=True))

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))

    def graph_ntriples(self, graph: str) -> bytes:
        """Every triple of one named graph as N-Triples."""
        quads = self._store.quads_for_pattern(None, None, None, NamedNode(graph))
        return serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES)

    def graph_ntriples_chunks(self, graph: str, size: int) -> Iterator[bytes]:
        """The triples of one named graph as N-Triples documents of at most ``size``
        triples each, read as they are sent (never the whole graph in memory). Only for a
        graph without blank nodes (:meth:`graphs_with_blank_nodes`): a blank node's label is scoped
        to its document, so one split over two documents would become two nodes."""
        quads = self._store.quads_for_pattern(None, None, None, NamedNode(graph))
        triples = (q.triple for q in quads)
        while chunk := list(islice(triples, size)):
            yield serialize(chunk, format=RdfFormat.N_TRIPLES)

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph."""
        rows = self._store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                                 "GROUP BY ?g")
        return {row["g"].value: int(row["n"].value) for row in rows}

    def graphs_with_blank_nodes(self) -> set[str]:
        rows = self._store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o "
                                 "FILTER(isBlank(?s) || isBlank(?o)) } }")
        return {row["g"].value for row in rows}

    def __len__(self) -> int:
        return len(self._store)


def _materialise(answer: object, max_rows: int) -> Result:
    if isinstance(answer, QueryBoolean):
        return _boolean_result(bool(answer))
    if isinstance(answer, QuerySolutions):
        return _solutions_result(answer, max_rows)
    return _triples_result(answer, max_rows)



def solutions(result: Result) -> tuple[list[str], list[dict[str, object]]]:
    """The variables and rows (dicts of pyoxigraph terms, unbound left out) of a
    ``bindings`` :class:`Result`."""
    if result.kind != BINDINGS:
        raise ValueError(f"a {result.kind} result has no solutions")
    parsed = parse_query_results(result.body, QueryResultsFormat.TSV)
    names = [v.value for v in parsed.variables]
    return names, [{n: row[n] for n in names if row[n] is not None} for row in parsed]




def convert(result: Result, fmt: str, *, prefixes: Mapping[str, str] | None = None) -> bytes:
    """``result`` serialised in ``fmt`` (a key of :data:`RESULTS_FORMATS` or
    :data:`GRAPH_FORMATS`)."""
    if result.kind == BOOLEAN:
        if fmt == "json":
            return b'{"head":{},"boolean":%s}' % result.body
        if fmt == "xml":
            return (b'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-'
                    b'results#"><head></head><boolean>%s</boolean></sparql>\n' % result.body)
        # CSV and TSV have no boolean form in the spec; answer the common convention.
        return (b"_askResult\n" if fmt in ("csv",) else b"?_askResult\n") + result.body + b"\n"
    if result.kind == BINDINGS:
        if fmt == "tsv":
            return result.body
        solutions = parse_query_results(result.body, QueryResultsFormat.TSV)
        return solutions.serialize(format=RESULTS_FORMATS[fmt])
    if fmt == "ntriples":
        return result.body
    triples = [q.triple for q in parse(result.body, RdfFormat.N_TRIPLES)]
    target = GRAPH_FORMATS[fmt]
    if target in (RdfFormat.TURTLE, RdfFormat.TRIG) and prefixes:
        return serialize(triples, format=target, prefixes=dict(prefixes))
    return serialize(triples, format=target)


def parse_remote(kind: str, body: bytes, media_type: str, max_rows: int) -> Result:
    """The answer of a remote endpoint (SPARQL JSON/XML/TSV or an RDF syntax) as a
    :class:`Result`, cut at ``max_rows``."""
    media_type = media_type.split(";")[0].strip().lower()
    try:
        if kind == GRAPH:
            fmt = RdfFormat.from_media_type(media_type)
            if fmt is None:
                raise StoreError(f"remote endpoint answered unsupported {media_type!r}")
            return _triples_result((q.triple for q in parse(body, fmt)), max_rows)
        fmt = QueryResultsFormat.from_media_type(media_type)
        if fmt is None:
            raise StoreError(f"remote endpoint answered unsupported {media_type!r}")
        answer = parse_query_results(body, fmt)
    except SyntaxError as error:
        raise StoreError(f"remote endpoint answered invalid {media_type}: {error}") from None
    if isinstance(answer, QueryBoolean):
        return _boolean_result(bool(answer))
    return _solutions_result(answer, max_rows)


def rdf_to(text: bytes, source_media_type: str, fmt: str,
           prefixes: Mapping[str, str] | None = None) -> bytes:
    """An RDF document re-serialised in ``fmt`` (e.g. the service description)."""
    triples = (q.triple for q in parse(text, RdfFormat.from_media_type(source_media_type)))
    return convert(Result(GRAPH, serialize(triples, format=RdfFormat.N_TRIPLES), 0), fmt,
                   prefixes=prefixes)


