"""The read-only web application: ``create_app(config=None)``.

The factory opens the store (or the remote backend) once, keeps everything request handlers
share in :class:`State` (``app.extensions["ruhrgraph"]``, or :func:`state` in a request),
installs the error handling (``errors``) and operations (``ops``), and registers the
blueprints listed in :data:`BLUEPRINTS`: add a page module by adding it there.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from ruhrgraph import config as cfg
from ruhrgraph.iris import Iris
from ruhrgraph.query.backends import (
    BuildInfo,
    LocalBackend,
    Remote,
    build_info,
    open_backend,
    remote_build_info,
    store_dir,
)
from ruhrgraph.query.cache import ResultCache
from ruhrgraph.query.executor import Executor
from ruhrgraph.store.integrity import StoreWatch
from ruhrgraph.web import i18n
from ruhrgraph.web.endpoint.fastpath import FastPath
from ruhrgraph.web.ops import errors
from ruhrgraph.web.ops import monitoring as ops

#: Modules under ``ruhrgraph.web`` whose ``bp`` blueprint the app registers, in order.
BLUEPRINTS: tuple[str, ...] = ("endpoint.sparql", "opendata.routes", "pages.routes",
                               "pages.queries", "pages.sources", "pages.search",
                               "pages.explorer", "ops.openapi")


@dataclass
class State:
    settings: dict[str, Any]
    backend: LocalBackend | Remote
    backend_name: str
    build: BuildInfo
    cache: ResultCache
    executor: Executor
    iris: Iris
    allowlist: frozenset[str]
    watch: StoreWatch | None = None  # the embedded store's files, looked at while served
    extras: dict[str, Any] = field(default_factory=dict)  # for other blueprints' own state


def state() -> State:
    """The application's shared :class:`State` (inside a request or app context)."""
    return current_app.extensions["ruhrgraph"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """A Flask app serving the built graph; ``config`` overrides settings (see config.py)."""
    settings = cfg.load(config)
    app = Flask(__name__)
    app.config.update(settings)
    # A form-encoded query may be three times its size; refuse bigger bodies unread (413).
    app.config["MAX_CONTENT_LENGTH"] = 3 * int(settings["MAX_QUERY_BYTES"]) + 65536
    app.json.sort_keys = False
    backend = open_backend(settings)
    remote = isinstance(backend, Remote)
    app.extensions["ruhrgraph"] = State(
        settings=settings,
        backend=backend,
        backend_name=settings["BACKEND"] if remote else "embedded",
        build=remote_build_info(settings) if remote else build_info(settings),
        cache=ResultCache(int(settings["CACHE_SIZE"]), int(settings["CACHE_MAX_BYTES"]),
                          int(settings["CACHE_ENTRY_MAX_BYTES"]),
                          float(settings["CACHE_MAX_AGE"]) if remote else 0.0),
        executor=Executor(int(settings["QUERY_THREADS"])),
        iris=Iris(settings["BASE_IRI"]),
        allowlist=frozenset(settings["SERVICE_ALLOWLIST"].split()),
    )
    errors.register(app)
    i18n.init_app(app)
    ops.register(app)
    flask_wsgi = app.wsgi_app
    app.wsgi_app = FastPath(app.wsgi_app, int(settings["CACHE_SIZE"]),
                            int(settings["CACHE_MAX_BYTES"]),
                            int(settings["CACHE_ENTRY_MAX_BYTES"]),
                            bool(settings["ACCESS_LOG"])) if not remote else app.wsgi_app
    seconds = float(settings["STORE_WATCH_SECONDS"])
    if not remote and seconds > 0:  # after open_backend's full check: the baseline is intact
        watch = app.extensions["ruhrgraph"].watch = StoreWatch(
            store_dir(settings), settings["STORE_BASELINE"] or None)
        watch.start(seconds)
        app.wsgi_app = ops.Watched(app.wsgi_app, flask_wsgi, watch, seconds)
    for name in BLUEPRINTS:
        module = importlib.import_module(f"ruhrgraph.web.{name}")
        app.register_blueprint(module.bp)
    return app
