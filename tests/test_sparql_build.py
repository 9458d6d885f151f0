"""The endpoint on the real build (`ruhrgraph build` once per session, `ruhrgraph serve`):
answers agree with the build's manifest, every canned query runs in every format."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
import rdflib
import requests
from conftest import ROOT

CANNED = sorted((ROOT / "queries").glob("*.rq"))
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


def select(server, query: str, **params) -> list[dict]:
    response = requests.get(server.sparql, params={"query": query, **params}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def test_quads_and_projects_match_the_manifest(graph_server, built_graph):
    counts = built_graph.manifest
    quads = select(graph_server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(quads[0]["n"]["value"]) == counts["quads"]
    projects = select(graph_server, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a "
                      "<https://w3id.org/ruhrgraph/ontology#Project> }")
    assert int(projects[0]["n"]["value"]) == counts["counts"]["projects"]


def test_service_description_names_the_build_graphs(graph_server):
    response = requests.get(graph_server.sparql, headers={"Accept": "text/turtle"}, timeout=30)
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert {str(n) for n in graph.objects(None, SD.name)} == {
        f"https://w3id.org/ruhrgraph/graph/{g}" for g in ("catalogue", "ontology", "meta")}


def test_health_names_the_build(graph_server, built_graph):
    health = requests.get(graph_server.url + "/healthz", timeout=30).json()
    assert health["status"] == "ok"
    assert health["build"] == built_graph.manifest["build_id"]


@pytest.mark.parametrize("path", CANNED, ids=[p.stem for p in CANNED])
def test_canned_query_in_every_format(graph_server, path: Path):
    query = path.read_text(encoding="utf-8")
    first = requests.get(graph_server.sparql, params={"query": query}, timeout=60)
    assert first.status_code == 200, first.text
    media_type = first.headers["Content-Type"].split(";")[0]
    if media_type == "application/sparql-results+json":
        expected = first.json()
        for fmt in ("xml", "tsv"):
            other = requests.get(graph_server.sparql, params={"query": query, "format": fmt},
                                 timeout=60)
            fmt_ = pyoxigraph.QueryResultsFormat.from_media_type(other.headers["Content-Type"])
            parsed = pyoxigraph.parse_query_results(other.content, fmt_)
            if "boolean" in expected:
                assert bool(parsed) is expected["boolean"]
            else:
                assert len(list(parsed)) == len(expected["results"]["bindings"])
        csv = requests.get(graph_server.sparql, params={"query": query, "format": "csv"},
                           timeout=60)
        assert csv.status_code == 200
    else:
        assert media_type == "text/turtle"
        assert len(rdflib.Graph().parse(data=first.text, format="turtle")) > 0
    again = requests.get(graph_server.sparql, params={"query": query}, timeout=60,
                         headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
