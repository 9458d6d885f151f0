"""Which WSGI server runs the app fastest here: gunicorn (gthread, sync) or waitress.

    python bench/server_choice.py [--store DIR] [--seconds 5]

Starts each server in turn on the same store, drives it with wrk (8 connections) on one
canned query repeated (cache hits) and never repeated (evaluation every time), and prints
requests/s and p50/p99 for each. The result is quoted in bench/README.md ("Choosing the
server"); `ruhrgraph serve` uses the winner.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import urllib.parse

from endpoint_bench import ACCEPT_SELECT, free_port, wait, wrk

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
QUERY = (ROOT / "queries" / "projects-per-ministry.rq")
BIN = pathlib.Path(sys.executable).parent


def candidates(port: int) -> dict[str, list[str]]:
    gunicorn = [str(BIN / "python"), "-m", "gunicorn",
                "-c", "python:ruhrgraph.web.ops.gunicorn_conf",
                "--bind", f"127.0.0.1:{port}", "ruhrgraph.web:create_app()"]
    return {
        "gunicorn gthread 4x4": [*gunicorn, "--workers", "4", "--threads", "4"],
        "gunicorn gthread 2x8": [*gunicorn, "--workers", "2", "--threads", "8"],
        "gunicorn sync x4": [*gunicorn, "--workers", "4", "--worker-class", "sync"],
        "waitress 8 threads": [str(BIN / "waitress-serve"), "--threads", "8", "--listen",
                               f"127.0.0.1:{port}", "--call", "ruhrgraph.web:create_app"],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default=str((ROOT / "data/build/current/store").resolve()))
    ap.add_argument("--seconds", type=int, default=5)
    a = ap.parse_args()
    query = QUERY.read_text() if QUERY.exists() else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    env = {**os.environ, "RUHRGRAPH_STORE_DIR": a.store, "RUHRGRAPH_ACCESS_LOG": "0"}
    for name in candidates(0):
        port = free_port()
        process = subprocess.Popen(candidates(port)[name], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            wait(f"http://127.0.0.1:{port}/healthz", process)
            url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": query})
            for label, unique in (("repeated", False), ("never-repeated", True)):
                wrk(url, ACCEPT_SELECT, 2, 8, unique)  # warm up
                rps, p50, p99, errs, sock = wrk(url, ACCEPT_SELECT, a.seconds, 8, unique)
                print(f"{name:22} {label:15} {rps:8.0f}/s p50 {p50:>8} p99 {p99:>8}"
                      + (f" ERR {errs}" if errs else "") + (f" sock {sock}" if sock else ""),
                      flush=True)
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
