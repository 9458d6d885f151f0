"""A remote SPARQL 1.1 endpoint as the backend, and loading a build onto an engine.

:class:`RemoteBackend` is the one remote member of the backend family
(:class:`ruhrgraph.query.backends.Backend`); :func:`push` is what ``ruhrgraph load`` sends.
Queries go out with the SPARQL 1.1 Protocol (POST, form-encoded, with the dataset IRIs: the
request's, else the release's graphs) and come back as SPARQL JSON results or N-Triples,
which the engine's adapter (:mod:`ruhrgraph.query.engines`) puts right and
:func:`ruhrgraph.store.parse_remote` turns into the same complete, row-limited
:class:`~ruhrgraph.store.Result` the embedded store gives. The guard runs before, exactly as
for the embedded store. :meth:`RemoteBackend.release_problem` tells whether the engine holds
the release the web tier was started for.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

import requests

from ruhrgraph import store
from ruhrgraph.namespaces import PROV
from ruhrgraph.query.bindings import inline_values
from ruhrgraph.query.engines import (
    Engine,
    RemoteError,
    RemoteSyntaxError,
    RemoteTimeout,
    redact,
    sort_bindings,
    staging_graph,
)
from ruhrgraph.query.executor import QueryTimeout
from ruhrgraph.store import GRAPH, Result

#: Triples per request when `ruhrgraph load` sends a large graph in parts.
CHUNK_TRIPLES = 250_000
#: Times one part is sent when the engine says it rolled it back and it may be sent again.
WRITE_ATTEMPTS = 4

_JSON = "application/sparql-results+json"  # what sort_bindings reads
_ACCEPT = {GRAPH: "application/n-triples",
           "bindings": "application/sparql-results+json, application/sparql-results+xml;q=0.9"}


_LIMITED = re.compile(r"\bLIMIT\s+[0-9]+\s*$", re.IGNORECASE)
_ERROR_AT = re.compile(r"^(error at )(\d+):")  # Oxigraph's "error at 3:2: expected ..."


class RemoteBackend:
    """Evaluates queries on the SPARQL endpoint at ``url``."""

    recycle_on_timeout = False  # the request ends by itself at the HTTP timeout

    def __init__(self, url: str, timeout: float,
                 engine: Engine | Callable[[], Engine] | None = None,
                 dataset: tuple[str, ...] = ()):
        """``engine`` is the adapter, or what finds it (asks the engine: done at the first
        query, so a web tier may start before its engine)."""
        self.url, self.timeout = url, timeout
        self._engine = engine or Engine(url)
        self.dataset = dataset  # the release's graphs: the dataset of a query naming none
        self._local = threading.local()

    @property
    def engine(self) -> Engine:
        if not isinstance(self._engine, Engine):
            self._engine = self._engine()  # a RemoteError leaves it to the next query
        return self._engine

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def evaluate(self, query: str, form: str | None, *, default_graphs=None, named_graphs=None,
                 max_rows: int = 100_000, has_dataset: bool = False,
                 bindings=None, base_iri: str | None = None) -> Result:
        """``bindings`` (variable name -> typed term) travel as an inline VALUES block that
        :func:`ruhrgraph.query.bindings.inline_values` writes from the terms' own syntax: a remote
        endpoint has no substitutions. ``base_iri`` (an IRI of our own settings or the
        checked Host, never query text) goes as a ``BASE`` line before the query: the
        protocol has no parameter for it, a ``BASE`` of the query itself, later, still wins,
        and the line numbers of the engine's syntax errors are given back as the query's."""
        kind = GRAPH if form in ("CONSTRUCT", "DESCRIBE") else "bindings"
        if bindings:
            query = inline_values(query, bindings)
        based = bool(base_iri) and store.valid_iri(base_iri)
        if based:
            query = f"BASE <{base_iri}>\n{query}"
        response = self._post(query, form, default_graphs, named_graphs, has_dataset,
                              _ACCEPT[kind])
        order = None
        if response.status_code != 200 and kind != GRAPH:
            order = self.engine.unordered(query, response)
            if order is not None:  # the engine's sort failed: the rows are sorted here
                response = self._post(order[0], form, default_graphs, named_graphs,
                                      has_dataset, _JSON)
        if response.status_code == 400:
            message = redact(response.text.strip()[:2000]) or "bad query"
            if based:
                message = _ERROR_AT.sub(lambda m: f"{m[1]}{int(m[2]) - 1}:", message, count=1)
            raise RemoteSyntaxError(message)
        if response.status_code != 200:
            raise RemoteError(f"the remote endpoint answered HTTP {response.status_code}: "
                              + redact(response.text.strip()[:500]))
        try:
            self.engine.check(response, self.timeout)
        except RemoteTimeout:
            raise QueryTimeout(self.timeout) from None
        media_type = response.headers.get("Content-Type", "")
        fix = self.engine.fix_graph if kind == GRAPH else self.engine.fix_bindings
        try:
            body = fix(response.content, media_type)
            if order is not None:
                body = sort_bindings(body, order[1])
        except (ValueError, KeyError) as error:
            raise RemoteError(f"the remote endpoint answered invalid {media_type}: {error}"
                              ) from None
        return store.parse_remote(kind, body, media_type, max_rows)

    def _post(self, query: str, form, default_graphs, named_graphs, has_dataset: bool,
              accept: str) -> requests.Response:
        data = self.engine.query_fields(query, form, default_graphs, named_graphs,
                                        self.dataset, has_dataset, self.timeout)
        try:
            return self._session().post(self.url, data=data, headers={"Accept": accept},
                                        timeout=(5, self.timeout))
        except requests.Timeout:
            raise QueryTimeout(self.timeout) from None
        except requests.RequestException as error:
            raise RemoteError("the remote endpoint cannot be reached: "
                              + redact(str(error))) from None

    def rows(self, query: str, *, max_rows: int = 100_000, bindings=None
             ) -> list[dict[str, object]]:
        """As :meth:`ruhrgraph.query.backends.LocalBackend.rows`; ``max_rows`` (a number our
        code computed) goes to the engine as a LIMIT, so it does not send what would be cut
        here (the first 100 of a programme's 74,000 parts)."""
        if not _LIMITED.search(query):
            query = f"{query}\nLIMIT {int(max_rows)}"
        return store.solutions(self.evaluate(query, "SELECT", max_rows=max_rows,
                                             bindings=bindings))[1]

    def graph_names(self) -> list[str]:
        """The release's graphs the engine holds (one ASK each: cheap at any size; Virtuoso
        answers ``GRAPH ?g { }`` with nothing), or, without a release, every graph."""
        if self.dataset:
            return [g for g in self.dataset if self.evaluate(
                f"ASK {{ GRAPH <{g}> {{ ?s ?p ?o }} }}", "ASK").body == b"true"]
        result = self.evaluate("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", "SELECT")
        return sorted(line.strip()[1:-1] for line in result.body.decode().splitlines()[1:]
                      if line.startswith("<"))

    def healthy(self) -> bool:
        result = self.evaluate("ASK { }", "ASK")
        return result.body == b"true"

    def release_problem(self, manifest: dict, max_rows: int) -> str:
        """Why the engine does not serve the release ``manifest`` describes (empty: it does):
        it holds none of its graphs, another build, other quad counts per graph, or is set
        up to cut our results. A manifest without ``graphs`` or ``build_iri`` (not made by
        ``ruhrgraph build``) is checked for data only."""
        sizes = self.graph_sizes()
        if not any(sizes.values()):
            return ("the engine holds none of the release's graphs (empty, or loaded "
                    "elsewhere): load it with `ruhrgraph load --to URL`")
        expected_iri = manifest.get("build_iri")
        if expected_iri:
            held = self.build_iris()
            if expected_iri not in held:
                return (f"the engine holds build {', '.join(held) or '(none)'}, not "
                        f"{expected_iri}: load this release, or serve the one it holds")
        expected = manifest.get("graphs") or {}
        wrong = [f"{g}: {sizes.get(g, 0)} quads, expected {n}" for g, n in
                 sorted(expected.items()) if sizes.get(g, 0) != n]
        if wrong:
            return ("the engine holds other quad counts than the release (half-loaded or "
                    "changed): " + "; ".join(wrong))
        return self.engine.configuration_problem(self._session(), max_rows)

    def graph_sizes(self) -> dict[str, int]:
        """Quads per graph of the dataset the web tier reads."""
        _, rows = store.solutions(self.evaluate(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            "SELECT"))
        return {row["g"].value: int(row["n"].value) for row in rows}

    def build_iris(self) -> list[str]:
        """The builds the engine's meta graphs describe (one, when a release is loaded)."""
        _, rows = store.solutions(self.evaluate(
            f"SELECT DISTINCT ?b WHERE {{ GRAPH ?g {{ ?b a <{PROV}Activity> }} }} ORDER BY ?b",
            "SELECT"))
        return [row["b"].value for row in rows]


def push(read_store: store.ReadStore, engine: Engine, build_id: str, timeout: float = 600,
         chunk: int = CHUNK_TRIPLES) -> list[tuple[str, int]]:
    """Load every named graph of ``read_store`` onto ``engine`` so that no reader sees a
    half-loaded release: each graph goes to a staging graph of its own
    (:func:`~ruhrgraph.query.engines.staging_graph`, SPARQL 1.1 Graph Store HTTP Protocol,
    ``PUT`` of the first ``chunk`` triples, ``POST`` of the rest, read from the store as they
    are sent), then one SPARQL Update moves every staging graph onto its graph at once (one
    transaction: see the engine's module for what its readers see meanwhile). The web tier
    never reads a staging graph: it names the release's graphs as its dataset. Running it
    again gives the same graphs (the staging graphs are replaced, the move replaces the
    graphs). Answers (graph IRI, bytes sent) per graph.

    A graph of more than ``chunk`` triples without blank nodes is sent in parts: one 2 GB
    request (the x1000 catalogue) held 2 GB in memory here and the Oxigraph server did not
    answer it within 600 s. A graph with blank nodes goes whole (a blank node's label is
    scoped to its document)."""
    sent = []
    sizes = read_store.graph_sizes()
    whole = read_store.graphs_with_blank_nodes() if max(sizes.values(), default=0) > chunk \
        else set()
    moves = []
    with requests.Session() as session:
        session.auth = engine.auth
        for graph in read_store.graph_names():
            staging = staging_graph(build_id, graph)
            target = engine.graph_target(staging)
            if sizes.get(graph, 0) > chunk and graph not in whole:
                bodies = read_store.graph_ntriples_chunks(graph, chunk)
            else:
                bodies = iter([read_store.graph_ntriples(graph)])
            size = 0
            for number, body in enumerate(bodies):
                send = session.put if number == 0 else session.post
                for attempt in range(WRITE_ATTEMPTS):
                    response = send(target, data=engine.encode(body), timeout=timeout,
                                    headers={"Content-Type": "application/n-triples"})
                    if response.status_code in (200, 201, 204) or \
                            not engine.retry_after(response):
                        break
                    time.sleep(0.5 * (attempt + 1))
                if response.status_code not in (200, 201, 204):
                    raise RemoteError(f"{'PUT' if number == 0 else 'POST'} "
                                      f"{redact(target)} answered HTTP "
                                      f"{response.status_code}: {engine.write_hint(response)}"
                                      + redact(response.text.strip()[:500]))
                size += len(body)
            sent.append((graph, size))
            moves.append((staging, graph))
        engine.update(session, engine.switch(moves), timeout)
    return sent
