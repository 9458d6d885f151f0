"""A store damaged while it is served: every worker of `ruhrgraph serve` notices it within
STORE_WATCH_SECONDS (stat only), says which file on /healthz and in its log, and answers 503
instead of data (SPARQL, pages, canned queries, dumps), also where the fast path holds a
finished answer. The control: with the watch off, the same damage is served with 200."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
import requests
from conftest import ROOT, start_server, stop
from proc import children, wait_for

pytestmark = pytest.mark.slow

SPARQL = ("/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20GRAPH%20%3C"
          "https%3A%2F%2Fw3id.org%2Fruhrgraph%2Fgraph%2Fcatalogue%3E%20%7B%20%3Fs%20%3Fp%20%3Fo"
          "%20%7D%20%7D&format=csv")
PAGE = "/project/13-01"
#: Every kind of answer that carries data: each must be 503 once the store changed.
DATA = (SPARQL, PAGE, "/project/13-01.ttl", "/queries/projects-per-field.csv",
        "/downloads/ruhrgraph.nt.gz")
#: What reads nothing from the store answers on.
NO_DATA = ("/metrics", "/static/site.css")
WATCH = "0.5"


def _largest_table(store: Path) -> Path:
    return max(store.glob("*.sst"), key=lambda p: p.stat().st_size)


def _overwrite(path: Path) -> None:
    """64 bytes in the middle of the file, in place: same inode, same size."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.pwrite(fd, b"\xa5" * 64, os.fstat(fd).st_size // 2)
    finally:
        os.close(fd)


def _touch(path: Path) -> None:
    """Only the modification time: nothing is written. Counts as damage: the watch cannot
    tell it from a write without reading the file, and nothing touches a served store."""
    os.utime(path)


#: damage -> (what to do to the store directory, the file it names, what /healthz says)
DAMAGE = {
    "bytes overwritten in place, same size": (
        lambda s: _overwrite(_largest_table(s)), lambda s: _largest_table(s).name, "modified"),
    "a table file truncated": (
        lambda s: os.truncate(_largest_table(s), 4096), None, "-> 4096 bytes"),
    "a table file touched (mtime only)": (
        lambda s: _touch(s / "CURRENT"), lambda s: "CURRENT", "modified (mtime"),
    "a file appeared in the store": (
        lambda s: (s / "LOG.old.1").write_text("x"), lambda s: "LOG.old.1", "appeared"),
}


def _serve(build_dir: Path, tmp_path: Path, watch: str):
    return start_server(tmp_path, {
        "RUHRGRAPH_BUILD_DIR": str(build_dir), "RUHRGRAPH_STORE_DIR": "",
        "RUHRGRAPH_PUBLIC_URL": "", "RUHRGRAPH_QUERIES_DIR": str(ROOT / "queries"),
        "RUHRGRAPH_ACCESS_LOG": "0", "RUHRGRAPH_STORE_WATCH_SECONDS": watch})


def _status(url: str) -> int:
    return requests.get(url, timeout=30).status_code


