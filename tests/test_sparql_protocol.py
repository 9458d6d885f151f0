"""The SPARQL 1.1 Protocol over real HTTP against `ruhrgraph serve` (gunicorn) on the fixture
store; every body is parsed (pyoxigraph, rdflib, csv) and compared with values computed
independently from the TriG fixture with rdflib."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading

import pyoxigraph
import pytest
import rdflib
import requests
from conftest import DATA
from prometheus_client.parser import text_string_to_metric_families
from rdflib.compare import isomorphic

BASE = "https://w3id.org/ruhrgraph/"
CATALOGUE, ONTOLOGY, META = (BASE + "graph/" + g for g in ("catalogue", "ontology", "meta"))
PREFIXES = ("PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
PROJECTS = PREFIXES + "SELECT ?p ?m WHERE { ?p a rg:Project ; rg:leadMinistry ?m } ORDER BY ?p"
EXPECTED_PROJECTS = [(BASE + "project/01-01", BASE + "ministry/mkw"),
                     (BASE + "project/01-02", BASE + "ministry/mkw"),
                     (BASE + "project/02-01", BASE + "ministry/mwide")]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def fixture_dataset() -> dict[str, rdflib.Graph]:
    """The fixture's named graphs, parsed here from the TriG file, as rdflib graphs."""
    graphs: dict[str, rdflib.Graph] = {}
    for quad in pyoxigraph.parse((DATA / "sparql_fixture.trig").read_bytes(),
                                 pyoxigraph.RdfFormat.TRIG):
        graph = graphs.setdefault(quad.graph_name.value, rdflib.Graph())
        graph.parse(data=str(quad.triple) + " .", format="nt")
    return graphs


def graph_size(dataset: dict[str, rdflib.Graph], name: str) -> int:
    return len(dataset[name])


def as_graph(body: bytes, media_type: str) -> rdflib.Graph:
    """Any RDF syntax (also N-Quads/TriG) parsed by pyoxigraph into one rdflib graph."""
    quads = pyoxigraph.parse(body, pyoxigraph.RdfFormat.from_media_type(media_type))
    text = pyoxigraph.serialize((q.triple for q in quads), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=text, format="nt")


def rows(response: requests.Response) -> list[tuple]:
    """Solutions of a SPARQL JSON/XML/TSV answer, parsed by pyoxigraph, as value tuples."""
    fmt = pyoxigraph.QueryResultsFormat.from_media_type(response.headers["Content-Type"])
    solutions = pyoxigraph.parse_query_results(response.content, fmt)
    names = [v.value for v in solutions.variables]
    return [tuple(s[n].value if s[n] is not None else None for n in names) for s in solutions]


def get(server, query: str, accept: str | None = None, **params) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(server.sparql, params={"query": query, **params}, headers=headers,
                        timeout=30)


# --- the three operations ----------------------------------------------------------------

def test_get_query(sparql_server):
    response = get(sparql_server, PROJECTS)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert rows(response) == EXPECTED_PROJECTS
    assert response.headers["RuhrGraph-Rows"] == "3"


def test_post_form(sparql_server):
    response = requests.post(sparql_server.sparql, data={"query": PROJECTS}, timeout=30)
    assert response.status_code == 200
    assert rows(response) == EXPECTED_PROJECTS


