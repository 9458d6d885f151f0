"""The pages' way to ask the graph: our own SELECT queries, values bound as typed terms.

Every query goes through the state's backend (the embedded store or a remote endpoint) in
the query executor, under the configured timeout. Values are bound with ``bindings`` (the
embedded store's substitutions, or an inline VALUES block the backend writes for a remote
endpoint), never pasted into the text. Failures (timeout, store, remote endpoint) rise to
the one table of answers in ``web.ops.errors``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from flask import g, has_request_context, request

from ruhrgraph import store
from ruhrgraph.namespaces import PREFIXES as NAMESPACES
from ruhrgraph.namespaces import RDFS, SKOS
from ruhrgraph.web import state
from ruhrgraph.web.ops.monitoring import overdue_recycler
from ruhrgraph.web.pages.terms import pick_label

#: The prologue of the pages' own queries: the one prefix table (``namespaces.PREFIXES``).
PREFIXES = "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in NAMESPACES.items())


def true(term) -> bool:
    """Whether a boolean a query computed is true: ``true`` or ``1`` (both lexical forms of
    ``xsd:boolean``; Virtuoso answers ``EXISTS``/``BIND(true ...)`` with the integer 1)."""
    return term is not None and term.value in ("true", "1")


def iri(value: str) -> object:
    return store.iri(value)


def text(value: str) -> object:
    return store.literal(value)


def run(query: str, bindings: Mapping[str, object] | None = None, *,
        form: str = "SELECT", max_rows: int | None = None) -> store.Result:
    """The complete result of one of our queries, ``bindings`` bound as typed terms."""
    st = state()
    limit = max_rows or st.settings.max_result_rows
    return _timed(lambda: st.backend.evaluate(query, form, max_rows=limit,
                                              bindings=dict(bindings or {})))


def _timed(work):
    """``work()`` in the query executor under the configured timeout (its failures rise to
    ``web.ops.errors``); the time it took in the request's log."""
    st = state()
    started = time.perf_counter()
    server = request.environ.get("SERVER_SOFTWARE", "") if has_request_context() else ""
    result = st.executor.run(work, st.settings.query_timeout, overdue_recycler(st, server))
    log = getattr(g, "log", None)
    if log is not None:
        log["query_ms"] = round(log.get("query_ms", 0) + (time.perf_counter() - started)
                                * 1000, 2)
        log["queries"] = log.get("queries", 0) + 1
    return result


def select(query: str, bindings: Mapping[str, object] | None = None, *,
           max_rows: int | None = None) -> list[dict[str, object]]:
    """Rows (dicts of terms, unbound variables left out) of a SELECT of ours."""
    st = state()
    limit = max_rows or st.settings.max_result_rows
    return _timed(lambda: st.backend.rows(PREFIXES + query, max_rows=limit,
                                          bindings=dict(bindings or {})))


def labels(iris: list[str]) -> dict[str, tuple[str, str | None]]:
    """The label to show (the interface language, else the other, else any) of each IRI that has one
    (``rdfs:label`` or ``skos:prefLabel``). The IRIs come from the graph (a result of ours),
    never from a request."""
    found: dict[str, list[tuple[str, str | None]]] = {}
    terms = [iri(x) for x in sorted(set(iris))]
    for predicate in (RDFS + "label", SKOS + "prefLabel"):
        for s, _, label in triples(s=terms, p=iri(predicate)):
            found.setdefault(s.value, []).append((label.value, label.language))
    return {x: pick_label(ls) for x, ls in found.items()}


# --- one triple pattern at a time -----------------------------------------------------------
#
# A page asks the graph only single triple patterns, each an index lookup at any size of the
# graph, and joins their answers in Python. A query joining several patterns is planned by
# pyoxigraph before its substitutions apply, so it reads a whole pattern however selective
# the bound value is (docs/reliability.md, "Scale"). The bound positions of a pattern are
# typed terms: one term is bound with substitutions (the resource a request names); several
# terms (resources the graph answered, never request text) become a VALUES block, BLOCK at
# a time.

_PATTERN = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
_COUNT = "SELECT ?p ?o (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ?o"
_COUNT_OUT = "SELECT ?s ?p (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s ?p"
BLOCK = 400

Term = object
Bound = Term | list[Term] | tuple[Term, ...] | None


