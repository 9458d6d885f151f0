"""Search: analysis (stems, folding, refused input) and the index over the real build."""

import pytest

from ruhrgraph.search import Index, SearchInputError, parse_query, write_index
from ruhrgraph.search.analysis import stem
from ruhrgraph.search.documents import Document, documents
from ruhrgraph.search.index import snippet
from ruhrgraph.store import ReadStore


@pytest.fixture(scope="module")
def index(built_graph, tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "search.sqlite"
    store = ReadStore.open(built_graph.store)
    assert write_index(path, documents(store)) == 500
    return Index(path)


@pytest.mark.parametrize(("one", "other"), [
    ("Wasserstoffs", "Wasserstoff"), ("Digitalisierungen", "Digitalisierung"),
    ("Straße", "Strasse"), ("Schüler", "Schueler"), ("Förderung", "Foerderung"),
    ("Städte", "Staedte"), ("DUISBURG", "duisburg"),
])
def test_inflected_and_folded_forms_share_a_stem(one, other):
    assert stem(one) == stem(other)


@pytest.mark.parametrize(("text", "message"), [
    ("", "Please enter a word to search for."),
    ("   ", "Please enter a word to search for."),
    ('"*" - ()', "The search has no words in it, only signs: please enter a word."),
])
def test_unsearchable_input_is_refused_with_a_message(text, message):
    with pytest.raises(SearchInputError) as caught:
        parse_query(text)
    assert caught.value.message == message


def test_overlong_input_is_refused_with_its_length_and_position():
    with pytest.raises(SearchInputError) as caught:
        parse_query("Wasser " * 40)
    assert caught.value.message == ("The search is 279 characters long; at most 200 are "
                                    "searched. Please shorten it.")
    assert caught.value.position == 200


@pytest.mark.parametrize(("text", "words", "operator"), [
    ('"Wasserstoff"', ("Wasserstoff",), '"'),
    ("Wasser*", ("Wasser",), "*"),
    ("Bochum NEAR Chemie", ("Bochum", "Chemie"), "NEAR"),
    ("-Essen", ("Essen",), "-"),
    ("(Schule OR Bildung", ("Schule", "Bildung"), "("),
])
def test_operators_are_dropped_and_said(text, words, operator):
    query = parse_query(text)
    assert query.words == words
    assert query.notes[0].kind == "operator"
    assert query.notes[0].message.startswith(
        f"Search operators such as {operator!r} (at character")


def test_inflected_query_finds_the_word(index):
    results = index.search(parse_query("Wasserstoffs"))
    assert results.total >= 1
    assert any("Wasserstoff" in text for h in results.hits for text, marked in h.snippet
               if marked)


def test_hits_carry_kind_snippet_and_source_lines(index):
    results = index.search(parse_query("Digitalisierungen"))
    assert results.per_kind == {"field": 1, "measure": 3, "ministry": 1, "project": 1}
    assert results.total == 6
    measure = next(h for h in results.hits if h.kind == "measure")
    assert measure.iri.startswith("https://w3id.org/ruhrgraph/measure/")
    assert measure.first_line > 0 and measure.source.startswith(
        "https://w3id.org/ruhrgraph/source/")
    assert next(t for t, marked in measure.snippet if marked).startswith("Digitalisierung")


def test_a_code_finds_its_project_first(index):
    assert index.search(parse_query("05-02")).hits[0].iri.endswith("/project/05-02")


def test_kind_filter_and_paging(index):
    query = parse_query("Schule")
    everything = index.search(query, limit=100)
    projects = index.search(query, kinds=["project"], limit=100)
    assert projects.total == everything.per_kind["project"] == len(projects.hits)
    assert {h.kind for h in projects.hits} == {"project"}
    pages = [index.search(query, limit=5, offset=o).hits for o in range(0, everything.total, 5)]
    assert [h.iri for page in pages for h in page] == [h.iri for h in everything.hits]


def test_no_document_with_every_word_falls_back_to_any_word(index):
    results = index.search(parse_query("Wasserstoff Gysenbergpark"))
    assert results.any_word and results.total >= 2


def test_folded_spellings_find_the_same(tmp_path):
    path = tmp_path / "s.sqlite"
    write_index(path, [Document("urn:x:1", "project", "Straßenbau", "Straßenbau",
                                "Schülerinnen bauen Straßen", keys="99-01")])
    index = Index(path)
    for text in ("Strasse", "Straße", "strassen", "Schuelerin"):
        assert [h.iri for h in index.search(parse_query(text)).hits] == ["urn:x:1"], text


def test_snippet_marks_words_and_elides():
    text = " ".join(f"w{i}" for i in range(60)) + " Wasserstoff " + " ".join(
        f"v{i}" for i in range(60))
    pieces = snippet(text, [stem("Wasserstoff")], size=10)
    assert pieces[0] == ("…", False) and pieces[-1] == ("…", False)
    assert ("Wasserstoff", True) in pieces