def test_post_direct(sparql_server):
    response = requests.post(sparql_server.sparql, data=PROJECTS.encode(),
                             headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert response.status_code == 200
    assert rows(response) == EXPECTED_PROJECTS


def test_union_default_graph(sparql_server, fixture_dataset):
    expected = sum(graph_size(fixture_dataset, g) for g in (CATALOGUE, ONTOLOGY, META))
    assert rows(get(sparql_server, COUNT)) == [(str(expected),)]


@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_default_graph_uri(sparql_server, fixture_dataset, method):
    expected = graph_size(fixture_dataset, ONTOLOGY) + graph_size(fixture_dataset, META)
    dataset = [("default-graph-uri", ONTOLOGY), ("default-graph-uri", META)]
    if method == "get":
        response = requests.get(sparql_server.sparql, params=[("query", COUNT), *dataset],
                                timeout=30)
    elif method == "form":
        response = requests.post(sparql_server.sparql, data=[("query", COUNT), *dataset],
                                 timeout=30)
    else:
        response = requests.post(sparql_server.sparql, params=dataset, data=COUNT,
                                 headers={"Content-Type": "application/sparql-query"},
                                 timeout=30)
    assert rows(response) == [(str(expected),)]


def test_named_graph_uri(sparql_server, fixture_dataset):
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    everything = rows(get(sparql_server, query))
    assert everything == sorted((g, str(graph_size(fixture_dataset, g)))
                                for g in (CATALOGUE, META, ONTOLOGY))
    response = requests.get(sparql_server.sparql, timeout=30, params=[
        ("query", query), ("named-graph-uri", CATALOGUE)])
    assert rows(response) == [(CATALOGUE, str(graph_size(fixture_dataset, CATALOGUE)))]
    # With only named graphs given, the default graph is empty (the dataset is exactly them).
    response = requests.get(sparql_server.sparql, timeout=30, params=[
        ("query", COUNT), ("named-graph-uri", CATALOGUE)])
    assert rows(response) == [("0",)]


def test_dataset_params_override_from(sparql_server, fixture_dataset):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{CATALOGUE}> WHERE {{ ?s ?p ?o }}"
    assert rows(get(sparql_server, query)) == [(str(graph_size(fixture_dataset, CATALOGUE)),)]
    response = requests.get(sparql_server.sparql, timeout=30, params=[
        ("query", query), ("default-graph-uri", META)])
    assert rows(response) == [(str(graph_size(fixture_dataset, META)),)]


# --- content negotiation -------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "media_type"), [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1",
     "application/sparql-results+xml"),
    ("text/csv, application/sparql-results+json;q=0.8", "text/csv"),
    ("application/json", "application/sparql-results+json"),
])
def test_select_negotiation(sparql_server, accept, media_type):
    response = get(sparql_server, PROJECTS, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    if media_type == "text/csv":
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
        assert table == [["p", "m"], *map(list, EXPECTED_PROJECTS)]
    else:
        assert rows(response) == EXPECTED_PROJECTS


@pytest.mark.parametrize(("value", "media_type"), [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
    ("text/csv", "text/csv")])
def test_format_overrides_accept(sparql_server, value, media_type):
    response = get(sparql_server, PROJECTS, "application/sparql-results+json", format=value)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"


@pytest.mark.parametrize("value", ["json", "xml", "csv", "tsv"])
def test_ask(sparql_server, value):
    response = get(sparql_server, PREFIXES + "ASK { ?p rg:leadMinistry ?m }", format=value)
    assert response.status_code == 200
    if value in ("json", "xml"):
        fmt = pyoxigraph.QueryResultsFormat.from_media_type(response.headers["Content-Type"])
        assert bool(pyoxigraph.parse_query_results(response.content, fmt)) is True
    else:
        assert response.text.splitlines()[1] == "true"
    no = get(sparql_server, "ASK { ?s <urn:nothing> ?o }", format="json")
    assert no.json() == {"head": {}, "boolean": False}


GRAPH_FORMATS = [("turtle", "text/turtle", "turtle"), ("ntriples", "application/n-triples", "nt"),
                 ("rdfxml", "application/rdf+xml", "xml"), ("jsonld", "application/ld+json",
                                                             "json-ld"),
                 ("nquads", "application/n-quads", "nquads"), ("trig", "application/trig", "trig")]


@pytest.mark.parametrize(("name", "media_type", "rdflib_format"), GRAPH_FORMATS)
def test_construct_formats(sparql_server, fixture_dataset, name, media_type, rdflib_format):
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{CATALOGUE}> {{ ?s ?p ?o }} }}"
    for response in (get(sparql_server, query, media_type), get(sparql_server, query,
                                                                  format=name)):
        assert response.status_code == 200
        assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
        if rdflib_format in ("nquads", "trig", "json-ld"):
            graph = as_graph(response.content, media_type)
        else:
            graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
        assert isomorphic(graph, fixture_dataset[CATALOGUE])


