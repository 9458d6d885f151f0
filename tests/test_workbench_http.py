"""The analyst's workbench over HTTP (Flask test client on the real build): search and the
explorer as HTML, JSON and CSV, every CSV read back with the csv module and pandas."""

import csv
import io
import json

import pandas as pd
import pytest


def _csv_rows(body: bytes, german: bool = False) -> list[list[str]]:
    text = body.decode("utf-8")
    if german:
        assert text.startswith("\ufeff")
        text = text[1:]
    return list(csv.reader(io.StringIO(text), delimiter=";" if german else ","))


def _frame(body: bytes, german: bool = False) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(body), sep=";" if german else ",", encoding="utf-8-sig",
                       dtype=str, keep_default_na=False)


def test_search_page_lists_hits_with_kind_snippet_and_source(pages):
    response = pages.get("/search?q=Wasserstoffs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<mark>Wasserstoff</mark>" in html
    assert 'href="/source/da899bfb6a41233c/text?lines=' in html
    assert '<span class="kind">Measure</span>' in html


def test_search_json_is_the_documented_shape(pages):
    body = json.loads(pages.get("/search.json?q=Schule&kind=project").data)
    assert body["query"] == "Schule" and body["kinds"] == ["project"]
    assert body["total"] == body["per_kind"]["project"] == len(body["hits"])
    hit = body["hits"][0]
    assert set(hit) == {"kind", "iri", "page", "label", "context", "snippet", "marked",
                        "source", "score"}
    assert hit["page"].startswith("/project/") and hit["kind"] == "project"


@pytest.mark.parametrize("german", [False, True])
def test_search_csv_reads_back(pages, german):
    url = "/search.csv?q=Schule" + ("&sep=%3B" if german else "")
    response = pages.get(url)
    assert response.mimetype == "text/csv"
    rows = _csv_rows(response.data, german)
    assert rows[0] == ["Kind", "Name", "Belongs to", "Snippet", "IRI", "Source lines",
                       "Source"]
    frame = _frame(response.data, german)
    assert list(frame.columns) == rows[0] and len(frame) == len(rows) - 1 == 20


@pytest.mark.parametrize(("url", "status", "message"), [
    ("/search.json?q=", 400, "Please enter a word to search for."),
    ("/search.json?q=%22%2A%22", 400, "The search has no words in it, only signs: please "
     "enter a word."),
    ("/search.json?q=" + "a" * 201, 400, "The search is 201 characters long; at most 200 are "
     "searched. Please shorten it."),
    ("/search.json?q=x&kind=bogus", 400, "unknown kind 'bogus': one of project, measure, "
     "field, place, organisation, ministry"),
    ("/search.json?q=x&page=0", 400, "'page' is a whole number from 1 to 500"),
])
def test_bad_search_input_gets_a_clear_400(pages, url, status, message):
    response = pages.get(url, headers={"Accept": "application/json"})
    assert response.status_code == status
    assert response.get_json()["error"]["message"] == message


@pytest.mark.parametrize(("lang", "said"), [
    ("de", "Suchoperatoren wie '*' (bei Zeichen 7) werden nicht "
     "unterstützt; gesucht wurde nur nach den Wörtern."),
    ("en", "Search operators such as '*' (at character 7) are "
     "not supported; the words alone were searched."),
])
def test_search_notes_speak_the_interface_language(pages, lang, said):
    response = pages.get("/search.json?q=Wasser%2A", headers={"Accept-Language": lang})
    assert json.loads(response.data)["notes"] == [said]


def test_search_errors_speak_the_interface_language(pages):
    german = {"Accept": "application/json", "Accept-Language": "de"}
    response = pages.get("/search.json?q=%2A%2A", headers=german)
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "status": 400, "title": "Bad Request", "position": 0,
        "message": "Die Suche enthält keine Wörter, nur Zeichen: Bitte geben Sie ein Wort ein."}
    explorer = pages.get("/explore.json?q=%2A", headers=german)
    assert explorer.get_json()["error"]["message"] == (
        "q: Die Suche enthält keine Wörter, nur Zeichen: Bitte geben Sie ein Wort ein.")