def _bound(s: Bound, p: Bound, o: Bound):
    """The bindings of a pattern, one dict per block: the longest sequence is cut into
    blocks of at most BLOCK terms (a VALUES block has a row per combination of terms)."""
    given = {n: v for n, v in (("s", s), ("p", p), ("o", o)) if v is not None}
    many = {n: unique(v) for n, v in given.items() if isinstance(v, (list, tuple))}
    if any(not v for v in many.values()):
        return
    if not many:
        yield given
        return
    name = max(many, key=lambda n: len(many[n]))
    for i in range(0, len(many[name]), BLOCK):
        block = {**given, **many, name: many[name][i:i + BLOCK]}
        yield {n: v[0] if isinstance(v, list) and len(v) == 1 else v for n, v in block.items()}


def triples(s: Bound = None, p: Bound = None, o: Bound = None, *,
            max_rows: int | None = None) -> list[tuple[Term, Term, Term]]:
    """The triples matching one pattern; each of ``s p o`` is free (``None``), a term, or a
    sequence of terms the graph answered or of our own vocabulary (an empty sequence matches
    nothing). With ``max_rows``, the first that many in the index's order (per block)."""
    return [(r["s"], r["p"], r["o"]) for bound in _bound(s, p, o)
            for r in select(_PATTERN, bound, max_rows=max_rows)]


def counts(p: Bound, o: Bound) -> dict[str, int]:
    """How many subjects link to each object by ``p`` (by any of several ``p``: their sum;
    an object none links to is left out). Counted by the engine, no row read."""
    out: dict[str, int] = {}
    for bound in _bound(None, p, o):
        for r in select(_COUNT, bound):
            out[r["o"].value] = out.get(r["o"].value, 0) + int(r["n"].value)
    return out


def counts_by_property(*, s: Term | None = None, o: Term | None = None
                       ) -> list[tuple[Term, int]]:
    """(property, count) for one resource, in property order: the values of each of its
    properties (``s``), or the resources linking to it by each property (``o``). Counted by
    the engine (one aggregate over one pattern), no row read."""
    if (s is None) == (o is None):
        raise ValueError("give the resource as s or as o")
    rows = select(_COUNT_OUT, {"s": s}) if s is not None else select(_COUNT, {"o": o})
    return sorted(((r["p"], int(r["n"].value)) for r in rows), key=lambda pn: pn[0].value)


def unique(terms) -> list[Term]:
    seen: set[str] = set()
    out = []
    for term in terms:
        key = str(term)
        if key not in seen:
            seen.add(key)
            out.append(term)
    return out


class Resources:
    """What the graph says about resources, fetched on demand a level at a time (one
    lookup per level) and kept for the request: all their triples, or only the values of
    some properties (``fetch(terms, predicates)``), where a page needs no more."""

    def __init__(self) -> None:
        self._out: dict[str, list[tuple[Term, Term]]] = {}
        self._some: dict[tuple[str, str], list[Term]] = {}

    def fetch(self, terms, predicates: list[str] | None = None) -> None:
        """Look up the IRIs of ``terms`` not fetched yet (one term: substitutions)."""
        wanted = [t for t in unique(terms) if store.term_kind(t) == "iri"
                  and t.value not in self._out]
        if predicates is not None:
            wanted = [t for t in wanted if any((t.value, p) not in self._some
                                               for p in predicates)]
        if not wanted:
            return
        if predicates is None:
            for t in wanted:
                self._out[t.value] = []
            for s, p, o in triples(s=wanted):
                self._out[s.value].append((p, o))
            return
        for t in wanted:
            for p in predicates:
                self._some[(t.value, p)] = []
        for s, p, o in triples(s=wanted, p=[iri(p) for p in predicates]):
            self._some[(s.value, p.value)].append(o)

    def out(self, term: Term) -> list[tuple[Term, Term]]:
        if term.value not in self._out:
            self.fetch([term])
        return self._out[term.value]

    def objects(self, term: Term, predicate: str) -> list[Term]:
        if term.value not in self._out and (term.value, predicate) in self._some:
            return self._some[(term.value, predicate)]
        return [o for p, o in self.out(term) if p.value == predicate]

    def value(self, term: Term, predicate: str, language: str | None = None) -> Term | None:
        """The first object of ``predicate`` (in ``language``, if given), or ``None``."""
        for o in self.objects(term, predicate):
            if language is None or getattr(o, "language", None) == language:
                return o
        return None
