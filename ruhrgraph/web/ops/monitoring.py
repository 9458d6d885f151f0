"""Operations: /healthz, /metrics, /favicon.ico, JSON access logs, security headers, CORS,
worker recycling, and no data from a store that changed while served (:class:`Watched`,
:func:`_guard`).

A view records what it did for the access log in ``g.log`` (e.g. ``query_ms``, ``cache``,
``rows``); a view that answered a query timeout sets ``g.recycle`` and, under gunicorn, the
worker ends itself once the response has been sent (gunicorn starts a fresh one).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, request

from ruhrgraph.store.integrity import StoreWatch
from ruhrgraph.web.ops import metrics, workers
from ruhrgraph.web.ops.errors import ApiError, render

bp = Blueprint("ops", __name__)
access_log = logging.getLogger("ruhrgraph.access")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
CORS_PATHS = ("/sparql",)
CORS_EXPOSE = "ETag, Last-Modified, RuhrGraph-Rows, RuhrGraph-Truncated, RuhrGraph-Build"
#: The headers every answer of a CORS path carries (after_request here; the lean /sparql
#: path adds the same list).
CORS_HEADERS = (("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers", CORS_EXPOSE))


@bp.get("/healthz")
def healthz() -> Response:
    state = current_app.extensions["ruhrgraph"]
    damage = state.watch.look() if state.watch is not None else None
    try:
        ok = damage is None and state.backend.healthy()
        problem = "" if ok else "store answered ASK {} with false"
        if ok:
            problem = release_problem(state)
            ok = not problem
    except Exception as error:  # any failure is the answer here
        ok, problem = False, f"{type(error).__name__}: {error}"
    if damage is not None:
        problem = f"the store changed while served, no data is served: {damage}"
    body = {"status": "ok" if ok else "unavailable", "build": state.build.build_id,
            "built": state.build.created.isoformat(), "backend": state.backend_name}
    if problem:
        body["problem"] = problem
    response = Response(json.dumps(body) + "\n", 200 if ok else 503,
                        content_type="application/json; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


#: Seconds a worker keeps the answer of its last look at the remote engine's release.
RELEASE_CHECK_SECONDS = 5.0


def release_problem(state, now: float | None = None) -> str:
    """Why a remote engine does not hold the release this server was started for (empty:
    it does, or the backend is the embedded store), looked at once per
    :data:`RELEASE_CHECK_SECONDS` (two COUNT queries; a load balancer asks often)."""
    check = getattr(state.backend, "release_problem", None)
    if check is None:
        return ""
    now = time.monotonic() if now is None else now
    last = state.extras.get("release-check")
    if last is not None and now - last[0] < RELEASE_CHECK_SECONDS:
        return last[1]
    problem = check(state.build.manifest, state.settings.max_result_rows)
    if problem and (last is None or last[1] != problem):
        logging.getLogger("ruhrgraph.web").warning("the engine at %s does not serve the "
                                                   "release: %s", state.backend_name, problem)
    state.extras["release-check"] = (now, problem)
    return problem


@bp.get("/metrics")
def metrics_view() -> Response:
    return Response(metrics.exposition(), content_type=metrics.CONTENT_TYPE,
                    headers={"Cache-Control": "no-store"})


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon (static/favicon.ico; base.html links it too), where browsers look."""
    icon = Path(current_app.static_folder or "", "favicon.ico").read_bytes()
    return Response(icon, content_type="image/vnd.microsoft.icon",
                    headers={"Cache-Control": "public, max-age=86400"})


#: Endpoints that still answer once the store changed: they read no data from it.
UNGUARDED = frozenset({"ops.healthz", "ops.metrics_view", "ops.favicon", "static"})


class Watched:
    """The outermost WSGI layer while the embedded store is watched: a request looks at the
    store when a look is due (so a damaged store is served at most ``seconds`` after the
    damage, even if the watch thread is late), and once it changed every request goes to
    the Flask app itself, past the fast path's finished answers, where :func:`_guard`
    answers 503."""

    def __init__(self, app: Callable, flask_app: Callable, watch: StoreWatch, seconds: float):
        self.app, self.flask_app, self.watch, self.seconds = app, flask_app, watch, seconds

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self.watch.look_if_due(self.seconds) is not None:
            return self.flask_app(environ, start_response)
        return self.app(environ, start_response)


def _guard() -> Response | None:
    watch = current_app.extensions["ruhrgraph"].watch
    if watch is None or watch.problem is None or request.endpoint in UNGUARDED:
        return None
    g.log["store"] = "changed"
    return render(ApiError(503, "Service Unavailable",
                           "the store changed while it was served (damaged?): no data is "
                           "served from it until the server is restarted with an intact "
                           "store; /healthz says what changed"))


def _before() -> None:
    g.started = time.perf_counter()
    g.log = {}


def _after(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
    if request.path in CORS_PATHS:
        for name, value in CORS_HEADERS:
            headers[name] = value
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    elapsed = time.perf_counter() - getattr(g, "started", time.perf_counter())
    metrics.REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    metrics.LATENCY.labels(endpoint).observe(elapsed)
    settings = current_app.extensions["ruhrgraph"].settings
    if settings.access_log:
        entry = {"ts": round(time.time(), 3), "method": request.method, "path": request.path,
                 "status": response.status_code, "ms": round(elapsed * 1000, 2),
                 "bytes": response.content_length, "remote": request.remote_addr,
                 **getattr(g, "log", {})}
        access_log.info(json.dumps(entry, default=str))
    if getattr(g, "recycle", False) and settings.recycle_on_timeout:
        software = request.environ.get("SERVER_SOFTWARE", "")
        if software.startswith("gunicorn"):
            response.call_on_close(_recycle)
        elif software.startswith("Granian"):  # rate-limited: granian's crash-loop detector
            response.call_on_close(workers.recycle)
    return response


def overdue_recycler(state, server: str) -> Callable[[], None] | None:
    """What the executor calls when a query it stopped waiting for (refused as one long query
    too many) is still running at its deadline: :func:`_recycle` when a timeout would end
    this worker too (``ruhrgraph serve`` or gunicorn, RECYCLE_ON_TIMEOUT, the embedded
    store), else None. ``server`` is the request's ``SERVER_SOFTWARE``."""
    if not (state.settings.recycle_on_timeout and state.backend.recycle_on_timeout):
        return None
    if server.startswith("gunicorn"):
        return _recycle
    if server.startswith("Granian"):
        return workers.recycle
    return None


def _recycle() -> None:
    """End this gunicorn worker gracefully, once the response is sent (SIGTERM: it finishes
    what it is answering). Only under gunicorn, which starts a fresh worker; never under
    another server, where this process may be the only one (tests, a development server)."""
    logging.getLogger("ruhrgraph.web").warning(
        "worker %d ends after a query timeout (or a refused long query ran past its deadline)"
        "; gunicorn starts a fresh one", os.getpid())
    os.kill(os.getpid(), signal.SIGTERM)


def _preflight() -> Response | None:
    if request.method == "OPTIONS" and request.path in CORS_PATHS:
        return Response(status=204, headers={
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match",
            "Access-Control-Max-Age": "86400",
            "Allow": "GET, HEAD, POST, OPTIONS"})
    return None


def register(app: Flask) -> None:
    if app.extensions["ruhrgraph"].settings.access_log and not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
    app.before_request(_before)
    app.before_request(_preflight)
    app.before_request(_guard)
    app.after_request(_after)
    app.register_blueprint(bp)
