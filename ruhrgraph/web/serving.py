"""The HTTP server of ``ruhrgraph serve``: granian, started by ``python -m ruhrgraph.web.serving``.

granian was chosen by measurement (``bench/serving_bench.py``, ``bench/README.md``): it parses
the request line and headers in Rust under a deadline and a size bound before Python sees a
request, so a slow or huge request costs a socket, not a worker thread; and it adds less per
request than gunicorn's gthread worker. This is the one module that imports granian.

Two things granian does not do as ``ruhrgraph serve`` needs, handled here:

- It has no ``post_fork`` hook: :func:`granian_app` (the factory granian calls in every worker
  it starts) starts the worker's own services first (:func:`ruhrgraph.web.ops.workers.started`).
- It stops the whole server ("Worker crash loop detected") when a worker it has just respawned
  exits again within 5.5 s. Our workers end themselves on purpose (after a query timeout, and
  at the memory cap: an embedded query cannot be stopped otherwise), so a stream of hostile
  queries would take the service down. :class:`_Server` narrows that window to
  :data:`CRASH_LOOP_SECONDS`: a worker that dies before it could have answered anything is
  still a crash loop (``ruhrgraph serve`` has already opened the store and made the app once,
  so that is rare), one that served and then ended itself is replaced.
- From an iterator (werkzeug's answers all are) it writes an answer's head and its body in
  two writes: a worker killed between them leaves a proxy with a head it has already passed
  on and cannot retry on another replica (docs/deploy.md). :class:`_WholeBodies` hands it
  every answer of a known length up to :data:`WHOLE_BODY_BYTES` as a one-item list, which
  it writes with the head in one go.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable

from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import MPServer

from ruhrgraph import config as cfg

#: A respawned worker that exits within this many seconds of its start is a crash loop and
#: stops the server (granian's own window is 5.5 s). A worker ends itself no earlier than
#: :data:`ruhrgraph.web.ops.workers.MIN_AGE_SECONDS` after its start, which is longer.
CRASH_LOOP_SECONDS = 1.0
_GRANIAN_WINDOW_SECONDS = 5.5

TARGET = "ruhrgraph.web.serving:granian_app"

#: Answers up to this many bytes (by their Content-Length) are written with their head.
WHOLE_BODY_BYTES = 1 << 20


def granian_app() -> _WholeBodies:
    """granian's factory: called once in every worker granian starts (also one it starts
    later, after another ended)."""
    from ruhrgraph.web import create_app
    from ruhrgraph.web.ops import workers

    workers.started()
    return _WholeBodies(create_app())


class _WholeBodies:
    """WSGI layer: the body of an answer whose Content-Length is at most
    :data:`WHOLE_BODY_BYTES` goes to granian as one bytes item; longer or unknown ones
    (dumps) stream as they are."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        length: list[int] = []

        def start(status: str, headers: list[tuple[str, str]], exc_info=None):
            length[:] = [int(v) for k, v in headers if k.lower() == "content-length"
                         and v.isdigit()][:1]
            return start_response(status, headers, exc_info)

        body = self.app(environ, start)
        if not length or length[0] > WHOLE_BODY_BYTES or isinstance(body, list):
            return body
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()


class _RespawnTimes(dict):
    """granian's ``respawned_wrks`` (worker index → when granian respawned it), stored as if
    the respawn had been ``5.5 - CRASH_LOOP_SECONDS`` seconds earlier: granian's test
    ``now - respawned <= 5.5`` then holds only within ``CRASH_LOOP_SECONDS`` of the respawn."""

    def __setitem__(self, idx, when: float) -> None:
        super().__setitem__(idx, when - (_GRANIAN_WINDOW_SECONDS - CRASH_LOOP_SECONDS))


class _Server(MPServer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.respawned_wrks = _RespawnTimes()


def server_options(settings: cfg.Settings, workers: int, threads: int) -> dict:
    """granian's settings for ``ruhrgraph serve`` (``docs/deploy.md``), from our settings."""
    return dict(
        interface=Interfaces.WSGI, factory=True, http=HTTPModes.http1, websockets=False,
        workers=workers, blocking_threads=threads,
        http1_settings=HTTP1Settings(
            header_read_timeout=round(settings.server_header_seconds * 1000),
            max_buffer_size=settings.server_max_header_bytes),
        backlog=settings.server_backlog,
        backpressure=settings.server_backpressure or None,
        # a worker that ends (memory cap, recycling after a timeout) is replaced
        respawn_failed_workers=True, workers_kill_timeout=20,
        log_level=LogLevels.warning)


def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve until SIGINT/SIGTERM (granian stops its workers, then returns)."""
    from ruhrgraph.web.ops import workers as worker_life

    os.environ[worker_life.WORKERS_ENV] = str(workers)  # inherited by every worker
    server = _Server(TARGET, address=host, port=port,
                     **server_options(cfg.load(), workers, threads))
    server.serve()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ruhrgraph.web.serving",
                                     description="granian serving ruhrgraph (ruhrgraph serve "
                                                 "prepares the environment and runs this)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.workers, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
