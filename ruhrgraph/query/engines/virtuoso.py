"""OpenLink Virtuoso 7.2: what it does differently, undone here.

Read side (``/sparql``, open to anyone):

* JSON results say ``typed-literal`` for a literal with a datatype (SPARQL 1.0's JSON note)
  and name blank nodes ``nodeID://b10000``: rewritten to ``literal`` and ``b10000``.
* Its default graph, when a query names none, is every graph it holds, its own system graphs
  too (``virtrdf#``, ``ldp#``...): the base names the release's graphs as the dataset.
* ``DESCRIBE`` answers more than the subject's own triples unless told
  ``define sql:describe-mode "CBD"`` (then it gives the embedded store's answer).
* A query that runs out of its ``timeout`` answers 200 with *partial* results and
  ``X-SQL-State: S1TAT``: we send our deadline as its timeout (so the engine stops working at
  it) and treat such an answer as a timeout, never as data.
* It stores ``geo:wktLiteral`` values as its own geometry type, in single precision, and gives
  back ``"POINT(6.7595601081848 51.435001373291)"^^virtrdf:Geometry``: the load stores them
  under :data:`WKT` instead (a datatype Virtuoso keeps as text) and answers map it back.
* It gives ``xsd:boolean`` values back as ``"1"`` and ``"0"``: written ``true``/``false`` here.
* ``ResultSetMaxRows`` (Debian's ini: 10,000) cuts every result silently, and an ``ORDER BY``
  with a ``LIMIT`` above ``MaxSortedTopRows`` (default 10,000) fails:
  :meth:`Virtuoso.configuration_problem` reports an ini whose limits are below ours.
* Its sort cannot hold a long string (``SR319``/``SR478``; a ``GROUP_CONCAT`` of 400+ codes
  at x100): a query ending in an ``ORDER BY`` of variables is sent again without it and its
  rows sorted here (:meth:`Virtuoso.unordered`, ``base.sort_bindings``).
* It orders IRIs by its internal ids, not by their text (``ORDER BY ?iri``): our own code
  sorts IRIs itself; a user's query sees Virtuoso's order.

Write side: the Graph Store at ``/sparql-graph-crud-auth`` (``graph-uri=``) and SPARQL Update
at ``/sparql-auth``, both behind HTTP digest authentication (a user with the
``SPARQL_UPDATE`` role, e.g. ``dba``). One update request is one transaction; readers read
committed data (Virtuoso's default isolation), so a query sees the old graphs or the new ones,
except one that is running across the commit itself, which may read some of each. A large
``POST`` can fail with ``SR172: Transaction deadlocked`` (rolled back): it is sent again
(:meth:`Virtuoso.retry_after`).
"""

from __future__ import annotations

import json
import re
from typing import ClassVar

import requests

from ruhrgraph.namespaces import GEO, XSD
from ruhrgraph.query.engines.base import Engine, RemoteTimeout, split_order

#: The datatype a ``geo:wktLiteral`` is stored under in Virtuoso (kept as text there).
WKT = "urn:ruhrgraph:virtuoso:wktLiteral"
_WKT_OUT = b"^^<" + (GEO + "wktLiteral").encode() + b">"
_WKT_IN = b"^^<" + WKT.encode() + b">"
_BOOLEAN = XSD + "boolean"
_BOOLEANS = {"1": "true", "0": "false"}
_BOOLEAN_TERM = re.compile(rb'"([01])"\^\^<' + re.escape(_BOOLEAN.encode()) + rb">")


