"""What the web layer queries: the protocol of a backend, the embedded store of the current
build (:class:`LocalBackend`), and :func:`open_backend`, which opens it or the remote endpoint
(:class:`ruhrgraph.query.remote.RemoteBackend`) the settings name.

Every backend answers ``evaluate(query, form, default_graphs=, named_graphs=, max_rows=,
base_iri=)``
with a complete :class:`~ruhrgraph.store.Result`, ``rows()``, ``graph_names()`` and
``healthy()`` (:class:`Backend`). The build being served (its directory and
:class:`BuildInfo`) is read here too.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from ruhrgraph import store
from ruhrgraph.config import Settings
from ruhrgraph.iris import Iris
from ruhrgraph.query.bindings import inline_values
from ruhrgraph.query.engines import engine_for
from ruhrgraph.query.remote import RemoteBackend
from ruhrgraph.store import integrity
from ruhrgraph.store import releases as inuse


class Backend(Protocol):
    """What every backend answers; ``recycle_on_timeout`` says whether a timed-out query
    must end its worker process (it cannot be cancelled otherwise)."""

    recycle_on_timeout: bool

    def evaluate(self, query: str, form: str | None, *, default_graphs=None,
                 named_graphs=None, max_rows: int = 100_000, has_dataset: bool = False,
                 bindings=None, base_iri: str | None = None) -> store.Result: ...

    def rows(self, query: str, *, max_rows: int = 100_000, bindings=None
             ) -> list[dict[str, object]]: ...

    def graph_names(self) -> list[str]: ...

    def healthy(self) -> bool: ...


@dataclass(frozen=True)
class BuildInfo:
    """The data version: build id and time (from ``manifest.json``), for caches and ETags."""

    build_id: str
    created: datetime
    manifest: dict[str, Any]


class LocalBackend:
    """The embedded store, opened read-only once. A query cannot be cancelled, so a timed-out
    query ends its worker process (``recycle_on_timeout``)."""

    recycle_on_timeout = True

    def __init__(self, read_store: store.ReadStore):
        self.store = read_store

    def evaluate(self, query: str, form: str | None, *, default_graphs=None, named_graphs=None,
                 max_rows: int = 100_000, has_dataset: bool = False,
                 bindings=None, base_iri: str | None = None) -> store.Result:
        """Relative IRIs of ``query`` resolve against ``base_iri`` (its own ``BASE`` wins).
        ``bindings`` (variable name -> typed term) are bound with pyoxigraph's
        ``substitutions=``: a value a user typed never becomes query text. A binding that is
        a sequence of terms (several rows: line numbers of a page, codes of a result page,
        all computed by our own code, never typed by a user) has no substitution form and is
        written as an inline VALUES block from the typed terms (:mod:`ruhrgraph.query.bindings`),
        as for a remote endpoint."""
        single, query = _split(query, bindings)
        return self.store.evaluate(query, default_graphs=default_graphs,
                                   named_graphs=named_graphs, max_rows=max_rows,
                                   union_default=not has_dataset, bindings=single,
                                   base_iri=base_iri)

    def rows(self, query: str, *, max_rows: int = 100_000, bindings=None
             ) -> list[dict[str, object]]:
        """The rows of one of our SELECT queries as dicts of terms (union default graph),
        bound as :meth:`evaluate` binds them; no serialisation in between."""
        single, query = _split(query, bindings)
        return self.store.select(query, single, max_rows=max_rows)

    def graph_names(self) -> list[str]:
        return self.store.graph_names()

    def healthy(self) -> bool:
        return self.store.ask("ASK { }")


def _split(query: str, bindings) -> tuple[dict | None, str]:
    """Single-term bindings (for substitutions) and the query with the sequence bindings
    written in as a VALUES block."""
    if not bindings:
        return None, query
    rows = {n: v for n, v in bindings.items() if isinstance(v, (list, tuple))}
    single = {n: v for n, v in bindings.items() if n not in rows} or None
    return single, inline_values(query, rows) if rows else query


def release_dir(settings: Settings) -> Path:
    """The build being served: ``STORE_DIR``'s parent, or ``BUILD_DIR/current`` resolved."""
    if settings.store_dir:
        return Path(settings.store_dir).resolve().parent
    return (Path(settings.build_dir) / "current").resolve()


def store_dir(settings: Settings) -> Path:
    if settings.store_dir:
        return Path(settings.store_dir).resolve()
    return release_dir(settings) / "store"


def build_info(settings: Settings) -> BuildInfo:
    release = release_dir(settings)
    manifest: dict[str, Any] = {}
    path = release / "manifest.json"
    if path.is_file():
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise store.StoreError(f"the build's manifest {path} cannot be read: {error}"
                                   ) from None
        if not isinstance(manifest, dict):
            raise store.StoreError(f"the build's manifest {path} is not a JSON object")
    build_id = str(manifest.get("build_id") or manifest.get("id") or release.name)
    created_text = manifest.get("finished") or manifest.get("created")
    try:
        created = datetime.fromisoformat(created_text) if created_text else None
    except ValueError:
        created = None
    if created is None:
        target = store_dir(settings)
        mtime = target.stat().st_mtime if target.exists() else 0
        created = datetime.fromtimestamp(mtime, UTC)
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return BuildInfo(build_id, created, manifest)


def open_backend(settings: Settings) -> LocalBackend | RemoteBackend:
    if settings.backend:
        return remote_backend(settings)
    if settings.verify_store:
        integrity.verify(store_dir(settings))
    local = LocalBackend(store.ReadStore.open(store_dir(settings)))
    local.release_lock = inuse.hold(release_dir(settings))  # no build prunes it while served
    return local


def remote_backend(settings: Settings) -> RemoteBackend:
    """The engine at BACKEND, through its adapter, reading the served release's graphs (the
    manifest's, else the three every build has) as the dataset of a query naming none."""
    def engine():
        return engine_for(settings.backend, settings.backend_engine,
                          user=settings.engine_user, password=settings.engine_password)
    try:
        graphs = tuple(sorted(build_info(settings).manifest.get("graphs") or ()))
    except (OSError, store.StoreError):
        graphs = ()
    if not graphs:
        iris = Iris(settings.base_iri)
        graphs = tuple(iris.graph(name) for name in ("catalogue", "meta", "ontology"))
    return RemoteBackend(settings.backend, settings.query_timeout, engine, graphs)


def remote_build_info(settings: Settings) -> BuildInfo:
    """With a remote backend the data version is the local build's, if any, else the URL."""
    try:
        return build_info(settings)
    except OSError:
        return BuildInfo("remote-" + os.path.basename(settings.backend),
                         datetime.now(UTC), {})
