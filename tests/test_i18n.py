"""The interface in German and English (ruhrgraph/web/i18n.py, Flask-Babel).

German when nothing is asked; English by Accept-Language and by ``?lang=en``, which sets a
cookie that sticks; the page cache never answers one language with the other; and every
message of the templates and the web modules has a German translation in the catalogue,
whose compiled ``.mo`` is up to date.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from conftest import ROOT, pages_app

from ruhrgraph.web import i18n

CATALOGUE = ROOT / "ruhrgraph" / "web" / "translations" / "de" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


@pytest.fixture(scope="module")
def app(built_graph):
    return pages_app(built_graph.build_dir, interface_language=None)


@pytest.fixture
def client(app):
    """A fresh client: no cookie, no Accept-Language."""
    return app.test_client()


def html_lang(text: str) -> str:
    return re.search(r'<html lang="([^"]+)"', text).group(1)


def h1(text: str) -> str:
    return re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S).group(1))


# --- choosing the language -------------------------------------------------------------


@pytest.mark.parametrize(("explicit", "cookie", "accept", "expected"), [
    (None, None, None, "de"),
    (None, None, "", "de"),
    (None, None, "fr-FR, it;q=0.8", "de"),
    (None, None, "en-GB,en;q=0.9", "en"),
    (None, None, "fr, en;q=0.5, de;q=0.4", "en"),
    (None, None, "en;q=0.3, de-AT;q=0.9", "de"),
    (None, "en", "de", "en"),
    ("de", "en", "en", "de"),
    ("xx", "yy", "en", "en"),
])
def test_choose(explicit, cookie, accept, expected):
    assert i18n.choose(explicit, cookie, accept) == expected


def test_environ_locale_agrees():
    assert i18n.environ_locale({}) == "de"
    assert i18n.environ_locale({"QUERY_STRING": "query=x&lang=en"}) == "en"
    assert i18n.environ_locale({"QUERY_STRING": "query=%3Flang&l%61ng=en"}) == "en"  # decoded
    assert i18n.environ_locale({"QUERY_STRING": "query=lang%3Den&xlang=en"}) == "de"
    assert i18n.environ_locale({"HTTP_COOKIE": "a=b; lang=en"}) == "en"
    assert i18n.environ_locale({"HTTP_COOKIE": "lang=en", "QUERY_STRING": "lang=de"}) == "de"
    assert i18n.environ_locale({"HTTP_ACCEPT_LANGUAGE": "en-US"}) == "en"
    assert i18n.environ_locale({"HTTP_COOKIE": '"broken'}) == "de"


# --- pages ----------------------------------------------------------------------------


def test_german_by_default(client):
    r = client.get("/")
    assert r.status_code == 200
    assert html_lang(r.text) == "de"
    assert r.headers["Content-Language"] == "de"
    assert h1(r.text) == "Die Ruhr-Konferenz als Wissensgraph"
    assert "Nach Handlungsfeld" in r.text
    assert "Set-Cookie" not in r.headers  # nothing chosen, nothing remembered


def test_english_by_accept_language(client):
    r = client.get("/fields", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert html_lang(r.text) == "en"
    assert r.headers["Content-Language"] == "en"
    assert h1(r.text) == "Action fields"
    assert client.get("/fields", headers={"Accept-Language": "de-DE"}).text.count(
        "<h1>Handlungsfelder</h1>") == 1


def test_lang_parameter_sets_a_cookie_that_sticks(client):
    r = client.get("/explore?lang=en")
    assert html_lang(r.text) == "en" and h1(r.text) == "Explore projects"
    assert "lang=en" in r.headers["Set-Cookie"]
    again = client.get("/explore", headers={"Accept-Language": "de"})  # the cookie wins
    assert html_lang(again.text) == "en"
    back = client.get("/explore?lang=de")
    assert html_lang(back.text) == "de" and h1(back.text) == "Projekte erkunden"
    assert html_lang(client.get("/explore").text) == "de"


def test_switch_in_every_header_keeps_path_and_query(client):
    for path in ("/", "/projects", "/search?q=Wasserstoff&kind=project", "/explore?field=1",
                 "/queries/timeline", "/sparql", "/downloads", "/field/1", "/nope"):
        r = client.get(path, headers={"Accept": "text/html"})
        nav = re.search(r'<nav class="language-switch"[^>]*>(.*?)</nav>', r.text, re.S)
        assert nav, path
        links = re.findall(r'<a href="([^"]+)" hreflang="(\w+)" lang="(\w+)"( aria-current)?'
                           r'[^>]*>([^<]+)</a>', nav.group(1))
        assert [(hreflang, lang, name) for _, hreflang, lang, _, name in links] == [
            ("de", "de", "Deutsch"), ("en", "en", "English")], path
        assert [lang for _, lang, _, current, _ in links if current] == ["de"], path
        want_path = path.split("?")[0]
        for href, *_ in links:
            assert href.replace("&amp;", "&").startswith(want_path + "?"), (path, href)
            for pair in path.partition("?")[2].split("&"):
                if pair:
                    assert pair in href.replace("&amp;", "&"), (path, href)


def test_canned_query_takes_lang(client):
    r = client.get("/queries/timeline?lang=en")
    assert r.status_code == 200 and html_lang(r.text) == "en"


def test_english_labels_of_reference_data(client):
    de = client.get("/field/1")
    en = client.get("/field/1?lang=en")
    assert "Chancenregion Ruhr" in h1(de.text)
    assert "Opportunity Region Ruhr" in h1(en.text)
    assert 'lang="en">Opportunity Region Ruhr' in en.text
    home = client.get("/?lang=en")
    assert 'href="/field/1" lang="en">Opportunity Region Ruhr' in home.text
    # the catalogue's content stays German, marked so
    assert 'lang="de"' in client.get("/projects").text


def test_error_page_in_both(client):
    de = client.get("/nope", headers={"Accept": "text/html"})
    en = client.get("/nope?lang=en", headers={"Accept": "text/html"})
    assert de.status_code == en.status_code == 404
    assert "404 Nicht gefunden" in h1(de.text) and html_lang(de.text) == "de"
    assert "404 Not Found" in h1(en.text) and html_lang(en.text) == "en"


# --- caches ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/explore?field=1", "/search?q=Wasserstoff",
                                  "/queries/projects-per-field", "/field/1"])
def test_cache_never_serves_one_language_to_the_other(app, path):
    first, second = app.test_client(), app.test_client()
    de = first.get(path, headers={"Accept-Language": "de"})
    en = second.get(path, headers={"Accept-Language": "en"})
    de2 = first.get(path, headers={"Accept-Language": "de"})
    en2 = second.get(path, headers={"Accept-Language": "en"})
    assert [html_lang(r.text) for r in (de, en, de2, en2)] == ["de", "en", "de", "en"]
    assert de.headers["ETag"] == de2.headers["ETag"] != en.headers["ETag"]
    for r in (de, en):
        vary = {v.strip() for v in r.headers["Vary"].split(",")}
        assert {"Accept-Language", "Cookie"} <= vary
    # a German ETag does not validate the English page
    r = second.get(path, headers={"Accept-Language": "en", "If-None-Match": de.headers["ETag"]})
    assert r.status_code == 200 and html_lang(r.text) == "en"
    r = second.get(path, headers={"Accept-Language": "en", "If-None-Match": en.headers["ETag"]})
    assert r.status_code == 304


def test_fast_path_keyed_on_the_language(app):
    client = app.test_client()
    query = "/sparql?query=ASK%7B%7D"
    de = client.get(query, headers={"Accept": "text/html", "Accept-Language": "de"})
    en = client.get(query, headers={"Accept": "text/html", "Accept-Language": "en"})
    de2 = client.get(query, headers={"Accept": "text/html", "Accept-Language": "de"})
    if de.mimetype == "text/html":
        assert [html_lang(r.text) for r in (de, en, de2)] == ["de", "en", "de"]
    else:  # a result, the same in both
        assert de.data == en.data


# --- downloads ------------------------------------------------------------------------


def test_csv_headings_in_the_chosen_language(client):
    de = next(csv.reader(io.StringIO(client.get("/explore.csv").text)))
    en = next(csv.reader(io.StringIO(client.get("/explore.csv?lang=en").text)))
    assert de[:4] == ["Kennung", "Titel", "Handlungsfeld", "Federführendes Ministerium"]
    assert en[:4] == ["Code", "Title", "Action field", "Lead ministry"]
    search_en = client.get("/search.csv?q=Duisburg").text  # the cookie is English now
    assert search_en.startswith("Kind,Name,Belongs to")
    search_de = client.get("/search.csv?q=Duisburg&lang=de&sep=%3B").text
    assert search_de.lstrip("\ufeff").startswith("Art;Name;Gehört zu")
    j = client.get("/explore.json").get_json()
    assert j["headings"]["field"] == "Handlungsfeld"
    assert client.get("/explore.json?lang=en").get_json()["headings"]["field"] == "Action field"


# --- the catalogue is complete and compiled -------------------------------------------


def _extracted() -> set[str | tuple[str, ...]]:
    method_map = [("ruhrgraph/web/**.py", "python"),
                  ("ruhrgraph/web/templates/**.html", "jinja2.ext:babel_extract")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=KEYWORDS):
        found.add(message)
    return found


def test_every_message_has_a_german_translation():
    with (CATALOGUE / "messages.po").open("rb") as f:
        po = read_po(f, locale="de")
    extracted = _extracted()
    assert len(extracted) > 200  # the extractor did find the messages
    missing = []
    for message in sorted(extracted, key=str):
        key = message[0] if isinstance(message, tuple) else message
        entry = po.get(key)
        strings = entry.string if entry is not None else None
        if isinstance(strings, tuple):
            ok = all(s.strip() for s in strings)
        else:
            ok = bool(strings and strings.strip())
        if not ok or (entry is not None and entry.fuzzy):
            missing.append(key)
    assert not missing, f"untranslated (run `make translations`, then translate): {missing}"


def test_placeholders_survive_translation():
    with (CATALOGUE / "messages.po").open("rb") as f:
        po = read_po(f, locale="de")
    for entry in po:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        want = set(re.findall(r"%\(\w+\)[sd]", ids[-1]))
        for s in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", s)) <= want | set(
                re.findall(r"%\(\w+\)[sd]", ids[0])), entry.id
        assert ids[0].count("<a ") == strings[0].count("<a "), entry.id


def test_mo_is_up_to_date_with_the_po():
    with (CATALOGUE / "messages.po").open("rb") as f:
        po = read_po(f, locale="de")
    with (CATALOGUE / "messages.mo").open("rb") as f:
        mo = read_mo(f)
    def normal(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    po_entries = {normal(m.id): normal(m.string) for m in po if m.id and m.string}
    mo_entries = {normal(m.id): normal(m.string) for m in mo if m.id}
    assert po_entries == mo_entries, "messages.mo is stale: run `make translations`"


def test_babel_cfg_covers_what_the_test_extracts():
    text = Path(ROOT, "babel.cfg").read_text()
    assert "[python: ruhrgraph/web/**.py]" in text
    assert "[jinja2: ruhrgraph/web/templates/**.html]" in text


# --- in a real browser ----------------------------------------------------------------


@pytest.mark.browser
def test_switch_in_chromium_sticks_across_pages(browser, graph_server):
    """Chromium asking for German: German pages; "English" switches, and the choice stays
    when the navigation is followed (the cookie), on a filtered view too; "Deutsch" back."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(graph_server.url + "/")
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.locator("h1").inner_text() == "Die Ruhr-Konferenz als Wissensgraph"
        switch = page.locator("nav.language-switch")
        assert switch.locator("a[aria-current]").inner_text() == "Deutsch"
        switch.get_by_role("link", name="English").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "The Ruhr-Konferenz as a knowledge graph"
        page.locator("header nav a[href='/explore']").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Explore projects"  # the cookie stuck
        page.locator(".facet a[href*='field=']").first.click()
        page.wait_for_load_state()
        assert "field=" in page.url and page.locator("html").get_attribute("lang") == "en"
        page.locator("nav.language-switch").get_by_role("link", name="Deutsch").click()
        page.wait_for_load_state()
        assert "field=" in page.url  # the view is kept
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.locator("h1").inner_text() == "Projekte erkunden"
    finally:
        context.close()
