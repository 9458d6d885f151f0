"""OpenLink Virtuoso 7 (Debian's virtuoso-opensource) as the remote engine, started here on
127.0.0.1 with a throw-away database and its own ini and ports: `ruhrgraph load` writes the
release through its authenticated Graph Store and switches it in with one SPARQL Update, and
the web tier, pointed at it, answers every canned query, every page kind, the downloads and
`/sparql` as the embedded store does; /healthz says when it holds another release."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import Virtuoso, pages_app
from engine_checks import (  # noqa: F401 - the tests every engine passes
    assert_heavy_query_ends_at_the_deadline,
    assert_loaded,
    held,
    load,
    test_every_canned_query_answers_alike,
    test_every_page_kind_and_document_answers_alike,
    test_sparql_answers_alike,
)

PASSWORD = "Engine-Test-7f3a"
CREDENTIALS = {"RUHRGRAPH_ENGINE_USER": "dba", "RUHRGRAPH_ENGINE_PASSWORD": PASSWORD}

if not shutil.which("virtuoso-t"):
    pytest.fail("virtuoso-t is missing: `make system-deps` installs Debian's "
                "virtuoso-opensource", pytrace=False)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    with Virtuoso(tmp_path_factory.mktemp("virtuoso"), PASSWORD) as engine:
        yield engine


@pytest.fixture(scope="module")
def loaded(virtuoso, built_graph):
    first = load(virtuoso.store, built_graph.store, CREDENTIALS)
    again = load(virtuoso.store, built_graph.store, CREDENTIALS)
    return first, again


@pytest.fixture(scope="module")
def remote(loaded, virtuoso, built_graph):
    return pages_app(built_graph.build_dir, BACKEND=virtuoso.query).test_client()


def test_load_is_idempotent_and_keeps_the_password_out(loaded, built_graph, virtuoso):
    for done in loaded:
        assert_loaded(done, built_graph.manifest, "virtuoso", virtuoso.store)
        assert PASSWORD not in done.stdout + done.stderr
    held_now = held(virtuoso.query)
    ours = {g: n for g, n in held_now.items() if g.startswith("https://w3id.org/ruhrgraph/")}
    assert ours == built_graph.manifest["graphs"]  # twice loaded, once held
    assert not [g for g in held_now if g.startswith("urn:ruhrgraph:staging:")]


def test_wrong_password_is_refused_without_showing_it(virtuoso, built_graph):
    done = load(virtuoso.store, built_graph.store,
                {**CREDENTIALS, "RUHRGRAPH_ENGINE_PASSWORD": "not-the-Password-91"})
    assert done.returncode == 2
    assert "answered HTTP 401" in done.stderr
    assert "not-the-Password-91" not in done.stdout + done.stderr



def test_a_password_in_the_url_is_never_shown(virtuoso, built_graph):
    secret = "In-The-Url-5c1e"
    userinfo = virtuoso.url.replace("http://", f"http://dba:{secret}@")
    done = load(userinfo + "/sparql-graph-crud-auth", built_graph.store)
    assert done.returncode == 2
    assert "answered HTTP 401" in done.stderr
    assert secret not in done.stdout + done.stderr
    app = pages_app(built_graph.build_dir, BACKEND=userinfo + "/sparql")
    client = app.test_client()
    answers = [client.get("/healthz"), client.get("/sparql", query_string={"query": "SELEKT"}),
               client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 1"}),
               client.get("/metrics")]
    assert [a.status_code for a in answers[:3]] == [200, 400, 200]
    for answer in answers:
        assert secret.encode() not in answer.data
        assert not [v for v in answer.headers.values() if secret in v]


def test_health_says_when_the_ini_cuts_results(built_graph, tmp_path):
    problem = ("Virtuoso's ini cuts our results (MAX_RESULT_ROWS is 100000; set these above "
               "it): [SPARQL] ResultSetMaxRows is 10000: every result is cut there, silently")
    with Virtuoso(tmp_path / "debian-ini", PASSWORD, result_rows=10_000) as cut:
        done = load(cut.store, built_graph.store, CREDENTIALS)
        health = pages_app(built_graph.build_dir, BACKEND=cut.query).test_client().get(
            "/healthz")
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        1, f"ruhrgraph load: loaded, but {problem}")
    assert health.status_code == 503
    assert health.get_json()["problem"] == problem


def test_health_names_the_release(remote, built_graph):
    health = remote.get("/healthz")
    assert health.status_code == 200, health.data
    assert health.get_json()["build"] == built_graph.manifest["build_id"]


def test_health_says_when_the_engine_holds_another_release(loaded, virtuoso, built_graph,
                                                           tmp_path):
    other = dict(built_graph.manifest, build_iri="https://w3id.org/ruhrgraph/build/other")
    (tmp_path / "manifest.json").write_text(json.dumps(other))
    app = pages_app(built_graph.build_dir, BACKEND=virtuoso.query,
                    STORE_DIR=str(tmp_path / "store"))
    health = app.test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["problem"] == (
        f"the engine holds build {built_graph.manifest['build_iri']}, not "
        "https://w3id.org/ruhrgraph/build/other: load this release, or serve the one it holds")
    empty = dict(built_graph.manifest, graphs={"https://example.org/nothing": 5})
    (tmp_path / "manifest.json").write_text(json.dumps(empty))
    health = pages_app(built_graph.build_dir, BACKEND=virtuoso.query,
                       STORE_DIR=str(tmp_path / "store")).test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["problem"] == (
        "the engine holds none of the release's graphs (empty, or loaded elsewhere): load it "
        "with `ruhrgraph load --to URL`")


def test_a_heavy_query_ends_at_our_deadline(loaded, virtuoso, built_graph):
    app = pages_app(built_graph.build_dir, BACKEND=virtuoso.query, QUERY_TIMEOUT=1.0)
    assert_heavy_query_ends_at_the_deadline(app.test_client())


LONG = "urn:ruhrgraph:test:long-strings"


def test_a_sort_virtuoso_cannot_hold_is_done_here(loaded, virtuoso, remote):
    """Virtuoso's sort refuses a long string (SR319/SR478: a GROUP_CONCAT of 800 codes, as
    `cities-ranked` at x100): the query goes again without its ORDER BY and the rows are
    sorted by the adapter, as pyoxigraph orders them."""
    import pyoxigraph
    import requests

    triples = "\n".join(
        f'<urn:p{i}> <urn:code> "05-02-{i:05d}" .\n<urn:p{i}> <urn:place> <urn:place{i % 3}> .'
        for i in range(2400)) + '\n<urn:q> <urn:place> <urn:place0> .\n<urn:q> <urn:code> "x" .'
    digest = requests.auth.HTTPDigestAuth("dba", PASSWORD)
    inserted = requests.post(virtuoso.url + "/sparql-auth", auth=digest, timeout=60,
                             data={"update": f"INSERT DATA {{ GRAPH <{LONG}> {{ {triples} }} }}"})
    assert inserted.status_code == 200, inserted.text
    query = ("SELECT ?place (COUNT(DISTINCT ?p) AS ?n) (GROUP_CONCAT(DISTINCT ?c; "
             f'separator=" ") AS ?codes) FROM <{LONG}> WHERE {{ ?p <urn:place> ?place ; '
             "<urn:code> ?c } GROUP BY ?place ORDER BY DESC(?n) ?place")
    try:
        direct = requests.post(virtuoso.query, data={"query": query}, timeout=60)
        assert direct.status_code == 500 and "SR4" in direct.text  # the engine alone
        answer = remote.get("/sparql", query_string={"query": query},
                            headers={"Accept": "application/sparql-results+json"})
    finally:
        requests.post(virtuoso.url + "/sparql-auth", auth=digest, timeout=60,
                      data={"update": f"DROP SILENT GRAPH <{LONG}>"})
    assert answer.status_code == 200, answer.data
    rows = [(r["place"]["value"], int(r["n"]["value"]), set(r["codes"]["value"].split()))
            for r in answer.get_json()["results"]["bindings"]]
    local = pyoxigraph.Store()
    local.load(triples.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES,
               to_graph=pyoxigraph.NamedNode(LONG))
    expected = [(s["place"].value, int(s["n"].value), set(s["codes"].value.split()))
                for s in local.query(query)]
    assert rows == expected
    assert [n for _, n, _ in rows] == [801, 800, 800]