def test_describe(sparql_server, fixture_dataset):
    project = BASE + "project/01-01"
    response = get(sparql_server, f"DESCRIBE <{project}>", "application/n-triples")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format="nt")
    subject = rdflib.URIRef(project)
    expected = {(subject, p, o) for g in fixture_dataset.values()
                for p, o in g.predicate_objects(subject)}
    assert set(graph) == expected


def test_not_acceptable(sparql_server):
    response = get(sparql_server, PROJECTS, "image/png")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    response = get(sparql_server, "CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")
    assert response.status_code == 406
    # a format= the query cannot be answered in is ignored: Accept decides (Oxigraph's way)
    response = get(sparql_server, "CONSTRUCT WHERE { ?s ?p ?o }", "text/csv", format="csv")
    assert response.status_code == 406
    response = get(sparql_server, "CONSTRUCT WHERE { ?s ?p ?o }", format="csv")
    assert (response.status_code, response.headers["Content-Type"]) == (
        200, "text/turtle; charset=utf-8")
    response = get(sparql_server, PROJECTS, "text/csv", format="pdf")
    assert (response.status_code, response.headers["Content-Type"]) == (
        200, "text/csv; charset=utf-8")


# --- errors -------------------------------------------------------------------------------

def test_syntax_error_has_message_and_position(sparql_server):
    query = "SELECT ?s WHERE {\n  ?s ?p\n}"
    with pytest.raises(SyntaxError) as raised:  # what the parser itself says
        pyoxigraph.Store().query(query)
    assert str(raised.value).startswith("error at 3:")
    column = int(str(raised.value).split(":")[1])
    message = str(raised.value).split(": ", 1)[1]
    response = get(sparql_server, query)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == f"400 Query Syntax Error: {message} (line 3, column {column})\n"
    body = get(sparql_server, query, "application/json").json()["error"]
    assert body == {"status": 400, "title": "Query Syntax Error", "message": message,
                    "line": 3, "column": column}


