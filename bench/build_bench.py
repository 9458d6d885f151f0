"""Benchmark of `ruhrgraph build`: wall time and peak memory at several scales.

Each run is `ruhrgraph build --scale N` as a whole process (with its child processes) into a
fresh temporary build directory. Peak memory is the largest resident set of the whole
process tree, sampled every 20 ms from /proc, and the largest single process as the kernel
counts it (getrusage). The peer, measured in the same run on the same data, is the
Oxigraph server's own `oxigraph load` of the build's N-Quads dump into an empty store: the
ratio says what the build costs beyond loading its result.

    .venv/bin/python bench/build_bench.py                 # x1, x100, x1000
    .venv/bin/python bench/build_bench.py --scales 1 10   # quicker
    .venv/bin/python bench/build_bench.py --repeat 5 --scales 1

Results go to stdout and, as JSON, to bench/results/build_bench.json (``--out``). The x1000
run writes tens of gigabytes and takes minutes; it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            rss[int(entry)] = int(fields[21]) * PAGE
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def measure(argv: list[str]) -> dict:
    """Run ``argv``; wall seconds, peak tree RSS (sampled), peak single-process RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{err}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": round(seconds, 3), "peak_tree_rss_mb": round(peak / 2**20, 1),
            "peak_process_rss_mb": round(max(before, after) / 1024, 1)
            if after > before else None, "stdout": out.strip()}


def run_scale(scale: int, repeat: int, keep: Path | None) -> dict:
    runs, peer_runs = [], []
    manifest = None
    for _ in range(repeat):
        tmp = Path(tempfile.mkdtemp(prefix=f"rg-bench-x{scale}-", dir=keep))
        try:
            runs.append(measure([str(BIN / "ruhrgraph"), "build", "--quiet", "--scale",
                                 str(scale), "--build-dir", str(tmp)]))
            release = (tmp / "current").resolve()
            manifest = json.loads((release / "manifest.json").read_text())
            peer_runs.append(measure([str(BIN / "oxigraph"), "load", "--location",
                                      str(tmp / "peer-store"), "--file",
                                      str(release / "dumps" / "ruhrgraph.nq")]))
            disk = sum(p.stat().st_size for p in release.rglob("*") if p.is_file())
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    seconds = [r["seconds"] for r in runs]
    peer = [r["seconds"] for r in peer_runs]
    return {
        "scale": scale,
        "quads": manifest["quads"],
        "runs": repeat,
        "seconds_median": statistics.median(seconds),
        "seconds_min": min(seconds),
        "seconds_all": seconds,
        "peak_tree_rss_mb": max(r["peak_tree_rss_mb"] for r in runs),
        "peak_process_rss_mb": max((r["peak_process_rss_mb"] or 0) for r in runs),
        "release_bytes": disk,
        "steps": manifest["timings"],
        "peer_oxigraph_load_seconds": statistics.median(peer),
        "ratio_to_peer": round(statistics.median(seconds) / statistics.median(peer), 2),
        "us_per_quad": round(statistics.median(seconds) / manifest["quads"] * 1e6, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per scale (default: 5 at x1, 2 up to x100, 1 above)")
    parser.add_argument("--tmp", type=Path, default=None, help="where to build (a big disk)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "build_bench.json",
                        help="JSON results file")
    args = parser.parse_args()
    results = []
    print(f"{'scale':>6} {'quads':>11} {'median s':>9} {'min s':>7} {'peak tree MB':>13} "
          f"{'peak proc MB':>13} {'peer s':>7} {'ratio':>6} {'us/quad':>8}")
    for scale in args.scales:
        repeat = args.repeat or (5 if scale == 1 else 2 if scale <= 100 else 1)
        result = run_scale(scale, repeat, args.tmp)
        results.append(result)
        print(f"{scale:>6} {result['quads']:>11} {result['seconds_median']:>9.2f} "
              f"{result['seconds_min']:>7.2f} {result['peak_tree_rss_mb']:>13.1f} "
              f"{result['peak_process_rss_mb']:>13.1f} "
              f"{result['peer_oxigraph_load_seconds']:>7.2f} {result['ratio_to_peer']:>6.2f} "
              f"{result['us_per_quad']:>8.2f}", flush=True)
    load = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(
        {"cpus": os.cpu_count(), "loadavg_at_end": load, "results": results}, indent=2) + "\n")
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"(other work on the machine skews the figures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
