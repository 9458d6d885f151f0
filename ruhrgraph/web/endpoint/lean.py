"""The lean path of ``/sparql``: the common protocol requests answered without Flask.

A ``GET /sparql?query=…`` or a ``POST`` of a form or of ``application/sparql-query`` (UTF-8),
with no other parameters than ``query``, ``default-graph-uri``, ``named-graph-uri`` and
``format``, asking for a result format (not the query page), is read here straight from
the WSGI environ and answered through the same functions as the view
(:func:`.sparql.check`, :func:`.sparql.answer`): the guard, the typed dataset IRIs, the
result cache and its single flight, ETag/304, the deadline and admission of long queries.
It adds the headers the app's ``after_request`` hooks add to a ``/sparql`` answer (nosniff,
CORS), counts the request in the same metrics and writes the same access-log line, with
``"via": "lean"``.

Everything else goes to the Flask app unchanged: other paths and methods, other
parameters (``lang``, ``update``, …), a body without ``Content-Length`` or over the bound,
text that is not UTF-8, the query page, and any request the checks refuse (the view checks
again and answers the error). An error met after the checks (a timeout, a syntax error of
the engine, a refused long query) is handed to the view in the environ
(:data:`.sparql.HANDED_ERROR`), whose error handlers answer it: errors have one home, and
no query is evaluated twice. Measured in ``bench/README.md`` (``serving_bench.py``).
"""

from __future__ import annotations

import codecs
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from http import HTTPStatus
from urllib.parse import unquote

from ruhrgraph.web.endpoint import negotiation, sparql
from ruhrgraph.web.ops import hosts, metrics, monitoring
from ruhrgraph.web.ops.errors import ApiError

access_log = logging.getLogger("ruhrgraph.access")

_PARAMS = frozenset({"query", "default-graph-uri", "named-graph-uri", "format"})
_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_ADDED = [("X-Content-Type-Options", "nosniff"), *monitoring.CORS_HEADERS]


class _Decline(Exception):
    """Not a request for the lean path: the Flask app answers it."""


@lru_cache(maxsize=64)
def _status_line(code: int) -> str:
    return f"{code} {HTTPStatus(code).phrase}"


