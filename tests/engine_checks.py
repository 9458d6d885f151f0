"""What every engine test checks (tests/test_engine_*.py): with the backend pointed at the
engine, the canned queries, one page of every kind (in HTML and its RDF documents), the
downloads and `/sparql` answer as the embedded store does. The ``test_*`` functions here are
imported by each engine's module, which gives them its ``remote`` fixture (a test client of
the app on that engine); ``pages`` is the embedded store's (tests/conftest.py)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from conftest import ROOT, VENV_BIN

CATALOGUE = "https://w3id.org/ruhrgraph/graph/catalogue"
PREFIXES = ("PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX geo: <http://www.opengis.net/ont/geosparql#>\n"
            "PREFIX dct: <http://purl.org/dc/terms/>\n")

#: /sparql queries whose answers must be the same (format, then whether the order counts).
SPARQL = [
    (PREFIXES + "SELECT ?p ?l WHERE { ?p a rg:Project ; rdfs:label ?l } ORDER BY ?p ?l",
     "json", True),
    (PREFIXES + "SELECT ?p ?l WHERE { ?p a rg:Project ; rdfs:label ?l } ORDER BY ?p ?l",
     "csv", True),
    (PREFIXES + "SELECT ?p ?l WHERE { ?p a rg:Project ; rdfs:label ?l } ORDER BY ?p ?l",
     "xml", True),
    ("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && datatype(?o) != "
     "<http://www.w3.org/2001/XMLSchema#string> && datatype(?o) != "
     "<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>) }", "tsv", False),
    ("SELECT ?o (LANG(?o) AS ?lang) WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> "
     "?o FILTER(LANG(?o) != '') }", "json", False),
    (PREFIXES + "SELECT ?w WHERE { ?g geo:asWKT ?w }", "json", False),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "json", True),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
     "json", True),
    (PREFIXES + "ASK { ?p rg:leadMinistry ?m }", "json", True),
    (PREFIXES + "ASK { ?p rg:leadMinistry rg:nothing }", "xml", True),
    (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{CATALOGUE}> {{ ?s ?p ?o }} }}", "ntriples",
     False),
    ("DESCRIBE <https://w3id.org/ruhrgraph/project/05-02>", "ntriples", False),
    ("DESCRIBE <https://w3id.org/ruhrgraph/place/05911000#geometry>", "ntriples", False),
    (PREFIXES + "SELECT ?code (SUM(?one) AS ?n) (AVG(?one) AS ?avg) (MAX(?l) AS ?last) "
     "WHERE { ?p dct:identifier ?code ; rdfs:label ?l BIND(1 AS ?one) } GROUP BY ?code "
     "ORDER BY ?code", "json", True),
]
#: The same with the request's own dataset.
SPARQL_DATASETS = [
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"default-graph-uri": CATALOGUE}),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
     {"named-graph-uri": CATALOGUE}),
    (f"SELECT (COUNT(*) AS ?n) FROM <{CATALOGUE}> WHERE {{ ?s ?p ?o }}", {}),
]


def load(url: str, store: Path, env: dict[str, str] | None = None, *args: str
         ) -> subprocess.CompletedProcess:
    """`ruhrgraph load --to url` as a user runs it."""
    import os

    return subprocess.run(
        [str(VENV_BIN / "ruhrgraph"), "load", "--to", url, "--store", str(store), *args],
        capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})},
        check=False)


def assert_loaded(done: subprocess.CompletedProcess, manifest: dict, engine: str, url: str
                  ) -> None:
    """`ruhrgraph load` ended well: every graph sent, the release checked on the engine."""
    assert done.returncode == 0, done.stderr
    assert sorted(line.split("\t")[0] for line in done.stdout.splitlines()) == \
        sorted(manifest["graphs"])
    assert f"{engine} at {url} holds build {manifest['build_id']}" in done.stderr


def held(query_url: str) -> dict[str, int]:
    """Quads per graph the engine holds (every graph, its own too), asked directly."""
    import requests

    counts = requests.post(query_url, timeout=30, data={
        "query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"}).json()
    return {row["g"]["value"]: int(row["n"]["value"]) for row in counts["results"]["bindings"]}


def assert_heavy_query_ends_at_the_deadline(client) -> None:
    """A query far heavier than the app's QUERY_TIMEOUT of 1 s answers 503 within 3 s."""
    import time

    query = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
             "FILTER(STR(?c) != STR(?i)) }")
    started = time.monotonic()
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 503, response.data
    assert response.data.startswith(b"503 Query Timeout: the query did not finish within 1 s")
    assert time.monotonic() - started < 3


