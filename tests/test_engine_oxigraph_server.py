"""The Oxigraph server (`oxigraph serve` from PyPI) as the remote engine, started here on
127.0.0.1 over a temporary store, without `--union-default-graph` (the web tier names the
release's graphs as its dataset, so it needs no such flag): `ruhrgraph load` writes the
release into staging graphs and switches it in with one SPARQL Update, and the web tier,
pointed at it, answers every canned query, every page kind, the downloads and `/sparql` as
the embedded store does; /healthz says when it is empty or holds another release."""

from __future__ import annotations

import json
import threading

import pytest
from conftest import pages_app, start_oxigraph, stop
from engine_checks import (  # noqa: F401 - the tests every engine passes
    assert_heavy_query_ends_at_the_deadline,
    assert_loaded,
    held,
    load,
    test_every_canned_query_answers_alike,
    test_every_page_kind_and_document_answers_alike,
    test_sparql_answers_alike,
)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    url, process = start_oxigraph(tmp_path_factory.mktemp("oxigraph-engine"), union=False)
    yield url
    stop(process)


@pytest.fixture(scope="module")
def loaded(oxigraph, built_graph):
    return load(oxigraph + "/store", built_graph.store), load(oxigraph + "/store",
                                                            built_graph.store)


@pytest.fixture(scope="module")
def remote(loaded, oxigraph, built_graph):
    return pages_app(built_graph.build_dir, BACKEND=oxigraph + "/query").test_client()


def test_load_is_idempotent(loaded, built_graph, oxigraph):
    for done in loaded:
        assert_loaded(done, built_graph.manifest, "oxigraph", oxigraph + "/store")
    assert held(oxigraph + "/query") == built_graph.manifest["graphs"]  # no staging graph is left



def test_health_names_the_release_and_says_when_it_is_another(remote, oxigraph, built_graph,
                                                              tmp_path):
    health = remote.get("/healthz")
    assert health.status_code == 200, health.data
    assert health.get_json()["build"] == built_graph.manifest["build_id"]
    changed = dict(built_graph.manifest, graphs={
        **built_graph.manifest["graphs"], "https://w3id.org/ruhrgraph/graph/meta": 1})
    (tmp_path / "manifest.json").write_text(json.dumps(changed))
    health = pages_app(built_graph.build_dir, BACKEND=oxigraph + "/query",
                       STORE_DIR=str(tmp_path / "store")).test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["problem"] == (
        "the engine holds other quad counts than the release (half-loaded or changed): "
        "https://w3id.org/ruhrgraph/graph/meta: "
        f"{built_graph.manifest['graphs']['https://w3id.org/ruhrgraph/graph/meta']} quads, "
        "expected 1")


def test_an_empty_engine_is_unhealthy_and_a_heavy_query_ends_at_our_deadline(
        built_graph, tmp_path):
    url, process = start_oxigraph(tmp_path / "empty")
    try:
        app = pages_app(built_graph.build_dir, BACKEND=url + "/query", QUERY_TIMEOUT=1.0)
        health = app.test_client().get("/healthz")
        assert health.status_code == 503
        assert health.get_json()["problem"] == (
            "the engine holds none of the release's graphs (empty, or loaded elsewhere): load "
            "it with `ruhrgraph load --to URL`")
        assert load(url + "/store", built_graph.store).returncode == 0
        assert_heavy_query_ends_at_the_deadline(app.test_client())
    finally:
        stop(process)  # the engine cannot stop the query itself: its process ends with it


def test_readers_never_see_a_half_loaded_release(oxigraph, built_graph, loaded):
    """While the release is loaded again, a reader counting the graphs through the web tier
    sees the whole release at every moment."""
    app = pages_app(built_graph.build_dir, BACKEND=oxigraph + "/query", CACHE_MAX_BYTES=0)
    client = app.test_client()
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            answer = client.post("/sparql", data={"query": query, "format": "json"})
            seen.append(int(answer.get_json()["results"]["bindings"][0]["n"]["value"]))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        assert load(oxigraph + "/store", built_graph.store).returncode == 0
    finally:
        done.set()
        reader.join()
    assert len(seen) > 3
    assert set(seen) == {built_graph.manifest["quads"]}
