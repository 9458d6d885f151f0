"""Hostile SPARQL: every query of the corpus `tests/data/hostile/*.rq` against `ruhrgraph serve`
on the real build, each answered as its header says, in bounded time, leaking nothing,
calling nobody, while a second client keeps getting right answers.

A corpus file starts with ``# hostile: what it does`` and ``# expect:`` one of
``refused`` (a 4xx; ``# status:`` pins which), ``timeout`` (503 Query Timeout at the
deadline) or ``bounded`` (answered, complete and well-formed, or 503 at the deadline: the
engine copes, e.g. a regex bomb against a linear-time regex engine). ``{LISTENER}``,
``{LISTENER6}`` and ``{PORT}`` stand for local listeners the test opens: any connection to
them fails the test (SERVICE, LOAD and FROM must be refused before a socket is opened).
"""

from __future__ import annotations

import json
import re
import select
import socket
import threading
import time

import pytest
import requests
from conftest import DATA, ROOT, start_server, stop
from pyoxigraph import RdfFormat, parse

pytestmark = pytest.mark.slow

CORPUS = sorted((DATA / "hostile").glob("*.rq"))
TIMEOUT = 2.0
CANARY = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/ruhrgraph/ontology#Project> }"
#: What must never reach a client: tracebacks, our paths, file contents.
LEAKS = ("Traceback", 'File "', str(ROOT), "site-packages", "root:x:0:0", "/bin/bash",
         "pyo3", "panicked")


class Listener:
    """Accepts (and records) every connection to a local port, IPv4 and IPv6."""

    def __init__(self):
        self.connections: list[str] = []
        self.v4 = socket.socket(socket.AF_INET)
        self.v4.bind(("127.0.0.1", 0))
        self.port = self.v4.getsockname()[1]
        self.v6 = socket.socket(socket.AF_INET6)
        try:
            self.v6.bind(("::1", self.port))
        except OSError:
            self.v6.bind(("::1", 0))
        self.port6 = self.v6.getsockname()[1]
        for sock in (self.v4, self.v6):
            sock.listen(16)
            sock.setblocking(False)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.v4, self.v6], [], [], 0.1)
            for sock in ready:
                conn, addr = sock.accept()
                self.connections.append(str(addr))
                conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.v4.close()
        self.v6.close()


@pytest.fixture(scope="module")
def listener():
    listening = Listener()
    yield listening
    listening.close()


