"""The result cache in one worker (Flask's test client, threads): one evaluation for many
concurrent identical requests, bounds in entries and bytes, the fast path's 304."""

from __future__ import annotations

import threading

from ruhrgraph.query.cache import ResultCache
from ruhrgraph.web import create_app
from ruhrgraph.web.ops import metrics

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_concurrent_identical_misses_are_evaluated_once(sparql_store):
    app = create_app({"STORE_DIR": str(sparql_store), "ACCESS_LOG": False, "QUERY_THREADS": 8})
    misses = metrics.CACHE.labels("miss")._value.get()
    statuses, bodies = [], []

    def ask():
        with app.test_client() as client:
            response = client.post("/sparql", data={"query": SLOW})
            statuses.append(response.status_code)
            bodies.append(response.data)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    assert len(set(bodies)) == 1
    assert metrics.CACHE.labels("miss")._value.get() == misses + 1


def test_cache_bounds():
    cache = ResultCache(entries=2, max_bytes=10, entry_max_bytes=6, ttl=0)
    cache.put("a", b"12345", "t", 1, False)
    cache.put("b", b"1234567", "t", 1, False)  # over the entry limit: not kept
    assert cache.get("b") is None
    cache.put("c", b"12345", "t", 1, False)
    assert len(cache) == 2
    cache.put("d", b"1", "t", 1, False)  # three entries: the least recently used goes
    assert cache.get("a") is None
    assert cache.get("c").body == b"12345"


def test_fast_path_answers_304_and_keeps_cors(sparql_store):
    app = create_app({"STORE_DIR": str(sparql_store), "ACCESS_LOG": False})
    client = app.test_client()
    query = {"query": "SELECT ?s WHERE { ?s a ?t } ORDER BY ?s LIMIT 2"}
    first = client.get("/sparql", query_string=query)
    second = client.get("/sparql", query_string=query)  # from the fast path
    assert first.data == second.data
    assert second.headers["Access-Control-Allow-Origin"] == "*"
    assert second.headers["ETag"] == first.headers["ETag"]
    again = client.get("/sparql", query_string=query,
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert "Content-Type" not in again.headers
