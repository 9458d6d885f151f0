"""Remote engines against the embedded store: load time and memory per engine and scale,
and latency (p50/p99) and throughput of the canned mix through `ruhrgraph serve`.

    python bench/engines_bench.py [--scales 1,100] [--seconds 20] [--clients 4]
        [--workers 2] [--engines oxigraph,virtuoso] [--max-query-seconds 5]

For each scale: `ruhrgraph build --scale N` into a temporary directory; then for each engine
(the Oxigraph server, Virtuoso 7 from Debian's package, each started fresh on 127.0.0.1 with
a throw-away store and its own ports: `proc.Virtuoso`) the wall time of `ruhrgraph load --to`
(staging graphs, the switch, the release check) and the engine's resident memory after the
load and at its peak during it (VmRSS, sampled every 50 ms). Then `ruhrgraph serve` (granian,
``--workers``) on the embedded store and on each engine, the result cache off
(`CACHE_MAX_BYTES=0`, so every request reaches the backend), and ``--clients`` threads ask for
the canned mix (every `queries/*.rq` as `/queries/<name>.json`, a project page, a place page)
round-robin for ``--seconds``: requests per second, p50 and p99 latency, errors. At a scale
where a canned query takes longer than ``--max-query-seconds`` once on the embedded store
(x100: `project-pairs` and a few other whole-graph joins) it is left out of that scale's mix
for every backend, and the figures name what was left out and its time. The servers
run one after the other (a shared 2-core machine: the client threads, the web workers and the
engine share the cores, so remote figures include the engine's own CPU time). Figures are
printed and written to `bench/results/engines.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from proc import Virtuoso, free_port, rss_mb, stop, wait_http

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "bench-Engine-pw-1"


def build(directory: Path, scale: int) -> Path:
    started = time.perf_counter()
    subprocess.run([str(BIN / "ruhrgraph"), "build", "--build-dir", str(directory), "--quiet",
                    "--scale", str(scale)], check=True, cwd=ROOT)
    print(f"x{scale}: built in {time.perf_counter() - started:.1f} s", flush=True)
    return directory


class Peak(threading.Thread):
    """The highest VmRSS of one process while it runs."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self._done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.05)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self.join()


def load(url: str, store: Path, pid: int) -> dict:
    env = {**os.environ, "RUHRGRAPH_ENGINE_USER": "dba", "RUHRGRAPH_ENGINE_PASSWORD": PASSWORD}
    with Peak(pid) as peak:
        started = time.perf_counter()
        done = subprocess.run([str(BIN / "ruhrgraph"), "load", "--to", url, "--store",
                               str(store)], env=env, capture_output=True, text=True,
                              check=False)
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return {"load_s": round(seconds, 2), "rss_mb": round(rss_mb(pid), 1),
            "peak_rss_mb": round(peak.peak, 1)}


def serve(build_dir: Path, workers: int, backend: str = "") -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {**os.environ, "RUHRGRAPH_BUILD_DIR": str(build_dir), "RUHRGRAPH_STORE_DIR": "",
           "RUHRGRAPH_BACKEND": backend, "RUHRGRAPH_CACHE_MAX_BYTES": "0",
           "RUHRGRAPH_ACCESS_LOG": "0", "RUHRGRAPH_QUERIES_DIR": str(ROOT / "queries"),
           "RUHRGRAPH_QUERY_TIMEOUT": "30"}
    process = subprocess.Popen(
        [str(BIN / "ruhrgraph"), "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/healthz", process, 120)
    return url, process


def mix() -> list[str]:
    paths = [f"/queries/{p.stem}.json" for p in sorted((ROOT / "queries").glob("*.rq"))]
    return [*paths, "/project/05-02", "/place/05911000"]


def light(url: str, limit: float) -> tuple[list[str], dict[str, str]]:
    """The mix's paths that answer 200 within ``limit`` seconds once; the others with why."""
    kept, dropped = [], {}
    for path in mix():
        started = time.perf_counter()
        try:
            status = requests.get(url + path, timeout=120).status_code
        except requests.RequestException as error:
            dropped[path] = type(error).__name__
            continue
        took = time.perf_counter() - started
        if status != 200:
            dropped[path] = f"HTTP {status} after {took:.1f} s"
        elif took > limit:
            dropped[path] = f"{took:.1f} s"
        else:
            kept.append(path)
    return kept, dropped


def drive(url: str, seconds: float, clients: int, paths: list[str]) -> dict:
    failed = {}
    for path in paths:  # every request answers before the clock starts
        response = requests.get(url + path, timeout=120)
        if response.status_code != 200:  # an engine's own limit: left out, and named
            failed[path] = f"{response.status_code} {response.text[:300]}"
    paths = [path for path in paths if path not in failed]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        session, i = requests.Session(), offset
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            ok = session.get(url + path, timeout=120).status_code == 200
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += not ok

    threads = [threading.Thread(target=client, args=(n * 3,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {"failed": failed, "requests": len(latencies), "errors": errors[0],
            "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1)}


def engines(tmp: Path):
    """(name, start) pairs; start() answers (store URL, query URL, pid, stop())."""
    def oxigraph():
        port = free_port()
        process = subprocess.Popen(
            [str(BIN / "oxigraph"), "serve", "--location", str(tmp / "oxigraph"), "--bind",
             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        wait_http(url + "/query?query=ASK%7B%7D", process)
        return url + "/store", url + "/query", process.pid, lambda: stop(process)

    def virtuoso():
        engine = Virtuoso(tmp / "virtuoso", PASSWORD, memory_mb=1024).start()
        return engine.store, engine.query, engine.process.pid, engine.stop

    return [("oxigraph", oxigraph), ("virtuoso", virtuoso)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="1,100")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-query-seconds", type=float, default=5.0)
    parser.add_argument("--engines", default="oxigraph,virtuoso")
    args = parser.parse_args()
    figures: dict = {"clients": args.clients, "workers": args.workers,
                     "seconds": args.seconds, "max_query_seconds": args.max_query_seconds,
                     "scales": {}}
    for scale in [int(s) for s in args.scales.split(",")]:
        with tempfile.TemporaryDirectory(prefix=f"engines-x{scale}-") as name:
            tmp = Path(name)
            build_dir = build(tmp / "build", scale)
            store = (build_dir / "current").resolve() / "store"
            row: dict = {}
            url, process = serve(build_dir, args.workers)
            try:
                paths, dropped = light(url, args.max_query_seconds)
                row["mix"], row["left_out"] = len(paths), dropped
                print(f"x{scale}: mix of {len(paths)}, left out: {dropped}", flush=True)
                row["embedded"] = drive(url, args.seconds, args.clients, paths)
            finally:
                stop(process)
            print(f"x{scale} embedded: {row['embedded']}", flush=True)
            for engine, start in engines(tmp):
                if engine not in args.engines.split(","):
                    continue
                store_url, query_url, pid, halt = start()
                try:
                    row[engine] = load(store_url, store, pid)
                    print(f"x{scale} {engine} loaded: {row[engine]}", flush=True)
                    url, process = serve(build_dir, args.workers, query_url)
                    try:
                        row[engine].update(drive(url, args.seconds, args.clients, paths))
                    finally:
                        stop(process)
                finally:
                    halt()
                print(f"x{scale} {engine}: {row[engine]}", flush=True)
            figures["scales"][f"x{scale}"] = row
    figures["loadavg"] = os.getloadavg()
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"engines-{args.engines.replace(',', '-')}-{args.scales.replace(',', '-')}.json"
     ).write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
