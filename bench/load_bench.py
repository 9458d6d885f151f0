"""Load: 60 s at 32 concurrent connections on the production server, a realistic mix.

Starts `ruhrgraph serve` (gunicorn, the server `make serve` runs, as it runs it: one worker
per core, 8 threads each) on a build, checks that every request of the mix answers 200, warms the
caches for --warmup seconds, then drives --seconds of load with wrk (C, so the load generator
takes little of the machine's two cores) and bench/load_mix.lua, and reports the request
rate, latency percentiles, every status and every socket error. Zero errors means: only
200 (206 for ranges) and no socket error.

The mix (by share of requests): canned-query pages and their CSV/JSON downloads with
parameters (30 %), resource pages of projects, places, ministries, fields, organisations in
HTML and Turtle (35 %), editor queries POSTed to /sparql (30 %; a third of them never
repeated, so no cache can answer them), and dump downloads (5 %).

    .venv/bin/python bench/load_bench.py                        # builds into a temp dir
    .venv/bin/python bench/load_bench.py --build-dir data/build --seconds 60 --connections 32

Figures go to stdout and bench/results/load_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import requests
from proc import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "load_mix.lua"
QUERIES = ROOT / "bench" / "queries"
RG = "https://w3id.org/ruhrgraph/"


def select(url: str, query: str) -> list[dict[str, str]]:
    response = requests.post(url + "/sparql", data={"query": query}, timeout=60,
                             headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    return [{k: v["value"] for k, v in row.items()}
            for row in response.json()["results"]["bindings"]]


def keys(url: str, kind: str, cls: str) -> list[str]:
    rows = select(url, f"SELECT DISTINCT ?x WHERE {{ ?x a <{cls}> }} ORDER BY ?x")
    prefix = f"{RG}{kind}/"
    return [r["x"][len(prefix):] for r in rows if r["x"].startswith(prefix)]


def option_values(url: str, name: str, param: str) -> list[str]:
    page = requests.get(f"{url}/queries/{name}", timeout=60).text
    select_tag = re.search(rf'name="{param}".*?</select>', page, re.S)
    found = re.findall(r'<option value="([^"]*)"', select_tag.group(0)) if select_tag else []
    return found


def editor_queries() -> list[str]:
    out = []
    for path in sorted(QUERIES.glob("*.rq")):
        text = "\n".join(line for line in path.read_text().splitlines()
                         if not line.startswith("#"))
        out.append(text.strip())
    return out


def mix(url: str, seed: int) -> list[tuple[str, str, str, str]]:
    """(method, path, accept, body) lines, repeated by weight and shuffled."""
    rng = random.Random(seed)
    projects = keys(url, "project", RG + "ontology#Project")
    places = keys(url, "place", "http://schema.org/Place")
    ministries = keys(url, "ministry", RG + "ontology#Ministry")
    organisations = keys(url, "organisation", "http://www.w3.org/ns/org#Organization")
    cities = option_values(url, "projects-by-city", "city") or ["Essen", "Bochum"]
    html, csv = "text/html", "text/csv"
    canned, resources, editor, dumps = [], [], [], []
    for name in ("projects-per-field", "projects-per-ministry", "field-ministry-matrix",
                 "timeline", "cities-ranked", "shared-organisations", "project-pairs",
                 "ministry-network", "project-references", "most-measures",
                 "open-ended-projects", "projects-until-2030"):
        canned += [("GET", f"/queries/{name}", html, ""), ("GET", f"/queries/{name}.csv",
                                                           csv, "")]
    for year in range(2019, 2032):
        canned += [("GET", f"/queries/projects-active-in-year?year={year}", html, ""),
                   ("GET", f"/queries/projects-active-in-year.json?year={year}",
                    "application/json", "")]
    for city in cities[:30]:
        q = urllib.parse.quote(city)
        canned += [("GET", f"/queries/projects-by-city?city={q}", html, ""),
                   ("GET", f"/queries/projects-by-city.csv?city={q}", csv, "")]
    for code in projects:
        canned += [("GET", f"/queries/project.csv?code={code}", csv, ""),
                   ("GET", f"/queries/project-neighbourhood?code={code}", html, "")]
    for text in ("Wasserstoff", "Schule", "Klima", "Hochschule", "Mobilität", "Digital"):
        q = urllib.parse.quote(text)
        canned += [("GET", f"/queries/search?text={q}", html, ""),
                   ("GET", f"/queries/search.tsv?text={q}", "text/tab-separated-values", "")]
    for code in projects:
        resources += [("GET", f"/project/{code}", html, ""),
                      ("GET", f"/project/{code}.ttl", "text/turtle", "")]
    resources += [("GET", f"/place/{p}", html, "") for p in places]
    resources += [("GET", f"/ministry/{m}", html, "") for m in ministries]
    resources += [("GET", f"/organisation/{o}", html, "") for o in organisations[:60]]
    resources += [("GET", f"/field/{n}", html, "") for n in range(1, 6)]
    resources += [("GET", p, html, "") for p in ("/", "/projects", "/places", "/ministries",
                                                 "/fields", "/queries", "/downloads")]
    sparql_json = "application/sparql-results+json"
    for text in editor_queries():
        accept = "text/turtle" if text.lstrip().upper().startswith(("CONSTRUCT", "DESCRIBE")) \
            else sparql_json
        body = "query=" + urllib.parse.quote(text)
        editor += [("POST", "/sparql", accept, body)] * 2
        editor.append(("POST", "/sparql", accept, body + urllib.parse.quote(
            "\nVALUES ?__nonce { <urn:nonce:") + "{n}" + urllib.parse.quote("> }")))
    for code in projects[:20]:
        editor.append(("POST", "/sparql", sparql_json, "query=" + urllib.parse.quote(
            f"SELECT ?p ?o WHERE {{ <{RG}project/{code}> ?p ?o }}")))
    dumps = [("GET", "/downloads/ruhrgraph.ttl.gz", "*/*", ""),
             ("GET", "/downloads/ruhrgraph.nt", "application/n-triples", ""),
             ("GET", "/downloads/ruhrgraph.jsonld", "application/ld+json", ""),
             ("GET", "/downloads/SHA256SUMS", "text/plain", "")]
    total = 4000
    lines = []
    for group, share in ((canned, 0.30), (resources, 0.35), (editor, 0.30), (dumps, 0.05)):
        lines += [rng.choice(group) for _ in range(int(total * share))]
    rng.shuffle(lines)
    return lines


def check(url: str, lines: list[tuple[str, str, str, str]]) -> None:
    """Every distinct request answers 200 before the load starts."""
    session = requests.Session()
    for method, path, accept, body in sorted(set(lines)):
        data = body.replace("{n}", "0").encode() if body else None
        headers = {"Accept": accept}
        if data:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response = session.request(method, url + path, data=data, headers=headers, timeout=60)
        if response.status_code != 200:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:300]}")


def category(line: tuple[str, str, str, str]) -> str:
    _, path, _, body = line
    if path.startswith("/queries"):
        return "canned"
    if path == "/sparql":
        return "editor (never repeated)" if "{n}" in body else "editor"
    if path.startswith("/downloads"):
        return "dumps"
    return "resource pages"


class Probe:
    """While wrk runs: one request of each category every ``period`` seconds, timed on its
    own (wrk reports only overall percentiles), taking little of the load itself."""

    def __init__(self, url: str, lines: list[tuple[str, str, str, str]], period: float = 0.25):
        import threading

        self.url, self.period = url, period
        self.by_kind: dict[str, list] = {}
        for line in lines:
            self.by_kind.setdefault(category(line), []).append(line)
        self.times: dict[str, list[float]] = {k: [] for k in self.by_kind}
        self.errors: dict[str, int] = {k: 0 for k in self.by_kind}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        session = requests.Session()
        rng = random.Random(1)
        n = 0
        while not self._stop.is_set():
            for kind, lines in self.by_kind.items():
                method, path, accept, body = rng.choice(lines)
                n += 1
                data = body.replace("{n}", f"9{n}").encode() if body else None
                headers = {"Accept": accept, "Accept-Encoding": "gzip"}
                if data:
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                started = time.perf_counter()
                try:
                    response = session.request(method, self.url + path, data=data,
                                               headers=headers, timeout=30)
                    ok = response.status_code in (200, 206)
                except requests.RequestException:
                    ok = False
                self.times[kind].append((time.perf_counter() - started) * 1000)
                if not ok:
                    self.errors[kind] += 1
            self._stop.wait(self.period)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=60)

    def report(self) -> dict:
        out = {}
        for kind, times in self.times.items():
            times = sorted(times)
            if times:
                out[kind] = {"n": len(times), "errors": self.errors[kind],
                             "p50_ms": round(times[len(times) // 2], 1),
                             "p99_ms": round(times[min(len(times) - 1,
                                                       int(0.99 * len(times)))], 1),
                             "max_ms": round(times[-1], 1)}
        return out


def wrk(url: str, listing: Path, seconds: int, connections: int, threads: int) -> dict:
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
            "--timeout", "10s", "-s", str(LUA), url, "--", str(listing)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    result = json.loads(re.search(r"^RESULT (.*)$", out, re.M).group(1))
    result["command"] = " ".join(argv)
    result["requests_per_s"] = round(result["requests"] / result["seconds"], 1)
    ok = sum(n for code, n in result["statuses"].items() if code in ("200", "206"))
    result["errors"] = result["requests"] - ok + sum(result["socket_errors"].values())
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, help="serve this build (default: build one)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=30,
                        help="seconds of load before the measured run (fills the caches)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="as `make serve`: one per core")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" /
                        "load_bench.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rg-load-"))
    build_dir = args.build_dir
    server = None
    try:
        if build_dir is None:
            build_dir = work / "build"
            subprocess.run([str(BIN / "ruhrgraph"), "build", "--quiet", "--build-dir",
                            str(build_dir)], check=True, cwd=ROOT)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "RUHRGRAPH_BUILD_DIR": str(build_dir.resolve()),
               "RUHRGRAPH_STORE_DIR": "", "RUHRGRAPH_PUBLIC_URL": "",
               "RUHRGRAPH_ACCESS_LOG": "0"}
        log = work / "server.log"
        with log.open("wb") as sink:
            server = subprocess.Popen([str(BIN / "ruhrgraph"), "serve", "--host", "127.0.0.1",
                                       "--port", str(port), "--workers", str(args.workers)],
                                      env=env, cwd=ROOT, stdout=sink, stderr=sink,
                                      start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url + "/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        lines = mix(url, args.seed)
        check(url, lines)
        listing = work / "mix.tsv"
        listing.write_text("".join("\t".join(line) + "\n" for line in lines))
        kinds = {"canned": sum(1 for line in lines if line[1].startswith("/queries")),
                 "sparql": sum(1 for line in lines if line[1] == "/sparql"),
                 "dumps": sum(1 for line in lines if line[1].startswith("/downloads")),
                 "distinct": len(set(lines)), "total": len(lines)}
        kinds["resources"] = kinds["total"] - kinds["canned"] - kinds["sparql"] - kinds["dumps"]
        report: dict = {"cpus": os.cpu_count(), "workers": args.workers, "mix": kinds}
        if args.warmup:
            report["warmup"] = wrk(url, listing, args.warmup, args.connections,
                                   args.wrk_threads)
            print(f"warm-up {args.warmup} s: {json.dumps(report['warmup'])}", flush=True)
        with Probe(url, lines) as probe:
            report["run"] = wrk(url, listing, args.seconds, args.connections,
                                args.wrk_threads)
        run = report["run"]
        report["by_category_probe"] = probe.report()
        report["loadavg_at_end"] = os.getloadavg()
        text = log.read_text(errors="replace")
        report["server_log_problems"] = [line for line in text.splitlines()
                                         if "Traceback" in line or "ERROR" in line
                                         or "SIG" in line][:20]
        print(f"run {args.seconds} s, {args.connections} connections: "
              f"{run['requests']} requests, {run['requests_per_s']}/s, "
              f"p50 {run['p50_us'] / 1000:.1f} ms, p90 {run['p90_us'] / 1000:.1f} ms, "
              f"p99 {run['p99_us'] / 1000:.1f} ms, max {run['max_us'] / 1000:.1f} ms, "
              f"errors {run['errors']}, statuses {run['statuses']}, "
              f"never-repeated queries {run['never_repeated']}")
        for kind, figures in report["by_category_probe"].items():
            print(f"  probe {kind:26s} {figures}")
        print(f"command: {run['command']}")
        print(f"load average at the end: {report['loadavg_at_end']}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
        return 0 if run["errors"] == 0 else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
