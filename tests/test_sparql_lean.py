"""The lean path of /sparql (web/endpoint/lean.py) answers exactly what the Flask view answers.

Each request is sent twice to a real server: as it is (the lean path answers it) and with one
more parameter the lean path does not take (``via=flask``, which the view ignores), so the
Flask view answers it. Status, every header but ``Date`` and the body must be equal; the
access log shows which path answered.
"""

from __future__ import annotations

import json

import pytest
import requests
from conftest import DATA, ROOT, start_server
from hypothesis import given, settings
from hypothesis import strategies as st
from proc import stop

SELECT = "SELECT ?s ?t WHERE { ?s a ?t } ORDER BY ?s ?t LIMIT 3"
CONSTRUCT = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
             "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l } ORDER BY ?s LIMIT 3")
ASK = "ASK { ?s ?p ?o }"
DIRECT = "application/sparql-query"


@pytest.fixture(scope="module")
def server(sparql_store, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lean")
    running = start_server(tmp, {"RUHRGRAPH_STORE_DIR": str(sparql_store),
                                 "RUHRGRAPH_ACCESS_LOG": "1",
                                 "RUHRGRAPH_QUERY_TIMEOUT": "2",
                                 "RUHRGRAPH_QUERIES_DIR": str(DATA / "sparql_queries")},
                           workers=1)
    yield running
    stop(running.process)


def _send(server, method: str, params: dict, headers: dict, body=None, flask=False):
    url = server.url + "/sparql"
    if flask:
        url += "?via=flask"
    if method == "GET":
        return requests.get(url, params=params, headers=headers, timeout=10)
    return requests.post(url, data=body if body is not None else params, headers=headers,
                         timeout=10)


def _pinned(response) -> tuple:
    headers = {k.lower(): v for k, v in response.headers.items() if k.lower() != "date"}
    return response.status_code, headers, response.content


def _lean_lines(server) -> list[dict]:
    lines = [json.loads(line) for line in server.log.read_text().splitlines()
             if line.startswith("{")]
    return [line for line in lines if line.get("via") == "lean"]


CASES = [
    ("GET", {"query": SELECT}, {"Accept": "application/sparql-results+json"}, None),
    ("GET", {"query": SELECT + " "}, {"Accept": "application/sparql-results+xml"}, None),
    ("GET", {"query": SELECT, "format": "csv"}, {}, None),
    ("GET", {"query": SELECT, "format": "tsv"}, {"Accept": "*/*"}, None),
    ("GET", {"query": ASK}, {"Accept": "application/sparql-results+json"}, None),
    ("GET", {"query": CONSTRUCT}, {"Accept": "text/turtle"}, None),
    ("GET", {"query": CONSTRUCT, "format": "ntriples"}, {}, None),
    ("GET", {"query": "CONSTRUCT { <a> <b> <c> } WHERE {}", "format": ["nt", "ntriples"]}, {},
     None),  # relative IRIs against the endpoint's URL; format= twice
    ("POST", {"query": SELECT + "  "}, {"Accept": "text/csv"}, None),
    ("POST", {}, {"Content-Type": DIRECT, "Accept": "application/sparql-results+json"},
     ("# direct\n" + SELECT).encode()),
]


@pytest.mark.parametrize("method,params,headers,body", CASES)
def test_lean_answers_as_the_view(server, method, params, headers, body):
    before = len(_lean_lines(server))
    lean = _send(server, method, params, headers, body)
    assert lean.status_code == 200
    assert len(_lean_lines(server)) == before + 1  # the lean path answered it
    view = _send(server, method, params, headers, body, flask=True)
    assert len(_lean_lines(server)) == before + 1  # and the view the other one
    assert _pinned(lean) == _pinned(view)
    assert lean.headers["Access-Control-Allow-Origin"] == "*"
    assert lean.headers["X-Content-Type-Options"] == "nosniff"
    line = _lean_lines(server)[-1]
    assert line["method"] == method and line["status"] == 200
    assert line["cache"] == "miss" and line["rows"] == int(lean.headers["RuhrGraph-Rows"])


def test_lean_304_matches_the_view(server):
    query = {"query": "SELECT ?s WHERE { ?s a ?t } ORDER BY ?s LIMIT 1"}
    first = requests.post(server.url + "/sparql", data=query, timeout=10)
    etag = first.headers["ETag"]
    lean = requests.post(server.url + "/sparql", data=query, headers={"If-None-Match": etag},
                         timeout=10)
    view = requests.post(server.url + "/sparql?via=flask", data=query,
                         headers={"If-None-Match": etag}, timeout=10)
    assert lean.status_code == 304 and lean.content == b""
    assert _pinned(lean) == _pinned(view)
    assert _lean_lines(server)[-1]["cache"] == "304"


@pytest.mark.parametrize("query,status,title", [
    ("SELECT ?s WHERE { ?s ?p }", 400, "Query Syntax Error"),  # the engine refuses it
    ("SELECT * WHERE { SERVICE <http://evil.invalid/> { ?s ?p ?o } }", 403, "Forbidden"),
])
def test_errors_are_answered_once_by_the_view(server, query, status, title):
    before = len(_lean_lines(server))
    headers = {"Accept": "application/json"}
    lean = requests.post(server.url + "/sparql", data={"query": query}, headers=headers,
                         timeout=10)
    view = requests.post(server.url + "/sparql?via=flask", data={"query": query},
                         headers=headers, timeout=10)
    assert _pinned(lean) == _pinned(view)
    assert lean.status_code == status
    assert lean.json()["error"]["title"] == title
    assert len(_lean_lines(server)) == before  # answered by the view's error handlers


def test_timeout_met_on_the_lean_path_is_a_503_problem(server):  # last: the worker ends
    heavy = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
             "?m ?n1 ?o . ?p ?q ?r . ?s ?t ?u . ?v ?w ?x }")  # billions of solutions
    response = requests.get(server.url + "/sparql", params={"query": heavy},
                            headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json()["error"] == {
        "status": 503, "title": "Query Timeout", "timeout": 2.0,
        "message": "the query did not finish within 2 s and was stopped; simplify it or "
                   "add a LIMIT"}


_QUERYISH = "SELECT ?s{}<>:#\"'\n\t =&+%\\/xX09afAFgzé€😀"


def _percent(text: str) -> str:
    from urllib.parse import quote
    return quote(text, safe="")


@given(st.lists(st.one_of(
    st.text(alphabet=_QUERYISH, max_size=12),
    st.text(max_size=6).map(_percent),
    st.sampled_from(["%", "%4", "%zz", "%%41", "\\%41", "%C3", "%C3%A9", "%FF", "+", "=",
                     "&", "&&", "\\x41", "%5C", "é%41"])), max_size=12).map("".join))
@settings(max_examples=2000, deadline=None)
def test_the_lean_query_string_parser_gives_parse_qsl_s_pairs(text):
    """The lean path's fast parser (``lean.parse_pairs``) agrees with the standard
    ``parse_qsl(keep_blank_values=True, errors="strict")`` on every string: the same pairs,
    or the same error for bytes that are not UTF-8."""
    from urllib.parse import parse_qsl

    from ruhrgraph.web.endpoint.lean import parse_pairs

    try:
        expected = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        with pytest.raises(UnicodeDecodeError):
            parse_pairs(text)
        return
    assert parse_pairs(text) == expected


def test_the_lean_parser_reads_a_canned_query_as_parse_qsl_does():
    from urllib.parse import parse_qsl, urlencode

    from ruhrgraph.web.endpoint.lean import parse_pairs

    for path in sorted((ROOT / "queries").glob("*.rq")):
        text = urlencode({"query": path.read_text(encoding="utf-8"), "format": "json"})
        assert parse_pairs(text) == parse_qsl(text, keep_blank_values=True), path.name