def canonical_rows(rows: list[dict]) -> list[str]:
    """A canned query's rows as a multiset (ties may come in any order; group_concat's
    parts too)."""
    def value(v):
        if isinstance(v, str):
            for separator in (" | ", ", "):
                if separator in v:
                    return separator.join(sorted(v.split(separator)))
        return v
    return sorted(json.dumps({k: value(v) for k, v in r.items()}, sort_keys=True) for r in rows)


def canned_differences(local, remote) -> list[str]:
    differ = []
    for path in sorted((ROOT / "queries").glob("*.rq")):
        near = local.get(f"/queries/{path.stem}.json")
        far = remote.get(f"/queries/{path.stem}.json")
        if far.status_code != near.status_code or \
                canonical_rows(far.get_json()["rows"]) != canonical_rows(near.get_json()["rows"]):
            differ.append(f"{path.stem}: {far.status_code} {far.data[:300]!r}")
    return differ


_LOC = re.compile(r"<loc>https?://[^/]+(/[^<]*)</loc>")


def page_paths(local) -> list[str]:
    """One resource page of every kind (the first of each path prefix in the sitemaps), the
    list and index pages, and their RDF documents."""
    paths = _LOC.findall(local.get("/sitemap.xml").data.decode())
    for sitemap in [p for p in paths if p.startswith("/sitemap-")]:
        paths += _LOC.findall(local.get(sitemap).data.decode())
    seen: dict[str, str] = {}
    for path in paths:
        if path.count("/") >= 2 and not path.startswith("/sitemap-"):
            seen.setdefault(path.split("/")[1], path)
    resources = sorted(seen.values())
    documents = [p + ext for p in resources for ext in (".ttl", ".nt")]
    return resources + documents + [
        "/", "/projects", "/ministries", "/fields", "/places", "/organisations", "/queries",
        "/search?q=olympia", "/explore", "/compare", "/downloads", "/void", "/catalog",
        "/queries/projects-by-city?city=bochum", "/lists/project/05-02/measures.csv"]


def page_differences(local, remote, paths: list[str]) -> list[str]:
    """Paths whose answer differs: status, media type, body (an N-Triples document as a set
    of lines)."""
    differ = []
    for path in paths:
        near, far = _read(local, path), _read(remote, path)
        if (far.status_code, far.mimetype) != (near.status_code, near.mimetype):
            differ.append(f"{path}: {far.status_code} {far.mimetype} against "
                          f"{near.status_code} {near.mimetype}")
        elif path.endswith((".nt", ".ttl")) and b"_:" in near.data + far.data:
            if not same_graph(near.data, far.data, "nt" if path.endswith(".nt") else "turtle"):
                differ.append(f"{path}: another graph")
        elif path.endswith(".nt"):
            if sorted(far.data.splitlines()) != sorted(near.data.splitlines()):
                differ.append(f"{path}: other triples")
        elif far.data != near.data:
            differ.append(f"{path}: other body ({len(far.data)} against {len(near.data)} "
                          "bytes)")
    return differ


def sparql_differences(local, remote) -> list[str]:
    """The :data:`SPARQL` and :data:`SPARQL_DATASETS` queries answered differently."""
    differ = []
    cases = [(q, {"format": fmt}, ordered) for q, fmt, ordered in SPARQL]
    cases += [(q, params, True) for q, params in SPARQL_DATASETS]
    for query, params, ordered in cases:
        near = local.post("/sparql", data={"query": query, **params})
        far = remote.post("/sparql", data={"query": query, **params})
        same = (far.status_code, far.mimetype) == (near.status_code, near.mimetype) == \
            (200, near.mimetype)
        if same and not ordered:
            same = sorted(_lines(far)) == sorted(_lines(near))
        elif same:
            same = far.data == near.data
        if not same:
            differ.append(f"{query[-90:]!r} {params}: {far.status_code} {far.data[:300]!r}")
    return differ


def _read(client, path: str):
    """The response, its body read and the response closed (a download streams a file)."""
    response = client.get(path)
    response.get_data()
    response.close()
    return response


def same_graph(one: bytes, other: bytes, fmt: str) -> bool:
    """Whether two RDF documents hold the same graph, blank nodes renamed (rdflib)."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    return isomorphic(Graph().parse(data=one, format=fmt), Graph().parse(data=other, format=fmt))


def _lines(response) -> list[bytes]:
    if response.mimetype.endswith("json"):
        document = response.get_json()
        return [json.dumps(row, sort_keys=True).encode()
                for row in document["results"]["bindings"]]
    return response.data.splitlines()


def test_every_canned_query_answers_alike(pages, remote):
    assert canned_differences(pages, remote) == []


def test_every_page_kind_and_document_answers_alike(pages, remote):
    paths = [*page_paths(pages), "/downloads/ruhrgraph.nt"]
    assert len(paths) > 60
    assert page_differences(pages, remote, paths) == []


def test_sparql_answers_alike(pages, remote):
    assert sparql_differences(pages, remote) == []