@pytest.mark.parametrize(("url", "status", "german"), [
    ("/explore?place=zzz", 400, "place: kein Eintrag der Art „Ort“ hat im Katalog den "
     "Schlüssel 'zzz'"),
    ("/compare?ministry=mwide&ministry=nope", 400, "ministry: kein Eintrag der Art "
     "„Ministerium“ hat im Katalog den Schlüssel 'nope'"),
    ("/lists/project/99-99/measures.csv", 404, "kein Projekt hat den Code '99-99'"),
    ("/project/99-99", 404, "In diesem Graphen gibt es keinen Eintrag „Projekt 99-99“: über "
     "<https://w3id.org/ruhrgraph/project/99-99> wird nichts ausgesagt."),
])
def test_error_messages_speak_the_interface_language(pages, url, status, german):
    asked = {"Accept": "application/json", "Accept-Language": "de"}
    response = pages.get(url, headers=asked)
    assert response.status_code == status
    assert response.get_json()["error"]["message"] == german
    page = pages.get(url, headers={"Accept": "text/html", "Accept-Language": "de"})
    assert '<p class="error-message">' in page.data.decode()  # German: no lang="en" on it


def test_operators_are_searched_as_words_and_said(pages):
    body = json.loads(pages.get('/search.json?q=%22Bochum%22+NEAR+-Chemie%2A').data)
    assert body["words"] == ["Bochum", "Chemie"]
    assert body["notes"][0].startswith("Search operators such as '\"' (at character 1)")
    assert body["total"] > 0


def test_explorer_combines_filters(pages):
    body = json.loads(pages.get("/explore.json?ministry=mwide&running_in=2030").data)
    assert body["filters"] == {"ministry": "mwide", "running_in": 2030}
    assert body["total"] == len(body["rows"]) > 0
    assert {r["ministry"]["key"] for r in body["rows"]} == {"mwide"}
    counts = {v["key"]: v["count"] for v in body["facets"]["ministry"]}
    assert counts["mwide"] == body["total"]


@pytest.mark.parametrize("german", [False, True])
def test_explorer_csv_holds_exactly_the_filtered_rows(pages, german):
    url = "/explore.csv?ministry=mwide" + ("&sep=%3B" if german else "")
    expected = json.loads(pages.get("/explore.json?ministry=mwide").data)
    rows = _csv_rows(pages.get(url).data, german)
    assert rows[0] == ["Code", "Title", "Action field", "Lead ministry",
                       "Other ministries named", "Places named", "Organisations named",
                       "Start", "End", "Open-ended", "Measures", "IRI"]
    assert [r[0] for r in rows[1:]] == [r["code"] for r in expected["rows"]]
    assert {r[3] for r in rows[1:]} == {"MWIDE"}
    frame = _frame(pages.get(url).data, german)
    assert frame["Code"].tolist() == [r["code"] for r in expected["rows"]]


FIELD_SHORT = {"de": {"1": "Vernetzte Mobilität – kurze Wege",
                      "2": "Erfolgreiche Wirtschaft – gute Arbeit",
                      "3": "Gelebte Vielfalt – starker Zusammenhalt",
                      "4": "Sichere Energie – gesunde Umwelt",
                      "5": "Beste Bildung – exzellente Forschung"},
               "en": {"1": "Connected Mobility – Short Distances",
                      "2": "Successful Economy – Good Work",
                      "3": "Lived Diversity – Strong Cohesion",
                      "4": "Secure Energy – Healthy Environment",
                      "5": "Best Education – Excellent Research"}}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_explorer_names_fields_in_the_interface_language(pages, lang):
    asked = {"Accept-Language": lang}
    body = json.loads(pages.get("/explore.json", headers=asked).data)
    assert {v["key"]: v["label"] for v in body["facets"]["field"]} == FIELD_SHORT[lang]
    rows = _csv_rows(pages.get("/explore.csv?field=5", headers=asked).data)
    assert {r[2] for r in rows[1:]} == {FIELD_SHORT[lang]["5"]}
    assert len(rows) - 1 == {v["key"]: v["count"] for v in body["facets"]["field"]}["5"]


@pytest.mark.parametrize(("url", "message"), [
    ("/explore?place=zzz", "place: no place has the key 'zzz' in the catalogue"),
    ("/explore?start_from=soon", "start_from: a year from 1900 to 2200, not 'soon'"),
    ("/explore?sort=colour", "sort: one of code, title, field, ministry, start, end, "
     "measures, places, organisations"),
    ("/explore?field=1&field=2", "the parameter 'field' is given 2 times: give it once"),
])
def test_bad_explorer_input_gets_a_clear_400(pages, url, message):
    response = pages.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message


