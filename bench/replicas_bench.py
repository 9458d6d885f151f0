"""1 vs 2 web replicas behind nginx on one shared Oxigraph server: the canned mix with wrk.

    .venv/bin/python bench/replicas_bench.py [--build-dir data/build] [--rounds 3]
        [--seconds 10] [--connections 16] [--workers 1]

Loads the build (`current`) into `oxigraph serve --union-default-graph` on a fresh
directory (`ruhrgraph load --to`), starts 2 replicas (`ruhrgraph serve`, `--workers` each,
`RUHRGRAPH_BACKEND` at the engine) and two nginx from `docs/nginx-replicas.conf`, one in
front of replica 1 alone, one in front of both, all on 127.0.0.1 (free ports). The mix is
`load_bench.py`'s (canned pages and downloads, resource pages, POSTed editor queries, a third
of them never repeated, dumps) through `load_mix.lua`. Every distinct request is checked
once on each replica (warming its result cache alike) and through each nginx, then the two setups
alternate for ``--rounds`` rounds of ``--seconds`` each; medians of requests/s, p50, p99.

On this machine all of it (engine, replicas, nginx, wrk) shares 2 cores: a second replica
adds processes, not cores, so the ratio says what a replica costs and how far one replica
is from the machine's limit, not how replicas on their own machines scale.

Figures go to stdout and bench/results/replicas_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from load_bench import check, mix, wrk
from proc import Nginx, free_port, stop, wait_http

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "docs" / "nginx-replicas.conf"


def start_engine(location: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "oxigraph"), "serve", "--location", str(location), "--bind",
         f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/query?query=ASK%7B%7D", process)
    return url, process


def start_replica(store: Path, engine: str, public_url: str, workers: int,
                  log: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {**os.environ, "RUHRGRAPH_BACKEND": engine + "/query",
           "RUHRGRAPH_STORE_DIR": str(store), "RUHRGRAPH_PUBLIC_URL": public_url,
           "RUHRGRAPH_TRUSTED_PROXIES": "127.0.0.1", "RUHRGRAPH_ACCESS_LOG": "0",
           "RUHRGRAPH_QUERIES_DIR": str(ROOT / "queries")}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(BIN / "ruhrgraph"), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)], env=env, cwd=ROOT, stdout=sink, stderr=sink)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/healthz", process, seconds=60)
    return url, process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, default=ROOT / "data" / "build")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="granian workers per replica")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "bench" / "results" / "replicas_bench.json")
    args = parser.parse_args()
    store = (args.build_dir / "current").resolve() / "store"
    work = Path(tempfile.mkdtemp(prefix="rg-replicas-"))
    processes: list[subprocess.Popen] = []
    for n in (1, 2):
        (work / f"nginx-{n}").mkdir()
    proxies = {"1 replica": Nginx(work / "nginx-1", TEMPLATE),
               "2 replicas": Nginx(work / "nginx-2", TEMPLATE)}
    try:
        engine, process = start_engine(work / "engine")
        processes.append(process)
        subprocess.run([str(BIN / "ruhrgraph"), "load", "--to", engine + "/store", "--store",
                        str(store)], check=True, capture_output=True, cwd=ROOT)
        # One public URL for both setups: the same bodies and cache keys behind either nginx.
        public = "http://ruhrgraph.test/"
        replicas = []
        for n in range(2):
            url, process = start_replica(store, engine, public, args.workers,
                                         work / f"replica-{n}.log")
            processes.append(process)
            replicas.append(url)
        proxies["1 replica"].start(replicas[:1])
        proxies["2 replicas"].start(replicas)
        lines = mix(proxies["2 replicas"].url, args.seed)
        listing = work / "mix.tsv"
        listing.write_text("".join("\t".join(line) + "\n" for line in lines))
        for url in (*replicas, *(proxy.url for proxy in proxies.values())):
            check(url, lines)  # every replica's caches warm, and both nginx answer
        runs: dict[str, list[dict]] = {name: [] for name in proxies}
        for round_ in range(args.rounds):
            for name, proxy in proxies.items():
                result = wrk(proxy.url, listing, args.seconds, args.connections, 2)
                runs[name].append(result)
                print(f"round {round_ + 1} {name}: {result['requests_per_s']}/s, "
                      f"p50 {result['p50_us'] / 1000:.1f} ms, "
                      f"p99 {result['p99_us'] / 1000:.1f} ms, errors {result['errors']}",
                      flush=True)
        report: dict = {"cpus": os.cpu_count(), "workers_per_replica": args.workers,
                        "connections": args.connections, "seconds": args.seconds,
                        "rounds": args.rounds, "median": {}, "runs": runs}
        for name, results in runs.items():
            report["median"][name] = {
                "requests_per_s": statistics.median(r["requests_per_s"] for r in results),
                "p50_ms": statistics.median(r["p50_us"] for r in results) / 1000,
                "p99_ms": statistics.median(r["p99_us"] for r in results) / 1000,
                "errors": sum(r["errors"] for r in results)}
            print(f"median {name}: {report['median'][name]}")
        report["loadavg_at_end"] = os.getloadavg()
        print(f"load average at the end: {report['loadavg_at_end']}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
        return 0 if all(m["errors"] == 0 for m in report["median"].values()) else 1
    finally:
        for proxy in proxies.values():
            proxy.stop()
        for process in reversed(processes):
            stop(process)


if __name__ == "__main__":
    sys.exit(main())
