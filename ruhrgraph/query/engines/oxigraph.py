"""The Oxigraph server (``oxigraph serve``, PyPI ``oxigraph``): the standard, nearly.

It answers what the embedded store answers (the same engine), so nothing is rewritten. Its
default graph is the union of its graphs only with ``--union-default-graph``; the web tier does
not depend on it, since every query without a dataset is sent with the release's graphs as
its dataset (:mod:`.base`), which also keeps a load's staging graphs out of every answer. It
has no per-query timeout a client can send: a query we stopped waiting for runs on in the
engine until it ends. One SPARQL Update request is one transaction and every query reads a
snapshot, so a query sees either the old release or the new one, never parts of both.
"""

from __future__ import annotations

from typing import ClassVar

from ruhrgraph.query.engines.base import Engine


class OxigraphServer(Engine):
    name = "oxigraph"
    server = "Oxigraph/"
    paths: ClassVar[dict[str, str]] = {"query": "/query", "store": "/store", "update": "/update"}