class LeanSparql:
    """WSGI layer in front of the Flask app (inside the fast path and the host check)."""

    def __init__(self, app: Callable, state, max_body: int, log: bool):
        self.app, self.state, self.max_body, self.log = app, state, max_body, log
        self._requests = {}  # (method, status) -> the counter's child, made once
        self._latency = metrics.LATENCY.labels("/sparql")

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") != "/sparql" or method not in ("GET", "POST"):
            return self.app(environ, start_response)
        started = time.perf_counter()
        try:
            params = self._params(environ, method)
            query, default_graphs, named_graphs, formats = _operation(params)
            if hosts.ROOT not in environ:
                raise _Decline  # no checked root to resolve relative IRIs against
            st = self.state
            try:
                analysis = sparql.check(st, query, default_graphs, named_graphs)
            except ApiError as error:  # refused: counted once, answered by the view
                environ[sparql.HANDED_ERROR] = error
                raise _Decline from None
            kind = "graph" if analysis.form in ("CONSTRUCT", "DESCRIBE") else "bindings"
            fmt = negotiation.choose_for(kind, environ.get("HTTP_ACCEPT", ""), formats,
                                         method == "GET")
            if fmt == negotiation.HTML:
                raise _Decline
        except (_Decline, negotiation.NotAcceptable):
            return self.app(environ, start_response)
        log: dict = {}
        try:
            status, headers, body = sparql.answer(
                st, query, analysis, fmt, default_graphs, named_graphs,
                sparql.base_iri(st, environ), environ.get("HTTP_IF_NONE_MATCH"), log,
                environ.get("SERVER_SOFTWARE", ""))
        except Exception as error:  # the view's error handlers answer it
            environ[sparql.HANDED_ERROR] = error
            return self.app(environ, start_response)
        headers.extend(_ADDED)
        start_response(_status_line(status), headers)
        self._account(environ, method, status, body, started, log)
        return [body]

    def _params(self, environ: dict, method: str) -> list[tuple[str, str]]:
        """The protocol parameters of the request, or :class:`_Decline`. A body read here
        is put back for the app (``wsgi.input``) in case it declines."""
        text = environ.get("QUERY_STRING", "")
        if method == "GET":
            if not text:
                raise _Decline  # the service description or the query page
            return _parse(text)
        if text:
            raise _Decline  # parameters in the URL and in the body: the view combines them
        mimetype, _, parameters = environ.get("CONTENT_TYPE", "").partition(";")
        mimetype = mimetype.strip().lower()
        if mimetype not in (_FORM, _DIRECT) or (mimetype == _DIRECT and parameters.strip()
                                                 and parameters.strip().lower()
                                                 not in ("charset=utf-8", "charset=utf8")):
            raise _Decline  # the view reads other types and charsets (and refuses them)
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            raise _Decline from None  # chunked or no length: the view reads it (bounded)
        if not 0 <= length <= self.max_body:
            raise _Decline  # the view answers 413 without reading it
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        if mimetype == _DIRECT:
            try:
                return [("query", body.decode("utf-8"))]
            except UnicodeDecodeError:
                raise _Decline from None
        try:
            return _parse(body.decode("ascii"))  # a form is percent-encoded
        except UnicodeDecodeError:
            raise _Decline from None

    def _account(self, environ: dict, method: str, status: int, body: bytes, started: float,
                 log: dict) -> None:
        elapsed = time.perf_counter() - started
        counter = self._requests.get((method, status))
        if counter is None:
            counter = self._requests[(method, status)] = metrics.REQUESTS.labels(
                "/sparql", method, str(status))
        counter.inc()
        self._latency.observe(elapsed)
        if self.log:
            access_log.info(json.dumps({
                "ts": round(time.time(), 3), "method": method, "path": "/sparql",
                "status": status, "ms": round(elapsed * 1000, 2), "bytes": len(body),
                "remote": environ.get("REMOTE_ADDR"), **log, "via": "lean"}))


def _parse(text: str) -> list[tuple[str, str]]:
    try:
        return parse_pairs(text)
    except (UnicodeDecodeError, ValueError):
        raise _Decline from None


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """``parse_qsl(text, keep_blank_values=True, errors="strict")``, the same pairs, about
    10x faster on a percent-encoded query (30 against 340 us for a 6 kB canned query: the
    standard library decodes escape by escape in Python). Each percent escape becomes a
    backslash-x escape (a backslash already there is doubled first) and the C escape
    decoder of :mod:`codecs` makes the bytes;
    text it does not take (raw non-ASCII, a broken escape) goes to ``parse_qsl`` itself.
    Raises as ``parse_qsl`` does (``UnicodeDecodeError`` for bytes that are not UTF-8)."""
    pairs = []
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        pairs.append((_unquote(name), _unquote(value)))
    return pairs


def _unquote(text: str) -> str:
    if "%" not in text and "+" not in text:
        return text
    text = text.replace("+", " ")
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        return unquote(text, errors="strict")
    if b"\\" in raw:
        raw = raw.replace(b"\\", b"\\\\")
    try:
        decoded = codecs.escape_decode(raw.replace(b"%", b"\\x"))[0]
    except ValueError:  # a '%' without two hex digits: kept as it is, as unquote does
        return unquote(text, errors="strict")
    return decoded.decode("utf-8")


def _operation(params: list[tuple[str, str]]
               ) -> tuple[str, list[str], list[str], tuple[str, ...]]:
    """(query, default-graph-uri list, named-graph-uri list, format= values) or
    :class:`_Decline`."""
    query = None
    formats: list[str] = []
    default_graphs: list[str] = []
    named_graphs: list[str] = []
    for name, value in params:
        if name not in _PARAMS:
            raise _Decline
        if name == "query":
            if query is not None:
                raise _Decline
            query = value
        elif name == "format":
            formats.append(value)
        elif name == "default-graph-uri":
            default_graphs.append(value)
        else:
            named_graphs.append(value)
    if query is None:
        raise _Decline
    return query, default_graphs, named_graphs, tuple(formats)
