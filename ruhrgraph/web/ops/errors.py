"""The one place that turns errors into 4xx/5xx answers: plain text, JSON or HTML, by Accept.

Raise :class:`ApiError` (or a werkzeug ``HTTPException``) anywhere in a view; unexpected
exceptions become a 500 that names no internals.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, json, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger("ruhrgraph.web")

_OFFERS = ["text/plain", "application/json", "text/html"]


class ApiError(Exception):
    """An answer with ``status``; ``details`` (e.g. line, column) go into the JSON body."""

    def __init__(self, status: int, title: str, message: str, *,
                 headers: dict[str, str] | None = None, **details: Any):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message
        self.headers = headers or {}
        self.details = details


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
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)