@pytest.fixture(scope="module")
def hostile_server(built_graph, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-server")
    server = start_server(tmp, {"RUHRGRAPH_BUILD_DIR": str(built_graph.build_dir),
                                "RUHRGRAPH_STORE_DIR": "", "RUHRGRAPH_PUBLIC_URL": "",
                                "RUHRGRAPH_QUERY_TIMEOUT": str(TIMEOUT),
                                "RUHRGRAPH_MAX_RESULT_ROWS": "10000",
                                "RUHRGRAPH_QUERIES_DIR": str(ROOT / "queries")})
    yield server
    stop(server.process)


def header(text: str, key: str) -> str | None:
    match = re.search(rf"^# {key}: (.*)$", text, re.M)
    return match.group(1).strip() if match else None


def canary_answer(server) -> int:
    response = requests.post(server.sparql, data={"query": CANARY},
                             headers={"Accept": "application/sparql-results+json",
                                      "Connection": "close"}, timeout=10)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


class Canary:
    """A second client asking a simple query every 0.2 s while the hostile one runs."""

    def __init__(self, server, expected: int):
        self.server, self.expected = server, expected
        self.answers, self.failures = 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                n = canary_answer(self.server)
                if n != self.expected:
                    self.failures.append(f"wrong answer {n}")
                elif time.monotonic() - started > 5:
                    self.failures.append(f"slow answer {time.monotonic() - started:.1f} s")
                else:
                    self.answers += 1
            except (requests.RequestException, AssertionError) as error:
                self.failures.append(f"{type(error).__name__}: {error}")
            self._stop.wait(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=20)


def test_the_corpus_covers_what_the_issue_names():
    names = " ".join(p.name for p in CORPUS)
    for kind in ("nesting", "values", "cartesian", "regex", "service-loopback",
                 "service-private", "from-file", "load-", "insert", "delete", "drop", "clear"):
        assert kind in names, kind
    for path in CORPUS:
        text = path.read_text(encoding="utf-8")
        assert header(text, "hostile"), path.name
        assert header(text, "expect") in ("refused", "timeout", "bounded"), path.name


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_hostile_query(hostile_server, listener, built_graph, path):
    text = path.read_text(encoding="utf-8")
    expect, status = header(text, "expect"), header(text, "status")
    query = (text.replace("{LISTENER}", f"127.0.0.1:{listener.port}")
             .replace("{LISTENER6}", f"[::1]:{listener.port6}")
             .replace("{PORT}", str(listener.port)))
    expected_projects = built_graph.manifest["counts"]["projects"]
    graph_form = re.search(r"^\s*(CONSTRUCT|DESCRIBE)", query, re.M | re.I) is not None
    accept = "text/turtle" if graph_form else "application/sparql-results+json"
    with Canary(hostile_server, expected_projects) as canary:
        started = time.monotonic()
        response = requests.post(hostile_server.sparql, data={"query": query},
                                 headers={"Accept": accept}, timeout=TIMEOUT + 30)
        elapsed = time.monotonic() - started
        time.sleep(0.5)  # the canary also asks right after (a timed-out worker is recycled)
    body = response.text
    assert elapsed < TIMEOUT + 8, f"answered only after {elapsed:.1f} s"
    if expect == "refused":
        assert 400 <= response.status_code < 500, (response.status_code, body[:300])
        assert elapsed < 2, f"a refusal took {elapsed:.1f} s"
        if status:
            assert response.status_code == int(status), body[:300]
    elif expect == "timeout":
        assert response.status_code == 503, (response.status_code, body[:300])
        assert "Query Timeout" in body and response.headers["Retry-After"] == "1"
    else:
        assert response.status_code in (200, 503), (response.status_code, body[:300])
        if response.status_code == 200:  # complete and well-formed
            if graph_form:
                list(parse(response.content, RdfFormat.TURTLE))
            else:
                assert "results" in json.loads(body) or "boolean" in json.loads(body)
    for leak in LEAKS:
        assert leak not in body and leak not in str(response.headers), leak
    assert listener.connections == [], f"the server connected out: {listener.connections}"
    assert canary.failures == [], canary.failures
    assert canary.answers >= 1
    assert canary_answer(hostile_server) == expected_projects


def test_a_query_over_the_size_limit_is_refused_unread(hostile_server):
    huge = "SELECT * WHERE { VALUES ?x { " + "1 " * 60_000 + "} }"
    response = requests.post(hostile_server.sparql, data={"query": huge}, timeout=30)
    assert response.status_code == 413
    response = requests.get(hostile_server.sparql, params={"query": huge}, timeout=30)
    assert response.status_code == 413


def test_hostile_queries_by_get_and_direct_post_are_refused_the_same(hostile_server, listener):
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
    assert requests.get(hostile_server.sparql, params={"query": query},
                        timeout=10).status_code == 403
    assert requests.post(hostile_server.sparql, data=query.encode(), timeout=10,
                         headers={"Content-Type": "application/sparql-query"}).status_code == 403
    update = "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }"
    assert requests.post(hostile_server.sparql, data={"update": update},
                         timeout=10).status_code == 403
    assert requests.post(hostile_server.sparql, data=update.encode(), timeout=10,
                         headers={"Content-Type": "application/sparql-update"}
                         ).status_code == 403
    assert listener.connections == []


def test_after_the_corpus_the_server_is_healthy_and_its_workers_were_not_killed(
        hostile_server):
    """Run last (file order): no worker died of a signal while the corpus ran; timed-out
    workers ended themselves gracefully (a SIGSEGV or SIGKILL shows in gunicorn's log)."""
    assert requests.get(hostile_server.url + "/healthz", timeout=10).json()["status"] == "ok"
    log = hostile_server.log.read_text(errors="replace")
    assert "SIGSEGV" not in log and "was sent SIGKILL" not in log and "SIGABRT" not in log, \
        log[-3000:]
    assert "Traceback" not in log, log[-3000:]


def test_the_listener_sees_a_connection():
    """The control of the 'no connection' checks: a connection to a listener is seen."""
    listening = Listener()
    try:
        socket.create_connection(("127.0.0.1", listening.port), timeout=5).close()
        socket.create_connection(("::1", listening.port6), timeout=5).close()
        deadline = time.monotonic() + 5
        while len(listening.connections) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(listening.connections) == 2
    finally:
        listening.close()
