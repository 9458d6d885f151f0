"""The query page in a real Chromium (Debian's /usr/bin/chromium, driven by Playwright): the
editor highlights, examples load and run, results show labels and link resource pages,
labels are escaped, downloads and the permalink carry the query."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.errors = errors
    yield page
    context.close()


def test_editor_runs_an_example_with_labels(page, sparql_server):
    page.goto(sparql_server.sparql)
    assert page.title() == "SPARQL query · ruhrgraph"
    # The starter query is highlighted: keywords, variables, prefixed names.
    assert page.locator("#highlight .t-k", has_text="SELECT").count() >= 1
    assert page.locator("#highlight .t-v", has_text="?project").count() >= 1
    page.select_option("#examples", label="Projects and their lead ministries")
    page.wait_for_selector("table.results-table tbody tr")
    assert page.locator("#status").inner_text().startswith("3 rows")
    page.wait_for_selector("a.iri .label")  # labels arrive by a second query
    first = page.locator("table.results-table tbody tr").first
    link = first.locator("a.iri").first
    assert link.get_attribute("href") == "/project/01-01"
    assert link.locator(".label").inner_text() == "Ruhr-Sommer"
    ministry = first.locator("a.iri").nth(1)
    assert ministry.locator(".label").inner_text() == "Ministerium für Kultur und Wissenschaft"
    # A label holding markup is shown as text, never run or parsed.
    second = page.locator("table.results-table tbody tr").nth(1)
    assert second.locator(".label").first.inner_text() == "Zeche & Co <script>"
    assert page.locator("table.results-table script").count() == 0
    page.screenshot(path=str(ARTIFACTS / "sparql-editor.png"), full_page=True)
    assert page.errors == []


def test_permalink_and_downloads(page, sparql_server):
    query = ("PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>\n"
             "SELECT ?place (COUNT(?p) AS ?n) WHERE { ?p rg:mentionsPlace ?place } "
             "GROUP BY ?place ORDER BY DESC(?n)")
    page.goto(sparql_server.sparql + "?" + urllib.parse.urlencode({"query": query}))
    page.wait_for_selector("table.results-table tbody tr")  # a permalink runs at once
    assert page.locator("#query").input_value() == query
    assert page.locator("table.results-table tbody tr").count() == 2
    assert page.locator("table.results-table tbody tr").first.locator(".label").inner_text() \
        == "Dortmund"
    permalink = page.locator("#permalink").get_attribute("href")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(permalink).query)["query"] == [query]
    page.select_option("#format", "csv")
    with page.expect_download() as download:
        page.click("#download")
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines == ["place,n", "https://w3id.org/ruhrgraph/place/05913000,2",
                     "https://w3id.org/ruhrgraph/place/05113000,1"]
    for name in ("json", "xml", "tsv"):
        page.select_option("#format", name)
        href = page.locator("#download").get_attribute("href")
        assert requests.get(sparql_server.url + href, timeout=30).status_code == 200
    assert page.errors == []


def test_construct_and_errors(page, sparql_server):
    page.goto(sparql_server.sparql)
    page.fill("#query", "CONSTRUCT WHERE { <https://w3id.org/ruhrgraph/project/02-01> ?p ?o }")
    # Only graph formats are offered for a CONSTRUCT query.
    visible = page.eval_on_selector_all("#format option:not([hidden])",
                                        "os => os.map(o => o.value)")
    assert visible == ["turtle", "ntriples", "rdfxml", "jsonld", "nquads", "trig"]
    page.click("#run")
    page.wait_for_selector("table.results-table tbody tr")
    assert page.locator("table.results-table tbody tr").count() == 4
    # N-Triples escapes are decoded: the label's tab is a real tab in the cell's text.
    assert "Wasserstoff\tRuhr" in page.locator("span.literal").all_text_contents()
    page.fill("#query", "SELECT * WHERE { ?s ?p }")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("pre.error")
    assert page.locator("#status").inner_text().startswith("Error 400")
    assert "line 1, column" in page.locator("pre.error").inner_text()
    page.screenshot(path=str(ARTIFACTS / "sparql-error.png"))
