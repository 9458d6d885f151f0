"""The adapter of a standard SPARQL 1.1 engine, the base of every engine's own adapter.

An :class:`Engine` knows how one engine is asked (the form fields of a query, the answer's
quirks) and written to (its Graph Store and Update endpoints, its credentials). The web tier
names the release's graphs as the dataset of every query that names none (default graph:
their union; named graphs: exactly them), so an engine's own default graph (Virtuoso's holds
its system graphs, an Oxigraph server without ``--union-default-graph`` holds nothing) and the
staging graphs of a load in progress never reach an answer. A subclass overrides only what
its engine does differently (:mod:`.virtuoso`, :mod:`.oxigraph`).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from typing import ClassVar

import requests

from ruhrgraph.namespaces import XSD

#: Graph IRIs a load writes into before it switches them in (never shown to a reader).
STAGING = "urn:ruhrgraph:staging:"


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


_USERINFO = re.compile(r"//[^/@\s]*@")


def redact(text: str) -> str:
    """``text`` without the user and password a URL in it may carry (``//user:pw@host``)."""
    return _USERINFO.sub("//", text)


def staging_graph(build_id: str, graph: str) -> str:
    return STAGING + urllib.parse.quote(build_id, safe="") + ":" + urllib.parse.quote(
        graph, safe="")


class Engine:
    """A SPARQL 1.1 engine (Protocol, Graph Store Protocol, Update), nothing more assumed."""

    name = "sparql"
    #: What its HTTP ``Server`` header starts with (for ``BACKEND_ENGINE=auto``).
    server = ""
    #: The form field of the Graph Store Protocol's graph IRI (indirect identification).
    graph_param = "graph"
    #: Path ends of its query, Graph Store and Update endpoints, when they sit side by side
    #: (:meth:`at` finds the others from any one); empty: all three are the URL given.
    paths: ClassVar[dict[str, str]] = {}

    def __init__(self, query_url: str = "", *, store_url: str = "", update_url: str = "",
                 user: str = "", password: str = ""):
        self.query_url, self.store_url, self.update_url = query_url, store_url, update_url
        self.user, self.password = user, password

    @classmethod
    def at(cls, url: str, *, user: str = "", password: str = "") -> Engine:
        """The engine whose query, Graph Store or Update endpoint is ``url``."""
        urls = dict.fromkeys(("query", "store", "update"), url)
        for end in sorted(cls.paths.values(), key=len, reverse=True):
            if url.rstrip("/").endswith(end):
                root = url.rstrip("/")[: -len(end)]
                urls = {role: root + path for role, path in cls.paths.items()}
                break
        return cls(urls["query"], store_url=urls["store"], update_url=urls["update"],
                   user=user, password=password)

    def __repr__(self) -> str:  # never the password
        return f"{type(self).__name__}({redact(self.query_url or self.store_url)!r})"

    @property
    def auth(self) -> requests.auth.AuthBase | None:
        return requests.auth.HTTPBasicAuth(self.user, self.password) if self.user else None

    # --- the read side -------------------------------------------------------------------

    def query_fields(self, query: str, form: str | None, default_graphs, named_graphs,
                     dataset: Sequence[str], has_dataset: bool, timeout: float
                     ) -> list[tuple[str, str]]:
        """The form fields of one query: the request's dataset, else (when the query names
        none either) the release's graphs as default and named graphs."""
        fields = [("query", self.rewrite(query, form))]
        if default_graphs is None and named_graphs is None and not has_dataset and dataset:
            default_graphs = named_graphs = dataset
        fields += [("default-graph-uri", g) for g in default_graphs or ()]
        fields += [("named-graph-uri", g) for g in named_graphs or ()]
        return fields

    def rewrite(self, query: str, form: str | None) -> str:
        """The query as this engine must be sent it to answer as the embedded store does."""
        return query

    def check(self, response: requests.Response, timeout: float) -> None:
        """Raise when a 200 answer is not a complete one (an engine's partial answers)."""

    def fix_bindings(self, body: bytes, media_type: str) -> bytes:
        """A SPARQL results document as the standard has it (the engine's quirks undone)."""
        return body

    def fix_graph(self, body: bytes, media_type: str) -> bytes:
        return body

    def unordered(self, query: str, response: requests.Response
                  ) -> tuple[str, list[tuple[str, bool]]] | None:
        """When the engine refused ``query`` for a limit of its own sort (not of the query):
        the query without its final ``ORDER BY`` and the keys to sort its answer by here
        (:func:`sort_bindings`); None: the refusal stands."""
        return None

    # --- the write side ------------------------------------------------------------------

    def encode(self, ntriples: bytes) -> bytes:
        """N-Triples as this engine must store them to give back the same terms."""
        return ntriples

    def retry_after(self, response: requests.Response) -> bool:
        """Whether a failed write should be sent again as it was (the engine rolled it back
        and says so, e.g. a deadlock between its own threads); writes of triples are
        idempotent (a graph is a set), so sending one twice changes nothing."""
        return False

    def graph_target(self, graph: str) -> str:
        url = self.store_url
        return url + ("&" if "?" in url else "?") + urllib.parse.urlencode(
            {self.graph_param: graph})

    def update(self, session: requests.Session, text: str, timeout: float) -> None:
        """One SPARQL Update request (one transaction on the engines we know)."""
        response = session.post(self.update_url, data={"update": text}, auth=self.auth,
                                timeout=timeout)
        if response.status_code not in (200, 204):
            raise RemoteError(f"the update at {redact(self.update_url)} answered HTTP "
                              f"{response.status_code}: {self.write_hint(response)}"
                              f"{_excerpt(response)}")

    def write_hint(self, response: requests.Response) -> str:
        """What to change when a failed write is the engine's configuration (a sentence
        ending in '; ' put before its own error text), or ''."""
        return ""

    def switch(self, moves: Iterable[tuple[str, str]]) -> str:
        """The update that replaces each graph by its staging graph, all at once."""
        return " ;\n".join(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>"
                           for staging, graph in moves)

    # --- what a health check may add -----------------------------------------------------

    def configuration_problem(self, session: requests.Session, max_rows: int) -> str:
        """A reason why this engine, configured as it is, cannot answer as the embedded
        store does (e.g. it cuts results below ``max_rows``); empty: none known."""
        return ""


def _excerpt(response: requests.Response) -> str:
    """The start of an engine's error text, without credentials a URL in it may carry."""
    return redact(response.text.strip()[:500])


_ORDER_KEY = r"(?:(?:ASC|DESC)\s*\(\s*\?\w+\s*\)|\?\w+)"
_FINAL_ORDER = re.compile(r"\bORDER\s+BY((?:\s*" + _ORDER_KEY + r")+)\s*$", re.IGNORECASE)
_KEY = re.compile(r"(ASC|DESC)?\s*\(?\s*\?(\w+)", re.IGNORECASE)


def split_order(query: str) -> tuple[str, list[tuple[str, bool]]] | None:
    """``query`` without a final ``ORDER BY`` of plain variables (``?v``, ``ASC(?v)``,
    ``DESC(?v)``; nothing after it, so no LIMIT or OFFSET depends on the order) and its keys
    as (variable, descending); None for any other query."""
    found = _FINAL_ORDER.search(query)
    if found is None or query.rfind("}") > found.start():  # an ORDER BY of a sub-query
        return None
    keys = [(name, (word or "").upper() == "DESC")
            for word, name in _KEY.findall(found.group(1))]
    return query[:found.start()].rstrip(), keys


_NUMERIC = {XSD + name for name in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


def _order_value(term: dict | None) -> tuple:
    """A term's place in SPARQL's ``ORDER BY`` (SPARQL 1.1 §15.1): unbound, blank nodes,
    IRIs, then literals; numbers by value before other literals, which go by their text."""
    if term is None:
        return (0,)
    kind = term.get("type")
    if kind == "bnode":
        return (1, term["value"])
    if kind == "uri":
        return (2, term["value"])
    if term.get("datatype") in _NUMERIC:
        try:
            return (3, float(term["value"]), "")
        except ValueError:
            pass
    return (4, 0.0, term["value"])


def sort_bindings(body: bytes, keys: list[tuple[str, bool]]) -> bytes:
    """A SPARQL JSON results document with its rows in the order of ``keys`` (stable: sorted
    by the last key first)."""
    document = json.loads(body)
    rows = document["results"]["bindings"]
    for name, descending in reversed(keys):
        rows.sort(key=lambda row, n=name: _order_value(row.get(n)), reverse=descending)
    document["results"]["ordered"] = True
    return json.dumps(document).encode()
