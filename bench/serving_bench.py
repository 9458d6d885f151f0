"""Which HTTP server should run the app: speed and hostile-client behaviour, in one run.

    python bench/serving_bench.py [--build-dir DIR] [--rounds 3] [--seconds 5]
        [--servers gunicorn,granian] [--workers 2] [--threads 8] [--port-base 18100]
        [--skip-speed] [--skip-hostile]

Starts ``oxigraph serve-read-only`` (the peer) and every candidate on the same store, all on
127.0.0.1 (ports from ``--port-base`` up), and keeps them up together (idle ones cost
nothing). Candidates:

* ``gunicorn``: gunicorn gthread with ``ruhrgraph/web/ops/gunicorn_conf.py`` (what
  ``ruhrgraph serve`` ran before issue 14), prepared as ``ruhrgraph serve`` prepares its server;
* ``granian-rsgi`` (prototype, ``bench/rsgi_wsgi_adapter.py``): granian's RSGI interface,
  the body read on the event loop under a deadline and a bound, then the WSGI app in a
  thread pool: what WSGI over granian cannot give (a body read deadline);
* ``granian-hello``: ``bench/hello_wsgi.py`` (answers ``true``, nothing else) under granian
  with the same flags: what granian's WSGI interface costs any Python app;
* ``granian-unpinned``: the same with ``SERVER_PIN_CPUS=0`` (threads placed by the kernel
  instead of each worker on a core of its own);
* ``granian``: ``ruhrgraph serve`` as it runs now (granian's WSGI interface, the options of
  ``ruhrgraph.web.serving.server_options``).

Speed, endpoints alternating round by round, ``--rounds`` repeats, medians:

* serial ``ASK``: one keep-alive connection, never-repeated ``ASK {} VALUES ?n {<urn:N>}``
  (no cache can answer), mean latency per request; overhead = server - oxigraph;
* never-repeated canned query (``queries/projects-per-ministry.rq``, parameters filled in)
  with wrk at 8 and 32 connections, requests/s and ratio to oxigraph.

Hostile clients, one server at a time (each otherwise idle), see :func:`hostile`: 200
slow-header sockets while ``/healthz`` is timed, a 10 MB request line, a 1 MB header, 2000
headers, a body over the limit, incomplete bodies (one, and more than the worker threads),
and how long an idle keep-alive connection is kept.

Prints a table and writes it to ``bench/results/serving.txt``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from endpoint_bench import ACCEPT_SELECT, runnable, wrk  # noqa: E402

BIN = pathlib.Path(sys.executable).parent

# --- servers ----------------------------------------------------------------------------------

class Servers:
    def __init__(self, build_dir: pathlib.Path, port_base: int, workers: int, threads: int,
                 names: list[str], granian_threads: int | None, granian_backpressure: int | None):
        self.build_dir = build_dir
        self.next_port = port_base
        self.workers, self.threads = workers, threads
        self.names = names
        self.granian_threads = granian_threads or threads
        self.granian_backpressure = granian_backpressure
        self.procs: dict[str, subprocess.Popen] = {}
        self.urls: dict[str, str] = {}
        self.ports: dict[str, int] = {}
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="serving-bench-"))
        self.hold = None
        self._probe: dict[str, str] = {}

    def _port(self) -> int:
        port = self.next_port
        self.next_port += 1
        return port

    def env(self) -> dict[str, str]:
        return {**os.environ, "RUHRGRAPH_BUILD_DIR": str(self.build_dir),
                "RUHRGRAPH_ACCESS_LOG": "0"}

    def store(self) -> pathlib.Path:
        os.environ["RUHRGRAPH_BUILD_DIR"] = str(self.build_dir)
        from ruhrgraph import config as cfg
        from ruhrgraph.query import backends as backend
        return pathlib.Path(backend.store_dir(cfg.load()))

    def start(self) -> None:
        store = self.store()
        port = self._port()
        self._launch("oxigraph", port, [str(BIN / "oxigraph"), "serve-read-only", "--location",
                                        str(store), "--union-default-graph", "--bind",
                                        f"127.0.0.1:{port}"], self.env(), "/query",
                     "/query?query=ASK%7B%7D")
        if "gunicorn" in self.names:
            port = self._port()
            env = self.granian_env(port, store)
            env["RUHRGRAPH_THREADS"] = str(self.threads)
            self._launch("gunicorn", port,
                         [str(BIN / "python"), "-m", "gunicorn", "-c",
                          "python:ruhrgraph.web.ops.gunicorn_conf", "--bind",
                          f"127.0.0.1:{port}", "--workers", str(self.workers),
                          "ruhrgraph.web:create_app()"], env, "/sparql", "/healthz",
                         pass_fds=(self.hold.fd,) if self.hold else ())
        serve = {"granian": {}, "granian-unpinned": {"RUHRGRAPH_SERVER_PIN_CPUS": "0"}}
        for name, settings in serve.items():  # `ruhrgraph serve`, as it runs, and unpinned
            if name in self.names:
                port = self._port()
                argv = [str(BIN / "ruhrgraph"), "serve", "--host", "127.0.0.1", "--port",
                        str(port), "--workers", str(self.workers), "--threads",
                        str(self.granian_threads)]
                self._launch(name, port, argv, {**self.env(), **settings}, "/sparql",
                             "/healthz")
        if "granian-hello" in self.names:  # the floor: bench/hello_wsgi.py on granian
            port = self._port()
            argv = [a for a in self.granian_argv(port) if a != "ruhrgraph.web:create_app"]
            argv.remove("--factory")
            env = {**self.env(), "PYTHONPATH": str(HERE)}
            self._launch("granian-hello", port, [*argv, "hello_wsgi:app"], env, "/sparql",
                         "/sparql")
        if "granian-rsgi" in self.names:
            port = self._port()
            env = self.granian_env(port, store)
            env["PYTHONPATH"] = str(HERE)
            env["ADAPTER_THREADS"] = str(self.granian_threads)
            argv = [a for a in self.granian_argv(port) if a != "ruhrgraph.web:create_app"]
            argv[argv.index("wsgi")] = "rsgi"
            i = argv.index("--blocking-threads")
            del argv[i:i + 2]
            self._launch("granian-rsgi", port, [*argv, "rsgi_wsgi_adapter:create_app"], env,
                         "/sparql", "/healthz", pass_fds=(self.hold.fd,) if self.hold else ())
        for name, process in self.procs.items():
            wait_http(self.ports[name], self._probe[name], process)

    def granian_argv(self, port: int) -> list[str]:
        """granian's command line with the settings ``ruhrgraph serve`` passes it
        (``ruhrgraph.web.serving.server_options``), for the RSGI prototype."""
        from ruhrgraph import config as cfg
        from ruhrgraph.web.serving import server_options
        o = server_options(cfg.load(), self.workers, self.granian_threads)
        h1 = o["http1_settings"]
        argv = [str(BIN / "granian"), "--interface", "wsgi", "--factory", "--http", "1",
                "--no-ws", "--workers", str(o["workers"]),
                "--blocking-threads", str(o["blocking_threads"]),
                "--http1-header-read-timeout", str(h1.header_read_timeout),
                "--http1-buffer-size", str(h1.max_buffer_size), "--backlog", str(o["backlog"]),
                "--respawn-failed-workers", "--workers-kill-timeout",
                str(o["workers_kill_timeout"]), "--log-level", "warning",
                "--host", "127.0.0.1", "--port", str(port)]
        return [*argv, "ruhrgraph.web:create_app"]

    def granian_env(self, port: int, store: pathlib.Path) -> dict[str, str]:
        """What ``ruhrgraph serve`` does before it becomes its server (cli._cmd_serve)."""
        from ruhrgraph import config as cfg
        from ruhrgraph.query import backends as backend
        from ruhrgraph.store import releases as inuse
        env = self.env()
        env["RUHRGRAPH_STORE_DIR"] = str(store)
        env["RUHRGRAPH_VERIFY_STORE"] = "0"
        if self.hold is None:
            self.hold = inuse.hold(backend.release_dir(cfg.load()), inheritable=True)
        metrics_dir = self.tmp / f"metrics-{port}"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        return env

    def _launch(self, name, port, argv, env, path, probe, pass_fds=()):
        log = open(self.tmp / f"{name}.log", "wb")
        self.procs[name] = subprocess.Popen(argv, env=env, stdout=log, stderr=log,
                                            pass_fds=pass_fds, start_new_session=True)
        self.ports[name] = port
        self.urls[name] = f"http://127.0.0.1:{port}{path}"
        self._probe[name] = probe

    def stop(self) -> None:
        for process in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 15)
        for process in self.procs.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
        if self.hold:
            self.hold.close()


def wait_http(port: int, path: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on {port} exited with {process.returncode}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                conn.close()
                return
        time.sleep(0.2)
    raise SystemExit(f"no answer on port {port}")


# --- speed ------------------------------------------------------------------------------------

def serial_ask(url: str, count: int, counter: list[int]) -> float:
    """Mean ms per never-repeated ASK over one keep-alive connection."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Accept": ACCEPT_SELECT}
    for i in range(count + 50):
        counter[0] += 1
        q = urllib.parse.quote(f"ASK {{}} VALUES ?n {{ <urn:nonce:{counter[0]}> }}")
        if i == 50:  # warm-up done
            start = time.perf_counter()
        conn.request("GET", f"{parts.path}?query={q}", headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200 or b"true" not in body:
            raise SystemExit(f"serial ASK on {url}: {response.status} {body[:200]!r}")
    conn.close()
    return (time.perf_counter() - start) / count * 1000


def speed(servers: Servers, rounds: int, seconds: int, asks: int, say) -> None:
    query = (runnable(ROOT / "queries") / "projects-per-ministry.rq").read_text()
    names = list(servers.urls)
    serial = {n: [] for n in names}
    rps = {(n, c): [] for n in names for c in (8, 32)}
    p99 = {(n, c): [] for n in names for c in (8, 32)}
    errors = {n: 0 for n in names}
    counter = [int(time.time())]
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            serial[name].append(serial_ask(servers.urls[name], asks, counter))
        for conns in (8, 32):
            for name in order:
                url = servers.urls[name] + "?" + urllib.parse.urlencode({"query": query})
                if r == 0:
                    wrk(url, ACCEPT_SELECT, 1, conns, True)  # warm-up
                got = wrk(url, ACCEPT_SELECT, seconds, conns, True)
                rps[name, conns].append(got[0])
                p99[name, conns].append(got[2])
                errors[name] += got[3] + (1 if got[4] else 0)
        say(f"  round {r + 1}: " + ", ".join(
            f"{n} ask {serial[n][-1]:.3f} ms / {rps[n, 8][-1]:.0f} / {rps[n, 32][-1]:.0f} rps"
            for n in names))
    base_ask = statistics.median(serial["oxigraph"])
    say(f"\n{'server':10} {'serial ASK ms':>14} {'overhead ms':>12} {'uniq@8 rps':>11} "
        f"{'x oxi':>6} {'p99@8':>8} {'uniq@32 rps':>12} {'x oxi':>6} {'p99@32':>8} err")
    for name in names:
        ask = statistics.median(serial[name])
        cells = [f"{name:10} {ask:14.3f} {ask - base_ask:12.3f}"]
        for conns in (8, 32):
            med = statistics.median(rps[name, conns])
            base = statistics.median(rps["oxigraph", conns])
            mid = sorted(range(rounds), key=lambda i: rps[name, conns][i])[rounds // 2]
            cells.append(f"{med:11.0f} {med / base:6.2f} {p99[name, conns][mid]:>8}")
        say(" ".join(cells) + f" {errors[name]}")


# --- hostile clients --------------------------------------------------------------------------

def connect(port: int, timeout: float = 10) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def timed_get(port: int, path: str, timeout: float = 5) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path, headers={"Accept": ACCEPT_SELECT})
        response = conn.getresponse()
        response.read()
        conn.close()
        return time.perf_counter() - start, str(response.status)
    except (OSError, http.client.HTTPException) as error:
        return time.perf_counter() - start, type(error).__name__


def answer(sock: socket.socket, send: bytes, timeout: float, chunk: int = 1 << 16,
           then_wait: float = 0.0) -> tuple[float, str]:
    """Send ``send`` (from a thread, so a server answering early is seen), return seconds
    to the first response byte and the status line (or what happened)."""
    sock.settimeout(timeout)
    start = time.perf_counter()
    sent_error = []

    def sender():
        try:
            view = memoryview(send)
            while view:
                n = sock.send(view[:chunk])
                view = view[n:]
        except OSError as error:
            sent_error.append(type(error).__name__)

    thread = threading.Thread(target=sender, daemon=True)
    thread.start()
    try:
        data = sock.recv(256)
    except TimeoutError:
        return time.perf_counter() - start, f"no answer in {timeout:g} s"
    except OSError as error:
        return time.perf_counter() - start, type(error).__name__
    elapsed = time.perf_counter() - start
    if not data:
        return elapsed, "closed without answer" + (f" ({sent_error[0]})" if sent_error else "")
    return elapsed, data.split(b"\r\n", 1)[0].decode("latin-1")


def closed_after(sock: socket.socket, limit: float) -> str:
    """Seconds until the server closes ``sock`` (reading and dropping any answer)."""
    sock.settimeout(limit)
    start = time.perf_counter()
    got = b""
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                break
            got += data
    except TimeoutError:
        return f"open after {limit:g} s" + (f" (got {got[:12]!r})" if got else "")
    except OSError as error:
        return f"{type(error).__name__} after {time.perf_counter() - start:.1f} s"
    status = got.split(b"\r\n", 1)[0].decode("latin-1") if got else "no answer"
    return f"closed after {time.perf_counter() - start:.1f} s ({status})"


def slow_headers(port: int, count: int, seconds: float, say) -> None:
    socks, dead = [], [0]
    for _ in range(count):
        sock = connect(port)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        socks.append(sock)
    stop = threading.Event()

    def drip():
        n = 0
        while not stop.wait(2.0):
            n += 1
            for sock in socks:
                if sock.fileno() < 0:
                    continue
                try:
                    sock.send(b"X-Slow-%d: x\r\n" % n)
                except OSError:
                    dead[0] += 1
                    sock.close()

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    health, canned = [], []
    query = "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        health.append(timed_get(port, "/healthz", 5))
        canned.append(timed_get(port, query, 5))
        time.sleep(0.3)
    stop.set()
    thread.join()
    for sock in socks:
        sock.close()

    def summary(rows):
        ok = [t for t, s in rows if s in ("200", "404")]
        bad = [s for t, s in rows if s not in ("200", "404")]
        worst = max(t for t, _ in rows)
        p50 = statistics.median(t for t, _ in rows) * 1000
        return (f"{len(ok)}/{len(rows)} ok, p50 {p50:.1f} ms, max {worst * 1000:.0f} ms"
                + (f", failures {sorted(set(bad))}" if bad else ""))
    say(f"  {count} slow-header sockets {seconds:g} s: /healthz {summary(health)}; "
        f"ASK {summary(canned)}; slow sockets closed by server: {dead[0]}/{count}")


def hostile(name: str, port: int, threads_total: int, say) -> None:
    say(f"\n== {name} (port {port})")
    idle = connect(port)  # an idle keep-alive connection after one request
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    idle.recv(4096)
    idle_result: list[str] = []
    idle_thread = threading.Thread(target=lambda: idle_result.append(closed_after(idle, 40)),
                                   daemon=True)
    idle_thread.start()
    silent = connect(port)  # connects, sends nothing
    silent_result: list[str] = []
    silent_thread = threading.Thread(target=lambda: silent_result.append(closed_after(silent, 40)),
                                     daemon=True)
    silent_thread.start()

    slow_headers(port, 200, 12, say)

    line = b"GET /sparql?query=" + b"a" * (10 << 20) + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    t, status = answer(connect(port), line, 10)
    say(f"  10 MB request line: {status!r} after {t:.3f} s")
    qs = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 70_000)
    t, status = answer(connect(port), f"GET /sparql?query={qs} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       f"Accept: {ACCEPT_SELECT}\r\n\r\n".encode(), 10)
    say(f"  {len(qs) // 1000} kB GET query (under MAX_QUERY_BYTES): {status!r} after {t:.3f} s")
    big = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * (1 << 20) + b"\r\n\r\n"
    t, status = answer(connect(port), big, 10)
    say(f"  1 MB header: {status!r} after {t:.3f} s")
    many = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(
        b"X-H%d: v\r\n" % i for i in range(2000)) + b"\r\n"
    t, status = answer(connect(port), many, 10)
    say(f"  2000 headers ({len(many) // 1000} kB): {status!r} after {t:.3f} s")
    head = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            b"application/sparql-query\r\nContent-Length: %d\r\n\r\n")
    t, status = answer(connect(port), head % (10 << 20), 10)
    say(f"  Content-Length 10 MB, headers only: {status!r} after {t:.3f} s")
    t, status = answer(connect(port), head % (10 << 20) + b"x" * (10 << 20), 10)
    say(f"  10 MB body sent: {status!r} after {t:.3f} s")
    t, status = answer(connect(port), b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked"
                       b"\r\n\r\n" + b"100000\r\n" + b"x" * (1 << 20) + b"\r\n" * 2
                       + b"0\r\n\r\n", 10)
    say(f"  1 MB chunked body (no Content-Length): {status!r} after {t:.3f} s")
    sock = connect(port)
    sock.sendall(head % 1000 + b"ASK {")
    say(f"  incomplete body (5 of 1000 bytes): {closed_after(sock, 20)}")
    sock.close()
    stuck = []
    for _ in range(threads_total + 4):
        sock = connect(port)
        sock.sendall(head % 1000 + b"ASK {")
        stuck.append(sock)
    time.sleep(1)
    rows = [timed_get(port, "/healthz", 5) for _ in range(5)]
    say(f"  {len(stuck)} incomplete bodies held: /healthz "
        + ", ".join(f"{s} {t * 1000:.0f} ms" for t, s in rows))
    for sock in stuck:
        sock.close()
    time.sleep(0.5)
    t, status = timed_get(port, "/healthz", 5)
    say(f"  after they close: /healthz {status} {t * 1000:.0f} ms")
    silent_thread.join()
    idle_thread.join()
    say(f"  connection sending nothing: {silent_result[0]}")
    say(f"  idle keep-alive connection: {idle_result[0]}")
    for sock in (idle, silent):
        sock.close()