@pytest.fixture
def build_copy(built_graph, tmp_path) -> Path:
    return Path(shutil.copytree(built_graph.build_dir, tmp_path / "build", symlinks=True))


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_store_damaged_while_served_answers_503_instead_of_data(build_copy, tmp_path,
                                                                   damage):
    store = (build_copy / "current").resolve() / "store"
    apply, named, says = DAMAGE[damage]
    name = named(store) if named else _largest_table(store).name
    server = _serve(build_copy, tmp_path, WATCH)
    try:
        for _ in range(4):  # twice per worker, so the fast path holds the SPARQL answer
            for path in DATA:
                assert _status(server.url + path) == 200, path
        healthy = requests.get(server.url + "/healthz", timeout=30)
        assert healthy.status_code == 200 and "problem" not in healthy.json()
        workers = set(children(server.process.pid))
        assert len(workers) == 2

        apply(store)

        # Each worker notices on its own (its thread looks every 0.5 s, idle or not) and
        # logs one line; the deadline is generous for a loaded machine, not a timing claim.
        def noticed() -> set[int]:
            return {int(pid) for pid in re.findall(
                rf"process (\d+): the store at \S+ changed while served: store/{re.escape(name)} ",
                server.log.read_text())}
        wait_for(lambda: noticed() == workers, f"not every worker noticed: {noticed()}",
                 seconds=20)
        log = server.log.read_text()
        assert log.count("changed while served") == 2, log  # one line per worker, once

        for _ in range(6):  # both workers, several times: never 200 with data again
            health = requests.get(server.url + "/healthz", timeout=30)
            assert health.status_code == 503
            assert health.json()["status"] == "unavailable"
            problem = health.json()["problem"]
            assert problem.startswith("the store changed while served, no data is served: "
                                      f"store/{name} "), problem
            assert says in problem
            assert str(tmp_path) not in problem  # names the file, not the installation
            for path in DATA:
                answer = requests.get(server.url + path, timeout=30)
                assert answer.status_code == 503, (path, answer.status_code)
                assert "the store changed while it was served" in answer.text
                assert answer.headers["Cache-Control"] == "no-store"
            for path in NO_DATA:
                assert _status(server.url + path) == 200, path
        page = requests.get(server.url + PAGE, headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 503 and "text/html" in page.headers["Content-Type"]
        assert set(children(server.process.pid)) == workers  # no worker ended: they refuse
    finally:
        stop(server.process)


def test_control_with_the_watch_off_the_damaged_store_is_served(build_copy, tmp_path):
    """Without the watch (STORE_WATCH_SECONDS=0) the same damage goes unseen: what the test
    above pins is the watch's doing. (Do not run a server like this.)"""
    store = (build_copy / "current").resolve() / "store"
    server = _serve(build_copy, tmp_path, "0")
    try:
        assert _status(server.url + SPARQL) == 200
        _overwrite(_largest_table(store))
        os.truncate(sorted(store.glob("*.sst"))[0], 0)
        deadline = time.monotonic() + 3  # six intervals of the test above
        while time.monotonic() < deadline:
            assert _status(server.url + "/healthz") == 200
            assert _status(server.url + PAGE) == 200
            time.sleep(0.1)
        assert "changed while served" not in server.log.read_text()
    finally:
        stop(server.process)


def test_a_remote_backend_has_no_store_to_watch(build_copy):
    from ruhrgraph.web import create_app

    app = create_app({"BUILD_DIR": str(build_copy), "STORE_DIR": "", "ACCESS_LOG": False,
                      "BACKEND": "http://127.0.0.1:9/query", "STORE_WATCH_SECONDS": 0.5})
    assert app.extensions["ruhrgraph"].watch is None
    embedded = create_app({"BUILD_DIR": str(build_copy), "STORE_DIR": "", "ACCESS_LOG": False,
                           "STORE_WATCH_SECONDS": 0.5})
    assert embedded.extensions["ruhrgraph"].watch is not None


def test_a_worker_started_after_the_damage_refuses_it_too(build_copy, tmp_path):
    """`ruhrgraph serve` takes the baseline once, after its full check: a worker gunicorn
    starts later (here: after one is killed) compares with the checked store, so it does not
    take the damage for the intact state and serve it."""
    import signal

    store = (build_copy / "current").resolve() / "store"
    server = _serve(build_copy, tmp_path, WATCH)
    try:
        assert _status(server.url + PAGE) == 200
        workers = set(children(server.process.pid))
        _overwrite(_largest_table(store))
        wait_for(lambda: server.log.read_text().count("changed while served") == 2,
                 "the workers did not notice", seconds=20)
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: len(set(children(server.process.pid)) - workers) == 1,
                 "gunicorn started no new worker", seconds=30)
        (fresh,) = set(children(server.process.pid)) - workers
        wait_for(lambda: f"process {fresh}: the store at" in server.log.read_text(),
                 "the new worker did not notice", seconds=20)
        for _ in range(8):  # both workers, the new one among them
            assert _status(server.url + PAGE) == 503
            assert _status(server.url + SPARQL) == 503
    finally:
        stop(server.process)
