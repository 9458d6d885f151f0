"""Analyst workbench: search and the explorer, served by `ruhrgraph serve`, at x1 and x100.

For each scale the script builds the catalogue (`ruhrgraph build --scale N`, which writes
the search index beside the store), serves it, and measures, alternating in rounds:

* **search**: `/search?q=…` over a fixed list of everyday words (inflected forms, places,
  codes), against its peer in the same run, the canned substring search
  `/queries/search?text=…` (the only search the site had before);
* **explorer**: `/explore?…` with three filters (field, lead ministry, year), drawn from
  the catalogue's real keys, against its peer `/projects` (the unfiltered browse page).

The server runs with its result and page caches off (`CACHE_MAX_BYTES=0`), so every answer
is computed (the explorer's table of projects is read once per process, as served). The
figures are p50/p95 per kind (ms) and the ratio of medians to the peer. Targets (issue 13):
search p95 < 20 ms at x1, < 100 ms at x100; explorer p95 < 50 ms at x1, < 300 ms at x100.

    .venv/bin/python bench/workbench_bench.py                   # x1 and x100, 3 rounds
    .venv/bin/python bench/workbench_bench.py --scales 1 --rounds 5

Results: stdout and bench/results/workbench_bench.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from proc import free_port, stop, wait_http

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORDS = ["Wasserstoffs", "Digitalisierungen", "Schule", "Duisburg", "Strasse", "Bildung",
         "Gelsenkirchen", "Emscher", "Klimaschutz", "Fördermittel", "Hochschulen",
         "Mobilität", "05-02", "Ehrenamt", "Sport", "Gründer", "Innovation Ruhr",
         "Energie Bochum", "Kinder Jugend", "Integration"]
EXPLORE = [(field, ministry, year) for field, ministry, year in itertools.product(
    ("1", "2", "3", "4", "5"), ("mwide", "msb", "vm", "mkw"), (2022, 2025, 2030))]


def build(work: Path, scale: int) -> Path:
    build_dir = work / f"x{scale}"
    if not (build_dir / "current").exists():
        subprocess.run([str(BIN / "ruhrgraph"), "build", "--build-dir", str(build_dir),
                        "--scale", str(scale), "--quiet"], check=True, cwd=ROOT)
    return build_dir


def serve(build_dir: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {**os.environ, "RUHRGRAPH_BUILD_DIR": str(build_dir), "RUHRGRAPH_STORE_DIR": "",
           "RUHRGRAPH_ACCESS_LOG": "0", "RUHRGRAPH_CACHE_MAX_BYTES": "0",
           "RUHRGRAPH_QUERIES_DIR": str(ROOT / "queries")}
    process = subprocess.Popen([str(BIN / "ruhrgraph"), "serve", "--host", "127.0.0.1",
                                "--port", str(port), "--workers", "2"], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/healthz", process, seconds=120)
    return url, process


def timed(session: requests.Session, url: str) -> float:
    started = time.perf_counter()
    response = session.get(url, timeout=60)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")
    return elapsed


def measure(url: str, rounds: int) -> dict[str, list[float]]:
    session = requests.Session()
    for warm in ("/search?q=Wasser", "/explore", "/projects", "/queries/search?text=x"):
        timed(session, url + warm)
    samples: dict[str, list[float]] = {"search": [], "search peer": [], "explorer": [],
                                       "explorer peer": []}
    for _ in range(rounds):
        for word in WORDS:
            samples["search"].append(timed(session, f"{url}/search?q={word}"))
            samples["search peer"].append(timed(
                session, f"{url}/queries/search?text={word}"))
        for field, ministry, year in EXPLORE:
            samples["explorer"].append(timed(
                session, f"{url}/explore?field={field}&ministry={ministry}&running_in={year}"
                f""))
            samples["explorer peer"].append(timed(session, f"{url}/projects"))
    return samples


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"n": len(values), "p50": round(statistics.median(ordered), 2),
            "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    results = {}
    for scale in args.scales:
        url, process = serve(build(work, scale))
        try:
            samples = measure(url, args.rounds)
        finally:
            stop(process)
        figures = {kind: summary(values) for kind, values in samples.items()}
        for kind in ("search", "explorer"):
            figures[kind]["ratio to peer (p50)"] = round(
                figures[kind]["p50"] / figures[f"{kind} peer"]["p50"], 2)
        results[f"x{scale}"] = figures
        print(f"x{scale}: " + json.dumps(figures, indent=1))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "workbench_bench.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