def test_missing_or_repeated_query(sparql_server):
    response = requests.post(sparql_server.sparql, data={"default-graph-uri": CATALOGUE},
                             timeout=30)
    assert response.status_code == 400
    assert "query" in response.text
    response = requests.get(sparql_server.sparql, params=[("query", COUNT), ("query", COUNT)],
                            timeout=30)
    assert response.status_code == 400
    assert "2 times" in response.text
    response = requests.post(sparql_server.sparql, params={"query": COUNT}, data=COUNT,
                             headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert response.status_code == 400


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", None])
def test_post_wrong_media_type(sparql_server, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = requests.post(sparql_server.sparql, data=COUNT.encode(), headers=headers,
                             timeout=30)
    if content_type is None:
        assert "Content-Type" not in response.request.headers
    assert response.status_code == 415


def test_query_too_large(sparql_server):
    query = COUNT + " #" + "x" * 30_000
    assert get(sparql_server, query).status_code in (413, 414)
    response = requests.post(sparql_server.sparql, data={"query": query}, timeout=30)
    assert response.status_code == 413


@pytest.mark.parametrize("iri", ["file:///etc/passwd", "http://[", "http://a%zz", "urn:x y",
                                 "ftp://example.org/g"])
def test_bad_dataset_iri(sparql_server, iri):
    for name in ("default-graph-uri", "named-graph-uri"):
        response = requests.get(sparql_server.sparql, timeout=30,
                                params=[("query", COUNT), (name, iri)])
        assert response.status_code == 400
        assert "dataset IRI" in response.text


# --- safety -------------------------------------------------------------------------------

@pytest.mark.parametrize("request_kind", ["direct", "form", "query"])
def test_updates_refused_and_not_executed(sparql_server, request_kind):
    update = f"INSERT DATA {{ GRAPH <{CATALOGUE}> {{ <urn:x> <urn:y> <urn:z> }} }}"
    before = rows(get(sparql_server, COUNT))
    if request_kind == "direct":
        response = requests.post(sparql_server.sparql, data=update, timeout=30,
                                 headers={"Content-Type": "application/sparql-update"})
    elif request_kind == "form":
        response = requests.post(sparql_server.sparql, data={"update": update}, timeout=30)
    else:
        response = requests.post(sparql_server.sparql, data={"query": update}, timeout=30)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert rows(get(sparql_server, COUNT)) == before
    assert get(sparql_server, "ASK { <urn:x> ?p ?o }").json()["boolean"] is False


@pytest.fixture()
def listener():
    """A TCP listener on 127.0.0.1 that records whether anything connected."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    hits = []
    done = threading.Event()

    def accept():
        while not done.is_set():
            try:
                conn, _ = sock.accept()
                hits.append(conn.recv(200))
                conn.close()
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", hits
    done.set()
    thread.join()
    sock.close()


@pytest.mark.parametrize(("template", "calls"), [
    ("SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", True),
    ("select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}", True),
    ("SELECT * {{ {{ SELECT ?s {{ OPTIONAL {{ SeRvIcE <{url}> {{ ?s ?p ?o }} }} }} }} }}", True),
    ("PREFIX e: <{url}#> SELECT * WHERE {{ SERVICEe:x {{ ?s ?p ?o }} }}", True),
    ("PREFIX : <{url}#> SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}", True),
    ("SELECT * WHERE {{ ?s ?p ?o FILTER(?o<'>x') SERVICE <{url}> {{ ?s ?p ?o }} }}", True),
    ("SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}", False),
])
def test_service_refused_without_outgoing_request(sparql_server, listener, template, calls):
    url, hits = listener
    if calls:  # the listener is real: pyoxigraph itself calls it for this query
        engine = pyoxigraph.Store()
        engine.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:s"), pyoxigraph.NamedNode("urn:p"),
                                   pyoxigraph.Literal("0")))
        try:
            list(engine.query(template.format(url=url)))
        except OSError:
            pass
        assert hits
        hits.clear()
    response = get(sparql_server, template.format(url=url))
    assert response.status_code == 403
    assert "SERVICE" in response.text
    assert hits == []


def test_service_word_in_literals_comments_iris_is_fine(sparql_server):
    query = ('SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) } '
             "# SERVICE <http://127.0.0.1:9/>\n"
             "VALUES ?y { <http://example.org/SERVICE> }")
    response = get(sparql_server, query)
    assert response.status_code == 200
    assert rows(response)[0][0] == "SERVICE <http://127.0.0.1:9/>"


def test_load_refused(sparql_server):
    response = requests.post(sparql_server.sparql, data={"query": "LOAD <file:///etc/passwd>"},
                             timeout=30)
    assert response.status_code == 403


def test_results_cut_at_limit(sparql_server):
    values = " ".join(str(i) for i in range(50))
    query = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"
    response = get(sparql_server, query)
    assert response.status_code == 200
    assert response.headers["RuhrGraph-Truncated"] == "true; limit=1000"
    assert response.headers["RuhrGraph-Rows"] == "1000"
    body = response.json()
    assert body["head"]["link"] == [BASE + "service/sparql#truncated"]
    assert len(body["results"]["bindings"]) == 1000
    assert len(rows(get(sparql_server, query, format="tsv"))) == 1000
    xml = get(sparql_server, query, format="xml")
    assert b'<link href="https://w3id.org/ruhrgraph/service/sparql#truncated"/>' in xml.content
    assert len(rows(xml)) == 1000
    small = get(sparql_server, PROJECTS)
    assert "RuhrGraph-Truncated" not in small.headers
    assert "link" not in small.json()["head"]


# --- caching --------------------------------------------------------------------------------

def test_etag_and_304(sparql_server):
    first = get(sparql_server, PROJECTS)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.headers["Last-Modified"] == "Tue, 02 Jan 2024 03:04:05 GMT"
    again = requests.get(sparql_server.sparql, params={"query": PROJECTS}, timeout=30,
                         headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    # A query the tokenizer reads (here: 'from' in a comment) is keyed without its layout
    # and comments: another layout has the same validator.
    tokenized = "# projects from the catalogue\n" + PROJECTS
    spaced = tokenized.replace(" ", "  ").replace("\n", " # from elsewhere\n")
    assert get(sparql_server, spaced).headers["ETag"] == \
        get(sparql_server, tokenized).headers["ETag"] != etag
    # Another format or dataset: another validator, and a full answer.
    other = requests.get(sparql_server.sparql, params={"query": PROJECTS, "format": "csv"},
                         headers={"If-None-Match": etag}, timeout=30)
    assert other.status_code == 200
    assert other.headers["ETag"] != etag


def test_cached_answer_is_identical(sparql_server):
    query = PREFIXES + "SELECT ?l WHERE { ?x rdfs:label ?l } ORDER BY ?l"
    first, second = get(sparql_server, query), get(sparql_server, query)
    assert first.content == second.content
    assert rows(first) == rows(second)


def test_nondeterministic_queries_are_not_cached(sparql_server):
    response = get(sparql_server, "SELECT (RAND() AS ?r) WHERE {}")
    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


# --- service description, page, headers, operations ------------------------------------------

def test_service_description(sparql_server):
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    for accept in ("text/turtle", "application/rdf+xml", "application/ld+json",
                   "application/n-triples"):
        response = requests.get(sparql_server.sparql, headers={"Accept": accept}, timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
        graph = as_graph(response.content, accept)
        service = rdflib.URIRef(BASE + "service/sparql")
        assert (service, rdflib.RDF.type, sd.Service) in graph
        assert (service, sd.endpoint, rdflib.URIRef(sparql_server.sparql)) in graph
        assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
        names = {str(n) for n in graph.objects(None, sd.name)}
        assert names == {CATALOGUE, ONTOLOGY, META}
        formats = set(graph.objects(service, sd.resultFormat))
        assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats


def test_browser_gets_the_page(sparql_server):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for params in ({}, {"query": PROJECTS}):
        response = requests.get(sparql_server.sparql, params=params, timeout=30,
                                headers={"Accept": accept})
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert '<textarea id="query"' in response.text
    assert "rg:leadMinistry ?m" in response.text  # the permalink's query is in the editor


def test_cors(sparql_server):
    response = requests.options(sparql_server.sparql, timeout=30, headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    for response in (get(sparql_server, PROJECTS),
                     requests.post(sparql_server.sparql, data={"query": PROJECTS}, timeout=30),
                     get(sparql_server, "SELECT")):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_healthz(sparql_server):
    response = requests.get(sparql_server.url + "/healthz", timeout=30)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "build": "test-build",
                               "built": "2024-01-02T03:04:05+00:00", "backend": "embedded"}


def test_metrics_count_requests_and_cache(sparql_server):
    def sample(name: str, **labels) -> float:
        text = requests.get(sparql_server.url + "/metrics", timeout=30).text
        total = 0.0
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                    total += s.value
        return total

    query = PREFIXES + "SELECT ?x WHERE { ?x a rg:Project } # metrics"
    hits_before = sample("ruhrgraph_query_cache_total", outcome="hit")
    requests_before = sample("ruhrgraph_http_requests_total", endpoint="/sparql", status="200")
    for _ in range(6):  # two workers: at least the later ones hit their worker's cache
        assert get(sparql_server, query).status_code == 200
    assert sample("ruhrgraph_query_cache_total", outcome="hit") >= hits_before + 4
    assert sample("ruhrgraph_http_requests_total", endpoint="/sparql",
                  status="200") == requests_before + 6
    assert sample("ruhrgraph_http_request_duration_seconds_count", endpoint="/sparql") > 0


def test_access_log_is_json_with_query_duration(sparql_server):
    marker = "SELECT ?x WHERE { ?x a <urn:access-log-test> }"
    assert get(sparql_server, marker).status_code == 200
    entries = [json.loads(line) for line in sparql_server.log.read_text().splitlines()
               if line.startswith("{")]
    sparql = [e for e in entries if e["path"] == "/sparql" and "query_ms" in e]
    assert sparql
    assert {"ts", "method", "status", "ms", "query_ms", "cache", "rows"} <= set(sparql[-1])
