"""Store stage: the Oxigraph store of a release, its integrity and its release directory.

``engine`` is the only module that imports pyoxigraph; ``read`` is the side the web serves
from, ``load`` the side the build writes with (run as a child process by ``job``);
``integrity`` checks a store's files against their checksums, ``releases`` resolves and
holds the served release. The names other stages use are re-exported here.
"""

from ruhrgraph.store.engine import BINDINGS, BOOLEAN, GRAPH, iri, literal, term_kind, valid_iri
from ruhrgraph.store.load import (
    DUMP_FORMATS,
    DumpFormat,
    LoadError,
    count_instances,
    create_store,
    dump_store,
    graph_sizes,
    rdflib_graph,
    read_quads,
)
from ruhrgraph.store.read import (
    QuerySyntaxError,
    ReadStore,
    Result,
    StoreError,
    convert,
    parse_remote,
    rdf_to,
    solutions,
)

__all__ = [
    "BINDINGS", "BOOLEAN", "DUMP_FORMATS", "GRAPH", "DumpFormat", "LoadError",
    "QuerySyntaxError", "ReadStore", "Result", "StoreError", "convert", "count_instances",
    "create_store", "dump_store", "graph_sizes", "iri", "literal", "parse_remote", "rdf_to",
    "rdflib_graph", "read_quads", "solutions", "term_kind", "valid_iri",
]
