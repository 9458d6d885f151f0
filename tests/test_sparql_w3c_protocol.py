"""The W3C SPARQL 1.1 Protocol test cases that a read-only endpoint can run, each a test of
its own, against `ruhrgraph serve` on 127.0.0.1 over the dataset the cases name.

The cases are written here from the descriptions in the manifest of the W3C test suite
(https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl, W3C Test
Suite licence): the request of each (method, URL parameters, body, Content-Type) as it
stands there, its expected status class made exact for this endpoint, and where the
manifest expects a result, the result. :data:`MANIFEST` lists the manifest's 34 entries;
27 are run here, the 7 positive update cases cannot be by an endpoint without updates
(:data:`NOT_APPLICABLE`), and a test holds the two lists against the manifest's.

The dataset (``tests/data/protocol_dataset.trig``) holds the graphs the cases name
(``http://kasei.us/2009/09/sparql/data/data1.rdf`` .. ``data3.rdf``); requests go to our
endpoint's own URL (the manifest's ``/sparql/``) and send no Accept header, as the
manifest's do.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
import requests
from conftest import DATA, start_server, stop, trig_release

KASEI = "http://kasei.us/2009/09/sparql/data/"
DATA0, DATA1, DATA2, DATA3 = (f"{KASEI}data{n}.rdf" for n in range(4))
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
JSON_RESULTS = "application/sparql-results+json; charset=utf-8"
TURTLE = "text/turtle; charset=utf-8"

#: The entries of the W3C manifest, in its order.
MANIFEST = (
    "query_post_form", "query_dataset_default_graphs_get", "query_dataset_default_graphs_post",
    "query_dataset_named_graphs_post", "query_dataset_named_graphs_get", "query_dataset_full",
    "query_multiple_dataset", "query_get", "query_content_type_select",
    "query_content_type_ask", "query_content_type_describe", "query_content_type_construct",
    "update_dataset_default_graph", "update_dataset_default_graphs",
    "update_dataset_named_graphs", "update_dataset_full", "update_post_form",
    "update_post_direct", "update_base_uri", "query_post_direct", "bad_query_method",
    "bad_multiple_queries", "bad_query_wrong_media_type", "bad_query_missing_form_type",
    "bad_query_missing_direct_type", "bad_query_non_utf8", "bad_query_syntax",
    "bad_update_get", "bad_multiple_updates", "bad_update_wrong_media_type",
    "bad_update_missing_form_type", "bad_update_non_utf8", "bad_update_syntax",
    "bad_update_dataset_conflict",
)

#: The cases that need an endpoint that executes updates (each expects a 2xx for one).
NOT_APPLICABLE = {name: "the endpoint is read-only: updates answer 403" for name in (
    "update_dataset_default_graph", "update_dataset_default_graphs",
    "update_dataset_named_graphs", "update_dataset_full", "update_post_form",
    "update_post_direct", "update_base_uri")}


def serve_dataset(release: Path, **settings: str):
    """`ruhrgraph serve` (one worker) over a store made from the protocol dataset."""
    store = trig_release(release, DATA / "protocol_dataset.trig", "w3c-protocol")
    return start_server(release, {"RUHRGRAPH_STORE_DIR": str(store), **settings}, workers=1)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """The server's /sparql URL (its base: its own URL, no PUBLIC_URL)."""
    server = serve_dataset(tmp_path_factory.mktemp("w3c-protocol"), RUHRGRAPH_PUBLIC_URL="")
    yield server.sparql
    stop(server.process)


def send(method: str, url: str, params=None, body: bytes | str | None = None,
         content_type: str | None = None) -> requests.Response:
    """One request as the manifest writes it: no Accept header, the given Content-Type only."""
    headers = {"Accept": None, "Content-Type": content_type}
    if isinstance(body, str):
        body = body.encode("utf-8")
    return requests.request(method, url, params=params, data=body, headers=headers,
                            timeout=30)


def boolean(response: requests.Response) -> bool:
    assert response.headers["Content-Type"] == JSON_RESULTS
    return response.json()["boolean"]


def store_unchanged(endpoint: str) -> None:
    """The three graphs still hold their six triples and nothing else was written."""
    count = send("GET", endpoint, {"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"})
    assert count.json()["results"]["bindings"][0]["n"]["value"] == "6"


