"""Shared fixtures. Each block belongs to the tests named in its comment; add yours below."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
VENV_BIN = Path(sys.executable).parent


# --- SPARQL endpoint (test_sparql_*.py) ------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def sparql_store(tmp_path_factory) -> Path:
    """A store (in a release directory with a manifest) made from the TriG fixture."""
    import json

    import pyoxigraph

    release = tmp_path_factory.mktemp("release-test")
    store = pyoxigraph.Store(str(release / "store"))
    store.load((DATA / "sparql_fixture.trig").read_bytes(), format=pyoxigraph.RdfFormat.TRIG)
    store.flush()
    del store
    (release / "manifest.json").write_text(json.dumps(
        {"build_id": "test-build", "created": "2024-01-02T03:04:05+00:00"}))
    return release / "store"


class Server:
    def __init__(self, url: str, process: subprocess.Popen, log: Path):
        self.url, self.process, self.log = url, process, log
        self.sparql = url + "/sparql"


def start_server(tmp_path: Path, env: dict[str, str], workers: int = 2) -> Server:
    port = free_port()
    log = tmp_path / f"server-{port}.log"
    full_env = {**os.environ, "RUHRGRAPH_CACHE_MAX_AGE": "300", **env}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(VENV_BIN / "ruhrgraph"), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)],
            env=full_env, stdout=subprocess.DEVNULL, stderr=sink, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/healthz", process)
    except RuntimeError:
        stop(process)
        raise RuntimeError(log.read_text()) from None
    return Server(url, process, log)


@pytest.fixture(scope="session")
def sparql_server(sparql_store, tmp_path_factory):
    """`ruhrgraph serve` (gunicorn, 2 workers) on the fixture store, on a free port."""
    tmp = tmp_path_factory.mktemp("sparql-server")
    server = start_server(tmp, {
        "RUHRGRAPH_STORE_DIR": str(sparql_store),
        "RUHRGRAPH_QUERY_TIMEOUT": "2",
        "RUHRGRAPH_MAX_RESULT_ROWS": "1000",
        "RUHRGRAPH_MAX_QUERY_BYTES": "20000",
        "RUHRGRAPH_QUERIES_DIR": str(DATA / "sparql_queries"),
    })
    yield server
    stop(server.process)
