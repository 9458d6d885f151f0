"""The query editor without a browser: the vendored YASGUI is the pinned npm package's build
with its checksums, the page loads nothing from another host, and the completion index
(/sparql/editor.json) holds the fixture graph's prefixes, classes, properties and names."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "ruhrgraph" / "web" / "static" / "vendor" / "yasgui"
NPM = ROOT / "node_modules" / "@triply" / "yasgui"
BASE = "https://w3id.org/ruhrgraph/"


def test_vendored_files_match_their_checksums_and_the_pin():
    sums = dict(reversed(line.split("  ")) for line in
                (VENDOR / "SHA256SUMS").read_text().splitlines())
    assert sorted(sums) == ["LICENSE.txt", "VERSION", "yasgui.min.css", "yasgui.min.js",
                            "yasgui.min.js.LICENSE.txt"]
    assert sorted(p.name for p in VENDOR.iterdir()) == sorted([*sums, "SHA256SUMS"])
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    pin = json.loads((ROOT / "package.json").read_text())["devDependencies"]["@triply/yasgui"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pin)  # exact, never a range
    assert (VENDOR / "VERSION").read_text() == pin + "\n"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@triply/yasgui"]["version"] == pin
    assert "MIT License" in (VENDOR / "LICENSE.txt").read_text()
    if NPM.exists():  # `make node-deps` installed it: the copies are the package's files
        for name, source in (("yasgui.min.js", "build/yasgui.min.js"),
                             ("yasgui.min.css", "build/yasgui.min.css"),
                             ("LICENSE.txt", "LICENSE.txt")):
            assert (VENDOR / name).read_bytes() == (NPM / source).read_bytes(), name


def test_the_page_names_no_other_host(sparql_server):
    response = requests.get(sparql_server.sparql, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"].startswith(
        "default-src 'self'; script-src 'self'; style-src 'self';")
    loads = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', response.text)
    assert loads == ["/favicon.ico", "/static/site.css", "/static/pages.css",
                     "/static/vendor/yasgui/yasgui.min.css", "/static/sparql.css",
                     "/static/vendor/yasgui/yasgui.min.js", "/static/editor-views.js",
                     "/static/editor.js"]
    # The plain form, for a browser without JavaScript.
    assert '<form id="query-form" class="plain-form" method="get" action="/sparql">' \
        in response.text
    assert '<textarea id="query" name="query"' in response.text
    # A short starter with only the prefixes it uses.
    starter = re.search(r'<textarea id="query"[^>]*>([^<]*)</textarea>', response.text).group(1)
    assert starter == ("PREFIX rg: &lt;https://w3id.org/ruhrgraph/ontology#&gt;\n"
                       "PREFIX rdfs: &lt;http://www.w3.org/2000/01/rdf-schema#&gt;\n\n"
                       "SELECT ?project ?title ?ministry WHERE {\n"
                       "  ?project a rg:Project ;\n"
                       "           rdfs:label ?title ;\n"
                       "           rg:leadMinistry ?ministry .\n"
                       "}\nORDER BY ?project\nLIMIT 25\n")


def test_editor_scripts_name_no_host():
    """Our scripts hold no URL but two vocabulary IRIs and the SVG namespace."""
    static = ROOT / "ruhrgraph" / "web" / "static"
    found = [url for name in ("editor.js", "editor-views.js")
             for url in re.findall(r"https?://[^\s\"')]+", (static / name).read_text())]
    assert found == ["http://www.w3.org/2000/01/rdf-schema#label>|",
                     "http://www.w3.org/2004/02/skos/core#prefLabel>",
                     "http://www.w3.org/2000/svg"]


def test_completion_index(sparql_server):
    response = requests.get(sparql_server.url + "/sparql/editor.json", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    index = response.json()
    assert index["build"] == "test-build"
    assert index["prefixes"]["rg"] == "https://w3id.org/ruhrgraph/ontology#"
    assert index["prefixes"]["place"] == BASE + "place/"
    assert index["classes"] == [
        {"iri": "http://www.w3.org/2002/07/owl#Class", "labels": {}},
        {"iri": "http://www.w3.org/2002/07/owl#ObjectProperty", "labels": {}},
        {"iri": "http://www.w3.org/ns/prov#Activity", "labels": {}},
        {"iri": "https://w3id.org/ruhrgraph/ontology#Project",
         "labels": {"de": "Projekt", "en": "Project"}}]
    assert [p["iri"] for p in index["properties"]] == [
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/ns/prov#endedAtTime",
        "https://w3id.org/ruhrgraph/ontology#ags",
        "https://w3id.org/ruhrgraph/ontology#leadMinistry",
        "https://w3id.org/ruhrgraph/ontology#mentionsPlace",
        "https://w3id.org/ruhrgraph/ontology#mentionsProject"]
    assert index["properties"][4]["labels"] == {"de": "federführendes Ministerium"}
    assert index["entities"] == [
        {"iri": BASE + "project/01-01", "kind": "project",
         "labels": {"de": "Ruhr-Sommer", "en": "Ruhr summer"}, "keys": ["01-01"]},
        {"iri": BASE + "project/01-02", "kind": "project",
         "labels": {"de": "Zeche & Co <script>"}, "keys": ["01-02"]},
        {"iri": BASE + "project/02-01", "kind": "project",
         "labels": {"de": "Wasserstoff\tRuhr"}, "keys": ["02-01"]},
        {"iri": BASE + "place/05113000", "kind": "place", "labels": {"de": "Essen"},
         "keys": ["05113000"]},
        {"iri": BASE + "place/05913000", "kind": "place", "labels": {"de": "Dortmund"},
         "keys": ["05913000"]},
        {"iri": BASE + "ministry/mkw", "kind": "ministry",
         "labels": {"de": "Ministerium für Kultur und Wissenschaft"}, "keys": ["mkw"]},
        {"iri": BASE + "ministry/mwide", "kind": "ministry",
         "labels": {"de": "Ministerium für Wirtschaft"}, "keys": ["mwide"]}]
    again = requests.get(sparql_server.url + "/sparql/editor.json", timeout=30,
                         headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_completion_index_of_the_real_graph(pages):
    index = pages.get("/sparql/editor.json").get_json()
    by_iri = {e["iri"]: e for e in index["entities"]}
    assert by_iri[BASE + "place/05513000"]["labels"] == {"de": "Gelsenkirchen"}
    assert "MWIDE" in by_iri[BASE + "ministry/mwide"]["keys"]
    assert by_iri[BASE + "project/05-02"]["keys"] == ["05-02"]
    assert {e["kind"] for e in index["entities"]} == {
        "project", "place", "ministry", "organisation", "field", "programme"}
    assert sum(e["kind"] == "project" for e in index["entities"]) == 74