def test_manifest_is_covered():
    run = [name.removeprefix("test_") for name in globals() if name.startswith("test_")
           and name.removeprefix("test_") in MANIFEST]
    assert len(MANIFEST) == 34
    assert sorted(run + list(NOT_APPLICABLE)) == sorted(MANIFEST)
    assert len(run) == 27


# --- positive query cases ----------------------------------------------------------------

def test_query_post_form(endpoint):
    response = send("POST", endpoint, {"default-graph-uri": DATA0}, "query=ASK%20%7B%7D", FORM)
    assert response.status_code == 200
    assert boolean(response) is True


def test_query_get(endpoint):
    response = send("GET", endpoint, {"query": "ASK {}", "default-graph-uri": DATA0})
    assert response.status_code == 200
    assert boolean(response) is True


def test_query_post_direct(endpoint):
    response = send("POST", endpoint, body="ASK {}", content_type=DIRECT)
    assert response.status_code == 200
    assert boolean(response) is True


def test_query_dataset_default_graphs_get(endpoint):
    query = f"ASK {{ <{DATA1}> a ?type . <{DATA2}> a ?type . }}"
    response = send("GET", endpoint, [("query", query), ("default-graph-uri", DATA1),
                                      ("default-graph-uri", DATA2)])
    assert response.status_code == 200
    assert boolean(response) is True


def test_query_dataset_default_graphs_post(endpoint):
    query = f"ASK {{ <{DATA1}> a ?type . <{DATA2}> a ?type . }}"
    response = send("POST", endpoint, [("default-graph-uri", DATA1),
                                       ("default-graph-uri", DATA2)], query, DIRECT)
    assert response.status_code == 200
    assert boolean(response) is True
    only_one = send("POST", endpoint, {"default-graph-uri": DATA1}, query, DIRECT)
    assert boolean(only_one) is False  # the default graph is exactly the graphs named


def test_query_dataset_named_graphs_post(endpoint):
    query = f"ASK {{ GRAPH ?g1 {{ <{DATA1}> a ?type }} GRAPH ?g2 {{ <{DATA2}> a ?type }} }}"
    response = send("POST", endpoint, [("named-graph-uri", DATA1), ("named-graph-uri", DATA2)],
                    query, DIRECT)
    assert response.status_code == 200
    assert boolean(response) is True


def test_query_dataset_named_graphs_get(endpoint):
    query = f"ASK {{ GRAPH ?g1 {{ <{DATA1}> a ?type }} GRAPH ?g2 {{ <{DATA2}> a ?type }} }}"
    response = send("GET", endpoint, [("query", query), ("named-graph-uri", DATA1),
                                      ("named-graph-uri", DATA2)])
    assert response.status_code == 200
    assert boolean(response) is True
    without = send("GET", endpoint, [("query", query), ("named-graph-uri", DATA1)])
    assert boolean(without) is False


def test_query_dataset_full(endpoint):
    query = (f"ASK {{\n  <{DATA3}> a ?type\n  GRAPH ?g1 {{ <{DATA1}> a ?type }}\n"
             f"  GRAPH ?g2 {{ <{DATA2}> a ?type }}\n}}")
    response = send("POST", endpoint, [("default-graph-uri", DATA3), ("named-graph-uri", DATA1),
                                       ("named-graph-uri", DATA2)], query, DIRECT)
    assert response.status_code == 200
    assert boolean(response) is True


def test_query_multiple_dataset(endpoint):
    """The protocol's dataset replaces the query's FROM (data3.rdf would be the default
    graph, but only the named graphs data1 and data2 are given). The manifest's request line
    percent-encodes the ``&`` and ``=`` between its two ``named-graph-uri`` values, which,
    read literally, names one graph that does not exist: that request is answered too (200,
    false), and the two parameters it means answer true."""
    query = (f"ASK FROM <{DATA3}> {{ GRAPH ?g1 {{ <{DATA1}> a ?type }} "
             f"GRAPH ?g2 {{ <{DATA2}> a ?type }} }}")
    response = send("POST", endpoint, [("named-graph-uri", DATA1), ("named-graph-uri", DATA2)],
                    query, DIRECT)
    assert response.status_code == 200
    assert boolean(response) is True
    literal = send("POST", endpoint, {"named-graph-uri": f"{DATA1}&named-graph-uri={DATA2}"},
                   query, DIRECT)
    assert (literal.status_code, boolean(literal)) == (200, False)
    from_only = send("POST", endpoint, body=query, content_type=DIRECT)
    assert boolean(from_only) is False  # FROM alone: data3 is the default, no named graphs


