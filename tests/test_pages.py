"""Linked-data pages on the real build: content negotiation for every kind of entity, the
resource, project, place and browse pages, the source view, hostile labels, and the same
pages served through a remote SPARQL endpoint."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph
import pytest
from conftest import VENV_BIN, pages_app, run_build, start_oxigraph, stop
from engine_checks import canonical_rows
from test_extract import EXPECTED, SOURCE_LINES

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/ruhrgraph/"
FORMATS = {  # Accept -> (extension, parser's format)
    "text/turtle": ("ttl", pyoxigraph.RdfFormat.TURTLE),
    "application/ld+json": ("jsonld", pyoxigraph.RdfFormat.JSON_LD),
    "application/n-triples": ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
    "application/rdf+xml": ("rdf", pyoxigraph.RdfFormat.RDF_XML)}
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


class Links(HTMLParser):
    """The links (href, class, text) and element ids of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[dict] = []
        self.ids: set[str] = set()
        self._open: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self._open = {"href": attrs["href"], "class": attrs.get("class", ""), "text": ""}
            self.links.append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None


def html(pages, path: str, status: int = 200) -> str:
    response = pages.get(path, headers={"Accept": "text/html"})
    assert response.status_code == status, (path, response.data[:500])
    assert response.content_type == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


def graph_of(body: bytes, fmt) -> set[tuple[str, str, str]]:
    """The triples of an RDF document, as N-Triples terms (the documents hold no blank
    nodes, so two documents say the same when these sets are equal)."""
    return {(str(t.subject), str(t.predicate), str(t.object))
            for t in pyoxigraph.parse(body, fmt)}


def subjects(graph) -> set[str]:
    return {s for s, _, _ in graph}


# --- content negotiation -------------------------------------------------------------


@pytest.fixture(scope="module")
def examples(built_graph) -> dict[str, str]:
    """One entity path per kind the graph holds (and the ontology)."""
    manifest = built_graph.manifest
    source = next(s for s in manifest["sources"] if s["role"] == "catalogue")["iri"]
    return {"programme": "programme/ruhr-konferenz", "field": "field/2",
            "project": "project/05-02", "ministry": "ministry/mwide",
            "measure": "measure/05-02/3", "duration": "duration/05-02",
            "place": "place/05911000", "organisation": "organisation/vci",
            "mention": "mention/17359-17362", "source": source[len(BASE):],
            "build": "build/" + manifest["build_id"], "graph": "graph/catalogue",
            "scheme": "scheme/fields", "software": "software/" + manifest["software"]["version"]}


