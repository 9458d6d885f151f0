"""The query page in a real Chromium (Debian's /usr/bin/chromium, driven by Playwright): the
vendored YASGUI configured for this graph (docs/editor.md). Completion of a prefix, a property
and entity names from our own index; running, paging, sorting; results with labels linked to
our pages, labels escaped; downloads and the permalink carry the query and the view; the
canned queries open in tabs; the plain form answers without JavaScript; the page asks no host
but ours and breaks no rule of its Content-Security-Policy."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
EDITOR = ".tabPanel.active .CodeMirror"
ROWS = ".tabPanel.active .yasr table.dataTable tbody tr"


class Watched:
    """A page whose every request, failed answer, script error and console error is noted;
    requests to any host but the server's are refused and noted apart."""

    def __init__(self, browser, server, **options):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           accept_downloads=True, locale="en-GB", **options)
        self.page = self.context.new_page()
        self.ours = urllib.parse.urlsplit(server.url).netloc
        self.outside: list[str] = []
        self.seen: list[str] = []  # every request the page made, by the DevTools protocol
        self.errors: list[str] = []
        devtools = self.context.new_cdp_session(self.page)
        devtools.send("Network.enable")
        devtools.on("Network.requestWillBeSent",
                    lambda event: self.seen.append(event["request"]["url"]))
        self.context.route("**/*", self._route)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text)
                     if m.type == "error" else None)
        self.page.on("response", lambda r: self.errors.append(f"{r.status} {r.url}")
                     if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)

    def _route(self, route):
        url = urllib.parse.urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or url.netloc == self.ours:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, graph_server):
    page = Watched(browser, graph_server)
    yield page
    page.close()
    assert page.outside == []
    assert page.errors == []


@pytest.fixture
def fixture_page(browser, sparql_server):
    page = Watched(browser, sparql_server)
    yield page
    page.close()
    assert page.outside == []