def test_query_content_type_select(endpoint):
    response = send("POST", endpoint, {"default-graph-uri": DATA0}, "SELECT (1 AS ?value) {}",
                    DIRECT)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_RESULTS
    assert response.json()["results"]["bindings"] == [{"value": {
        "type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer",
        "value": "1"}}]


def test_query_content_type_ask(endpoint):
    response = send("POST", endpoint, {"default-graph-uri": DATA0}, "ASK {}", DIRECT)
    assert response.status_code == 200
    assert boolean(response) is True


def test_query_content_type_describe(endpoint):
    response = send("POST", endpoint, {"default-graph-uri": DATA0},
                    "DESCRIBE <http://example.org/>", DIRECT)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == TURTLE
    assert list(pyoxigraph.parse(response.content, pyoxigraph.RdfFormat.TURTLE)) == []


def test_query_content_type_construct(endpoint):
    """Relative IRIs resolve against the endpoint's URL (no ``BASE`` in the query)."""
    response = send("POST", endpoint, {"default-graph-uri": DATA0},
                    "CONSTRUCT { <s> <p> 1 } WHERE {}", DIRECT)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == TURTLE
    root = endpoint.removesuffix("sparql")
    triples = [str(t) for t in pyoxigraph.parse(response.content, pyoxigraph.RdfFormat.TURTLE)]
    assert triples == [f'<{root}s> <{root}p> "1"^^<http://www.w3.org/2001/XMLSchema#integer>']


# --- negative query cases ----------------------------------------------------------------

def test_bad_query_method(endpoint):
    response = send("PUT", endpoint, {"query": "ASK {}", "default-graph-uri": DATA0},
                    content_type=FORM)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_bad_multiple_queries(endpoint):
    response = send("GET", endpoint, [("query", "ASK {}"), ("query", "SELECT * {}")])
    assert response.status_code == 400
    assert response.text == ("400 Bad Request: the parameter 'query' is given 2 times; give "
                             "it once\n")


def test_bad_query_wrong_media_type(endpoint):
    response = send("POST", endpoint, body="ASK {}", content_type="text/plain")
    assert response.status_code == 415
    assert response.text == (f"415 Unsupported Media Type: POST a query as {FORM} or "
                             f"{DIRECT}, not 'text/plain'\n")


def test_bad_query_missing_form_type(endpoint):
    response = send("POST", endpoint, body="query=ASK%20%7B%7D")
    assert "Content-Type" not in response.request.headers
    assert response.status_code == 415


def test_bad_query_missing_direct_type(endpoint):
    response = send("POST", endpoint, body="ASK {}")
    assert "Content-Type" not in response.request.headers
    assert response.status_code == 415


def test_bad_query_non_utf8(endpoint):
    body = "ASK {}".encode("utf-16")  # with its byte order mark, as the manifest says
    assert body[:2] == b"\xff\xfe"
    response = send("POST", endpoint, body=body,
                    content_type="application/sparql-query; charset=UTF-16")
    assert response.status_code == 400
    assert response.text == "400 Bad Request: the query must be UTF-8, not charset=utf-16\n"
    unlabelled = send("POST", endpoint, body=body, content_type=DIRECT)
    assert unlabelled.status_code == 400
    assert unlabelled.text.startswith("400 Bad Request: the query is not UTF-8: ")


def test_bad_query_syntax(endpoint):
    response = send("GET", endpoint, {"query": "ASK {"})
    assert response.status_code == 400
    assert response.text.startswith("400 Query Syntax Error: ")
    assert response.text.endswith("(line 1, column 6)\n")


# --- negative update cases: a read-only endpoint refuses every one ----------------------

def test_bad_update_get(endpoint):
    response = send("GET", endpoint, {"update": "CLEAR ALL"})
    assert response.status_code == 403
    store_unchanged(endpoint)


def test_bad_multiple_updates(endpoint):
    response = send("POST", endpoint, body="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
                    content_type=FORM)
    assert response.status_code == 403
    store_unchanged(endpoint)


