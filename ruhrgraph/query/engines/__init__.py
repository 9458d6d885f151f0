"""Engine adapters: one module per SPARQL engine, holding what that engine does differently
(:mod:`.base` is the standard, :mod:`.oxigraph` the Oxigraph server, :mod:`.virtuoso`
OpenLink Virtuoso), and :func:`engine_for`, which picks one by name or by the engine's own
``Server`` header. A new engine (Fuseki, QLever: ``docs/deploy.md``) is one module and one
entry in :data:`ENGINES`.
"""

from __future__ import annotations

import urllib.parse

import requests

from ruhrgraph.query.engines.base import (
    STAGING,
    Engine,
    RemoteError,
    RemoteSyntaxError,
    RemoteTimeout,
    redact,
    sort_bindings,
    split_order,
    staging_graph,
)
from ruhrgraph.query.engines.oxigraph import OxigraphServer
from ruhrgraph.query.engines.virtuoso import Virtuoso

ENGINES: dict[str, type[Engine]] = {e.name: e for e in (Engine, OxigraphServer, Virtuoso)}


def detect(url: str, timeout: float = 10) -> type[Engine]:
    """The adapter of the engine at ``url``, told by the ``Server`` header of its root."""
    parts = urllib.parse.urlsplit(url)
    root = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    try:
        server = requests.head(root, timeout=timeout).headers.get("Server", "")
    except requests.RequestException as error:
        raise RemoteError(f"the engine at {redact(url)} cannot be reached: "
                          f"{redact(str(error))}") from None
    return next((e for e in ENGINES.values() if e.server and server.startswith(e.server)),
                Engine)


def engine_for(url: str, name: str = "auto", *, user: str = "", password: str = "") -> Engine:
    """The adapter named ``name`` (a key of :data:`ENGINES`, or ``auto``) for ``url``."""
    if name == "auto":
        kind = detect(url)
    elif name in ENGINES:
        kind = ENGINES[name]
    else:
        raise RemoteError(f"unknown engine {name!r}: one of auto, {', '.join(ENGINES)}")
    return kind.at(url, user=user, password=password)


__all__ = ["ENGINES", "STAGING", "Engine", "OxigraphServer", "RemoteError",
           "RemoteSyntaxError", "RemoteTimeout", "Virtuoso", "detect", "engine_for",
           "redact", "sort_bindings", "split_order", "staging_graph"]
