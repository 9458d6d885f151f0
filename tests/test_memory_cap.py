"""The per-worker memory cap (`WORKER_MEMORY_MB`: a watchdog thread in each granian worker,
`ruhrgraph/web/ops/workers.py`), against `ruhrgraph serve` on 127.0.0.1: a query that builds
a string beyond the cap ends its worker, and only that one; its client gets the connection
closed without an answer; the server answers the next requests right; granian starts a
fresh worker. The control shows that the same query, without a cap, ends by itself with an
answer: the cap, not the query timeout or a crash, is what ends the worker."""

from __future__ import annotations

import re

import pytest
import requests
from conftest import start_server, stop
from proc import alive, children, wait_for

pytestmark = pytest.mark.slow

#: "aaaaaaaa" doubled 26 times: a string of 512 MiB, about 1.5 GB resident at the query's
#: peak. Bounded on purpose: without a working cap the test fails by an answer, it does not
#: eat the machine.
BIG = 26
CAP_MB = 300
#: What granian logs when a worker it did not stop ends (here: the watchdog's SIGKILL).
EXIT = "Unexpected exit from worker"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def doubling(times: int) -> str:
    binds = ['BIND("aaaaaaaa" AS ?v0)'] + [
        f"BIND(CONCAT(?v{i - 1}, ?v{i - 1}) AS ?v{i})" for i in range(1, times + 1)]
    return f"SELECT (STRLEN(?v{times}) AS ?n) WHERE {{ {' '.join(binds)} }}"


def ask(url: str, query: str) -> requests.Response:
    return requests.post(url + "/sparql", data={"query": query},
                         headers={"Accept": "text/csv"}, timeout=120)


def serve(sparql_store, tmp_path, cap_mb: int):
    # A timeout far beyond the query's own run time: only the cap can end it early.
    return start_server(tmp_path, {"RUHRGRAPH_STORE_DIR": str(sparql_store),
                                   "RUHRGRAPH_QUERY_TIMEOUT": "100",
                                   "RUHRGRAPH_WORKER_MEMORY_MB": str(cap_mb),
                                   "RUHRGRAPH_ACCESS_LOG": "0"})


def test_without_a_cap_the_big_query_is_answered(sparql_store, tmp_path):
    server = serve(sparql_store, tmp_path, 0)
    try:
        response = ask(server.url, doubling(BIG))
        assert response.status_code == 200, response.text[:300]
        assert response.text.split() == ["n", str(8 << BIG)]
        assert "WORKER_MEMORY_MB" not in server.log.read_text()
    finally:
        stop(server.process)


def test_a_query_beyond_the_cap_ends_only_its_worker_and_the_server_goes_on(sparql_store,
                                                                          tmp_path):
    server = serve(sparql_store, tmp_path, CAP_MB)
    try:
        expected = ask(server.url, COUNT)
        assert expected.status_code == 200
        small = ask(server.url, doubling(20))  # 8 MiB: work well under the cap is answered
        assert small.text.split() == ["n", str(8 << 20)]
        master = server.process.pid
        workers = sorted(p for p in children(master) if alive(p))
        assert len(workers) == 2

        with pytest.raises(requests.ConnectionError, match="Connection aborted"):
            ask(server.url, doubling(BIG))  # closed without an answer: no status, no body

        wait_for(lambda: EXIT in server.log.read_text(),
                 "granian never reported the killed worker", seconds=60)
        log = server.log.read_text()
        ours = re.findall(r"worker (\d+) holds ([\d.]+) MB, over WORKER_MEMORY_MB=300: ending it",
                          log)
        assert len(ours) == 1, log
        killed = int(ours[0][0])
        assert float(ours[0][1]) > CAP_MB
        assert killed in workers
        wait_for(lambda: not alive(killed), "the worker over its cap lives on")
        other = next(p for p in workers if p != killed)
        assert alive(other)  # only the worker that ran the query was ended

        for _ in range(10):  # both workers answer, right (the old and the fresh one)
            response = ask(server.url, COUNT)
            assert response.status_code == 200
            assert response.content == expected.content
        wait_for(lambda: len([p for p in children(master) if alive(p)]) == 2,
                 "granian did not start a fresh worker", seconds=60)
        now = {p for p in children(master) if alive(p)}
        assert other in now and killed not in now
        assert server.process.poll() is None
        assert server.log.read_text().count(EXIT) == 1
    finally:
        stop(server.process)