class Virtuoso(Engine):
    name = "virtuoso"
    server = "Virtuoso/"
    graph_param = "graph-uri"
    paths: ClassVar[dict[str, str]] = {
        "query": "/sparql", "store": "/sparql-graph-crud-auth", "update": "/sparql-auth"}

    @property
    def auth(self) -> requests.auth.AuthBase | None:
        return requests.auth.HTTPDigestAuth(self.user, self.password) if self.user else None

    def query_fields(self, query, form, default_graphs, named_graphs, dataset, has_dataset,
                     timeout):
        fields = super().query_fields(query, form, default_graphs, named_graphs, dataset,
                                      has_dataset, timeout)
        return [*fields, ("timeout", str(int(timeout * 1000)))]

    def rewrite(self, query: str, form: str | None) -> str:
        if form == "DESCRIBE":
            return 'define sql:describe-mode "CBD"\n' + query
        return query

    def check(self, response: requests.Response, timeout: float) -> None:
        if response.headers.get("X-SQL-State", "").startswith("S1T"):
            raise RemoteTimeout(f"the engine stopped the query at its timeout ({timeout:g} s) "
                                "and answered part of the result")

    def fix_bindings(self, body: bytes, media_type: str) -> bytes:
        if "json" not in media_type:
            return body
        document = json.loads(body)
        for row in document.get("results", {}).get("bindings", ()):
            for term in row.values():
                kind = term.get("type")
                if kind == "typed-literal":
                    term["type"] = "literal"
                elif kind == "bnode" and term["value"].startswith("nodeID://"):
                    term["value"] = term["value"][len("nodeID://"):]
                datatype = term.get("datatype")
                if datatype == WKT:
                    term["datatype"] = GEO + "wktLiteral"
                elif datatype == _BOOLEAN:
                    term["value"] = _BOOLEANS.get(term["value"], term["value"])
        return json.dumps(document).encode()

    def unordered(self, query, response):
        # A long string (a GROUP_CONCAT of 400+ codes at x100) cannot go through its sort's
        # temporary table: "SR319: Max row length is exceeded" / "SR478: Value of ANY type
        # column too long"; the same query without ORDER BY answers, and is sorted here.
        if response.status_code == 500 and ("SR319" in response.text
                                             or "SR478" in response.text):
            return split_order(query)
        return None

    def fix_graph(self, body: bytes, media_type: str) -> bytes:
        body = _BOOLEAN_TERM.sub(lambda m: b'"%s"^^<%s>' % (
            _BOOLEANS[m.group(1).decode()].encode(), _BOOLEAN.encode()), body)
        return body.replace(_WKT_IN, _WKT_OUT)

    def encode(self, ntriples: bytes) -> bytes:
        return ntriples.replace(_WKT_OUT, _WKT_IN)

    def retry_after(self, response: requests.Response) -> bool:
        # "SR172: Transaction deadlocked" (SQL state 40001): its insert threads deadlocked
        # and it rolled the request back (seen on a 250,000-triple POST at x100); its own
        # documentation's remedy is to run the transaction again.
        return response.status_code == 500 and ("40001" in response.text
                                                or "SR172" in response.text)

    def write_hint(self, response: requests.Response) -> str:
        if "SR325" in response.text:  # the switch is one transaction: its log must hold it
            return ("the switch of the release is one transaction, larger than Virtuoso's "
                    "[Parameters] TransactionAfterImageLimit (50,000,000 bytes unless set): "
                    "raise it in virtuoso.ini above the release's size (docs/deploy.md); ")
        return ""

    def configuration_problem(self, session: requests.Session, max_rows: int) -> str:
        problems = []
        for section, item, what in _LIMITS:
            query = f"SELECT (bif:virtuoso_ini_item_value('{section}', '{item}') AS ?n) {{}}"
            try:
                response = session.post(self.query_url, data={"query": query}, timeout=10,
                                        headers={"Accept": "application/sparql-results+json"})
                limit = int(response.json()["results"]["bindings"][0]["n"]["value"])
            except (requests.RequestException, ValueError, KeyError, IndexError):
                continue  # not set (its default is below ours) or not readable: see below
            if 0 < limit <= max_rows:
                problems.append(f"[{section}] {item} is {limit}: {what}")
        if problems:
            return (f"Virtuoso's ini cuts our results (MAX_RESULT_ROWS is {max_rows}; set "
                    "these above it): " + "; ".join(problems))
        return ""


#: Limits of virtuoso.ini below which it cannot answer as the embedded store does.
_LIMITS = (("SPARQL", "ResultSetMaxRows", "every result is cut there, silently"),
           ("Parameters", "MaxSortedTopRows",
            "an ORDER BY with a LIMIT above it fails (our page queries have one)"))
