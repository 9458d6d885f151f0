"""The remote backend against a real Oxigraph server started here: `ruhrgraph load --to` pushes
the graphs with the Graph Store Protocol, and the app serves the same answers through it."""

from __future__ import annotations

import subprocess

import pyoxigraph
import pytest
import requests
from conftest import DATA, VENV_BIN, start_oxigraph, start_server, stop

PREFIXES = ("PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
CATALOGUE = "https://w3id.org/ruhrgraph/graph/catalogue"


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    url, process = start_oxigraph(tmp_path_factory.mktemp("oxigraph-remote"))
    yield url
    stop(process)


@pytest.fixture(scope="module")
def remote_server(oxigraph_server, sparql_store, tmp_path_factory):
    loaded = subprocess.run(
        [str(VENV_BIN / "ruhrgraph"), "load", "--to", oxigraph_server + "/store", "--store",
         str(sparql_store)], capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert sorted(line.split("\t")[0] for line in loaded.stdout.splitlines()) == [
        "https://w3id.org/ruhrgraph/graph/" + g for g in ("catalogue", "meta", "ontology")]
    server = start_server(tmp_path_factory.mktemp("remote-app"), {
        "RUHRGRAPH_BACKEND": oxigraph_server + "/query",
        "RUHRGRAPH_STORE_DIR": str(sparql_store),
        "RUHRGRAPH_MAX_RESULT_ROWS": "1000",
    })
    yield server
    stop(server.process)


def test_load_pushed_every_quad(oxigraph_server, remote_server):
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = requests.get(oxigraph_server + "/query", params={"query": query}, timeout=30,
                            headers={"Accept": "application/sparql-results+json"})
    expected = len(list(pyoxigraph.parse((DATA / "sparql_fixture.trig").read_bytes(),
                                         pyoxigraph.RdfFormat.TRIG)))
    assert response.json()["results"]["bindings"][0]["n"]["value"] == str(expected)


@pytest.mark.parametrize(("query", "params"), [
    (PREFIXES + "SELECT ?p ?l WHERE { ?p a rg:Project ; rdfs:label ?l } ORDER BY ?p ?l", {}),
    (PREFIXES + "SELECT ?p ?l WHERE { ?p a rg:Project ; rdfs:label ?l } ORDER BY ?p ?l",
     {"format": "csv"}),
    (PREFIXES + "SELECT ?p ?l WHERE { ?p a rg:Project ; rdfs:label ?l } ORDER BY ?p ?l",
     {"format": "xml"}),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"default-graph-uri": CATALOGUE}),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
     {"named-graph-uri": CATALOGUE}),
    (PREFIXES + "ASK { ?p rg:leadMinistry ?m }", {}),
    (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{CATALOGUE}> {{ ?s ?p ?o }} }} "
     "ORDER BY ?s ?p ?o", {"format": "ntriples"}),
])
def test_same_answers_as_the_embedded_store(remote_server, sparql_server, query, params):
    remote = requests.get(remote_server.sparql, params={"query": query, **params}, timeout=30)
    local = requests.get(sparql_server.sparql, params={"query": query, **params}, timeout=30)
    assert remote.status_code == local.status_code == 200
    assert remote.headers["Content-Type"] == local.headers["Content-Type"]
    if params.get("format") == "ntriples":
        assert sorted(remote.text.splitlines()) == sorted(local.text.splitlines())
    else:
        assert remote.content == local.content


def test_remote_errors_and_refusals(remote_server, oxigraph_server):
    response = requests.get(remote_server.sparql, params={"query": "SELECT * WHERE { ?s }"},
                            timeout=30)
    assert response.status_code == 400
    response = requests.get(remote_server.sparql, timeout=30, params={
        "query": f"SELECT * WHERE {{ SERVICE <{oxigraph_server}/query> {{ ?s ?p ?o }} }}"})
    assert response.status_code == 403
    response = requests.post(remote_server.sparql, data={"update": "CLEAR ALL"}, timeout=30)
    assert response.status_code == 403
    count = requests.get(remote_server.sparql, timeout=30, params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    assert int(count["results"]["bindings"][0]["n"]["value"]) > 0


def test_remote_health_and_cut(remote_server):
    health = requests.get(remote_server.url + "/healthz", timeout=30).json()
    assert health["status"] == "ok"
    assert health["backend"].endswith("/query")
    values = " ".join(str(i) for i in range(40))
    response = requests.get(remote_server.sparql, timeout=30, params={
        "query": f"SELECT * WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"})
    assert response.headers["RuhrGraph-Truncated"] == "true; limit=1000"
    assert len(response.json()["results"]["bindings"]) == 1000


def test_remote_resolves_relative_iris_against_our_base(remote_server, sparql_server):
    """The base goes to the engine as a BASE line: relative IRIs name the same IRIs as the
    embedded store's (our endpoint's URL, not the engine's), and a syntax error's line is
    the query's own."""
    root = remote_server.url + "/"
    query = "CONSTRUCT { <a> <b> <c> } WHERE {}"
    response = requests.get(remote_server.sparql, params={"query": query, "format": "nt"},
                            timeout=30)
    assert response.text == f"<{root}a> <{root}b> <{root}c> .\n"
    query = "BASE <https://example.org/x/> SELECT ?x { BIND(<a> AS ?x) }"
    response = requests.get(remote_server.sparql, params={"query": query}, timeout=30)
    assert response.json()["results"]["bindings"] == [
        {"x": {"type": "uri", "value": "https://example.org/x/a"}}]
    response = requests.get(remote_server.sparql, timeout=30,
                            params={"query": "SELECT ?s WHERE {\n ?s ?p\n}"})
    assert response.status_code == 400
    assert response.text.startswith("400 Query Syntax Error: error at 3:2: ")


def test_editor_index_through_the_remote_engine(remote_server, sparql_server):
    """The editor's completion index (/sparql/editor.json) is made through the remote
    engine as it is from the embedded store."""
    remote = requests.get(remote_server.url + "/sparql/editor.json", timeout=30).json()
    local = requests.get(sparql_server.url + "/sparql/editor.json", timeout=30).json()
    for key in ("prefixes", "classes", "properties", "entities"):
        assert remote[key] == local[key], key
    assert len(remote["entities"]) == 7
