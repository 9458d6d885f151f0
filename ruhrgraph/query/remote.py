"""A remote SPARQL 1.1 endpoint as the backend, and pushing a build to a Graph Store.

:class:`RemoteBackend` is the one remote member of the backend family
(:class:`ruhrgraph.query.backends.Backend`); :func:`push` is what ``ruhrgraph load`` sends.
Queries go out with the SPARQL 1.1 Protocol (POST, form-encoded, with the dataset IRIs) and
come back as SPARQL JSON results or N-Triples, which :func:`ruhrgraph.store.parse_remote`
turns into the same complete, row-limited :class:`~ruhrgraph.store.Result` the embedded
store gives. The guard runs before, exactly as for the embedded store.
"""

from __future__ import annotations

import re
import threading
import urllib.parse

import requests

from ruhrgraph import store
from ruhrgraph.query.bindings import inline_values
from ruhrgraph.store import GRAPH, Result

#: Triples per request when `ruhrgraph load` sends a large graph in parts.
CHUNK_TRIPLES = 250_000

_ACCEPT = {GRAPH: "application/n-triples",
           "bindings": "application/sparql-results+json, application/sparql-results+xml;q=0.9"}


class RemoteError(RuntimeError):
    """The remote endpoint failed or answered something unusable."""

    def __init__(self, message: str, status: int = 502):
        super().__init__(message)
        self.status = status


class RemoteSyntaxError(RemoteError):
    def __init__(self, message: str):
        super().__init__(message, 400)


class RemoteTimeout(RemoteError):
    def __init__(self, message: str):
        super().__init__(message, 504)


_ERROR_AT = re.compile(r"^(error at )(\d+):")  # Oxigraph's "error at 3:2: expected ..."

_LIMITED = re.compile(r"\bLIMIT\s+[0-9]+\s*$", re.IGNORECASE)


class RemoteBackend:
    """Evaluates queries on the SPARQL endpoint at ``url``."""

    recycle_on_timeout = False  # the request ends by itself at the HTTP timeout

    def __init__(self, url: str, timeout: float):
        self.url, self.timeout = url, timeout
        self._local = threading.local()

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
        data = [("query", query)]
        data += [("default-graph-uri", g) for g in default_graphs or ()]
        data += [("named-graph-uri", g) for g in named_graphs or ()]
        try:
            response = self._session().post(
                self.url, data=data, headers={"Accept": _ACCEPT[kind]},
                timeout=(5, self.timeout))
        except requests.Timeout as error:
            raise RemoteTimeout(f"the remote endpoint did not answer in time: {error}") \
                from None
        except requests.RequestException as error:
            raise RemoteError(f"the remote endpoint cannot be reached: {error}") from None
        if response.status_code == 400:
            message = response.text.strip()[:2000] or "bad query"
            if based:
                message = _ERROR_AT.sub(lambda m: f"{m[1]}{int(m[2]) - 1}:", message, count=1)
            raise RemoteSyntaxError(message)
        if response.status_code != 200:
            raise RemoteError(f"the remote endpoint answered HTTP {response.status_code}: "
                              + response.text.strip()[:500])
        return store.parse_remote(kind, response.content,
                                  response.headers.get("Content-Type", ""), max_rows)

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
        result = self.evaluate("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", "SELECT")
        return sorted(line.strip()[1:-1] for line in result.body.decode().splitlines()[1:]
                      if line.startswith("<"))

    def healthy(self) -> bool:
        result = self.evaluate("ASK { }", "ASK")
        return result.body == b"true"


def push(read_store: store.ReadStore, url: str, timeout: float = 600,
         chunk: int = CHUNK_TRIPLES) -> list[tuple[str, int]]:
    """Replace every named graph of ``read_store`` at the Graph Store ``url`` (SPARQL 1.1
    Graph Store HTTP Protocol, indirect graph identification: ``PUT url?graph=IRI``).
    Answers (graph IRI, bytes sent) per graph.

    A graph of more than ``chunk`` triples without blank nodes goes as a PUT of its first
    ``chunk`` triples and POSTs (which add) of the rest, read from the store as they are
    sent: one 2 GB request (the x1000 catalogue) held 2 GB in memory here and the Oxigraph
    server did not answer it within 600 s."""
    sent = []
    sizes = read_store.graph_sizes()
    whole = read_store.graphs_with_blank_nodes() if max(sizes.values(), default=0) > chunk \
        else set()
    with requests.Session() as session:
        for graph in read_store.graph_names():
            target = url + ("&" if "?" in url else "?") + urllib.parse.urlencode({"graph": graph})
            if sizes.get(graph, 0) > chunk and graph not in whole:
                bodies = read_store.graph_ntriples_chunks(graph, chunk)
            else:
                bodies = iter([read_store.graph_ntriples(graph)])
            size = 0
            for number, body in enumerate(bodies):
                send = session.put if number == 0 else session.post
                response = send(target, data=body, timeout=timeout,
                                headers={"Content-Type": "application/n-triples"})
                if response.status_code not in (200, 201, 204):
                    raise RemoteError(f"{'PUT' if number == 0 else 'POST'} {target} answered "
                                      f"HTTP {response.status_code}: "
                                      + response.text.strip()[:500])
                size += len(body)
            sent.append((graph, size))
    return sent
