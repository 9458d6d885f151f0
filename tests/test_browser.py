"""The pages in a real Chromium (Debian's /usr/bin/chromium, driven by Playwright) on
`ruhrgraph serve` over the real build: home page, a project, one of its places, a canned
query with a parameter and its CSV, the source view; and the same without JavaScript.
Screenshots go to tests/artifacts/ (not committed)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from test_canned_queries import active

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _page(browser, javascript: bool = True):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True, java_script_enabled=javascript)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and
            "favicon" not in m.text and "404" not in m.text else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.problems = problems
    return context, page


def _accessible(page) -> None:
    """The checks a screen reader user needs on every page."""
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").count() == 1
    assert page.locator("main#main").count() == 1
    for svg in page.locator("svg[role=img], svg[role=group]").all():
        assert svg.get_attribute("aria-label") or svg.get_attribute("aria-labelledby")
    # an image holds no links (axe "nested-interactive"); a chart's links have names
    assert page.locator("svg[role=img] a").count() == 0
    for link in page.locator("svg a").all():
        assert link.get_attribute("aria-label")
    for field in page.locator("form input, form select").all():
        assert page.locator(f"label[for='{field.get_attribute('id')}']").count() == 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"


def test_home_project_place_query_csv(browser, graph_server):
    context, page = _page(browser)
    page.goto(graph_server.url + "/")
    assert page.title() == "ruhrgraph: the Ruhr-Konferenz catalogue as a knowledge graph"
    assert page.locator("ul.counts").inner_text().startswith("74\nprojects")
    page.screenshot(path=str(ARTIFACTS / "pages-home.png"), full_page=True)
    _accessible(page)

    page.click("header.site nav >> text=Projects")
    page.wait_for_url("**/projects")
    page.click("a[href='/project/05-02'] >> nth=0")
    page.wait_for_url("**/project/05-02")
    assert page.locator("h1").inner_text() == \
        "Zentrum für Chemie 4.0: Heimat des Inkubators Start4Chem"
    assert page.locator("ol.measures > li").count() == 12
    assert page.locator(".timeline svg").is_visible()
    page.screenshot(path=str(ARTIFACTS / "pages-project.png"), full_page=True)
    _accessible(page)

    page.click("ul.mentions a[href='/place/05911000']")
    page.wait_for_url("**/place/05911000")
    assert page.locator("h1").inner_text() == "Bochum"
    assert page.locator("svg.ruhrmap path.current").count() == 1
    assert page.locator("svg.ruhrmap").is_visible()
    named = page.locator("section[aria-labelledby=namedby-h] ul.mentions > li > a:not(.src)")
    assert sorted(named.all_inner_texts()) == ["04-06", "05-02", "08-01", "11-01"]
    page.screenshot(path=str(ARTIFACTS / "pages-place.png"), full_page=True)

    page.click("header.site nav >> text=Queries")
    page.click("text=Projects active in a year")
    page.fill("#param-year", "2031")
    page.click("form.params button[type=submit]")
    page.wait_for_url("**/queries/projects-active-in-year?year=2031")
    rows = page.locator("table.results-table tbody tr")
    assert rows.count() == len(active(2031))
    assert page.locator("figure.chart-figure svg.gantt").is_visible()
    page.screenshot(path=str(ARTIFACTS / "pages-query.png"), full_page=True)
    _accessible(page)
    with page.expect_download() as download:
        page.click("a.download-csv")
    path = ARTIFACTS / "projects-active-in-year-2031.csv"
    download.value.save_as(str(path))
    with path.open(encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert [r["Code"] for r in table] == active(2031)  # headings in words (English here)
    assert {r["Year"] for r in table} == {"2031"}
    assert page.problems == []
    context.close()


def test_back_on_a_canned_query_shows_the_year_of_its_table(browser, graph_server):
    """Back after asking another year: the form shows the year the table was computed for
    (the one in the URL), not the one last typed, with script and from the cache alike."""
    context, page = _page(browser)
    page.goto(graph_server.url + "/queries/projects-active-in-year?year=2024")
    for year in ("2031", "2022"):
        page.fill("#param-year", year)
        page.click("form.params button[type=submit]")
        page.wait_for_url(f"**/projects-active-in-year?year={year}")
    for expected in ("2031", "2024"):
        page.go_back()
        page.wait_for_url(f"**/projects-active-in-year?year={expected}")
        assert page.input_value("#param-year") == expected
        rows = page.locator("table.results-table tbody tr")
        assert rows.count() == len(active(int(expected)))
        assert page.locator("ul.legend li").last.inner_text() == expected
    page.go_forward()
    page.wait_for_url("**/projects-active-in-year?year=2031")
    assert page.input_value("#param-year") == "2031"
    # typed but not asked, then away and back: the form again shows the table's year
    page.fill("#param-year", "2040")
    page.goto(graph_server.url + "/queries")
    page.go_back()
    page.wait_for_url("**/projects-active-in-year?year=2031")
    assert page.input_value("#param-year") == "2031"
    assert not page.problems, page.problems
    context.close()


def test_source_line_in_context(browser, graph_server):
    context, page = _page(browser)
    page.goto(graph_server.url + "/project/04-06")
    page.click("dl.facts dd >> nth=3 >> a.src")  # the duration's line
    page.wait_for_url("**/text?lines=560-560#L560")
    marked = page.locator("div.line.marked")
    assert marked.count() == 1 and "Bis 2022" in marked.inner_text()
    box = marked.bounding_box()
    assert 0 < box["y"] < 900  # scrolled to, with the lines before it in view
    assert page.locator("div.line").count() > 700
    page.screenshot(path=str(ARTIFACTS / "pages-source.png"))
    assert page.problems == []
    context.close()


def test_everything_works_without_javascript(browser, graph_server):
    context, page = _page(browser, javascript=False)
    page.goto(graph_server.url + "/queries/projects-by-city")
    page.select_option("#param-city", "Herne")
    page.click("form.params button[type=submit]")
    page.wait_for_url("**/queries/projects-by-city?city=Herne")
    codes = page.locator("table.results-table tbody tr td:nth-child(1)").all_inner_texts()
    assert codes == ["04-08", "10-05", "15-03", "19-02"]
    page.goto(graph_server.url + "/queries/project-pairs")
    assert page.locator("svg.network circle").count() > 10
    page.screenshot(path=str(ARTIFACTS / "pages-network-nojs.png"), full_page=True)
    page.goto(graph_server.url + "/queries/cities-ranked")
    assert page.locator("svg.ruhrmap path.lvl-5").count() >= 1
    page.goto(graph_server.url + "/project/12-04")
    assert page.locator("section[aria-labelledby=named-h] a[href='/project/12-01']").count() == 1
    assert page.problems == []
    context.close()


def test_paging_a_long_list_by_its_links(browser, built_graph, tmp_path_factory):
    """A field's 30 projects, 7 a page (PAGE_LIST_SIZE), walked with the pager's links in
    Chromium, without JavaScript: five pages, each in code order, all 30 once, and back."""
    from conftest import start_server, stop

    server = start_server(tmp_path_factory.mktemp("pager"), {
        "RUHRGRAPH_BUILD_DIR": str(built_graph.build_dir), "RUHRGRAPH_STORE_DIR": "",
        "RUHRGRAPH_PAGE_LIST_SIZE": "7", "RUHRGRAPH_ACCESS_LOG": "0"})
    context, page = _page(browser, javascript=False)
    try:
        page.goto(server.url + "/field/3")
        assert page.locator("#fp-h").inner_text() == "Projects in this field (30)"
        seen: list[str] = []
        for number in range(1, 6):
            pager = page.locator("section[aria-labelledby=fp-h] p.pager")
            assert pager.inner_text().startswith(f"Page {number} of 5")
            codes = page.locator("section[aria-labelledby=fp-h] tbody tr td:first-child"
                                 ).all_inner_texts()
            assert codes == sorted(codes) and len(codes) == (7 if number < 5 else 2)
            seen += codes
            if number < 5:
                pager.get_by_role("link", name="next").click()
                page.wait_for_url(f"**/field/3?projects-page={number + 1}#fp-h")
        assert len(seen) == len(set(seen)) == 30 and seen == sorted(seen)
        page.locator("section[aria-labelledby=fp-h] p.pager").get_by_role(
            "link", name="first").click()
        page.wait_for_url("**/field/3#fp-h")
        assert page.locator("section[aria-labelledby=fp-h] p.pager").inner_text(
            ).startswith("Page 1 of 5")
        page.screenshot(path=str(ARTIFACTS / "pages-pager-nojs.png"))
        assert page.problems == []
    finally:
        context.close()
        stop(server.process)
