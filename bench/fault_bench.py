"""Faults, with figures: kill -9 of the server under load, kill -9 of `ruhrgraph build` at
random moments, a full and a read-only data directory, damaged stores.

    .venv/bin/python bench/fault_bench.py                  # all, 12 build kills, 3+3 server kills
    .venv/bin/python bench/fault_bench.py --build-kills 20 --seed 7
    .venv/bin/python bench/fault_bench.py --only server

1. Server: `ruhrgraph serve` (4 workers) on a fresh build, 8 client threads asking for known
   answers; kill -9 of the gunicorn arbiter alone (its workers are orphaned) or of the whole
   process group; restart on the same port. Reported: requests answered right, refused while
   down, answered wrong (must be 0: a 200 is always the complete, right body), seconds from
   the kill to the first right answer after the restart, and the answers after the restart
   compared with those before.
2. Build: a server on the build directory; `ruhrgraph build` killed with SIGKILL (the build
   process only, as an operator or the OOM killer would) after a random delay within one
   build's duration; then: `current` unchanged, its store intact (`store.SHA256SUMS`), the
   server's answers unchanged, no child of the killed build alive, and the next build
   succeeds (and is served with the same catalogue answers).
3. Full disk (root: a tmpfs just larger than the old release, at several sizes so the build
   fails at different steps) and read-only disk (root: the tmpfs remounted read-only): the
   first line of the error, `current` unchanged, no half-build left.
4. Damaged store: each kind of damage, the message of `ruhrgraph serve`.

Figures go to stdout and bench/results/fault_bench.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from proc import Load, alive, children, free_port, naming, stop_group

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
from ruhrgraph.store import integrity  # noqa: E402

STABLE = ("/queries/projects-per-field.csv", "/queries/project.csv?code=13-01",
          "/queries/projects-by-city.csv?city=Essen",
          "/sparql?format=csv&query=" + requests.utils.quote(
              "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/ruhrgraph/graph/"
              "catalogue> { ?s ?p ?o } }"))
SAME_BUILD = (*STABLE, "/project/13-01.ttl", "/place/05113000.nt", "/project/13-01",
              "/downloads/ruhrgraph.nt.gz", "/queries/cities-ranked.csv")


def env_for(build_dir: Path) -> dict[str, str]:
    return {**os.environ, "RUHRGRAPH_BUILD_DIR": str(build_dir), "RUHRGRAPH_STORE_DIR": "",
            "RUHRGRAPH_PUBLIC_URL": "", "RUHRGRAPH_ACCESS_LOG": "0",
            "RUHRGRAPH_QUERIES_DIR": str(ROOT / "queries")}


def start(build_dir: Path, port: int, log: Path, workers: int = 4) -> subprocess.Popen:
    with log.open("ab") as sink:
        process = subprocess.Popen([str(BIN / "ruhrgraph"), "serve", "--port", str(port),
                                    "--workers", str(workers)], env=env_for(build_dir),
                                   stdout=sink, stderr=sink, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return process
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def answers(url: str, paths=SAME_BUILD) -> dict[str, str]:
    out = {}
    for path in paths:
        response = requests.get(url + path, timeout=30)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        out[path] = hashlib.sha256(response.content).hexdigest()
    return out


def build(build_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "ruhrgraph"), "build", "--quiet", "--build-dir",
                           str(build_dir)], capture_output=True, text=True, cwd=ROOT,
                          check=False, timeout=900)


def server_kills(work: Path, trials: int) -> list[dict]:
    build_dir = work / "server-build"
    if build(build_dir).returncode != 0:
        raise SystemExit("build failed")
    port = free_port()
    log = work / "server.log"
    results = []
    process = start(build_dir, port, log)
    url = f"http://127.0.0.1:{port}"
    before = answers(url)
    for trial in range(trials * 2):
        whole = trial % 2 == 1
        with Load(url, before) as load:
            time.sleep(3)
            served = load.ok
            workers = children(process.pid)
            killed = time.monotonic()
            if whole:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
            deadline = time.monotonic() + 60
            while any(alive(p) for p in workers) and time.monotonic() < deadline:
                time.sleep(0.05)
            orphans_gone = time.monotonic() - killed
            process = start(build_dir, port, log)
            while load.last_ok < killed + orphans_gone and time.monotonic() < killed + 120:
                time.sleep(0.02)
            back = load.last_ok - killed
            time.sleep(2)
        after = answers(url)
        results.append({"kill": "process group" if whole else "arbiter only",
                        "ok_before_kill": served, "ok_total": load.ok,
                        "refused_while_down": load.refused, "wrong": len(load.wrong),
                        "wrong_examples": load.wrong[:5],
                        "workers_gone_after_s": round(orphans_gone, 2),
                        "first_right_answer_after_s": round(back, 2),
                        "same_answers_after_restart": after == before})
        print(f"server kill {trial + 1}: {json.dumps(results[-1])}", flush=True)
    stop_group(process)
    return results


def build_kills(work: Path, trials: int, seed: int) -> dict:
    build_dir = work / "kill-build"
    started = time.monotonic()
    if build(build_dir).returncode != 0:
        raise SystemExit("build failed")
    full = time.monotonic() - started
    port = free_port()
    server = start(build_dir, port, work / "kill-server.log", workers=2)
    url = f"http://127.0.0.1:{port}"
    before = answers(url)
    rng = random.Random(seed)
    trials_out = []
    try:
        for trial in range(trials):
            current = os.readlink(build_dir / "current")
            delay = rng.uniform(0.05, full)
            process = subprocess.Popen([str(BIN / "ruhrgraph"), "build", "--quiet",
                                        "--build-dir", str(build_dir)], cwd=ROOT,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            finished_first = process.poll() is not None
            process.kill()
            process.wait()
            staging = [p.name for p in (build_dir / "releases").glob(".tmp-*")]
            kids = naming(str(build_dir / "releases"))
            waited = time.monotonic()
            while kids and time.monotonic() - waited < 60:
                time.sleep(0.1)
                kids = naming(str(build_dir / "releases"))
            orphans_for = time.monotonic() - waited
            swapped = os.readlink(build_dir / "current") != current
            intact = integrity.verify((build_dir / "current").resolve() / "store") > 0
            same = answers(url) == before
            nxt = build(build_dir)
            fresh_port = free_port()
            fresh = start(build_dir, fresh_port, work / "kill-server.log", workers=1)
            try:
                fresh_same = answers(f"http://127.0.0.1:{fresh_port}", STABLE) == \
                    {p: before[p] for p in STABLE}
            finally:
                stop_group(fresh)
            row = {"trial": trial + 1, "kill_after_s": round(delay, 2),
                   "build_had_finished": finished_first, "staging_left": len(staging),
                   "current_swapped_by_killed_build": swapped and not finished_first,
                   "served_store_intact": intact, "running_server_same_answers": same,
                   "children_alive_after_kill_s": round(orphans_for, 2) if orphans_for > 0.15
                   else 0.0, "next_build_rc": nxt.returncode,
                   "next_build_served_same_catalogue": fresh_same}
            trials_out.append(row)
            print(f"build kill {json.dumps(row)}", flush=True)
    finally:
        stop_group(server)
    return {"full_build_s": round(full, 2), "seed": seed, "trials": trials_out}


def full_and_read_only(work: Path) -> dict:
    if os.geteuid() != 0:
        return {"skipped": "needs root to mount a small tmpfs"}
    source = work / "disk-source"
    if build(source).returncode != 0:
        raise SystemExit("build failed")
    used_kb = sum(p.stat().st_size for p in source.rglob("*") if p.is_file()) // 1024
    out = {"release_kb": used_kb, "full": []}
    disk = work / "disk"
    disk.mkdir()
    for spare_kb in (100, 1500, 4000, 8000, 12000, 15000):
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={used_kb + spare_kb}k", "tmpfs",
                        str(disk)], check=True)
        try:
            build_dir = disk / "build"
            shutil.copytree(source, build_dir, symlinks=True)
            current = os.readlink(build_dir / "current")
            result = build(build_dir)
            out["full"].append({
                "spare_kb": spare_kb, "rc": result.returncode,
                "message": " ".join(result.stderr.split())[:400],
                "traceback": "Traceback" in result.stderr,
                "current_unchanged": os.readlink(build_dir / "current") == current
                or result.returncode == 0,
                "half_build_left": bool(list((build_dir / "releases").glob(".tmp-*"))),
                "served_store_intact":
                    integrity.verify((build_dir / "current").resolve() / "store") > 0})
            print(f"full disk {json.dumps(out['full'][-1])}", flush=True)
        finally:
            subprocess.run(["umount", str(disk)], check=False)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)], check=True)
    try:
        build_dir = disk / "build"
        shutil.copytree(source, build_dir, symlinks=True)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = build(build_dir)
        port = free_port()
        server = start(build_dir, port, work / "ro-server.log", workers=1)
        try:
            served = answers(f"http://127.0.0.1:{port}", STABLE)
        finally:
            stop_group(server)
        out["read_only"] = {"rc": result.returncode, "message": result.stderr.strip(),
                            "traceback": "Traceback" in result.stderr,
                            "served_from_read_only_disk": len(served) == len(STABLE)}
        print(f"read-only {json.dumps(out['read_only'])}", flush=True)
    finally:
        subprocess.run(["umount", str(disk)], check=False)
    return out


def damaged(work: Path) -> list[dict]:
    source = work / "damage-source"
    if build(source).returncode != 0:
        raise SystemExit("build failed")

    def flip(path: Path, count: int = 1) -> None:
        data = bytearray(path.read_bytes())
        for i in range(count):
            data[len(data) // 2 + i] ^= 0xFF
        path.write_bytes(bytes(data))

    def biggest(store: Path) -> Path:
        return max(store.glob("*.sst"), key=lambda p: p.stat().st_size)

    kinds = {
        "one byte flipped in the largest table": lambda r: flip(biggest(r / "store")),
        "64 bytes flipped in each table": lambda r: [flip(p, 64) for p in
                                                     (r / "store").glob("*.sst")],
        "largest table deleted": lambda r: biggest(r / "store").unlink(),
        "largest table truncated to 4 kB": lambda r: os.truncate(biggest(r / "store"), 4096),
        "MANIFEST garbled": lambda r: [flip(p, 16) for p in (r / "store").glob("MANIFEST-*")],
        "CURRENT deleted": lambda r: (r / "store" / "CURRENT").unlink(),
        "store directory emptied": lambda r: [p.unlink() for p in (r / "store").iterdir()],
        "store directory deleted": lambda r: shutil.rmtree(r / "store"),
        "integrity list deleted": lambda r: (r / "store.SHA256SUMS").unlink(),
        "manifest.json garbled": lambda r: (r / "manifest.json").write_text("{"),
        "current points nowhere": lambda r: shutil.rmtree(r),
    }
    out = []
    for name, damage in kinds.items():
        build_dir = work / "damaged"
        shutil.rmtree(build_dir, ignore_errors=True)
        shutil.copytree(source, build_dir, symlinks=True)
        damage((build_dir / "current").resolve())
        started = time.monotonic()
        try:
            result = subprocess.run([str(BIN / "ruhrgraph"), "serve", "--port",
                                     str(free_port()), "--workers", "1"], env=env_for(build_dir),
                                    capture_output=True, text=True, cwd=ROOT, timeout=60,
                                    check=False)
            row = {"damage": name, "rc": result.returncode,
                   "seconds": round(time.monotonic() - started, 2),
                   "message": result.stderr.strip().splitlines()[-1][:400],
                   "traceback": "Traceback" in result.stderr}
        except subprocess.TimeoutExpired:
            row = {"damage": name, "rc": None, "message": "SERVED (not refused)"}
        out.append(row)
        print(f"damage {json.dumps(row, ensure_ascii=False)}", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-kills", type=int, default=12)
    parser.add_argument("--server-kills", type=int, default=3, help="of each kind")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--only", choices=["server", "build", "disk", "damage"])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" /
                        "fault_bench.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rg-faults-"))
    report: dict = {"cpus": os.cpu_count()}
    try:
        if args.only in (None, "damage"):
            report["damaged_store"] = damaged(work)
        if args.only in (None, "disk"):
            report["disk"] = full_and_read_only(work)
        if args.only in (None, "server"):
            report["server_kills"] = server_kills(work, args.server_kills)
        if args.only in (None, "build"):
            report["build_kills"] = build_kills(work, args.build_kills, args.seed)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        report["loadavg_at_end"] = os.getloadavg()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
