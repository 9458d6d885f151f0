"""Wall time of `ruhrgraph extract` as a whole process, interpreter start included.

The peer is a bare interpreter start (`python -c pass`) measured in the same run, so the
figure that matters is the difference and the ratio, not the absolute time on a noisy
machine. Runs alternate between the two commands.

    .venv/bin/python bench/extract_bench.py [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "ruhrgraph")
    commands = {"ruhrgraph extract": [exe, "extract"],
                "python -c pass": [sys.executable, "-c", "pass"]}
    for argv in commands.values():  # warm the page cache
        timed(argv)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            times[name].append(timed(argv))
    result = {name: {"median_s": statistics.median(t), "min_s": min(t), "max_s": max(t),
                     "runs": len(t)} for name, t in times.items()}
    extract, bare = result["ruhrgraph extract"], result["python -c pass"]
    result["extract_minus_interpreter_s"] = extract["median_s"] - bare["median_s"]
    result["ratio_to_interpreter_start"] = extract["median_s"] / bare["median_s"]
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "extract.json").write_text(json.dumps(result, indent=2) + "\n")
    for name, r in result.items():
        if isinstance(r, dict):
            print(f"{name:20s} median {r['median_s'] * 1000:7.1f} ms  "
                  f"min {r['min_s'] * 1000:7.1f} ms  max {r['max_s'] * 1000:7.1f} ms")
    print(f"extract beyond interpreter start: {result['extract_minus_interpreter_s'] * 1000:.1f}"
          f" ms (ratio {result['ratio_to_interpreter_start']:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
