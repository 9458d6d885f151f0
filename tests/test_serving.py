"""The life of `ruhrgraph serve`'s worker processes (granian; ruhrgraph/web/serving.py and
ruhrgraph/web/ops/workers.py), against a real server on 127.0.0.1 on the session's build."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests
from conftest import start_server
from proc import alive, children, stop, wait_for


@pytest.fixture
def server(built_graph, tmp_path):
    running = start_server(tmp_path, {"RUHRGRAPH_BUILD_DIR": str(built_graph.build_dir),
                                      "RUHRGRAPH_STORE_DIR": "", "RUHRGRAPH_ACCESS_LOG": "0"})
    yield running
    stop(running.process)


def test_a_worker_that_ends_again_soon_after_its_respawn_is_replaced(server):
    """granian alone stops the whole server ("Worker crash loop detected") when a worker it
    respawned exits within 5.5 s; ours end themselves on purpose (timeouts, memory cap), so
    the window is narrowed to 1 s: a worker killed 2.5 s after its respawn is replaced too."""
    main = server.process.pid
    workers = wait_for(lambda: len(set(children(main))) == 2 and set(children(main)), "2 workers")
    victim = min(workers)
    for _ in range(3):
        os.kill(victim, signal.SIGKILL)
        fresh = wait_for(lambda v=victim: (c := set(children(main)) - {v}) and len(c) == 2 and c,
                      "no worker started in the place of the killed one")
        (victim,) = fresh - workers
        workers = fresh
        time.sleep(2.5)  # well inside granian's own 5.5 s, outside our 1 s
        assert server.process.poll() is None, server.log.read_text()
    assert requests.get(server.url + "/healthz", timeout=5).status_code == 200
    log = server.log.read_text()
    assert "crash loop" not in log, log
    assert log.count("Unexpected exit from worker") == 3, log


def test_workers_end_with_their_server(server):
    """Killed without a chance to stop its workers (SIGKILL, the OOM killer), the server
    leaves none behind holding the port and the store (PR_SET_PDEATHSIG)."""
    main = server.process.pid
    workers = wait_for(lambda: len(set(children(main))) == 2 and set(children(main)), "2 workers")
    os.kill(main, signal.SIGKILL)
    server.process.wait(timeout=10)
    wait_for(lambda: not any(alive(p) for p in workers),
             f"workers {sorted(workers)} outlived their server", seconds=10)
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/healthz", timeout=2)


def test_server_py_runs_under_gunicorn_with_its_settings(built_graph, tmp_path):
    """`gunicorn -c python:ruhrgraph.web.ops.gunicorn_conf server:app` (docs/deploy.md)
    starts with 2 workers and answers a query: the settings module names nothing that
    gunicorn misreads as a setting."""
    from conftest import ROOT, VENV_BIN
    from proc import free_port, wait_http

    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "RUHRGRAPH_BUILD_DIR": str(built_graph.build_dir),
           "RUHRGRAPH_STORE_DIR": "", "RUHRGRAPH_ACCESS_LOG": "0",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "python:ruhrgraph.web.ops.gunicorn_conf",
             "--bind", f"127.0.0.1:{port}", "--workers", "2", "server:app"], cwd=ROOT,
            env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        try:
            wait_http(url + "/healthz", process, 60)
        except RuntimeError:
            raise AssertionError(log.read_text()) from None
        answer = requests.get(url + "/sparql", params={"query": "ASK { ?s a ?c }"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=10)
        assert (answer.status_code, answer.json()["boolean"]) == (200, True)
        assert len(set(children(process.pid))) == 2
    finally:
        stop(process)


def _cores(pid: int) -> set[frozenset[int]]:
    """The CPU sets the threads of ``pid`` may run on."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found.add(frozenset(os.sched_getaffinity(int(task.name))))
        except OSError:  # a thread that ended meanwhile
            pass
    return found


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: nothing to pin")
def test_each_worker_runs_on_a_core_of_its_own_and_a_respawned_one_takes_the_freed_core(
        server):
    """SERVER_PIN_CPUS (on by default): every thread of a worker on one core, the two
    workers on two cores; a worker started in the place of a killed one takes its core."""
    main = server.process.pid
    workers = wait_for(lambda: len(set(children(main))) == 2 and set(children(main)), "2 workers")
    assert requests.get(server.url + "/sparql", params={"query": "ASK {}"},
                        timeout=5).status_code == 200
    held = {pid: _cores(pid) for pid in workers}
    assert all(len(cores) == 1 and len(next(iter(cores))) == 1 for cores in held.values())
    assert len(set().union(*held.values())) == 2, held
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    fresh = wait_for(lambda: (c := set(children(main)) - {victim}) and len(c) == 2 and c,
                  "no worker in the place of the killed one")
    (newcomer,) = fresh - workers
    wait_for(lambda: _cores(newcomer) == held[victim],
             f"the new worker runs on {_cores(newcomer)}")
    assert server.process.poll() is None


def test_unpinned_workers_may_run_anywhere(built_graph, tmp_path):
    running = start_server(tmp_path, {"RUHRGRAPH_BUILD_DIR": str(built_graph.build_dir),
                                      "RUHRGRAPH_STORE_DIR": "", "RUHRGRAPH_ACCESS_LOG": "0",
                                      "RUHRGRAPH_SERVER_PIN_CPUS": "0"})
    try:
        workers = wait_for(lambda: len(set(children(running.process.pid))) == 2
                        and set(children(running.process.pid)), "2 workers")
        everywhere = frozenset(os.sched_getaffinity(0))
        assert {pid: _cores(pid) for pid in workers} == {pid: {everywhere} for pid in workers}
    finally:
        stop(running.process)
