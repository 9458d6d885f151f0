"""The binding to pyoxigraph: the only module that imports it.

The read side (:mod:`ruhrgraph.store.read`) and the load side (:mod:`ruhrgraph.store.load`)
take pyoxigraph's classes from here, with the result kinds, the format tables and the term
constructors every stage shares (:func:`iri`, :func:`literal`, :func:`term_kind`).
"""

from __future__ import annotations

from pyoxigraph import (
    BlankNode,
    Literal,
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

__all__ = [
    "BINDINGS", "BOOLEAN", "GRAPH", "GRAPH_FORMATS", "RESULTS_FORMATS",
    "BlankNode", "Literal", "NamedNode", "QueryBoolean", "QueryResultsFormat",
    "QuerySolutions", "QueryTriples", "RdfFormat", "Store", "Triple", "Variable",
    "iri", "literal", "parse", "parse_query_results", "serialize", "term_kind", "valid_iri",
]

#: Result kinds: ``bindings`` (SELECT), ``boolean`` (ASK), ``graph`` (CONSTRUCT, DESCRIBE).
BINDINGS, BOOLEAN, GRAPH = "bindings", "boolean", "graph"

#: Output format names (see ``ruhrgraph.web.endpoint.negotiation``) -> pyoxigraph formats.
RESULTS_FORMATS = {"json": QueryResultsFormat.JSON, "xml": QueryResultsFormat.XML,
                   "csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV}
GRAPH_FORMATS = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES,
                 "rdfxml": RdfFormat.RDF_XML, "jsonld": RdfFormat.JSON_LD,
                 "nquads": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG}



def iri(value: str) -> NamedNode:
    return NamedNode(value)


def valid_iri(value: str) -> bool:
    """Whether ``value`` is an IRI the engine accepts (e.g. as a dataset graph name)."""
    try:
        NamedNode(value)
    except ValueError:
        return False
    return True


def literal(value: str | int | float | bool, *, datatype: str | None = None,
            language: str | None = None) -> Literal:
    if datatype is not None:
        return Literal(str(value), datatype=NamedNode(datatype))
    return Literal(value, language=language) if language else Literal(value)




def term_kind(term: object) -> str:
    """``iri``, ``bnode`` or ``literal``."""
    if isinstance(term, NamedNode):
        return "iri"
    return "bnode" if isinstance(term, BlankNode) else "literal"

