"""The query timeout really stops the work, answers a clear error and never a cut 200, while
other clients are served during and after (real gunicorn, QUERY_TIMEOUT = 2 s)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

# 27 quads to the 8th power: billions of solutions, far beyond any timeout.
PATHOLOGICAL = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
                "?m ?n1 ?o . ?p ?q ?r . ?s ?t ?u . ?v ?w ?x }")
QUICK = "SELECT ?s WHERE { ?s a <https://w3id.org/ruhrgraph/ontology#Project> } ORDER BY ?s"


def workers(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {int(pid) for pid in children}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100


def timeouts(server) -> float:
    text = requests.get(server.url + "/metrics", timeout=10).text
    return sum(sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples if sample.name == "ruhrgraph_query_timeouts_total")


def test_timeout_stops_the_query_while_others_are_served(sparql_server):
    master = sparql_server.process.pid
    timeouts_before = timeouts(sparql_server)
    before = workers(master)
    assert len(before) == 2
    outcome = {}

    def slow():
        started = time.monotonic()
        outcome["response"] = requests.get(sparql_server.sparql, params={"query": PATHOLOGICAL},
                                           timeout=30)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    served = []
    time.sleep(0.3)
    while thread.is_alive():  # a second client, answered while the slow query runs
        response = requests.get(sparql_server.sparql, timeout=10,
                                params={"query": QUICK, "format": "tsv", "n": len(served)})
        assert response.status_code == 200
        assert response.text.count("\n") == 4
        served.append(response)
        time.sleep(0.05)
    thread.join()

    response = outcome["response"]
    assert response.status_code == 503
    assert "did not finish within 2 s and was stopped" in response.text
    assert response.headers["Retry-After"] == "1"
    assert response.headers["Cache-Control"] == "no-store"
    assert 1.9 < outcome["seconds"] < 5
    assert len(served) >= 5

    # The worker that ran it ends (gunicorn replaces it): its CPU is not burnt any longer.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (workers(master) & before) == before:
        time.sleep(0.1)
    after = workers(master)
    assert len(before - after) == 1, "the worker that ran the query is still running"
    gone = (before - after).pop()
    assert not Path(f"/proc/{gone}").exists() or \
        Path(f"/proc/{gone}/stat").read_text().split(") ")[1][0] == "Z"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(workers(master)) < 2:
        time.sleep(0.1)
    assert len(workers(master)) == 2

    # And everything keeps working afterwards.
    for _ in range(6):
        response = requests.get(sparql_server.sparql, params={"query": QUICK}, timeout=10)
        assert response.status_code == 200
    remaining = workers(master)
    time.sleep(1.0)
    assert all(cpu_seconds(pid) < 5 for pid in remaining)
    assert timeouts(sparql_server) == timeouts_before + 1
