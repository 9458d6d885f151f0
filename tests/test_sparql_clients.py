"""Real SPARQL clients, unchanged and with their default settings, against `ruhrgraph serve`
on 127.0.0.1 (the fixture store): SPARQLWrapper (GET and POST, every return format it has),
rdflib's SPARQLStore, Comunica's `comunica-sparql` (npm, `make node-deps`), and YASGUI's
cross-origin requests (CORS). Then the sloppy requests such clients send: ``format=`` twice,
in other spellings, as a list, or naming a format we cannot serve; HEAD; ``Accept: text/*``.

Every answer is compared with the same query evaluated here by pyoxigraph over the TriG
fixture (union default graph), never with another answer of the server.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import warnings

import pyoxigraph
import pytest
import rdflib
import requests
from conftest import DATA, ROOT
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML
from SPARQLWrapper import SPARQLWrapper as Wrapper

PREFIXES = ("PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
SELECT = PREFIXES + "SELECT ?p ?m WHERE { ?p a rg:Project ; rg:leadMinistry ?m } ORDER BY ?p"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?p rg:leadMinistry ?m } WHERE { ?p rg:leadMinistry ?m }"
ASK = PREFIXES + "ASK { ?p rg:leadMinistry ?m }"
AGGREGATE = PREFIXES + ("SELECT ?m (COUNT(?p) AS ?n) WHERE { ?p rg:leadMinistry ?m } "
                        "GROUP BY ?m ORDER BY ?m")
GRAPHS = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g "
          "ORDER BY ?g")
COMUNICA = ROOT / "node_modules" / "@comunica" / "query-sparql" / "bin" / "query.js"


@pytest.fixture(scope="module")
def fixture_store() -> pyoxigraph.Store:
    """The TriG fixture in an in-memory store: what every answer is compared with."""
    store = pyoxigraph.Store()
    store.load((DATA / "sparql_fixture.trig").read_bytes(), format=pyoxigraph.RdfFormat.TRIG)
    return store


def solutions(store: pyoxigraph.Store, query: str) -> list[tuple[str, ...]]:
    answer = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in answer.variables]
    return [tuple(row[n].value for n in names) for row in answer]


def triples(store: pyoxigraph.Store, query: str) -> set[str]:
    return {str(t) for t in store.query(query, use_default_graph_as_union=True)}


def as_ntriples(graph: rdflib.Graph) -> set[str]:
    """An rdflib graph's triples in pyoxigraph's N-Triples spelling, for comparison."""
    text = graph.serialize(format="nt")
    return {str(q.triple) for q in pyoxigraph.parse(text.encode(), pyoxigraph.RdfFormat.N_TRIPLES)}


def results_rows(body: bytes, fmt: pyoxigraph.QueryResultsFormat) -> list[tuple[str, ...]]:
    parsed = pyoxigraph.parse_query_results(body, fmt)
    names = [v.value for v in parsed.variables]
    return [tuple(row[n].value for n in names) for row in parsed]


# --- SPARQLWrapper ---------------------------------------------------------------------

def wrapper_query(server, query: str, fmt: str, method: str):
    """SPARQLWrapper with its defaults, but for endpoint, query, return format and method;
    the converted result and the Content-Type. A RuntimeWarning of SPARQLWrapper (it warns
    when the answer is not in the format it asked for) fails the test."""
    client = Wrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    result = client.query()
    with warnings.catch_warnings():  # rdflib's own ConjunctiveGraph, which SPARQLWrapper
        warnings.simplefilter("ignore", DeprecationWarning)  # parses RDF into, warns
        return result.convert(), result.info()["content-type"]


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize(("fmt", "media_type"), [
    (JSON, "application/sparql-results+json"), (XML, "application/sparql-results+xml"),
    (CSV, "text/csv"), (TSV, "text/tab-separated-values")])
def test_sparqlwrapper_select(sparql_server, fixture_store, method, fmt, media_type):
    converted, content_type = wrapper_query(sparql_server, SELECT, fmt, method)
    assert content_type == f"{media_type}; charset=utf-8"
    expected = solutions(fixture_store, SELECT)
    if fmt == JSON:
        got = [(b["p"]["value"], b["m"]["value"]) for b in converted["results"]["bindings"]]
    elif fmt == XML:
        got = results_rows(converted.toxml().encode(), pyoxigraph.QueryResultsFormat.XML)
    elif fmt == CSV:
        table = list(csv.reader(io.StringIO(converted.decode("utf-8"))))
        assert table[0] == ["p", "m"]
        got = [tuple(row) for row in table[1:]]
    else:
        got = results_rows(converted, pyoxigraph.QueryResultsFormat.TSV)
    assert got == expected


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize(("fmt", "media_type"), [
    (TURTLE, "text/turtle"), (N3, "text/turtle"), (JSONLD, "application/ld+json"),
    (RDFXML, "application/rdf+xml")])
def test_sparqlwrapper_construct(sparql_server, fixture_store, method, fmt, media_type):
    converted, content_type = wrapper_query(sparql_server, CONSTRUCT, fmt, method)
    assert content_type == f"{media_type}; charset=utf-8"
    if fmt in (TURTLE, N3):  # SPARQLWrapper hands Turtle and N3 over as bytes
        got = {str(t) for t in pyoxigraph.parse(converted, pyoxigraph.RdfFormat.TURTLE)}
    else:  # and parses RDF/XML and JSON-LD with rdflib
        got = as_ntriples(converted)
    assert got == triples(fixture_store, CONSTRUCT)


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_ask(sparql_server, method):
    converted, _ = wrapper_query(sparql_server, ASK, JSON, method)
    assert converted == {"head": {}, "boolean": True}


# --- rdflib's SPARQLStore ----------------------------------------------------------------

def test_rdflib_sparqlstore(sparql_server, fixture_store):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(query_endpoint=sparql_server.sparql)
    graph = rdflib.Graph(store=store)
    got = [tuple(str(v) for v in row) for row in graph.query(SELECT)]
    assert got == solutions(fixture_store, SELECT)
    assert graph.query(ASK).askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert as_ntriples(constructed) == triples(fixture_store, CONSTRUCT)
    project = rdflib.URIRef("https://w3id.org/ruhrgraph/ontology#Project")
    subjects = sorted(str(s) for s in graph.subjects(rdflib.RDF.type, project))
    assert subjects == sorted({row[0] for row in solutions(fixture_store, SELECT)})


# --- Comunica ----------------------------------------------------------------------------

def comunica(server, query: str, media_type: str) -> bytes:
    """`comunica-sparql` (the pinned npm package, run by node) with our endpoint as its
    one SPARQL source."""
    if not COMUNICA.exists():
        pytest.fail(f"{COMUNICA} is missing: `make node-deps` installs the pinned Comunica")
    done = subprocess.run(["node", str(COMUNICA), f"sparql@{server.sparql}", query,
                           "-t", media_type], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("query", [SELECT, AGGREGATE, GRAPHS], ids=["select", "aggregate",
                                                                     "graph"])
def test_comunica_select(sparql_server, fixture_store, query):
    body = comunica(sparql_server, query, "application/sparql-results+json")
    bindings = json.loads(body)["results"]["bindings"]
    got = [tuple(b[name]["value"] for name in b) for b in bindings]
    assert got == solutions(fixture_store, query)


@pytest.mark.slow
def test_comunica_ask_and_construct(sparql_server, fixture_store):
    body = comunica(sparql_server, ASK, "application/sparql-results+json")
    assert json.loads(body)["boolean"] is True
    body = comunica(sparql_server, CONSTRUCT, "application/n-triples")
    got = {str(q.triple) for q in pyoxigraph.parse(body, pyoxigraph.RdfFormat.N_TRIPLES)}
    assert got == triples(fixture_store, CONSTRUCT)


# --- YASGUI from another origin (CORS) -----------------------------------------------------

ORIGIN = "https://yasgui.example"


def test_yasgui_cross_origin(sparql_server, fixture_store):
    """What a browser does for YASGUI served elsewhere: a preflight for the POST with its
    headers, then POST and GET with ``Origin``; the answers readable by that page."""
    preflight = requests.options(sparql_server.sparql, timeout=30, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "accept, content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert set(preflight.headers["Access-Control-Allow-Methods"].split(", ")) == {
        "GET", "POST", "OPTIONS"}
    allowed = {h.strip().lower() for h in
               preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"accept", "content-type"} <= allowed
    accept = "application/sparql-results+json,*/*;q=0.9"  # YASQE's for a SELECT
    for response in (
            requests.post(sparql_server.sparql, data={"query": SELECT}, timeout=30,
                          headers={"Origin": ORIGIN, "Accept": accept}),
            requests.get(sparql_server.sparql, params={"query": SELECT}, timeout=30,
                         headers={"Origin": ORIGIN, "Accept": accept})):
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Content-Type"] == ("application/sparql-results+json; "
                                                    "charset=utf-8")
        got = [(b["p"]["value"], b["m"]["value"]) for b in response.json()["results"]["bindings"]]
        assert got == solutions(fixture_store, SELECT)
    error = requests.post(sparql_server.sparql, data={"query": "SELECT"}, timeout=30,
                          headers={"Origin": ORIGIN, "Accept": accept})
    assert error.status_code == 400
    assert error.headers["Access-Control-Allow-Origin"] == "*"  # the page can show why


# --- sloppy requests ---------------------------------------------------------------------

def get(server, params, accept: str | None = None) -> requests.Response:
    return requests.get(server.sparql, params=params, timeout=30,
                        headers={"Accept": accept} if accept else {})


@pytest.mark.parametrize(("query", "formats", "media_type"), [
    (SELECT, ["tsv", "text/tab-separated-values"], "text/tab-separated-values"),
    (SELECT, ["srx"], "application/sparql-results+xml"),
    (SELECT, ["text/csv; charset=utf-8"], "text/csv"),
    (SELECT, ["pdf", "csv"], "text/csv"),  # the first one we serve
    (CONSTRUCT, ["json-ld", "application/ld+json,application/x-json+ld"],
     "application/ld+json"),
    (CONSTRUCT, ["application/ld+json"], "application/ld+json"),
    (CONSTRUCT, ["rdf+xml", "application/rdf+xml"], "application/rdf+xml"),
    (CONSTRUCT, ["n3"], "text/turtle"),
    (CONSTRUCT, ["json"], "application/ld+json"),  # json names JSON-LD for a graph
    (CONSTRUCT, ["text/n3"], "text/turtle"),
    (CONSTRUCT, ["application/n-triples"], "application/n-triples"),
])
def test_format_spellings(sparql_server, query, formats, media_type):
    params = [("query", query), *(("format", f) for f in formats)]
    for response in (get(sparql_server, params, "application/sparql-results+json"),
                     requests.post(sparql_server.sparql, data=params, timeout=30)):
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"


@pytest.mark.parametrize(("query", "fmt", "accept", "media_type"), [
    (SELECT, "pdf", "text/csv", "text/csv"),
    (SELECT, "turtle", "application/sparql-results+xml", "application/sparql-results+xml"),
    (CONSTRUCT, "csv", "application/n-triples", "application/n-triples"),
    (CONSTRUCT, "csv", None, "text/turtle"),
])
def test_format_we_cannot_serve_falls_back_to_accept(sparql_server, query, fmt, accept,
                                                     media_type):
    response = get(sparql_server, {"query": query, "format": fmt}, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"


@pytest.mark.parametrize(("query", "media_type"), [
    (SELECT, "text/csv"), (ASK, "text/csv"), (CONSTRUCT, "text/turtle")])
def test_accept_text_wildcard_gets_a_text_type(sparql_server, query, media_type):
    response = get(sparql_server, {"query": query}, "text/*")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"


def test_accept_aliases_still_answer_the_standard_type(sparql_server):
    for accept, media_type in [("application/json", "application/sparql-results+json"),
                               ("text/xml", "application/sparql-results+xml"),
                               ("text/csv;q=0.5, text/xml", "application/sparql-results+xml")]:
        response = get(sparql_server, {"query": SELECT}, accept)
        assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8", accept


def test_head_is_get_without_a_body(sparql_server):
    got = get(sparql_server, {"query": SELECT})
    head = requests.head(sparql_server.sparql, params={"query": SELECT}, timeout=30)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    assert head.headers["Content-Length"] == str(len(got.content))
    assert head.headers["ETag"] == got.headers["ETag"]
