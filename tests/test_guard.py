"""The guard's tokenizer: keywords found however they are written, never inside literals,
comments or IRIs; updates refused; non-deterministic queries not cached."""

from __future__ import annotations

import pytest

from ruhrgraph.query.guard import Refused, _quick, analyse, dataset_iri_ok

ALLOWED = frozenset({"https://query.wikidata.org/sparql"})


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
    "select * where { service <http://evil.example/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://evil.example/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE{SERVICE<http://evil.example/sparql>{?s ?p ?o}}",
    "SELECT * { { SELECT ?s { OPTIONAL { { SeRvIcE <http://evil.example/> { ?s ?p ?o } } } } } }",
    "SELECT * { FILTER EXISTS { SERVICE <http://evil.example/> { ?s ?p ?o } } }",
    "PREFIX e: <http://evil.example/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
    "PREFIX : <http://evil.example/> SELECT * { SERVICE:sparql { ?s ?p ?o } }",
    "PREFIX x: <http://evil.example/> SELECT * { SERVICEx:y { ?s ?p ?o } }",
    "SELECT * { VALUES ?e { <http://evil.example/> } SERVICE ?e { ?s ?p ?o } }",
    "SELECT * { SERVICE <relative> { ?s ?p ?o } }",
    # '<' is less-than here: the quote opens a string, the SERVICE after it is real.
    "SELECT * { ?s ?p ?o FILTER(?o<'>x') SERVICE <http://evil.example/> { ?s ?p ?o } }",
    "SELECT * { { SELECT ?a (?a<'>x' AS ?c) { ?a ?b ?c } } SERVICE <http://evil.example/> {} }",
    "PREFIX : <http://evil.example/> SELECT * { ?s ?p ?o FILTER(?o<?p)SERVICE:x#>\n{ } }",
    # A prefixed name with an escaped quote does not open a string.
    r"PREFIX ex: <http://e/> SELECT * { ?s ex:a\' ?o SERVICE <http://evil.example/> {} } # '",
    "SELECT * { SERVICE <https://query.wikidata.org/sparql> { SERVICE <http://evil.example/> "
    "{ } } }",
])
def test_service_refused(query):
    with pytest.raises(Refused) as refused:
        analyse(query, ALLOWED)
    assert refused.value.status == 403
    assert "SERVICE" in refused.value.message


@pytest.mark.parametrize("query", [
    'SELECT * { ?s ?p "SERVICE <http://evil.example/> { }" }',
    "SELECT * { ?s ?p '''multi\nline SERVICE <http://evil.example/> {} ''' }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://evil.example/> { }",
    "SELECT * { ?s <http://example.org/service> ?service }",
    "PREFIX ex: <http://example.org/> SELECT * { ?s ex:SERVICE ?o }",
    "SELECT * { VALUES (?a ?b) { (<http://x/service> <http://y/service>) } }",
    "SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
])
def test_the_word_elsewhere_is_fine(query):
    assert analyse(query).services == ()


def test_allow_listed_service():
    query = ("PREFIX wd: <https://query.wikidata.org/> SELECT * { "
             "SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } "
             "SERVICE wd:sparql { ?s ?p ?o } }")
    assert analyse(query, ALLOWED).services == ("https://query.wikidata.org/sparql",) * 2


@pytest.mark.parametrize(("query", "word"), [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT"),
    ("PREFIX a: <urn:a> delete where { ?s ?p ?o }", "DELETE"),
    ("LOAD <file:///etc/passwd>", "LOAD"),
    ("load <http://example.org/data.ttl> INTO GRAPH <urn:g>", "LOAD"),
    ("CLEAR ALL", "CLEAR"), ("DROP GRAPH <urn:g>", "DROP"), ("CREATE GRAPH <urn:g>", "CREATE"),
    ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ("ADD <urn:a> TO <urn:b>", "ADD"), ("COPY DEFAULT TO <urn:b>", "COPY"),
    ("MOVE <urn:a> TO <urn:b>", "MOVE"),
])
def test_updates_refused(query, word):
    with pytest.raises(Refused) as refused:
        analyse(query)
    assert refused.value.status == 403
    assert word in refused.value.message


def test_load_inside_a_query_is_refused():
    with pytest.raises(Refused):
        analyse("SELECT * { ?s ?p ?o } LOAD <http://example.org/x>")


@pytest.mark.parametrize(("query", "form"), [
    ("PREFIX a: <urn:a> BASE <http://x/> SELECT * {}", "SELECT"),
    ("# comment\nask {}", "ASK"), ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <urn:x>", "DESCRIBE"), ("SELEKT * {}", None), ("", None),
])
def test_form(query, form):
    assert analyse(query).form == form


@pytest.mark.parametrize("function", ["RAND()", "NOW()", "UUID()", "STRUUID()", "BNODE()",
                                      "rand()"])
def test_nondeterministic_not_cacheable(function):
    assert not analyse(f"SELECT ({function} AS ?x) {{}}").cacheable
    assert analyse('SELECT ("RAND()" AS ?x) {}').cacheable


def test_normalised_ignores_layout_and_comments_only():
    # 'from' (in a comment) sends these through the tokenizer, which drops layout.
    a = analyse("SELECT ?s\nWHERE { ?s ?p 'a  b' } # from x")
    b = analyse("SELECT   ?s WHERE {\n  ?s ?p 'a  b'\n} # from y")
    c = analyse("SELECT ?s WHERE { ?s ?p 'a b' } # from z")
    assert a.normalised == b.normalised != c.normalised


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ?p ?o }",
    "# a comment\nPREFIX ex: <http://e/>\nPREFIX : <http://f/> BASE <http://b/>\n"
    "construct { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_quick_path_without_trigger_words(query):
    assert _quick(query) is not None
    analysis = analyse(query)
    assert analysis.normalised == query  # the exact text is the key
    assert analysis.cacheable and analysis.services == () and not analysis.has_dataset


@pytest.mark.parametrize("query", [
    "SELECT * { SERVICE <http://x/> {} }", "SELECT * { ſervice <http://x/> {} }",
    "SELECT * FROM <urn:g> {}", "SELECT (NOW() AS ?n) {}", "SELECT (sTrUuId() AS ?n) {}",
    "select * { ?s ?p 'load' }", "SELECT * " + "{" * 129 + "}" * 129,
    "VERSION '1.2' SELECT * {}", "SELECT:x {}",
])
def test_tokenizer_runs_when_anything_could_matter(query):
    assert _quick(query) is None


def test_from_is_a_dataset():
    assert analyse("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }").has_dataset
    assert not analyse("SELECT * WHERE { ?s <urn:from> 'FROM' }").has_dataset


def test_dataset_iris():
    assert dataset_iri_ok("https://w3id.org/ruhrgraph/graph/catalogue")
    assert dataset_iri_ok("urn:x:y")
    assert not dataset_iri_ok("file:///etc/passwd")
    assert not dataset_iri_ok("ftp://example.org/x")