def test_explorer_text_filter_goes_through_the_search_index(pages):
    body = json.loads(pages.get("/explore.json?q=Wasserstoff").data)
    assert body["total"] >= 1
    assert all(r["code"] for r in body["rows"])


def test_explorer_page_links_each_facet_value_and_the_sparql(pages):
    html = pages.get("/explore?field=4").get_data(as_text=True)
    assert 'href="/explore?field=4&amp;place=' in html
    assert 'href="/sparql?query=' in html
    assert 'aria-current="true"' in html


@pytest.mark.parametrize("german", [False, True])
def test_a_projects_measures_download_with_headings_in_words(pages, german):
    response = pages.get("/lists/project/05-02/measures.csv" + ("?sep=%3B" if german else ""))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _csv_rows(response.data, german)
    assert rows[0] == ["Position", "Measure", "Kind", "Source line", "Source", "IRI"]
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, 13)]
    assert rows[1][5] == "https://w3id.org/ruhrgraph/measure/05-02/1"
    assert len(_frame(response.data, german)) == 12


def test_a_canned_query_csv_for_german_spreadsheets(pages):
    plain = _csv_rows(pages.get("/queries/projects-per-field.csv").data)
    response = pages.get("/queries/projects-per-field.csv?sep=%3B")
    assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
    assert _csv_rows(response.data, german=True) == plain
    assert len(plain) == 6 and plain[0] == ["Action field (Link)", "No.", "Action field",
                                            "Projects"]
    page = pages.get("/queries/projects-per-field").data.decode()
    assert 'href="/queries/projects-per-field.csv?sep=%3B"' in page


def test_a_projects_mentions_download(pages):
    body = json.loads(pages.get("/lists/project/05-02/mentions.json").data)
    named = {(m["named"], m["name"]) for m in body["mentions"]}
    assert ("Place", "Bochum") in named and ("Organisation", "Start4Chem") in named
    lines = [m["line"] for m in body["mentions"]]
    assert lines == sorted(lines)
    rows = _csv_rows(pages.get("/lists/project/05-02/mentions.csv").data)
    assert len(rows) - 1 == len(body["mentions"]) == 7


@pytest.mark.parametrize(("url", "status"), [
    ("/lists/project/99-99/measures.csv", 404), ("/lists/project/05-02/colours.csv", 404),
    ("/lists/project/05-02/measures.xls", 404)])
def test_unknown_lists_are_404(pages, url, status):
    assert pages.get(url).status_code == status


def test_compare_places_side_by_side(pages):
    body = json.loads(pages.get("/compare.json?place=05112000&place=05911000").data)
    assert body["kind"] == "place" and body["by"] == "field"
    duisburg, bochum = body["compared"]
    assert (duisburg["label"], bochum["label"]) == ("Duisburg", "Bochum")
    assert duisburg["projects"] == ["11-01", "19-01", "19-02"]
    assert sum(duisburg["counts"].values()) == len(duisburg["projects"])
    assert body["shared"] == sorted(set(duisburg["projects"]) & set(bochum["projects"]))
    html = pages.get("/compare?place=05112000&place=05911000").get_data(as_text=True)
    assert "Projects they share" in html and ">Duisburg<" in html


def test_compare_fields_counts_by_ministry(pages):
    body = json.loads(pages.get("/compare.json?field=1&field=4").data)
    assert body["by"] == "ministry"
    assert body["compared"][0]["counts"] == {"vm": 6} and body["shared"] == []


@pytest.mark.parametrize(("url", "message"), [
    ("/compare?place=05112000", "compare 2 to 6 different places, not 1"),
    ("/compare?place=05112000&ministry=mwide", "compare one kind: give two or more of "
     "place=, ministry=, field= or organisation= (e.g. ?place=05112000&place=05911000)"),
    ("/compare?ministry=mwide&ministry=nope", "ministry: no ministry has the key 'nope' in "
     "the catalogue"),
])
def test_bad_comparisons_get_a_clear_400(pages, url, message):
    response = pages.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message


def test_the_compare_chooser_offers_every_kind(pages):
    html = pages.get("/compare").get_data(as_text=True)
    for kind in ("place", "organisation", "ministry", "field"):
        assert f'name="{kind}" value=' in html
