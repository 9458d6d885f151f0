"""A WSGI fast path for repeated SPARQL GETs: finished responses, answered before Flask.

Key: the request's root URL when no ``PUBLIC_URL`` is set (``hosts.CACHE_ROOT``), the raw
query string, Accept header and interface language (the editor page is HTML in it) of
``GET /sparql`` (so a permalink, a canned
query or a page that asks again is served without parsing anything). Only responses that
the endpoint itself marked cacheable (200 with an ``ETag`` and ``Cache-Control: public``)
are kept; the data version is fixed for the life of a worker (the store is a read-only
snapshot), so entries never go stale. ``If-None-Match`` is answered with 304 here as well.
Everything else goes to the Flask app unchanged. Measured in ``bench/README.md``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from ruhrgraph.query.cache import etag_matches
from ruhrgraph.web import i18n
from ruhrgraph.web.ops import metrics
from ruhrgraph.web.ops.hosts import CACHE_ROOT

access_log = logging.getLogger("ruhrgraph.access")

_DROP_ON_304 = {"content-type", "content-length"}


class FastPath:
    def __init__(self, app: Callable, entries: int, max_bytes: int, entry_max_bytes: int,
                 log: bool):
        self.app, self.entries, self.max_bytes = app, entries, max_bytes
        self.entry_max_bytes, self.log = entry_max_bytes, log
        self._table: OrderedDict[tuple[str, str, str], tuple] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != "/sparql" \
                or not environ.get("QUERY_STRING") or self.entries <= 0:
            return self.app(environ, start_response)
        started = time.perf_counter()
        key = (environ.get(CACHE_ROOT, ""), environ["QUERY_STRING"],
               environ.get("HTTP_ACCEPT", ""), i18n.environ_locale(environ))
        with self._lock:
            hit = self._table.get(key)
            if hit is not None:
                self._table.move_to_end(key)
        if hit is None:
            return self._fill(key, environ, start_response)
        status, headers, body, etag = hit
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and etag_matches(if_none_match, etag):
            status, body = "304 NOT MODIFIED", b""
            headers = [(k, v) for k, v in headers if k.lower() not in _DROP_ON_304]
            metrics.CACHE.labels("not_modified").inc()
        else:
            metrics.CACHE.labels("hit").inc()
        start_response(status, headers)
        elapsed = time.perf_counter() - started
        metrics.REQUESTS.labels("/sparql", "GET", status[:3]).inc()
        metrics.LATENCY.labels("/sparql").observe(elapsed)
        if self.log:
            access_log.info(json.dumps({
                "ts": round(time.time(), 3), "method": "GET", "path": "/sparql",
                "status": int(status[:3]), "ms": round(elapsed * 1000, 3), "bytes": len(body),
                "remote": environ.get("REMOTE_ADDR"), "cache": "fast"}))
        return [body]

    def _fill(self, key: tuple[str, str, str], environ: dict, start_response: Callable):
        captured: list = []

        def capture(status, headers, exc_info=None):
            captured[:] = [status, list(headers)]
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if captured and captured[0].startswith("200"):
            self._store(key, captured[0], captured[1], body)
        return [body]

    def _store(self, key, status: str, headers: list, body: bytes) -> None:
        names = {k.lower(): v for k, v in headers}
        if "etag" not in names or not names.get("cache-control", "").startswith("public") or \
                len(body) > min(self.entry_max_bytes, self.max_bytes):
            return
        with self._lock:
            old = self._table.pop(key, None)
            if old is not None:
                self._bytes -= len(old[2])
            self._table[key] = (status, headers, body, names["etag"])
            self._bytes += len(body)
            while len(self._table) > self.entries or self._bytes > self.max_bytes:
                _, dropped = self._table.popitem(last=False)
                self._bytes -= len(dropped[2])
