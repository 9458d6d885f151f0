"""The read-only web application: ``create_app(config=None)``.

The factory opens the store (or the remote backend) once, keeps everything request handlers
share in :class:`State` (``app.extensions["ruhrgraph"]``, or :func:`state` in a request),
installs the error handling (``errors``) and operations (``ops``), and registers the
blueprints listed in :data:`BLUEPRINTS`: add a page module by adding it there.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, send_from_directory
from werkzeug.security import safe_join

from ruhrgraph import config as cfg
from ruhrgraph import store
from ruhrgraph.iris import Iris
from ruhrgraph.query.backends import (
    BuildInfo,
    LocalBackend,
    build_info,
    open_backend,
    remote_build_info,
    store_dir,
)
from ruhrgraph.query.cache import ResultCache
from ruhrgraph.query.executor import Executor, QueryTimeout
from ruhrgraph.query.remote import RemoteBackend as Remote
from ruhrgraph.query.remote import RemoteError, redact
from ruhrgraph.store.integrity import StoreWatch
from ruhrgraph.web import i18n
from ruhrgraph.web.endpoint.fastpath import FastPath
from ruhrgraph.web.ops import errors, hosts
from ruhrgraph.web.ops import monitoring as ops

#: Modules under ``ruhrgraph.web`` whose ``bp`` blueprint the app registers, in order (a
#: blueprint two modules share, ``opendata``'s, is registered once, when first named).
BLUEPRINTS: tuple[str, ...] = ("endpoint.sparql", "endpoint.editor", "opendata.catalog",
                               "opendata.crawlers", "pages.routes", "pages.queries",
                               "pages.sources", "pages.search", "pages.explorer",
                               "pages.lists", "pages.compare", "openapi")


@dataclass
class State:
    settings: cfg.Settings  # read once, typed: the only place the app keeps them
    backend: LocalBackend | Remote
    backend_name: str
    build: BuildInfo
    cache: ResultCache
    executor: Executor
    iris: Iris
    allowlist: frozenset[str]
    watch: StoreWatch | None = None  # the embedded store's files, looked at while served
    extras: dict[str, Any] = field(default_factory=dict)  # for other blueprints' own state


class _App(Flask):
    """Flask whose static files' ETag is made of their bytes. Flask's own is
    mtime-size-name, another on every machine that installed the package, so a client
    moving between replicas (docs/deploy.md) would fetch unchanged files again."""

    def send_static_file(self, filename: str) -> Response:
        folder = self.static_folder or ""
        path = safe_join(folder, filename)
        etag: str | bool = _content_etag(path) if path and Path(path).is_file() else True
        return send_from_directory(folder, filename, etag=etag,
                                   max_age=self.get_send_file_max_age(filename))


@lru_cache(maxsize=64)
def _content_etag(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:32]


def state() -> State:
    """The application's shared :class:`State` (inside a request or app context)."""
    return current_app.extensions["ruhrgraph"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A Flask app serving the built graph; ``config`` overrides settings (see config.py) by
    name; names that are no setting go to ``app.config`` (Flask's own, e.g. ``TESTING``)."""
    settings = cfg.load(config)
    if settings.query_base_iri and not store.valid_iri(settings.query_base_iri):
        raise ValueError(f"QUERY_BASE_IRI {settings.query_base_iri!r} is not an absolute IRI")
    app = _App(__name__)
    app.config.update(cfg.others(config))
    # A form-encoded query may be three times its size; refuse bigger bodies unread (413).
    app.config["MAX_CONTENT_LENGTH"] = 3 * settings.max_query_bytes + 65536
    app.json.sort_keys = False
    backend = open_backend(settings)
    remote = isinstance(backend, Remote)
    app.extensions["ruhrgraph"] = State(
        settings=settings,
        backend=backend,
        backend_name=redact(settings.backend) if remote else "embedded",
        build=remote_build_info(settings) if remote else build_info(settings),
        cache=ResultCache(settings.cache_size, settings.cache_max_bytes,
                          settings.cache_entry_max_bytes,
                          settings.cache_max_age if remote else 0.0),
        executor=Executor(settings.query_threads, long_after=settings.long_query_seconds,
                          long_slots=settings.long_query_slots),
        iris=Iris(settings.base_iri),
        allowlist=frozenset(settings.service_allowlist.split()),
    )
    if remote:  # at start: says in the log (and /healthz) when the engine holds another release
        try:
            ops.release_problem(app.extensions["ruhrgraph"])
        except (RemoteError, store.StoreError, QueryTimeout) as error:
            app.logger.warning("the engine at %s cannot be checked: %s",
                               redact(settings.backend), error)
    errors.register(app)
    i18n.init_app(app)
    ops.register(app)
    _wrap(app, settings, remote)
    # Outermost: forwarded headers from trusted proxies only, the Host checked, the root fixed.
    app.wsgi_app = hosts.PublicRoot(app.wsgi_app, public_url=settings.public_url,
                                    allowed_hosts=settings.allowed_hosts,
                                    trusted_proxies=settings.trusted_proxies,
                                    proxy_hops=settings.proxy_hops)
    # Every module first: one may add routes to another's blueprint (opendata.crawlers).
    modules = [importlib.import_module(f"ruhrgraph.web.{name}") for name in BLUEPRINTS]
    for blueprint in dict.fromkeys(module.bp for module in modules):
        app.register_blueprint(blueprint)
    return app


def _wrap(app: Flask, settings: cfg.Settings, remote: bool) -> None:
    """The WSGI layers around Flask: the lean path of ``/sparql``; the fast path and the
    store watch (embedded only)."""
    from ruhrgraph.web.endpoint.lean import LeanSparql  # it imports the view, which needs us

    flask_wsgi = app.wsgi_app
    app.wsgi_app = LeanSparql(app.wsgi_app, app.extensions["ruhrgraph"],
                              app.config["MAX_CONTENT_LENGTH"], settings.access_log)
    if remote:
        return
    app.wsgi_app = FastPath(app.wsgi_app, settings.cache_size, settings.cache_max_bytes,
                            settings.cache_entry_max_bytes, settings.access_log)
    seconds = settings.store_watch_seconds
    if seconds > 0:  # after open_backend's full check: the baseline is intact
        watch = app.extensions["ruhrgraph"].watch = StoreWatch(
            store_dir(settings), settings.store_baseline or None)
        watch.start(seconds)
        app.wsgi_app = ops.Watched(app.wsgi_app, flask_wsgi, watch, seconds)