KINDS = ["programme", "field", "project", "ministry", "measure", "duration", "place",
         "organisation", "mention", "source", "build", "graph", "scheme", "software"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_negotiates_every_format(pages, examples, kind):
    path = "/" + examples[kind]
    iri = f"<{BASE}{examples[kind]}>"
    graphs = []
    for accept, (ext, parser) in FORMATS.items():
        response = pages.get(path, headers={"Accept": accept})
        assert response.status_code == 200
        assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
        assert response.headers["Vary"] == "Accept"
        assert response.headers["Content-Location"] == f"{path}.{ext}"
        links = response.headers["Link"]
        for other_accept, (other_ext, _) in FORMATS.items():
            if other_ext != ext:
                assert f'<{path}.{other_ext}>; rel="alternate"; type="{other_accept}"' in links
        assert f'<{path}.html>; rel="alternate"; type="text/html"' in links
        graph = graph_of(response.data, parser)
        assert iri in subjects(graph)
        direct = pages.get(f"{path}.{ext}")  # no Accept at all: the extension decides
        assert direct.status_code == 200
        assert direct.headers["Content-Type"] == f"{accept}; charset=utf-8"
        assert "Vary" not in direct.headers and "Content-Location" not in direct.headers
        assert graph_of(direct.data, parser) == graph
        graphs.append(graph)
    for graph in graphs[1:]:
        assert graph == graphs[0]
    page = pages.get(path, headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["Content-Location"] == f"{path}.html"
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert pages.get(path).headers["Content-Type"] == "text/html; charset=utf-8"  # no Accept
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>',
                         page.get_data(as_text=True), re.S).group(1)
    assert graph_of(embedded.encode(), pyoxigraph.RdfFormat.JSON_LD) == graphs[0]


def test_document_holds_the_entity_and_its_hash_parts(pages):
    graph = graph_of(pages.get("/project/05-02.nt").data, pyoxigraph.RdfFormat.N_TRIPLES)
    assert subjects(graph) == {f"<{BASE}project/05-02{part}>"
                               for part in ("", "#passage", "#chars", "#lines")}
    place = graph_of(pages.get("/place/05911000.ttl").data, pyoxigraph.RdfFormat.TURTLE)
    wkt = "<http://www.opengis.net/ont/geosparql#asWKT>"
    assert [o for _, p, o in place if p == wkt] == [
        '"POINT(7.21966 51.48181)"^^<http://www.opengis.net/ont/geosparql#wktLiteral>']


def test_plain_text_and_json_accept_get_ntriples_and_json_ld(pages):
    assert pages.get("/field/1", headers={"Accept": "text/plain"}).headers[
        "Content-Type"] == "application/n-triples; charset=utf-8"
    assert pages.get("/field/1", headers={"Accept": "application/json"}).headers[
        "Content-Type"] == "application/ld+json; charset=utf-8"
    assert pages.get("/field/1", headers={"Accept": "text/turtle;q=0.5, text/html;q=0.4"}
                     ).headers["Content-Type"] == "text/turtle; charset=utf-8"


def test_unacceptable_types_get_406(pages):
    response = pages.get("/project/05-02", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)
    assert pages.get("/ontology", headers={"Accept": "application/pdf"}).status_code == 406


@pytest.mark.parametrize("path", ["/project/99-99", "/place/00000000", "/organisation/nobody",
                                  "/project/99-99.ttl", "/project/nonsense", "/project/05-02.xls",
                                  "/measure/05-02/999", "/kind/whatever"])
def test_unknown_iris_get_a_real_404_page(pages, path):
    response = pages.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.content_type == "text/html; charset=utf-8"
    body = response.get_data(as_text=True)
    assert "<h1>404 Not Found</h1>" in body and 'href="/"' in body
    assert "Cache-Control" in response.headers


def test_pages_validate_with_etag(pages):
    first = pages.get("/project/13-01", headers={"Accept": "text/html"})
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"] and "max-age" in first.headers["Cache-Control"]
    again = pages.get("/project/13-01", headers={"Accept": "text/html", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    turtle = pages.get("/project/13-01", headers={"Accept": "text/turtle"})
    assert turtle.headers["ETag"] != etag


def test_ontology_resolves(pages):
    assert "pylode" in html(pages, "/ontology").lower()
    graph = graph_of(pages.get("/ontology.ttl").data, pyoxigraph.RdfFormat.TURTLE)
    assert ("<https://w3id.org/ruhrgraph/ontology#Project>",
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
            "<http://www.w3.org/2002/07/owl#Class>") in graph


# --- resource pages ---------------------------------------------------------------------


def test_project_page_shows_every_fact_with_its_source_line(pages):
    page = html(pages, "/project/05-02")
    assert '<h1 lang="de">Zentrum für Chemie 4.0: Heimat des Inkubators Start4Chem</h1>' in page
    assert "Measures (12)" in page and 'class="timeline"' in page and "<svg" in page
    links = Links(page).links
    facts = [a for a in links if a["class"] == "src"]
    assert len(facts) >= 12 + 6 + 4  # measures, mentions, code/field/ministry/duration/...
    for link in facts:  # each source link marks lines that hold what the page says
        url = urlsplit(link["href"])
        first, last = map(int, parse_qs(url.query)["lines"][0].split("-"))
        assert url.fragment == f"L{first}"
        assert link["text"].strip().startswith("line")
    quoted = re.findall(r'<q lang="de">([^<]+)</q> <a class="src" href="[^"]*lines=(\d+)-(\d+)',
                        page)
    # Bochum, Mark 51°7, Exzellenzcluster CASA, MPI für IT-Sicherheit, VCI and Start4Chem
    # twice: in the title (line 201) and in the measures (line 204)
    assert len(quoted) == 7
    assert ("Start4Chem", "201", "201") in quoted
    for words, first, last in quoted:
        text = " ".join(SOURCE_LINES[int(first) - 1:int(last)])
        assert words.replace("&amp;", "&") in text.replace("&amp;", "&")
    hrefs = {a["href"] for a in links}
    assert {"/place/05911000", "/organisation/vci", "/organisation/start4chem", "/field/2",
            "/ministry/mwide", "/measure/05-02/1", "/measure/05-02/12"} <= hrefs


def test_source_links_land_on_the_line_in_context(pages):
    page = html(pages, "/project/04-02")
    href = re.search(r'<q lang="de">Marketingkampagne Erneuerbare Energien</q> '
                     r'<a class="src" href="([^"]+)"', page).group(1)
    text = html(pages, href.split("#")[0])
    first = int(href.rsplit("#L", 1)[1])
    assert f'<div class="line marked" id="L{first}">' in text
    assert "Marketingkampagne Erneuerbare Energien" in SOURCE_LINES[first - 1]
    assert len(re.findall(r'<div class="line', text)) == len(SOURCE_LINES)
    assert "What the graph takes from these lines" in text and "/project/04-03" in text
    lines = text.split('<div class="source-text" lang="de">')[1]
    assert "&lt;li&gt;" in lines and "<li>" not in lines  # the source's markup is text


def test_source_view_checks_its_parameters(pages, built_graph):
    key = next(s for s in built_graph.manifest["sources"] if s["role"] == "catalogue")["iri"]
    path = "/" + key[len(BASE):] + "/text"
    assert html(pages, path).count('class="line marked"') == 0
    assert pages.get(path + "?lines=abc").status_code == 400
    assert pages.get(path + "?lines=5-2").status_code == 400
    assert pages.get(path + f"?lines=1-{len(SOURCE_LINES) + 1}").status_code == 400
    assert pages.get("/source/0000000000000000/text").status_code == 404
    reference = next(s for s in built_graph.manifest["sources"] if s["name"] == "fields.csv")
    fields = html(pages, "/" + reference["iri"][len(BASE):] + "/text?lines=2")
    assert "Vernetzte Mobilität" in fields


def test_place_page_has_a_map_and_the_projects_naming_it(pages):
    page = html(pages, "/place/05916000")
    assert '<h1 lang="de">Herne</h1>' in page
    assert page.count('class="cell ') == 53  # one cell per Ruhr municipality
    assert re.search(r'<a href="/place/05916000" aria-label="Herne"><path d="[^"]+" '
                     r'class="cell lvl-0 current">', page)
    named = {a["href"] for a in Links(page).links if a["href"].startswith("/project/")}
    assert named == {"/project/04-08", "/project/10-05", "/project/15-03", "/project/19-02"}


def test_labels_fall_back_to_english(pages, examples):
    page = html(pages, "/" + examples["build"])  # the build activity is labelled in English
    assert f'<h1 lang="en">ruhrgraph build {examples["build"][6:]}</h1>' in page
    # The label in the interface's language leads (the client asks for English), the other
    # follows; German leads in the German interface (tests/test_i18n.py).
    ministry = html(pages, "/ministry/mwide")
    assert ('<h1 lang="en">Ministry of Economic Affairs, Innovation, Digitalisation and '
            'Energy of the State of North Rhine-Westphalia</h1>') in ministry
    assert '<span lang="de">Ministerium für Wirtschaft' in ministry
    german = pages.get("/ministry/mwide", headers={"Accept-Language": "de"}).text
    assert '<h1 lang="de">Ministerium für Wirtschaft' in german


def test_properties_and_types_are_labelled(pages):
    page = html(pages, "/project/05-02")
    for label in ("lead ministry", "action field", "has measure", "mentions place", "title",
                  "duration", "derived from"):
        assert re.search(rf'<th scope="row">(<a[^>]*>)?{label}(</a>)?</th>', page), label
    assert '<a href="/ontology#Project" class="type">project</a>' in page
    assert '<a class="iri" href="http://purl.org/dc/terms/title">title</a>' in page


def test_incoming_links_are_counted_and_paged(pages, built_graph):
    key = next(s for s in built_graph.manifest["sources"] if s["role"] == "catalogue")["iri"]
    path = "/" + key[len(BASE):]
    page = html(pages, path)
    count = int(re.search(r'<h4><a class="iri" href="http://www.w3.org/ns/oa#hasSource">'
                          r'source</a> <span class="count">(\d+)</span></h4>', page).group(1))
    assert count > 100
    seen = re.findall(r'<li><a class="iri" href="(/[a-z]+/[^"]+#passage)"',
                      page.split('id="incoming"')[1])
    assert len(seen) == 20
    next_page = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    while next_page:
        page = html(pages, next_page.split("#")[0])
        section = page.split('id="incoming"')[1]
        items = re.findall(r'<li><a class="iri" href="(/[a-z]+/[^"]+#passage)"', section)
        seen += items
        more = re.search(r'href="([^"]+)" rel="next"', page)
        next_page = more.group(1).replace("&amp;", "&") if more else None
    passages = [s for s in seen if s.endswith("#passage")]
    assert len(passages) == len(set(passages)) == count
    assert passages == sorted(passages, key=lambda p: BASE + p[1:])


def test_too_many_incoming_links_to_page_are_listed_by_a_query(built_graph, monkeypatch):
    from ruhrgraph.web.pages import resource as describe

    monkeypatch.setattr(describe, "PAGEABLE", 10)  # field 3 has 30 projects
    client = pages_app(built_graph.build_dir).test_client()
    page = html(client, "/field/3")
    assert "The first 20 of 30:" in page and 'rel="next"' not in page.split('id="incoming"')[1]
    link = re.search(r'<a href="(/sparql\?[^"]+)">list them all with SPARQL</a>', page).group(1)
    answer = client.get(link.replace("&amp;", "&"),
                        headers={"Accept": "application/sparql-results+json"}).get_json()
    linked = {b["linked"]["value"] for b in answer["results"]["bindings"]}
    assert linked == {BASE + "project/" + c for c, v in EXPECTED.items() if v[1] == 3}


def test_show_as_sparql_reproduces_the_page(pages):
    page = html(pages, "/project/05-02")
    link = next(a["href"] for a in Links(page).links if a["class"] == "sparql-link")
    query = parse_qs(urlsplit(link).query)["query"][0]
    assert 'VALUES (?code) { ("05-02") }' in query
    answer = pages.get("/sparql", query_string={"query": query},
                       headers={"Accept": "application/sparql-results+json"}).get_json()
    values = {b.get("valueLabel", b["value"])["value"] for b in answer["results"]["bindings"]}
    assert {"Zentrum für Chemie 4.0: Heimat des Inkubators Start4Chem", "Bochum",
            "Verband der Chemischen Industrie", "Bis 2034"} <= values
    place = html(pages, "/place/05911000")
    link = next(a["href"] for a in Links(place).links if a["class"] == "sparql-link")
    answer = pages.get(link, headers={"Accept": "application/sparql-results+json"}).get_json()
    assert {b["value"]["value"] for b in answer["results"]["bindings"]} >= {"05911000", "Bochum"}


# --- home and browse pages -------------------------------------------------------------------


def test_home_page(pages, built_graph):
    page = html(pages, "/")
    counts = built_graph.manifest["counts"]
    assert f"<strong>{counts['projects']}</strong> projects" in page
    assert f"<strong>{counts['measures']}</strong> measures" in page
    hrefs = {a["href"] for a in Links(page).links}
    assert {"/projects", "/ministries", "/places", "/organisations", "/queries", "/sparql",
            "/downloads", "/field/1", "/field/5", "/ministry/mwide", "/place/05911000"} <= hrefs
    assert built_graph.manifest["build_id"] in page and "dl-by-de/2.0" in page


@pytest.mark.parametrize(("path", "prefix", "count"), [
    ("/projects", "/project/", 74), ("/ministries", "/ministry/", 15), ("/fields", "/field/", 5),
    ("/places", "/place/", 59), ("/organisations", "/organisation/", 46)])
def test_browse_pages_link_every_entry(pages, path, prefix, count):
    links = {a["href"] for a in Links(html(pages, path)).links if a["href"].startswith(prefix)}
    assert len(links) == count
    for link in sorted(links)[:3]:
        assert pages.get(link, headers={"Accept": "text/html"}).status_code == 200


def test_projects_page_shows_field_ministry_and_duration(pages):
    page = html(pages, "/projects")
    for code, (ministry, field, title, *_years) in EXPECTED.items():
        row = re.search(rf'<tr><td><a href="/project/{code}">{code}</a>.*?</tr>', page,
                        re.S).group(0)
        assert f">{ministry}</a>" in row and f">{field}</td>" in row
        assert title.replace("&", "&amp;").replace('"', "&#34;") in row or "&#" in row
        assert '<svg class="chart timeline"' in row


def test_query_pages_index_and_a_form(pages):
    index = html(pages, "/queries")
    assert index.count('<dt><a href="/queries/') == len(list((ROOT / "queries").glob("*.rq")))
    page = html(pages, "/queries/projects-active-in-year?year=2031")
    assert '<input id="param-year" name="year" type="number" value="2031"' in page
    assert 'href="/queries/projects-active-in-year.csv?year=2031"' in page
    assert "/sparql?query=" in page and "VALUES+%28%3Fyear%29" in page
    bad = pages.get("/queries/projects-active-in-year?year=<b>", headers={"Accept": "text/html"})
    assert bad.status_code == 400
    assert "&lt;b&gt;" in bad.get_data(as_text=True) and "<b>" not in bad.get_data(as_text=True)


# --- hostile labels --------------------------------------------------------------------------

EVIL = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A build whose reference data gives an organisation, a city and a ministry names
    that are markup: everything must show them as text."""
    reference = tmp_path_factory.mktemp("hostile-reference")
    for path in (ROOT / "data" / "reference").iterdir():
        shutil.copy(path, reference / path.name)

    def rename(file: str, key: str, column: str, value: str, alias: str | None = None):
        with (reference / file).open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            if row[next(iter(rows[0]))] == key:
                if alias:
                    row["aliases"] = "|".join(filter(None, [row["aliases"], alias]))
                row[column] = value
        with (reference / file).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    rename("organisations.csv", "correctiv", "name", f'CORRECTIV {EVIL} & "Co" <b>', "CORRECTIV")
    rename("places.csv", "05911000", "name", f"Bochum{EVIL}", "Bochum")
    rename("ministries.csv", "mwide", "name_de", f"Ministerium {EVIL} </title> end")
    build_dir = tmp_path_factory.mktemp("hostile-build")
    result = run_build(build_dir, reference_dir=reference)
    assert result.returncode == 0, result.stderr
    return pages_app(build_dir, REFERENCE_DIR=str(reference)).test_client()


HOSTILE_PAGES = ["/", "/organisations", "/organisation/correctiv", "/project/18-01",
                 "/project/18-04", "/project/05-02", "/place/05911000", "/places", "/ministries",
                 "/ministry/mwide",
                 "/queries/shared-organisations", "/queries/project-pairs",
                 "/queries/cities-ranked", "/queries/projects-per-ministry",
                 "/queries/project?code=05-02", "/queries/project-neighbourhood?code=04-06",
                 "/queries/projects-by-city", "/source/da899bfb6a41233c/text?lines=203-204"]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_markup_in_labels_is_shown_as_text(hostile, path):
    body = html(hostile, path)
    assert "<script>alert" not in body and "</title> end" not in body
    assert "&lt;script&gt;alert(" in body or "\\u003cscript\\u003ealert(" in body
    # only our own elements close a script: the JSON-LD blocks
    assert body.count("</script>") == body.count("<script")


def test_markup_in_labels_stays_text_in_json_ld_and_downloads(hostile):
    body = html(hostile, "/organisation/correctiv")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    labels = {o for _, p, o in graph_of(script.group(1).encode(), pyoxigraph.RdfFormat.JSON_LD)
              if p == RDFS_LABEL}
    assert str(pyoxigraph.Literal(f'CORRECTIV {EVIL} & "Co" <b>', language="de")) in labels
    rows = hostile.get("/queries/shared-organisations.json").get_json()["rows"]
    assert f'CORRECTIV {EVIL} & "Co" <b>' in {r["name"] for r in rows}
    city = hostile.get("/queries/projects-by-city.json",
                       query_string={"city": f"bochum{EVIL}"}).get_json()["rows"]
    assert [r["code"] for r in city] == ["04-06", "05-02", "08-01", "11-01"]


# --- through a remote SPARQL endpoint --------------------------------------------------------


@pytest.fixture(scope="module")
def remote(built_graph, tmp_path_factory):
    """The same app with an Oxigraph server holding the build as its backend."""
    url, process = start_oxigraph(tmp_path_factory.mktemp("oxigraph-pages"))
    try:
        loaded = subprocess.run([str(VENV_BIN / "ruhrgraph"), "load", "--to", url + "/store",
                                 "--store", str(built_graph.store)],
                                capture_output=True, text=True, timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        yield pages_app(built_graph.build_dir, BACKEND=url + "/query").test_client()
    finally:
        stop(process)


def test_remote_backend_answers_every_canned_query_alike(pages, remote):
    for path in sorted((ROOT / "queries").glob("*.rq")):
        local = pages.get(f"/queries/{path.stem}.json").get_json()["rows"]
        far = remote.get(f"/queries/{path.stem}.json").get_json()["rows"]
        assert canonical_rows(far) == canonical_rows(local), path.stem


@pytest.mark.parametrize("path", ["/project/05-02.nt", "/place/05911000.nt",
                                  "/ministry/mwide.nt"])
def test_remote_backend_serves_the_same_documents(pages, remote, path):
    assert sorted(remote.get(path).data.splitlines()) == sorted(pages.get(path).data.splitlines())


def test_remote_backend_pages_and_hostile_values(remote):
    page = html(remote, "/project/05-02")
    assert "Measures (12)" in page and "/place/05911000" in page
    assert "Herne" in html(remote, "/place/05916000")
    for text in ['" } ; DROP ALL', "\\u0022 } #", "\\", "'''", '"""']:
        response = remote.get("/queries/search.json", query_string={"text": text})
        assert response.status_code == 200 and response.get_json()["rows"] == []
    assert remote.get("/queries/search.json", query_string={"text": "olymp"}).get_json()["rows"]
