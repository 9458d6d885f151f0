"""Side-by-side throughput of SPARQL endpoints on one query mix, in one run (wrk drives load).

Without ``--endpoint``: starts ``ruhrgraph serve`` and the peers on the store of the current
build: ``oxigraph serve-read-only`` (with ``--union-default-graph`` so both answer the same)
and, when Debian's ``virtuoso-opensource`` is installed (``make system-deps``), OpenLink
Virtuoso 7 (``proc.Virtuoso``: a throw-away database on its own ports, 1 GB of buffers,
loaded with ``ruhrgraph load --to``; every request names the release's graphs as its dataset,
so Virtuoso's own system graphs stay out, as our Virtuoso adapter does). Runs the repeated mix
and the never-repeated mix (``--unique``), prints the table and writes it to
``bench/results/endpoint.txt``. ``--peers oxigraph`` leaves Virtuoso out. With
``--endpoint NAME=URL`` (twice or more): times the given endpoints only, as the shared
harness does.

    python bench/endpoint_bench.py [--queries DIR] [--seconds 3] [--connections 8]
        [--rounds 3] [--workers CORES] [--threads 8] [--unique | --repeated]

Each query (*.rq) is sent by GET with the SPARQL 1.1 protocol. Endpoints alternate round by
round (A B A B ...) so machine drift hits them alike. It first checks every endpoint answers
every query with HTTP 200 and the same number of rows/triples (MISMATCH otherwise), then
prints per query the median requests/s and p50/p99 latency of each endpoint, and the ratio.
``--unique`` makes every request a never-seen query: a trailing
``VALUES ?__nonce { <urn:nonce:N> }`` (no effect on the answer) with N counting up, so
result caches cannot serve it (Virtuoso, which refuses that clause, gets a trailing
``# nonce N`` comment instead: ``COMMENT_NONCE``).

The timing core (``kind``, ``fetch``, ``size``, ``wrk``, ``compare``) is copied from the
team's shared benchmark harness (``shared/bench/endpoint_bench.py``, same licence as this
repository, MIT); the project never reads ``../shared`` at run time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from proc import free_port

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
ACCEPT_SELECT = "application/sparql-results+json"
ACCEPT_GRAPH = "application/n-triples"


def kind(q):
    body = re.sub(r"(?im)^\s*(PREFIX|BASE)[^\n]*$", "", q)
    body = re.sub(r"#[^\n]*", "", body)
    m = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.I)
    return m.group(1).upper() if m else "SELECT"


def fetch(url, accept):
    req = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read()


def size(kind_, body):
    if kind_ in ("SELECT",):
        return len(json.loads(body)["results"]["bindings"])
    if kind_ == "ASK":
        return int(json.loads(body)["boolean"])
    return len([ln for ln in body.decode().splitlines() if ln.strip()])


NONCE_LUA = (
    "counter = 0\n"
    "request = function()\n"
    "  counter = counter + 1\n"
    '  return wrk.format("GET", "%s" .. '
    '"%%0AVALUES%%20%%3F__nonce%%20%%7B%%20%%3Curn%%3Anonce%%3A" .. '
    'math.random(1, 1000000000) .. "x" .. counter .. "%%3E%%20%%7D")\n'
    "end\n"
)
#: Virtuoso 7.2 refuses a trailing VALUES of a variable the query does not project ("SQ200:
#: No column __nonce"), so its never-repeated queries end in a comment that names the nonce
#: instead (it has no result cache; a new text is compiled anew).
COMMENT_NONCE_LUA = NONCE_LUA.replace(
    '"%%0AVALUES%%20%%3F__nonce%%20%%7B%%20%%3Curn%%3Anonce%%3A"', '"%%0A%%23%%20nonce%%20"'
    ).replace('"%%3E%%20%%7D"', '""')
COMMENT_NONCE = {"virtuoso"}


def wrk(url, accept, seconds, conns, unique=False, comment=False):
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency", "-H", f"Accept: {accept}"]
    if unique:
        parts = urllib.parse.urlsplit(url)
        path = parts.path + "?" + parts.query
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write((COMMENT_NONCE_LUA if comment else NONCE_LUA)
                      % path.replace('"', '\\"'))
        cmd += ["-s", lua.name]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 30).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    rps = float(found.group(1)) if found else 0.0
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return (rps, lat.get("50", "?"), lat.get("99", "?"), int(errs.group(1)) if errs else 0,
            sock.group(1) if sock else "")


def compare(queries_dir, eps, seconds, conns, rounds, unique, out):
    """Print (and write to ``out``) one line per query and the geometric mean ratios."""
    queries = sorted(pathlib.Path(queries_dir).glob("*.rq"))
    ratios = {name: [] for name, _ in eps[1:]}
    bad = 0

    def say(line):
        print(line, flush=True)
        out.append(line)

    say(f"-- {'never-repeated (--unique)' if unique else 'repeated'} mix, {conns} connections, "
        f"{seconds} s x {rounds} rounds per endpoint and query")
    for qf in queries:
        q = qf.read_text()
        k = kind(q)
        accept = ACCEPT_SELECT if k in ("SELECT", "ASK") else ACCEPT_GRAPH
        urls = {name: base + ("&" if "?" in base else "?") + urllib.parse.urlencode({"query": q})
                for name, base in eps}
        sizes = {}
        for name, url in urls.items():
            try:
                _, body = fetch(url, accept)
                sizes[name] = size(k, body)
            except Exception as e:  # report and go on
                sizes[name] = f"ERROR {e}"
        if len(set(map(str, sizes.values()))) != 1:
            say(f"MISMATCH {qf.name}: {sizes}")
            bad += 1
        runs = {name: [] for name, _ in eps}
        for _ in range(rounds):
            for name, url in urls.items():
                runs[name].append(wrk(url, accept, seconds, conns, unique,
                                      comment=name in COMMENT_NONCE))
        first = eps[0][0]
        base_rps = statistics.median(r[0] for r in runs[first])
        cells = []
        for name, _ in eps:
            rps = statistics.median(r[0] for r in runs[name])
            errs = sum(r[3] for r in runs[name])
            r0 = sorted(runs[name])[len(runs[name]) // 2]
            cells.append(f"{name} {rps:8.0f}/s p50 {r0[1]:>8} p99 {r0[2]:>8}"
                         + (f" ERR {errs}" if errs else "") + (f" sock {r0[4]}" if r0[4] else ""))
            if name != first:
                ratios[name].append(base_rps / rps if rps else float("inf"))
        say(f"{qf.name:28} rows={sizes[first]!s:>5} | " + " | ".join(cells))
    for name, rs in ratios.items():
        gm = math.exp(sum(math.log(r) for r in rs) / len(rs)) if rs else float("nan")
        say(f"geomean ratio {eps[0][0]}/{name}: {gm:.2f}")
    return bad


# --- starting both servers on the current build ----------------------------------------------

def wait(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server for {url} exited with {process.returncode}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=2).close()
            return
        time.sleep(0.2)
    raise SystemExit(f"no answer from {url}")


VIRTUOSO_PASSWORD = "bench-Endpoint-pw-1"


@contextlib.contextmanager
def virtuoso_peer(store):
    """Virtuoso on a throw-away database holding the release of ``store``: (name, URL) with
    the release's graphs as every request's dataset."""
    from proc import Virtuoso

    graphs = list(json.loads((store.parent / "manifest.json").read_text())["graphs"])
    with tempfile.TemporaryDirectory(prefix="endpoint-bench-virtuoso-") as tmp:
        engine = Virtuoso(pathlib.Path(tmp), VIRTUOSO_PASSWORD, memory_mb=1024).start()
        try:
            env = {**os.environ, "RUHRGRAPH_ENGINE_USER": "dba",
                   "RUHRGRAPH_ENGINE_PASSWORD": VIRTUOSO_PASSWORD}
            subprocess.run([str(pathlib.Path(sys.executable).parent / "ruhrgraph"), "load",
                            "--to", engine.store, "--store", str(store)], env=env,
                           check=True, capture_output=True)
            dataset = urllib.parse.urlencode([("default-graph-uri", g) for g in graphs]
                                             + [("named-graph-uri", g) for g in graphs])
            yield "virtuoso", f"{engine.query}?{dataset}"
        finally:
            engine.stop()


@contextlib.contextmanager
def servers(store, workers, threads, peers=("oxigraph",)):
    bin_dir = pathlib.Path(sys.executable).parent
    ours_port, peer_port = free_port(), free_port()
    env = {**os.environ, "RUHRGRAPH_STORE_DIR": str(store), "RUHRGRAPH_ACCESS_LOG": "0"}
    ours = subprocess.Popen(
        [str(bin_dir / "ruhrgraph"), "serve", "--host", "127.0.0.1", "--port", str(ours_port),
         "--workers", str(workers), "--threads", str(threads)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peer = subprocess.Popen(
        [str(bin_dir / "oxigraph"), "serve-read-only", "--location", str(store),
         "--union-default-graph", "--bind", f"127.0.0.1:{peer_port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait(f"http://127.0.0.1:{ours_port}/healthz", ours)
        wait(f"http://127.0.0.1:{peer_port}/query?query=ASK%7B%7D", peer)
        eps = [("ruhrgraph", f"http://127.0.0.1:{ours_port}/sparql"),
               ("oxigraph", f"http://127.0.0.1:{peer_port}/query")]
        with contextlib.ExitStack() as more:
            if "virtuoso" in peers:
                eps.append(more.enter_context(virtuoso_peer(store)))
            yield eps
    finally:
        for process in (ours, peer):
            process.terminate()
            process.wait(timeout=30)


def runnable(directory):
    """Canned queries as they run from the editor: their parameters' defaults written in
    (``ruhrgraph.query.canned.editor_text``); other *.rq files as they are."""
    from ruhrgraph.query import canned
    from ruhrgraph.query.canned import editor_text

    out = pathlib.Path(tempfile.mkdtemp(prefix="endpoint-bench-"))
    for path in sorted(directory.glob("*.rq")):
        try:
            text = editor_text(canned.load(path))
        except canned.CannedQueryError:
            text = path.read_text(encoding="utf-8")
        (out / path.name).write_text(text, encoding="utf-8")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", help="directory of *.rq (default: queries/ if it has any, "
                    "else bench/queries/)")
    ap.add_argument("--endpoint", action="append", help="NAME=URL (the first is 'ours')")
    ap.add_argument("--store", help="store directory (default: the current build's)")
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--unique", action="store_true", help="only the never-repeated mix")
    ap.add_argument("--repeated", action="store_true", help="only the repeated mix")
    ap.add_argument("--peers", default="oxigraph,virtuoso" if os.path.exists(
        "/usr/bin/virtuoso-t") else "oxigraph", help="peers to start: oxigraph[,virtuoso]")
    a = ap.parse_args()
    queries = a.queries or (ROOT / "queries" if any((ROOT / "queries").glob("*.rq"))
                            else HERE / "queries")
    queries = runnable(pathlib.Path(queries))
    modes = [False, True]
    if a.unique or a.repeated:
        modes = [m for m, on in ((False, a.repeated), (True, a.unique)) if on]
    out = [f"# {time.strftime('%Y-%m-%d %H:%M:%S')} queries={a.queries or 'queries/'} "
           f"workers={a.workers} threads={a.threads} cores={os.cpu_count()}"]
    bad = 0
    if a.endpoint:
        eps = [e.split("=", 1) for e in a.endpoint]
        for unique in modes:
            bad += compare(queries, eps, a.seconds, a.connections, a.rounds, unique, out)
    else:
        store = pathlib.Path(a.store) if a.store else (ROOT / "data/build/current/store").resolve()
        if not store.is_dir():
            raise SystemExit(f"no store at {store}: run `ruhrgraph build` first")
        with servers(store, a.workers, a.threads, a.peers.split(",")) as eps:
            for unique in modes:
                bad += compare(queries, eps, a.seconds, a.connections, a.rounds, unique, out)
        results = HERE / "results"
        results.mkdir(exist_ok=True)
        (results / "endpoint.txt").write_text("\n".join(out) + "\n")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
