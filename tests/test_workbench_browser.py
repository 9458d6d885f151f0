"""Everyday questions of an analyst, answered in a real Chromium (Debian's) on `ruhrgraph
serve` over the real build, from the home page by clicks and typing only; each asserts the
answer. German interface unless a test asks for English (the browser's language decides).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture
def page(browser, graph_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE",
                                  accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
           else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(graph_server.url + "/")
    yield tab
    context.close()
    assert errors == []


def _explore(page):
    page.click("header.site nav a[href='/explore']")
    page.wait_for_url("**/explore")


def _count(page) -> int:
    return int(re.match(r"\d+", page.locator("#results-heading").inner_text()).group())


def _download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def test_education_projects_naming_duisburg(page):
    """The first question that failed before: two filters combined."""
    _explore(page)
    page.click(".facets a[href*='field=5']")
    page.wait_for_url("**field=5")
    assert _count(page) == 15
    places = page.locator("section.facet:has(#facet-place)").inner_text()
    assert "Duisburg" not in places  # no project of the field names Duisburg
    page.fill("#explore-q", "Duisburg")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**q=Duisburg**")
    assert _count(page) == 0
    # and the other way round: Duisburg's projects are all in another field
    page.goto(page.url.split("/explore")[0] + "/explore")
    duisburg = page.locator(".facets a[href='/explore?place=05112000']")
    if not duisburg.is_visible():  # among the places under "more"
        page.click("section.facet:has(#facet-place) summary")
    duisburg.click()
    assert _count(page) == 3
    fields = page.locator("section.facet:has(#facet-field) li").all_inner_texts()
    assert fields == ["Gelebte Vielfalt – starker Zusammenhalt 3"]
    page.screenshot(path=str(ARTIFACTS / "workbench-duisburg.png"), full_page=True)


def test_a_ministrys_projects_as_a_spreadsheet(page):
    """The second question that failed before: a list to take away."""
    _explore(page)
    page.click(".facets a[href='/explore?ministry=mwide']")
    assert _count(page) == 13
    body = _download(page, "p.downloads a[href='/explore.csv?ministry=mwide&sep=%3B']")
    assert body.startswith("\ufeff".encode())
    frame = pd.read_csv(io.BytesIO(body), sep=";", encoding="utf-8-sig", dtype=str)
    assert list(frame.columns)[:4] == ["Kennung", "Titel", "Handlungsfeld",
                                       "Federführendes Ministerium"]
    assert len(frame) == 13 and set(frame["Federführendes Ministerium"]) == {"MWIDE"}


def test_search_an_inflected_word_and_follow_it_to_its_source_line(page):
    page.fill("#home-search-q", "Wasserstoffs")
    page.press("#home-search-q", "Enter")
    page.wait_for_url("**/search?q=Wasserstoffs")
    first = page.locator("ol.hits > li").first
    assert first.locator("mark").first.inner_text() == "Wasserstoff"
    first.locator("a.source").click()
    page.wait_for_url(re.compile(r".*/source/[0-9a-f]+/text\?lines=\d+.*#L\d+"))
    line = page.url.rsplit("#L", 1)[1]
    assert "Wasserstoff" in page.locator(f"[id='L{line}']").inner_text()


def test_projects_running_in_2030_that_end(page):
    _explore(page)
    page.fill("#running_in", "2030")
    page.select_option("#open_ended", "no")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**running_in=2030**")
    assert _count(page) == 19
    ends = [int(c) for c in page.locator("table.data tbody tr td:nth-child(6)").all_inner_texts()]
    assert len(ends) == 19 and min(ends) >= 2030


def test_the_project_with_the_most_measures(page):
    _explore(page)
    header = page.locator("table.data thead th:nth-child(7) a")
    header.click()  # ascending
    page.locator("table.data thead th:nth-child(7) a").click()  # descending
    page.wait_for_url("**sort=measures&desc=1")
    counts = [int(c) for c in page.locator("table.data tbody td:nth-child(7)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and counts[0] == max(counts)
    assert page.locator("table.data thead th:nth-child(7)").get_attribute(
        "aria-sort") == "descending"


def test_back_and_forward_restore_a_filtered_view(page):
    _explore(page)
    page.click(".facets a[href*='field=5']")
    page.wait_for_url("**field=5")
    page.click(".facets a[href='/explore?field=5&ministry=msb']")
    page.wait_for_url("**ministry=msb")
    narrowed = _count(page)
    assert narrowed < 15
    page.go_back()
    page.wait_for_url(re.compile(r".*/explore\?field=5$"))
    assert _count(page) == 15
    page.go_forward()
    page.wait_for_url("**ministry=msb")
    assert _count(page) == narrowed


def test_compare_two_cities(page):
    _explore(page)
    page.click("a[href='/compare']")
    page.check("input[name=place][value='05112000']")
    page.check("input[name=place][value='05911000']")
    page.click("form:has(input[name=place]) button[type=submit]")
    page.wait_for_url(re.compile(r".*/compare\?place=\d+&place=\d+$"))
    assert {p.split("=")[1] for p in page.url.split("?")[1].split("&")} == {"05112000",
                                                                         "05911000"}
    assert page.locator("h1").inner_text() == "Orte vergleichen"
    shared = page.locator("h2:has-text('Gemeinsame Projekte')").inner_text()
    assert re.fullmatch(r"Gemeinsame Projekte \(\d+\)", shared)


def test_what_a_project_names_as_a_spreadsheet(page):
    page.fill("#home-search-q", "05-02")
    page.press("#home-search-q", "Enter")
    page.locator("ol.hits > li").first.locator("a").first.click()
    page.wait_for_url("**/project/05-02")
    body = _download(page, "a[href='/lists/project/05-02/mentions.csv']")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0][:3] == ["Genannt", "Name", "Wörter im Text"]
    assert ["Organisation", "Start4Chem"] in [r[:2] for r in rows[1:]]


def test_the_projects_naming_a_place_as_a_spreadsheet(page):
    page.click("header.site nav a[href='/places']")
    page.click("table.data a[href='/place/05911000']")
    page.wait_for_url("**/place/05911000")
    named = int(re.search(r"\((\d+)\)", page.locator("#namedby-h").inner_text()).group(1))
    body = _download(page, "a[href='/explore.csv?place=05911000']")
    assert len(list(csv.reader(io.StringIO(body.decode("utf-8"))))) - 1 == named


def test_search_with_operators_is_searched_as_words(page):
    page.fill("#home-search-q", '"Schule" -Bildung')
    page.press("#home-search-q", "Enter")
    page.wait_for_url("**/search?q=**")
    assert page.locator("p.note").first.inner_text() == (  # the interface is German
        "Suchoperatoren wie '\"' (bei Zeichen 1) werden nicht unterstützt; gesucht wurde nur "
        "nach den Wörtern.")
    assert page.locator("ol.hits > li").count() > 0


def test_the_interface_in_english(browser, graph_server):
    context = browser.new_context(locale="en-GB")
    tab = context.new_page()
    tab.goto(graph_server.url + "/explore?field=5")
    assert tab.locator("html").get_attribute("lang") == "en"
    assert tab.locator("#results-heading").inner_text() == "15 projects"
    context.close()