def open_editor(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(EDITOR)


def query_text(page) -> str:
    return page.evaluate(f"() => document.querySelector('{EDITOR}').CodeMirror.getValue()")


def set_query(page, text: str) -> None:
    page.evaluate(f"""text => {{ const cm = document.querySelector('{EDITOR}').CodeMirror;
                   cm.setValue(text); cm.focus(); cm.setCursor(cm.lineCount(), 0); }}""", text)


DRAWN = (f"{ROWS}, .tabPanel.active .yasr .errorResult, "
         ".tabPanel.active .yasr_results .CodeMirror, .tabPanel.active .dataTables_empty")


def run(page) -> None:
    """Run the active tab's query and wait until the answer is drawn."""
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(DRAWN)


def cells(page, column: int) -> list[str]:
    return page.locator(f"{ROWS} td:nth-child({column + 1})").all_inner_texts()


def hints(page) -> list[tuple[str, ...]]:
    """The completions offered: (text, label, kind) each, or the text alone for a prefix."""
    page.wait_for_selector(".CodeMirror-hint")
    return [tuple(t) for t in page.eval_on_selector_all(".CodeMirror-hint", """hs => hs.map(h =>
        h.children.length ? Array.from(h.children, c => c.textContent) : [h.textContent])""")]


def test_completion_of_a_prefix_a_property_and_entity_names(watched, graph_server):
    page = watched.page
    open_editor(page, graph_server.sparql)
    set_query(page, "")
    # A prefix from the graph's table (never prefix.cc), completed on the PREFIX line.
    page.keyboard.type("PREFIX sko", delay=30)
    assert hints(page) == [("skos: <http://www.w3.org/2004/02/skos/core#>",)]
    page.keyboard.press("Enter")
    page.keyboard.type("\nSELECT * WHERE {\n?project rg:mentionsPla", delay=30)
    # Typing rg: added its PREFIX line; the property is offered with its label.
    assert hints(page) == [("rg:mentionsPlace", "mentions place", "property")]
    page.keyboard.press("Enter")
    page.keyboard.type(" Gelsen", delay=30)  # a place by its name
    assert hints(page) == [("place:05513000", "Gelsenkirchen", "place")]
    page.keyboard.press("Enter")
    page.keyboard.type(" ;\nrg:leadMinistry ?ministry .\n}", delay=30)
    written = [line.strip() for line in query_text(page).splitlines()]  # the editor indents
    assert "\n".join(written) == (
        "PREFIX place: <https://w3id.org/ruhrgraph/place/>\n"
        "PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT * WHERE {\n"
        "?project rg:mentionsPlace place:05513000 ;\n"
        "rg:leadMinistry ?ministry .\n"
        "}")
    run(page)
    assert page.locator(ROWS).count() == 1
    assert cells(page, 1) == ["State Chancellery of North Rhine-Westphalia – State Secretary "
                              "for Sport and Voluntary Engagement (Sport)\nministry:stk-sport"]
    assert cells(page, 2) == ["Sport Valley\nproject:19-02"]
    page.screenshot(path=str(ARTIFACTS / "sparql-completion.png"), full_page=True)


def test_a_project_by_code_or_title(watched, graph_server):
    page = watched.page
    open_editor(page, graph_server.sparql)
    set_query(page, "SELECT * WHERE {\n  ?s ?p ")
    page.keyboard.type("project:05-0", delay=30)
    offered = hints(page)
    assert [h[0] for h in offered][:2] == ["project:05-01", "project:05-02"]
    assert offered[1][1:] == ("Zentrum für Chemie 4.0: Heimat des Inkubators Start4Chem",
                              "project")
    page.keyboard.press("Escape")
    page.keyboard.type(" .\n  ?s ?p Start4Ch", delay=30)  # by a word of its title
    assert [h[0] for h in hints(page)] == ["organisation:start4chem", "project:05-02"]
    page.keyboard.press("Escape")
    page.keyboard.type(" .\n  ?s ?p MWID", delay=30)  # a ministry by its abbreviation
    assert hints(page) == [(
        "ministry:mwide", "Ministry of Economic Affairs, Innovation, Digitalisation and Energy "
        "of the State of North Rhine-Westphalia", "ministry")]


def test_run_page_sort_and_follow_an_iri(watched, graph_server):
    page = watched.page
    open_editor(page, graph_server.sparql + "?lang=en")
    set_query(page, "PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>\n"
                    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "SELECT ?project ?title WHERE { ?project a rg:Project ; "
                    "rdfs:label ?title }\nORDER BY ?project")
    run(page)
    assert page.locator(ROWS).count() == 50  # 74 projects, 50 a page
    info = ".tabPanel.active .dataTables_info"
    assert page.locator(info).inner_text() == "Rows 1 to 50 of 74"
    assert cells(page, 1)[0] == "Talentwerkstätten für Jugendliche im Ruhrgebiet\nproject:01-01"
    page.click(".tabPanel.active .paginate_button.next")
    assert page.locator(info).inner_text() == "Rows 51 to 74 of 74"
    assert page.locator(ROWS).count() == 24
    # Sorting by the title, then the other way round.
    page.click(".tabPanel.active table.dataTable th:has-text('title')")
    assert page.locator(info).inner_text() == "Rows 1 to 50 of 74"
    titles = cells(page, 2)
    assert titles == sorted(titles, key=str.lower) or titles[0] <= titles[1]
    page.click(".tabPanel.active table.dataTable th:has-text('title')")
    descending = cells(page, 2)
    assert descending[0] != titles[0]
    # Filtering by a label the table shows (not only the IRI).
    page.locator(".tabPanel.active .tableFilter").press_sequentially("Start4Chem")
    page.locator(ROWS).nth(1).wait_for(state="detached")
    assert page.locator(ROWS).count() == 1
    link = page.locator(f"{ROWS} a.iri").first
    assert link.get_attribute("href") == "/project/05-02"
    link.click()
    page.wait_for_url(graph_server.url + "/project/05-02")
    assert page.locator("h1").inner_text().startswith("Zentrum für Chemie 4.0")


def test_permalink_keeps_query_and_view(watched, graph_server):
    page = watched.page
    query = ("PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>\n"
             "SELECT ?place (COUNT(?p) AS ?n) WHERE { ?p rg:mentionsPlace ?place }\n"
             "GROUP BY ?place ORDER BY DESC(?n) ?place LIMIT 3")
    open_editor(page, graph_server.sparql)
    set_query(page, query)
    run(page)
    page.click(".tabPanel.active .yasr .select_response")
    page.wait_for_selector(".tabPanel.active .yasr .select_response.selected")
    page.locator("#permalink").dispatch_event("mousedown")
    href = page.locator("#permalink").get_attribute("href")
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
    assert params == {"query": [query], "outputFormat": ["response"]}
    other = watched.context.new_page()
    try:
        open_editor(other, graph_server.url + href)
        other.wait_for_selector(".tabPanel.active .yasr .select_response.selected")
        assert query_text(other) == query
        other.wait_for_selector(".tabPanel.active .yasr_results .CodeMirror")  # the response
        shown = other.evaluate(
            "() => document.querySelector('.tabPanel.active .yasr_results .CodeMirror')"
            ".CodeMirror.getValue()")
        assert shown.startswith('{\n  "head": {\n    "vars": [\n      "place",\n      "n"\n')
        assert other.url == graph_server.sparql  # the address shows the page again
    finally:
        other.close()


def test_chart_and_map_views(watched, graph_server):
    page = watched.page
    open_editor(page, graph_server.sparql + "?lang=en")
    set_query(page, "PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>\n"
                    "PREFIX schema: <http://schema.org/>\n"
                    "SELECT ?place ?latitude ?longitude (COUNT(?p) AS ?projects) WHERE {\n"
                    "  ?p rg:mentionsPlace ?place . ?place rg:inRuhrRegion true ;\n"
                    "  schema:latitude ?latitude ; schema:longitude ?longitude }\n"
                    "GROUP BY ?place ?latitude ?longitude ORDER BY DESC(?projects) ?place")
    run(page)
    rows = page.locator(ROWS).count()
    page.click(".tabPanel.active .yasr .select_map")
    page.wait_for_selector(".tabPanel.active .rg-map circle")
    assert page.locator(".tabPanel.active .rg-map circle").count() == rows
    gelsenkirchen = page.locator(".tabPanel.active .rg-map a[href='/place/05513000']")
    assert gelsenkirchen.locator("text").text_content() == "Gelsenkirchen"
    page.screenshot(path=str(ARTIFACTS / "sparql-map.png"))
    page.click(".tabPanel.active .yasr .select_chart")
    page.wait_for_selector(".tabPanel.active .rg-chart rect.bar")
    bars = page.locator(".tabPanel.active .rg-chart rect.bar")
    assert bars.count() == rows
    # The last numeric column (the count) is charted, in the rows' order.
    widths = [float(w) for w in bars.evaluate_all("bs => bs.map(b => b.getAttribute('width'))")]
    assert widths[0] == max(widths) and widths == sorted(widths, reverse=True)
    page.screenshot(path=str(ARTIFACTS / "sparql-chart.png"))


def test_a_canned_example_opens_in_a_tab(watched, graph_server):
    page = watched.page
    open_editor(page, graph_server.sparql + "?lang=en")
    page.click("#examples summary")
    example = page.locator("a.example", has_text="Projects per lead ministry")
    assert page.locator("a.example + .description").first.inner_text()
    example.click()
    page.wait_for_selector(".tabsList .tab.active >> text=Projects per lead ministry")
    assert page.locator(".tabsList .tab").count() == 2
    run_done = ".tabPanel.active .yasr_response_chip:not(.empty)"
    page.wait_for_selector(run_done)
    text = query_text(page)
    assert text.startswith("# Projects per lead ministry\n# How many projects each ministry")
    assert "SELECT ?ministry ?abbreviation ?ministryLabel (COUNT(?project) AS ?projects)" \
        in text
    assert page.locator(ROWS).count() >= 10
    page.screenshot(path=str(ARTIFACTS / "sparql-example.png"), full_page=True)


def test_examples_in_german(watched, graph_server):
    page = watched.page
    open_editor(page, graph_server.sparql + "?lang=de")
    assert page.locator("a.example", has_text="Projekte je federführendem Ministerium").count() \
        == 1
    set_query(page, "SELECT * WHERE { ?s ?p ?o } LIMIT 60")
    run(page)
    assert page.locator(".tabPanel.active .yasr .select_table").inner_text() == "Tabelle"
    assert page.locator(".tabPanel.active .dataTables_info").inner_text() == \
        "Zeilen 1 bis 50 von 60"


def test_no_request_leaves_our_host(watched, graph_server):
    """What YASGUI asks other hosts for by default (prefix.cc for prefixes, LOV for classes
    and properties, triply.cc, CDNs) comes from our server or not at all."""
    page = watched.page
    open_editor(page, graph_server.sparql)
    set_query(page, "")
    page.keyboard.type("PREFIX fo", delay=30)  # prefixes: prefix.cc by default
    assert hints(page) == [("foaf: <http://xmlns.com/foaf/0.1/>",)]
    set_query(page, "SELECT * WHERE { ?s a ")
    page.keyboard.press("Control+Space")  # classes: LOV by default
    assert ("rg:Project", "project", "class") in hints(page)
    set_query(page, "PREFIX schema: <http://schema.org/>\nSELECT * WHERE { ?s schema:")
    page.keyboard.press("Control+Space")  # properties: LOV by default
    offered = [h[0] for h in hints(page)]
    assert "schema:latitude" in offered and all(h.startswith("schema:") for h in offered)
    page.keyboard.press("Escape")
    page.keyboard.type("latitude ?lat } LIMIT 2", delay=20)
    run(page)
    page.click(".tabPanel.active .yasr .select_response")
    page.click("#examples summary")
    page.click("a.example:has-text('Projects naming a city')")
    page.wait_for_selector(".tabsList .tab.active >> text=Projects naming a city")
    page.wait_for_selector(DRAWN)
    hosts = {urllib.parse.urlsplit(url).netloc for url in watched.seen
             if not url.startswith(("data:", "blob:"))}
    assert hosts == {watched.ours}
    assert graph_server.url + "/sparql/editor.json" in watched.seen
    assert watched.outside == []


def test_no_javascript_the_form_answers(browser, graph_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(graph_server.sparql)
        assert page.locator("#query-form").is_visible()
        page.fill("#query", "PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>\n"
                            "SELECT (COUNT(?p) AS ?n) WHERE { ?p a rg:Project }")
        page.select_option("#format", "json")
        page.click("#run")
        page.wait_for_load_state()
        answer = json.loads(page.locator("body").inner_text())
        assert answer["results"]["bindings"][0]["n"]["value"] == "74"
    finally:
        context.close()


def test_labels_escaped_and_linked(fixture_page, sparql_server):
    page = fixture_page.page
    open_editor(page, sparql_server.sparql + "?lang=de")
    page.click("#examples summary")
    page.click("a.example:has-text('Projects and their lead ministries')")
    page.wait_for_selector(ROWS)
    first = page.locator(ROWS).first
    link = first.locator("a.iri").first
    assert link.get_attribute("href") == "/project/01-01"
    assert link.locator(".label").inner_text() == "Ruhr-Sommer"
    ministry = first.locator("a.iri").nth(1)
    assert ministry.locator(".label").inner_text() == "Ministerium für Kultur und Wissenschaft"
    # A label holding markup is shown as text, never run or parsed.
    second = page.locator(ROWS).nth(1)
    assert second.locator(".label").first.inner_text() == "Zeche & Co <script>"
    assert page.locator(".yasr table script").count() == 0
    page.screenshot(path=str(ARTIFACTS / "sparql-editor.png"), full_page=True)
    assert fixture_page.errors == []


def test_hostile_iris_and_literals_stay_text(fixture_page, sparql_server):
    page = fixture_page.page
    open_editor(page, sparql_server.sparql)
    set_query(page, 'SELECT ?i ?l WHERE { VALUES (?i ?l) { (<javascript:alert(1)> '
                    '"<img src=x onerror=alert(1)>") (<http://example.org/a\'b> "x") } }')
    run(page)
    assert page.locator(f"{ROWS} img").count() == 0
    assert page.locator(f"{ROWS} .nonIri").first.inner_text() == "<img src=x onerror=alert(1)>"
    assert page.locator(f"{ROWS} span.iri").first.inner_text() == "<javascript:alert(1)>"
    hrefs = page.eval_on_selector_all(f"{ROWS} a", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs == ["http://example.org/a'b"]
    assert fixture_page.errors == []


def test_downloads_in_every_format(fixture_page, sparql_server):
    page = fixture_page.page
    query = ("PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>\n"
             "SELECT ?place (COUNT(?p) AS ?n) WHERE { ?p rg:mentionsPlace ?place } "
             "GROUP BY ?place ORDER BY DESC(?n)")
    open_editor(page, sparql_server.sparql + "?" + urllib.parse.urlencode({"query": query}))
    page.wait_for_selector(ROWS)  # a permalink runs at once
    assert query_text(page) == query
    assert page.locator(ROWS).count() == 2
    assert page.locator(ROWS).first.locator(".label").inner_text() == "Dortmund"
    page.select_option("#editor-format", "csv")
    with page.expect_download() as download:
        page.click("#download")
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines == ["place,n", "https://w3id.org/ruhrgraph/place/05913000,2",
                     "https://w3id.org/ruhrgraph/place/05113000,1"]
    for name in ("json", "xml", "tsv"):
        page.select_option("#editor-format", name)
        href = page.locator("#download").get_attribute("href")
        assert requests.get(sparql_server.url + href, timeout=30).status_code == 200
    assert fixture_page.errors == []


def test_construct_and_errors(fixture_page, sparql_server):
    page = fixture_page.page
    open_editor(page, sparql_server.sparql)
    set_query(page, "CONSTRUCT WHERE { <https://w3id.org/ruhrgraph/project/02-01> ?p ?o }")
    page.locator("#download").dispatch_event("mousedown")
    # Only graph formats are offered for a CONSTRUCT query.
    visible = page.eval_on_selector_all("#editor-format option:not([hidden])",
                                        "os => os.map(o => o.value)")
    assert visible == ["turtle", "ntriples", "rdfxml", "jsonld", "nquads", "trig"]
    run(page)
    assert page.locator(ROWS).count() == 4
    # Turtle's escapes are decoded: the label's tab is a real tab in the cell's text.
    assert '"Wasserstoff\tRuhr"@de' in page.locator(f"{ROWS} .nonIri").all_text_contents()
    set_query(page, "SELECT * WHERE { ?s ?p }")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".tabPanel.active .yasr .errorResult")
    assert "line 1, column" in page.locator(".tabPanel.active .yasr .errorResult").inner_text()
    page.screenshot(path=str(ARTIFACTS / "sparql-error.png"))
