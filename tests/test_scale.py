"""The remote-backend path as `bench/scale_bench.py` runs it at x1000, small: the real build
pushed to a real Oxigraph server in parts (a PUT, then POSTs that add), twice, and compared
triple for triple; the app then serves the same canned answers through it."""

from __future__ import annotations

import pytest
import requests
from conftest import ROOT, start_oxigraph, start_server, stop

from ruhrgraph.query import remote
from ruhrgraph.query.engines import OxigraphServer
from ruhrgraph.store import ReadStore

pytestmark = pytest.mark.slow
CATALOGUE = "https://w3id.org/ruhrgraph/graph/catalogue"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    url, process = start_oxigraph(tmp_path_factory.mktemp("oxigraph-scale"))
    yield url
    stop(process)


def remote_lines(url: str, graph: str) -> list[str]:
    response = requests.get(url + "/store", params={"graph": graph}, timeout=60,
                            headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    return sorted(line for line in response.text.splitlines() if line)


def test_a_large_graph_goes_in_parts_and_arrives_whole(built_graph, oxigraph):
    local = ReadStore.open(built_graph.store)
    ours = sorted(line for line in local.graph_ntriples(CATALOGUE).decode().splitlines()
                  if line)
    assert len(ours) > 15_000
    for _ in range(2):  # the second push replaces (PUT first), it does not add twice
        sent = dict(remote.push(local, OxigraphServer.at(oxigraph + "/store"),
                                built_graph.manifest["build_id"], chunk=2_000))
        assert set(sent) == set(local.graph_names())
        assert remote_lines(oxigraph, CATALOGUE) == ours
    for graph in local.graph_names():
        assert len(remote_lines(oxigraph, graph)) == local.graph_sizes()[graph]


def test_the_app_serves_the_same_answers_through_the_remote_engine(built_graph, oxigraph,
                                                                    graph_server,
                                                                    tmp_path_factory):
    remote.push(ReadStore.open(built_graph.store), OxigraphServer.at(oxigraph + "/store"),
                built_graph.manifest["build_id"], chunk=5_000)
    server = start_server(tmp_path_factory.mktemp("scale-remote"), {
        "RUHRGRAPH_BACKEND": oxigraph + "/query",
        "RUHRGRAPH_BUILD_DIR": str(built_graph.build_dir), "RUHRGRAPH_STORE_DIR": "",
        "RUHRGRAPH_PUBLIC_URL": "", "RUHRGRAPH_QUERIES_DIR": str(ROOT / "queries")})
    try:
        for path in ("/queries/projects-per-field.csv", "/queries/project.csv?code=13-01",
                     "/queries/projects-by-city.csv?city=Essen", "/project/13-01.nt"):
            embedded = requests.get(graph_server.url + path, timeout=60)
            through = requests.get(server.url + path, timeout=60)
            assert embedded.status_code == through.status_code == 200, path
            if path.endswith(".nt"):
                assert sorted(embedded.text.splitlines()) == sorted(through.text.splitlines())
            else:
                assert through.content == embedded.content, path
    finally:
        stop(server.process)