# --- main -------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", default=os.environ.get("RUHRGRAPH_BUILD_DIR",
                                                          str(ROOT / "data" / "build")))
    ap.add_argument("--servers", default="gunicorn,granian")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--asks", type=int, default=2000, help="serial ASKs per round")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--granian-threads", type=int, help="granian --blocking-threads "
                    "(default: --threads)")
    ap.add_argument("--granian-backpressure", type=int, help="granian --backpressure")
    ap.add_argument("--port-base", type=int, default=18500)
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-hostile", action="store_true")
    a = ap.parse_args()
    lines = [f"# {time.strftime('%Y-%m-%d %H:%M:%S')} cores={os.cpu_count()} "
             f"workers={a.workers} threads={a.threads} rounds={a.rounds} seconds={a.seconds}"]

    def say(line=""):
        print(line, flush=True)
        lines.append(line)

    servers = Servers(pathlib.Path(a.build_dir), a.port_base, a.workers, a.threads,
                      a.servers.split(","), a.granian_threads, a.granian_backpressure)
    try:
        servers.start()
        say("granian: ruhrgraph serve = granian " + " ".join(servers.granian_argv(0)[1:]))
        if not a.skip_speed:
            speed(servers, a.rounds, a.seconds, a.asks, say)
        if not a.skip_hostile:
            for name in servers.names:
                hostile(name, servers.ports[name], a.workers * a.threads, say)
    finally:
        servers.stop()
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "serving.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
