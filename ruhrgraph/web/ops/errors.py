"""The one place that turns errors into 4xx/5xx answers: plain text, JSON or HTML, by Accept.

Raise :class:`ApiError` (or a werkzeug ``HTTPException``) anywhere in a view. The domain
errors of evaluating a query (timeout, syntax, remote endpoint, store) are let rise: the
table :data:`DOMAIN_ERRORS` gives each its answer, on ``/sparql`` and on the pages, and
their handler counts them in the metrics. Unexpected exceptions become a 500 that names no
internals.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, current_app, g, json, render_template, request
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from ruhrgraph.query.executor import QueryOverloaded, QueryTimeout
from ruhrgraph.query.remote import RemoteError
from ruhrgraph.store import QuerySyntaxError, StoreError
from ruhrgraph.web.ops import metrics

log = logging.getLogger("ruhrgraph.web")

_OFFERS = ["text/plain", "application/json", "text/html"]


class ApiError(Exception):
    """An answer with ``status``; ``details`` (e.g. line, column) go into the JSON body;
    ``language`` is the message's (English unless a page said it in the reader's)."""

    def __init__(self, status: int, title: str, message: str, *,
                 headers: dict[str, str] | None = None, language: str = "en",
                 **details: Any):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message
        self.headers = headers or {}
        self.language = language
        self.details = details


def localized(status: int, title: str, message: str, **details: Any) -> ApiError:
    """An error whose ``message`` the caller wrote with ``gettext``: in the reader's language,
    and marked so on the error page."""
    return ApiError(status, title, message, language=str(get_locale() or "de"), **details)


def render(error: ApiError) -> Response:
    accept = request.accept_mimetypes
    media_type = accept.best_match(_OFFERS, default="text/plain") if accept else "text/plain"
    if media_type == "application/json":
        body = {"error": {"status": error.status, "title": error.title,
                          "message": error.message, **error.details}}
        response = Response(json.dumps(body) + "\n", error.status,
                            content_type="application/json; charset=utf-8")
    elif media_type == "text/html" and "error.html" in current_app.jinja_env.list_templates():
        page = render_template("error.html", error=error)
        response = Response(page, error.status, content_type="text/html; charset=utf-8")
    else:
        where = ""
        if error.details.get("line") is not None:
            where = f" (line {error.details['line']}, column {error.details.get('column')})"
        text = f"{error.status} {error.title}: {error.message}{where}\n"
        response = Response(text, error.status, content_type="text/plain; charset=utf-8")
    response.headers.update(error.headers)
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class Answer:
    """How a domain error is answered: ``endpoint`` and ``page`` are the message on
    ``/sparql`` and on a page (``str.format`` with ``error``); ``metric`` is its label in
    ``ruhrgraph_query_errors_total`` (a timeout counts in ``ruhrgraph_query_timeouts_total``)."""

    status: int
    title: str
    metric: str
    endpoint: str
    page: str
    headers: dict[str, str] = field(default_factory=dict)


#: domain error -> its answer; the most specific class of an error chooses (Flask's rule).
DOMAIN_ERRORS: dict[type[Exception], Answer] = {
    QueryTimeout: Answer(503, "Query Timeout", "timeout", "{error}; simplify it or add a LIMIT",
                         "{error}; try again later", {"Retry-After": "1"}),
    QueryOverloaded: Answer(503, "Too Many Long Queries", "overloaded",
                            "{error}; ask again in a moment, or simplify the query",
                            "{error}; try again in a moment", {"Retry-After": "2"}),
    QuerySyntaxError: Answer(400, "Query Syntax Error", "syntax", "{error.message}",
                             "{error.message}"),
    RemoteError: Answer(502, "Bad Gateway", "remote", "{error}",
                        "the SPARQL backend failed: {error}"),
    StoreError: Answer(502, "Bad Gateway", "backend", "{error}", "the store failed: {error}"),
}

#: On ``/sparql`` a remote endpoint's own status passes through, with its title.
_REMOTE_TITLES = {400: "Query Syntax Error", 504: "Query Timeout"}


def _details(error: Exception) -> dict[str, Any]:
    """What the endpoint's JSON answer adds: the timeout, or the syntax error's position."""
    if isinstance(error, QueryTimeout):
        return {"timeout": error.seconds}
    if isinstance(error, QuerySyntaxError):
        return {"line": error.line, "column": error.column}
    if isinstance(error, QueryOverloaded):
        return {"long_after": error.after, "long_slots": error.slots}
    return {}


def _count(error: Exception, answer: Answer) -> None:
    if isinstance(error, QueryTimeout):
        metrics.TIMEOUTS.inc()
        g.recycle = current_app.extensions["ruhrgraph"].backend.recycle_on_timeout
        log = getattr(g, "log", None)
        if log is not None:
            log["timeout"] = True
    else:
        metrics.ERRORS.labels(answer.metric).inc()


def _domain(error: Exception) -> Response:
    answer = next(DOMAIN_ERRORS[kind] for kind in type(error).__mro__ if kind in DOMAIN_ERRORS)
    _count(error, answer)
    if request.blueprint != "sparql":
        return render(ApiError(answer.status, answer.title, answer.page.format(error=error),
                               headers=dict(answer.headers)))
    status, title = answer.status, answer.title
    if isinstance(error, RemoteError):
        status, title = error.status, _REMOTE_TITLES.get(error.status, title)
    return render(ApiError(status, title, answer.endpoint.format(error=error),
                           headers=dict(answer.headers), **_details(error)))


def _http(error: HTTPException) -> Response:
    headers = {}
    if error.code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return render(ApiError(error.code or 500, error.name, error.description or error.name,
                           headers=headers))


def _unexpected(error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return render(ApiError(500, "Internal Server Error",
                           "the server failed to answer this request; it has been logged"))


def register(app: Flask) -> None:
    app.register_error_handler(ApiError, render)
    for kind in DOMAIN_ERRORS:
        app.register_error_handler(kind, _domain)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)
