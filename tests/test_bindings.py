"""Values bound into our queries as an inline VALUES block: every value comes back exactly as
it went in, whatever it holds, and the block lands in the query's own WHERE group."""

from __future__ import annotations

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruhrgraph import store
from ruhrgraph.query.bindings import inline_values, term_syntax

EMPTY = store.ReadStore(pyoxigraph.Store())
ECHO = "SELECT ?x WHERE { }"
HOSTILE = ['"', "\\", '" } ; DROP ALL ; #', "\\u0022 } #", "\\\\u0022", "'''", '"""', "\n}\n",
           "\r\t\b\f", "\x00\x01\x1f\x7f", "?x", "$x", "} UNION { ?s ?p ?o }", "# comment",
           "<http://example.org/>", "Ä ß € 𝄞 ", "\u2028\u2029", ""]


def echo(term) -> object:
    names, rows = store.solutions(EMPTY.evaluate(inline_values(ECHO, {"x": term})))
    assert names == ["x"] and len(rows) == 1
    return rows[0]["x"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_come_back_unchanged(text):
    for term in (store.literal(text), store.literal(text, language="de-DE"),
                 store.literal(text, datatype="http://example.org/type")):
        assert echo(term) == term


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_string_comes_back_unchanged(text):
    assert echo(store.literal(text)) == store.literal(text)


def test_numbers_and_iris():
    for term in (store.literal(2025), store.literal(-3), store.literal(1.5),
                 store.literal(True), store.iri("https://w3id.org/ruhrgraph/project/05-02"),
                 store.iri("urn:x:%22%7D")):
        assert echo(term) == term


def test_only_writable_terms_are_written():
    with pytest.raises(ValueError):
        term_syntax(pyoxigraph.BlankNode("b"))
    with pytest.raises(ValueError):  # pyoxigraph itself refuses what would end an IRI
        store.iri("http://x> } ")
    with pytest.raises(ValueError, match="bad variable"):
        inline_values(ECHO, {"x y": store.literal(1)})
    with pytest.raises(ValueError, match="no WHERE group"):
        inline_values("DESCRIBE <http://example.org/>", {"x": store.literal(1)})


@pytest.mark.parametrize("query", [
    "SELECT ?x ?y WHERE { BIND(?x + 1 AS ?y) }",
    "PREFIX ex: <http://example.org/x#>\n# a { in a comment\nSELECT ?x ?y\n{ BIND(?x + 1 AS ?y) }",
    "SELECT ?x (?x + 1 AS ?y) WHERE { FILTER(\"{\" != \"}\") }",
    "SELECT ?x ?y WHERE { { SELECT (1 AS ?z) {} } BIND(?x + ?z AS ?y) }",
    "SELECT ?x ?y WHERE { VALUES ?y { 42 } }",
])
def test_the_block_opens_the_where_group(query):
    _, rows = store.solutions(EMPTY.evaluate(inline_values(query, {"x": store.literal(41)})))
    assert rows[0]["x"] == store.literal(41) and rows[0]["y"] == store.literal(42)


def test_construct_template_is_skipped():
    query = "CONSTRUCT { ?x <http://e/p> ?x } WHERE { }"
    result = EMPTY.evaluate(inline_values(query, {"x": store.iri("http://e/a")}))
    assert result.body == b"<http://e/a> <http://e/p> <http://e/a> .\n"


def test_a_sequence_binds_several_rows():
    query = "SELECT ?x ?y WHERE { }"
    bound = {"x": [store.literal(1), store.literal(2)], "y": store.literal("a")}
    _, rows = store.solutions(EMPTY.evaluate(inline_values(query, bound)))
    assert sorted((int(r["x"].value), r["y"].value) for r in rows) == [(1, "a"), (2, "a")]
    _, rows = store.solutions(EMPTY.evaluate(inline_values(query, {"x": []})))
    assert rows == []
