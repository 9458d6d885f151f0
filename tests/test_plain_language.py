"""Plain language (issue 13, point 4): canned-query results have headings in words in both
languages and no repeated columns; the header's ``columns`` map is checked at load; CSV and
JSON use the words, TSV and SPARQL JSON keep the variables; resource pages lead with what a
person wants and fold the RDF details; counts of places and organisations say what they are.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from conftest import ROOT, pages_app

from ruhrgraph.query import canned

QUERIES = canned.load_all()
HEAD = "#+ title: x\n#+ description: y\n#+ theme: z\n"
BODY = ("SELECT ?project ?title WHERE { ?project "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?title }\n")


@pytest.fixture(scope="module")
def de(built_graph):
    return pages_app(built_graph.build_dir, interface_language="de").test_client()


@pytest.fixture(scope="module")
def en(built_graph):
    return pages_app(built_graph.build_dir, interface_language="en").test_client()


@pytest.mark.parametrize(("columns", "line", "message"), [
    ("#+   nope: {de: A, en: B}\n", 5, "'nope' is no variable"),
    ("#+   title: {de: Titel}\n", 5, "both de and en"),
    ("#+   title: {de: Titel, en: Title, colour: red}\n", 5, "must be"),
    ("#+   title: {de: Titel, en: Title}\n#+   project: {link_for: nothing}\n", 6,
     "link for 'nothing'"),
    ("#+   project: {link_for: title}\n", 5, "link for 'title'"),
])
def test_bad_columns_are_refused_with_file_and_line(tmp_path, columns, line, message):
    path = tmp_path / "cols.rq"
    path.write_text(HEAD + "#+ columns:\n" + columns + BODY, encoding="utf-8")
    with pytest.raises(canned.CannedQueryError, match=rf"cols\.rq:{line}: .*{message}"):
        canned.load(path)


def test_columns_and_german_texts_are_read(tmp_path):
    path = tmp_path / "cols.rq"
    path.write_text("#+ title: x\n#+ title_de: X auf Deutsch\n#+ description: y\n"
                    "#+ description_de: Y auf Deutsch\n#+ theme: z\n#+ columns:\n"
                    "#+   project: {link_for: title}\n#+   title: {de: Titel, en: Title}\n"
                    + BODY, encoding="utf-8")
    query = canned.load(path)
    assert query.title_in("de") == "X auf Deutsch" and query.title_in("en") == "x"
    assert query.description_in("de") == "Y auf Deutsch"
    assert query.heading("title", "de") == "Titel" and query.heading("title", "en") == "Title"
    assert query.heading("project", "en") == "Title (Link)"
    assert query.links() == {"title": "project"}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_column_of_every_query_has_words_in_both_languages(de, en, query):
    for client, lang in ((de, "de"), (en, "en")):
        body = client.get(f"/queries/{query.name}.json").get_json()
        assert body["language"] == lang
        assert set(body["headings"]) == set(body["rows"][0]) if body["rows"] else True
        for name, heading in body["headings"].items():
            assert heading != name, (query.name, name)
    assert query.title_de and query.description_de, query.name
    assert all(p.label_de for p in query.params), query.name


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_page_table_speaks_in_words_and_folds_links(de, query):
    page = de.get(f"/queries/{query.name}", headers={"Accept": "text/html"}).text
    assert f"<h1>{query.title_de}</h1>" in page
    heads = re.findall(r'<th scope="col" data-variable="([^"]+)">([^<]+)</th>', page)
    if not heads:  # no rows
        return
    shown = [name for name, _ in heads]
    assert not any(c.link_for and c.name in shown for c in query.columns.values())
    for name, words in heads:
        assert words == query.heading(name, "de")
        assert words != name
    for label in query.links():
        if label in shown:  # the label's cells link to what the IRI column held
            assert re.search(r'<td title="https?://[^"]+"><a class="iri" href="', page)


def test_title_cell_links_to_the_project(en):
    page = en.get("/queries/projects-active-in-year?year=2031",
                  headers={"Accept": "text/html"}).text
    heads = re.findall(r'data-variable="([^"]+)">([^<]+)<', page)
    assert heads[:3] == [("code", "Code"), ("title", "Project"), ("start", "Start")]
    assert re.search(r'<a class="iri" href="/project/\d\d-\d\d"[^>]*>[^<]+</a>', page)
    assert "Found as written" not in page


def test_downloads_in_words_and_for_machines(de, en):
    path = "/queries/projects-active-in-year"
    head_de = next(csv.reader(io.StringIO(de.get(path + ".csv?year=2031").text)))
    head_en = next(csv.reader(io.StringIO(en.get(path + ".csv?year=2031").text)))
    assert head_de == ["Jahr", "Projekt (Link)", "Kennung", "Projekt", "Beginn", "Ende",
                       "läuft weiter"]
    assert head_en == ["Year", "Project (Link)", "Code", "Project", "Start", "End", "Runs on"]
    assert de.get(path + ".json?year=2031").get_json()["headings"]["openEnded"] == \
        "läuft weiter"
    tsv = de.get(path + ".tsv?year=2031").text.splitlines()[0]
    assert tsv.split("\t")[:3] == ["?year", "?project", "?code"]
    assert de.get(path + ".srj?year=2031").get_json()["head"]["vars"][:2] == ["year", "project"]
    page = de.get(path, headers={"Accept": "text/html"}).text
    assert "TSV und SPARQL JSON" in page  # the page says which downloads use words


def test_index_and_form_in_german(de):
    index = de.get("/queries").text
    assert "Projekte, die in einem Jahr laufen" in index and "<h2" in index
    assert "Zeit" in index
    page = de.get("/queries/search", headers={"Accept": "text/html"}).text
    assert '<label for="param-text">Wörter</label>' in page
    assert "So gefunden, wie geschrieben" in page


def test_chart_legend_uses_the_headings(en):
    page = en.get("/queries/projects-per-field", headers={"Accept": "text/html"}).text
    assert "Each bar: Action field; its length: Projects." in page


def test_docs_name_the_columns():
    docs = (ROOT / "docs" / "queries.md").read_text("utf-8")
    assert "`openEnded` Runs on (läuft weiter)" in docs


@pytest.mark.parametrize("path", ["/project/05-02", "/place/05911000", "/organisation/correctiv",
                                  "/field/1"])
def test_resource_pages_lead_with_content_and_fold_the_rdf(en, path):
    page = en.get(path, headers={"Accept": "text/html"}).text
    folded = page.index('<details class="rdf-details"')
    for rdf in ("All properties", 'class="iri-line"', 'class="formats"',
                "Links to this resource"):
        assert page.index(rdf) > folded, (path, rdf)
    assert page.index("<h1") < folded
    main = page[page.index("<h1"):folded]
    assert "<h2" in main  # what a person wants comes first


def test_counts_of_places_and_organisations_say_what_they_are(en):
    notes = ("not confirmed", "no claim that it takes part")
    for path in ("/", "/places", "/organisations", "/explore", "/project/05-02",
                 "/place/05911000", "/queries/cities-ranked", "/queries/shared-organisations"):
        text = en.get(path, headers={"Accept": "text/html"}).text
        assert any(note in text for note in notes), path
