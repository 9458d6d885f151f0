"""Prototype for bench/serving_bench.py: granian's RSGI interface in front of a WSGI app.

The body is read on granian's event loop under a deadline (BODY_SECONDS, 408 after it) and a
bound (MAX_BODY, 413 beyond it), so a slow or incomplete body costs no WSGI thread; then the
WSGI app runs in a thread pool (ADAPTER_THREADS). Responses are joined into one body: fine
for SPARQL answers, not for large downloads (a real adapter streams iterators and files).
"""
import asyncio
import io
import os
import sys
from concurrent.futures import ThreadPoolExecutor

BODY_SECONDS = float(os.environ.get("BODY_SECONDS", "5"))
MAX_BODY = int(os.environ.get("MAX_BODY", "365536"))
BASE = {"wsgi.version": (1, 0), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "SCRIPT_NAME": "",
        "wsgi.input_terminated": True}


class Adapter:
    def __init__(self, app, threads=8):
        self.app = app
        self.pool = ThreadPoolExecutor(threads)

    def _call(self, environ):
        out = {}
        def start_response(status, headers, exc_info=None):
            out["status"], out["headers"] = int(status[:3]), headers
        rv = self.app(environ, start_response)
        try:
            body = b"".join(rv)
        finally:
            if hasattr(rv, "close"):
                rv.close()
        return out["status"], out["headers"], body

    async def __rsgi__(self, scope, proto):
        if scope.proto != "http":
            return
        h = scope.headers
        cl = h.get("content-length")
        body = b""
        close = [("content-type", "text/plain"), ("connection", "close")]
        if cl is not None and int(cl) > MAX_BODY:
            proto.response_bytes(413, close, b"too large\n")
            return
        if scope.method not in ("GET", "HEAD", "OPTIONS") or cl:
            async def read():
                buf, n = [], 0
                async for chunk in proto:
                    n += len(chunk)
                    if n > MAX_BODY:
                        return None
                    buf.append(chunk)
                return b"".join(buf)
            try:
                body = await asyncio.wait_for(read(), BODY_SECONDS)
            except TimeoutError:
                proto.response_bytes(408, close, b"body too slow\n")
                return
            if body is None:
                proto.response_bytes(413, close, b"too large\n")
                return
        host, _, port = (scope.server or "127.0.0.1:0").rpartition(":")
        environ = dict(BASE)
        environ.update({"REQUEST_METHOD": scope.method, "PATH_INFO": scope.path,
                        "QUERY_STRING": scope.query_string, "SERVER_NAME": host,
                        "SERVER_PORT": port, "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
                        "REMOTE_ADDR": scope.client.rpartition(":")[0],
                        "wsgi.url_scheme": scope.scheme, "wsgi.input": io.BytesIO(body),
                        "CONTENT_LENGTH": str(len(body)) if body or cl else ""})
        for k, v in h.items():
            k = k.upper().replace("-", "_")
            if k == "CONTENT_TYPE":
                environ[k] = v
            elif k != "CONTENT_LENGTH":
                key = "HTTP_" + k
                environ[key] = environ[key] + "," + v if key in environ else v
        loop = asyncio.get_running_loop()
        status, headers, data = await loop.run_in_executor(self.pool, self._call, environ)
        proto.response_bytes(status, headers, data)


def create_app():
    from ruhrgraph.web import create_app as make
    return Adapter(make(), int(os.environ.get("ADAPTER_THREADS", "8")))