def test_bad_update_wrong_media_type(endpoint):
    response = send("POST", endpoint, body="CLEAR NAMED", content_type="text/plain")
    assert response.status_code == 415
    store_unchanged(endpoint)


def test_bad_update_missing_form_type(endpoint):
    response = send("POST", endpoint, body="update=CLEAR%20NAMED")
    assert response.status_code == 415
    store_unchanged(endpoint)


def test_bad_update_non_utf8(endpoint):
    response = send("POST", endpoint, body="CLEAR NAMED".encode("utf-16"),
                    content_type="application/sparql-update; charset=UTF-16")
    assert response.status_code == 403
    store_unchanged(endpoint)


def test_bad_update_syntax(endpoint):
    response = send("POST", endpoint, body="update=CLEAR%20XYZ", content_type=FORM)
    assert response.status_code == 403
    store_unchanged(endpoint)


def test_bad_update_dataset_conflict(endpoint):
    update = ("PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
              "DELETE { ?person foaf:givenName 'Bill' }\n"
              "INSERT { ?person foaf:givenName 'William' }\n"
              "WHERE { ?person foaf:givenName 'Bill' }\n")
    response = send("POST", endpoint, [("using-named-graph-uri", "http://example/people"),
                                       ("update", update)], content_type=FORM)
    assert response.status_code == 403
    store_unchanged(endpoint)


# --- beyond the manifest: the base, the service description, HEAD ------------------------

def test_base_in_the_query_wins(endpoint):
    root = endpoint.removesuffix("sparql")
    for query, expected in [
        ("SELECT ?x { BIND(<a> AS ?x) }", root + "a"),
        ("BASE <https://example.org/x/> SELECT ?x { BIND(<a> AS ?x) }",
         "https://example.org/x/a"),
        ("BASE <y/> SELECT ?x { BIND(<a> AS ?x) }", root + "y/a"),  # relative to ours
    ]:
        response = send("GET", endpoint, {"query": query})
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"] == [{"x": {"type": "uri",
                                                                 "value": expected}}]


def test_service_description_only_for_a_bare_get(endpoint):
    response = send("GET", endpoint)
    assert (response.status_code, response.headers["Content-Type"]) == (200, TURTLE)
    for params in ({"default-graph-uri": DATA1}, {"named-graph-uri": DATA1},
                   {"format": "turtle"}, {"output": "json"}):
        response = send("GET", endpoint, params)
        assert response.status_code == 400, params
        name = next(iter(params))
        assert response.text == (f"400 Bad Request: no 'query' parameter (given: {name!r}); "
                                 "the service description answers a GET without any "
                                 "parameters\n")
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for params in ({"lang": "de"}, {"format": "html"}):  # the query page's own links
        response = requests.get(endpoint, params=params, headers={"Accept": browser},
                                timeout=30)
        assert (response.status_code, response.headers["Content-Type"]) == (
            200, "text/html; charset=utf-8"), params


def test_head_answers_like_get_without_a_body(endpoint):
    for params in ({"query": "ASK {}"}, {"query": "SELECT ?s { ?s ?p ?o } ORDER BY ?s"}, None):
        got = send("GET", endpoint, params)
        head = send("HEAD", endpoint, params)
        assert head.status_code == got.status_code == 200
        assert head.content == b""
        assert head.headers["Content-Type"] == got.headers["Content-Type"]
        if params:  # the description's blank node labels differ from answer to answer
            assert head.headers["Content-Length"] == str(len(got.content))
    bad = send("HEAD", endpoint, {"query": "ASK {"})
    assert (bad.status_code, bad.content) == (400, b"")


@pytest.fixture(scope="module")
def based_endpoint(tmp_path_factory):
    """The same store served with QUERY_BASE_IRI set (the graph's own base)."""
    server = serve_dataset(tmp_path_factory.mktemp("w3c-protocol-base"),
                           RUHRGRAPH_QUERY_BASE_IRI=KASEI)
    yield server.sparql
    stop(server.process)


def test_query_base_iri_setting(based_endpoint):
    response = send("GET", based_endpoint, {"query": "ASK { GRAPH <data1.rdf> { <data1.rdf> "
                                                     "a ?type } }"})
    assert boolean(response) is True
    response = send("GET", based_endpoint, {"query": "BASE <https://example.org/> "
                                                     "ASK { GRAPH <data1.rdf> { ?s ?p ?o } }"})
    assert boolean(response) is False
