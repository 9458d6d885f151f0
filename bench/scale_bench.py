"""Scale: does the service stay fast when the catalogue is 100 and 1000 times larger?

For each scale N (default x1, x100, x1000) the script builds the synthetic catalogue
(`ruhrgraph build --scale N`, measured with build_bench's sampler: wall time and peak
resident memory of the whole process tree), serves it with `ruhrgraph serve`, and measures
the latency of resource pages (projects, places, ministries: the real keys of replica 1 and
of the last replica) and canned query pages and CSVs, each asked with a cache-busting
parameter so that every request is computed, not served from a cache. The ratio to x1 is
the figure the issue asks about (within 2x).

At the largest scale it also runs the remote-backend path: an `oxigraph serve` server
(PyPI package `oxigraph`) on a fresh directory, `ruhrgraph load --to URL` pushes the build
into it (Graph Store Protocol, measured), and `ruhrgraph serve` with `RUHRGRAPH_BACKEND`
set serves the same pages from it; their answers are compared with the embedded store's.

    .venv/bin/python bench/scale_bench.py                       # x1, x100, x1000
    .venv/bin/python bench/scale_bench.py --scales 1 10 --rounds 10
    .venv/bin/python bench/scale_bench.py --work /big/disk --keep   # reuse builds later

Figures go to stdout and bench/results/scale_bench.json. The x1000 build writes about
15 GB and takes many minutes: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from proc import free_port, wait_http

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
#: Seconds a page may take (the server's QUERY_TIMEOUT is 60 s per query; a page asks many).
PAGE_TIMEOUT = 150


def _build_bench():
    spec = importlib.util.spec_from_file_location("build_bench", ROOT / "bench" / "build_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def serve(env: dict[str, str], log: Path, workers: int = 2) -> tuple[str, subprocess.Popen]:
    port = free_port()
    full = {**os.environ, "RUHRGRAPH_ACCESS_LOG": "0", "RUHRGRAPH_PUBLIC_URL": "",
            "RUHRGRAPH_STORE_DIR": "", "RUHRGRAPH_CACHE_MAX_BYTES": "0",
            "RUHRGRAPH_QUERY_TIMEOUT": "60", **env}
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [str(BIN / "ruhrgraph"), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)], env=full, cwd=ROOT, stdout=sink, stderr=sink,
            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/healthz", process, seconds=120)
    return url, process


def build(scale: int, work: Path, reuse: bool) -> dict:
    target = work / f"x{scale}"
    if reuse and (target / "current" / "manifest.json").is_file():
        manifest = json.loads((target / "current" / "manifest.json").read_text())
        return {"scale": scale, "reused": True, "quads": manifest["quads"]}
    shutil.rmtree(target, ignore_errors=True)
    measured = _build_bench().measure([str(BIN / "ruhrgraph"), "build", "--quiet", "--scale",
                                       str(scale), "--build-dir", str(target)])
    manifest = json.loads((target / "current" / "manifest.json").read_text())
    release = (target / "current").resolve()
    disk = sum(p.stat().st_size for p in release.rglob("*") if p.is_file())
    return {"scale": scale, "reused": False, "quads": manifest["quads"],
            "seconds": measured["seconds"], "peak_tree_rss_mb": measured["peak_tree_rss_mb"],
            "peak_process_rss_mb": measured["peak_process_rss_mb"], "release_bytes": disk,
            "us_per_quad": round(measured["seconds"] / manifest["quads"] * 1e6, 2)}


def targets(scale: int) -> dict[str, str]:
    """Paths asked at every scale: replica 1's real keys and the last replica's."""
    last = "" if scale == 1 else f"-x{scale}"
    return {
        "project page (replica 1)": "/project/13-01",
        "project page (last replica)": f"/project/13-01{last}",
        "project turtle (last replica)": f"/project/13-01{last}.ttl",
        "project page with mentions (last replica)": f"/project/05-02{last}",
        "place page (Essen)": "/place/05113000",
        "organisation page (VCI)": "/organisation/vci",
        "ministry page": "/ministry/mwide",
        "field page": "/field/3",
        "programme page": "/programme/ruhr-konferenz",
        "source view, line 203": "/source/da899bfb6a41233c/text?lines=203",
        "query page projects-by-city": "/queries/projects-by-city?city=Essen",
        "query csv projects-per-field": "/queries/projects-per-field.csv",
        "query csv project (last replica)": f"/queries/project.csv?code=13-01{last}",
        "query csv project-neighbourhood (last replica)":
            f"/queries/project-neighbourhood.csv?code=04-06{last}",
        "query csv search": "/queries/search.csv?text=Wasserstoff",
        "sparql count projects": "/sparql?query=" + requests.utils.quote(
            "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/ruhrgraph/ontology#Project> }"),
    }


def latency(url: str, paths: dict[str, str], rounds: int) -> dict:
    """Median and p90 of ``rounds`` sequential requests per path, to a server whose result
    and page caches are off (``CACHE_MAX_BYTES=0``): every answer is computed."""
    out = {}
    session = requests.Session()
    for name, path in paths.items():
        times, status = [], set()
        for _ in range(rounds):
            started = time.perf_counter()
            try:
                response = session.get(url + path, timeout=PAGE_TIMEOUT)
                status.add(response.status_code)
            except requests.Timeout:  # recorded as the timeout; one is enough
                status.add(f"no answer within {PAGE_TIMEOUT} s")
                times.append(PAGE_TIMEOUT * 1000)
                session = requests.Session()
                break
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code == 503:
                break  # a query of the page ran out of time: more rounds say nothing new
        times.sort()
        out[name] = {"status": sorted(status), "median_ms": round(statistics.median(times), 2),
                     "p90_ms": round(times[int(0.9 * (len(times) - 1))], 2)}
    return out


def remote(scale: int, work: Path, paths: dict[str, str], rounds: int, log: Path,
           embedded_url: str) -> dict:
    """Push the build into an Oxigraph server and serve the pages through it."""
    location = work / f"oxigraph-x{scale}"
    shutil.rmtree(location, ignore_errors=True)
    port = free_port()
    with log.open("ab") as sink:
        oxigraph = subprocess.Popen([str(BIN / "oxigraph"), "serve", "--location",
                                     str(location), "--bind", f"127.0.0.1:{port}",
                                     "--union-default-graph"],
                                    stdout=sink, stderr=sink, start_new_session=True)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_http(endpoint + "/query?query=ASK%7B%7D", oxigraph, seconds=120)
        started = time.perf_counter()
        pushed = subprocess.run([str(BIN / "ruhrgraph"), "load", "--to", endpoint + "/store"],
                                env={**os.environ, "RUHRGRAPH_BUILD_DIR": str(work / f"x{scale}"),
                                     "RUHRGRAPH_STORE_DIR": ""},
                                capture_output=True, text=True, cwd=ROOT, check=False)
        load_seconds = time.perf_counter() - started
        if pushed.returncode != 0:
            raise SystemExit(f"ruhrgraph load failed: {pushed.stderr}")
        count = requests.get(endpoint + "/query", params={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"}, timeout=600).json()
        quads = int(count["results"]["bindings"][0]["n"]["value"])
        url, server = serve({"RUHRGRAPH_BACKEND": endpoint + "/query",
                             "RUHRGRAPH_BUILD_DIR": str(work / f"x{scale}")}, log)
        try:
            same = {}
            for name, path in paths.items():
                if not (path.endswith(".csv") or ".csv?" in path or path.endswith(".ttl")):
                    continue
                a = requests.get(embedded_url + path, timeout=120).content
                b = requests.get(url + path, timeout=120).content
                same[name] = hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()
            measured = latency(url, paths, rounds)
        finally:
            stop(server)
    finally:
        stop(oxigraph)
        shutil.rmtree(location, ignore_errors=True)
    return {"load_seconds": round(load_seconds, 2), "quads_in_oxigraph": quads,
            "same_answers_as_embedded": same, "latency": measured}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--rounds", type=int, default=20, help="requests per path at x1")
    parser.add_argument("--rounds-large", type=int, default=5,
                        help="requests per path above x1 (pages may take seconds there)")
    parser.add_argument("--work", type=Path, default=None, help="where to build (big disk)")
    parser.add_argument("--keep", action="store_true", help="keep the builds in --work")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse builds found in --work instead of building (no build figures)")
    parser.add_argument("--builds-only", action="store_true")
    parser.add_argument("--no-remote", action="store_true")
    parser.add_argument("--remote-only", action="store_true",
                        help="at the largest scale, measure only the remote backend")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale_bench.json")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="rg-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "servers.log"
    report: dict = {"cpus": os.cpu_count(), "rounds": args.rounds, "scales": []}
    try:
        for scale in args.scales:
            built = build(scale, work, args.reuse)
            print(f"x{scale}: build {json.dumps(built)}", flush=True)
            entry = {"build": built}
            if not args.builds_only:
                url, server = serve({"RUHRGRAPH_BUILD_DIR": str(work / f"x{scale}")}, log)
                try:
                    rounds = args.rounds if scale == 1 else args.rounds_large
                    if not args.remote_only:
                        entry["latency"] = latency(url, targets(scale), rounds)
                        for name, figures in entry["latency"].items():
                            print(f"x{scale}: {name:36s} {figures}", flush=True)
                    if scale == max(args.scales) and not args.no_remote:
                        entry["remote"] = remote(scale, work, targets(scale), rounds, log, url)
                        print(f"x{scale}: remote {json.dumps(entry['remote'])}", flush=True)
                finally:
                    stop(server)
            report["scales"].append(entry)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(report, indent=2) + "\n")
        _summary(report)
    finally:
        report["loadavg_at_end"] = os.getloadavg()
        args.out.write_text(json.dumps(report, indent=2) + "\n")
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _summary(report: dict) -> None:
    base = report["scales"][0]
    if "latency" not in base or len(report["scales"]) < 2:
        return
    print("\nratio of median latency to the first scale:")
    for entry in report["scales"][1:]:
        scale = entry["build"]["scale"]
        ratios = {name: round(f["median_ms"] / base["latency"][name]["median_ms"], 2)
                  for name, f in entry["latency"].items() if name in base["latency"]}
        entry["ratio_to_first"] = ratios
        print(f"  x{scale}: max {max(ratios.values())} {ratios}")
        if "remote" in entry:
            rem = {name: round(f["median_ms"] / base["latency"][name]["median_ms"], 2)
                   for name, f in entry["remote"]["latency"].items()}
            entry["remote"]["ratio_to_first"] = rem
            print(f"  x{scale} remote: max {max(rem.values())} {rem}")


if __name__ == "__main__":
    sys.exit(main())
