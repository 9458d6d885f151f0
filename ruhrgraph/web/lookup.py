"""The pages' way to ask the graph: our own SELECT queries, values bound as typed terms.

Every query goes through the state's backend (the embedded store or a remote endpoint) in
the query executor, under the configured timeout. Values are bound with ``bindings`` (the
embedded store's substitutions, or an inline VALUES block the backend writes for a remote
endpoint), never pasted into the text. Failures become :class:`ApiError` answers.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from flask import g

from ruhrgraph import metrics, store
from ruhrgraph.bindings import term_syntax
from ruhrgraph.executor import QueryTimeout
from ruhrgraph.remote import RemoteError
from ruhrgraph.web import state
from ruhrgraph.web.errors import ApiError
from ruhrgraph.web.terms import pick_label

PREFIXES = """PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX schema: <http://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def iri(value: str) -> object:
    return store.iri(value)


def text(value: str) -> object:
    return store.literal(value)


def run(query: str, bindings: Mapping[str, object] | None = None, *,
        form: str = "SELECT", max_rows: int | None = None) -> store.Result:
    """The complete result of one of our queries, ``bindings`` bound as typed terms."""
    st = state()
    limit = int(max_rows or st.settings["MAX_RESULT_ROWS"])

    def work() -> store.Result:
        return st.backend.evaluate(query, form, max_rows=limit, bindings=dict(bindings or {}))

    timeout = float(st.settings["QUERY_TIMEOUT"])
    started = time.perf_counter()
    try:
        result = st.executor.run(work, timeout)
    except QueryTimeout as error:
        metrics.TIMEOUTS.inc()
        g.recycle = st.backend.recycle_on_timeout
        raise ApiError(503, "Query Timeout", f"{error}; try again later",
                       headers={"Retry-After": "1"}) from None
    except RemoteError as error:
        raise ApiError(502, "Bad Gateway", f"the SPARQL backend failed: {error}") from None
    except store.StoreError as error:
        raise ApiError(502, "Bad Gateway", f"the store failed: {error}") from None
    log = getattr(g, "log", None)
    if log is not None:
        log["query_ms"] = round(log.get("query_ms", 0) + (time.perf_counter() - started)
                                * 1000, 2)
        log["queries"] = log.get("queries", 0) + 1
    return result


def select(query: str, bindings: Mapping[str, object] | None = None, *,
           max_rows: int | None = None) -> list[dict[str, object]]:
    """Rows (dicts of terms, unbound variables left out) of a SELECT of ours."""
    return store.solutions(run(PREFIXES + query, bindings, max_rows=max_rows))[1]


def labels(iris: list[str]) -> dict[str, tuple[str, str | None]]:
    """The label to show (German, else English, else any) of each IRI that has one.

    The IRIs come from the graph (a result of ours), never from a request; they are written
    into a VALUES block from validated IRI terms, 400 at a time.
    """
    found: dict[str, list[tuple[str, str | None]]] = {}
    unique = sorted(set(iris))
    for i in range(0, len(unique), 400):
        block = " ".join(term_syntax(store.iri(x)) for x in unique[i:i + 400])
        query = ("SELECT ?x ?label WHERE { VALUES ?x { " + block + " } "
                 "?x rdfs:label|skos:prefLabel ?label }")
        for row in select(query):
            found.setdefault(row["x"].value, []).append((row["label"].value,
                                                         row["label"].language))
    return {x: pick_label(ls) for x, ls in found.items()}
