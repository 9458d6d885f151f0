"""Heavy queries never starve light ones (issue 14, deliverable 3): per-worker admission of
long-running queries (LONG_QUERY_SECONDS, LONG_QUERY_SLOTS), in the executor alone and
against a real `ruhrgraph serve` with 8 heavy queries at once."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from conftest import DATA, start_server, stop

from ruhrgraph.query.executor import Executor, QueryOverloaded, QueryTimeout

# 27 quads to the 5th power: 14 million solutions, about 6 s on one core (finishes).
HEAVY = "SELECT (COUNT(*) AS ?n{i}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . " \
        "?m ?n ?o }}"
LIGHT = "ASK {{ ?s ?p ?o FILTER (?o != {i}) }}"


def test_a_light_job_never_waits_behind_long_ones():
    executor = Executor(2, long_after=0.1, long_slots=1)
    outcomes: list[object] = []
    overdue: list[int] = []

    def heavy(i: int) -> None:
        try:
            outcomes.append(executor.run(lambda: time.sleep(0.8) or "done", 5,
                                         lambda: overdue.append(i)))
        except QueryOverloaded as error:
            outcomes.append(error)

    threads = [threading.Thread(target=heavy, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # all four are long now: one admitted, the others refused
    for _ in range(5):
        started = time.monotonic()
        assert executor.run(lambda: "light", 5) == "light"
        assert time.monotonic() - started < 0.05
    for thread in threads:
        thread.join()
    assert outcomes.count("done") == 1
    assert sum(isinstance(o, QueryOverloaded) for o in outcomes) == 3
    assert executor.long_running == 0 and not overdue  # finished before their deadline


def test_a_refused_job_still_running_at_its_deadline_calls_on_overdue():
    executor = Executor(2, long_after=0.05, long_slots=0)
    overdue = threading.Event()
    with pytest.raises(QueryOverloaded):
        executor.run(lambda: time.sleep(1.0), 0.3, overdue.set)
    assert not overdue.is_set()
    assert overdue.wait(1.0)
    with pytest.raises(QueryTimeout):  # admission off: the deadline as before
        Executor(1).run(lambda: time.sleep(0.5), 0.1)


@pytest.fixture
def heavy_server(sparql_store, tmp_path):
    server = start_server(tmp_path, {
        "RUHRGRAPH_STORE_DIR": str(sparql_store),
        "RUHRGRAPH_QUERY_TIMEOUT": "60",  # the heavy ones finish: no recycling in the way
        "RUHRGRAPH_QUERIES_DIR": str(DATA / "sparql_queries"),
        "RUHRGRAPH_ACCESS_LOG": "0",
    })
    yield server
    stop(server.process)


def test_eight_heavy_queries_at_once_while_a_light_ask_answers_within_a_second(heavy_server):
    results: dict[int, requests.Response] = {}

    def heavy(i: int) -> None:
        results[i] = requests.post(heavy_server.sparql, data={"query": HEAVY.format(i=i)},
                                   headers={"Accept": "application/json"}, timeout=120)

    threads = [threading.Thread(target=heavy, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    latencies = []
    for i in range(10):
        started = time.monotonic()
        response = requests.get(heavy_server.sparql, params={"query": LIGHT.format(i=i)},
                                headers={"Accept": "application/sparql-results+json"},
                                timeout=30)
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200, response.text
        assert response.json()["boolean"] is True
        time.sleep(0.1)
    busy = sum(thread.is_alive() for thread in threads)
    for thread in threads:
        thread.join()
    print("light ASK latencies under load (s):", [round(x, 3) for x in latencies])
    assert busy >= 1, "the heavy queries ended before the light ones were measured"
    assert max(latencies) < 1.0, latencies
    answered = [r for r in results.values() if r.status_code == 200]
    refused = [r for r in results.values() if r.status_code == 503]
    assert len(answered) + len(refused) == 8
    assert 1 <= len(answered) <= 4  # 2 workers x LONG_QUERY_SLOTS = 2
    for response in answered:
        assert "14348907" in response.text
    for response in refused:
        assert response.headers["Retry-After"] == "2"
        assert response.headers["Cache-Control"] == "no-store"
        error = response.json()["error"]
        assert error["title"] == "Too Many Long Queries"
        assert "long-running" in error["message"]
