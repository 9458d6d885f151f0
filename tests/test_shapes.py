"""ontology/shapes.ttl catches what it is meant to catch.

Each test breaks the hand-made graph in one way and expects exactly the violation the
shapes promise (focus node and path); the unbroken graph conforms. The real graph's
conformance is tested in test_build.py.
"""

from __future__ import annotations

import pytest
from handmade import BASE, GEO, OA, SCHEMA, nquads
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, TIME

from ruhrgraph import store
from ruhrgraph.graph.validate import validate
from ruhrgraph.namespaces import RG

P = URIRef(BASE + "project/13-01")
M = URIRef(BASE + "measure/13-01/1")
D = URIRef(BASE + "duration/10-01")
BOCHUM = URIRef(BASE + "place/05911000")


@pytest.fixture(scope="module")
def text() -> str:
    return nquads()


@pytest.fixture
def graph(text):
    return store.rdflib_graph(text)


def found(graph) -> set[tuple[str, str | None]]:
    return {(v.focus, v.path) for v in validate(graph, base=BASE)}


def test_the_hand_made_graph_conforms(graph):
    assert validate(graph, base=BASE) == []


def test_a_project_without_code(graph):
    graph.remove((P, DCTERMS.identifier, None))
    assert found(graph) == {("base:project/13-01", "dcterms:identifier")}


def test_a_project_with_a_malformed_code(graph):
    graph.set((P, DCTERMS.identifier, Literal("13-1")))
    assert found(graph) == {("base:project/13-01", "dcterms:identifier")}


def test_a_project_with_two_lead_ministries(graph):
    graph.add((P, RG.leadMinistry, URIRef(BASE + "ministry/msb")))
    assert found(graph) == {("base:project/13-01", "rg:leadMinistry")}


def test_a_lead_ministry_that_is_no_ministry(graph):
    graph.set((P, RG.leadMinistry, URIRef(BASE + "organisation/rub")))
    assert found(graph) == {("base:project/13-01", "rg:leadMinistry")}


def test_a_project_without_action_field_description_or_duration(graph):
    for path in (RG.actionField, DCTERMS.description, DCTERMS.temporal):
        graph.remove((P, path, None))
    assert found(graph) == {("base:project/13-01", "rg:actionField"),
                            ("base:project/13-01", "dcterms:description"),
                            ("base:project/13-01", "dcterms:temporal")}


def test_a_project_without_title(graph):
    graph.remove((P, DCTERMS.title, None))
    assert found(graph) == {("base:project/13-01", "dcterms:title")}


def test_a_project_without_measures(graph):
    project = URIRef(BASE + "project/10-01")
    measure = URIRef(BASE + "measure/10-01/1")
    graph.remove((project, RG.hasMeasure, None))
    assert ("base:project/10-01", "rg:hasMeasure") in found(graph)
    graph.remove((measure, None, None))
    assert found(graph) >= {("base:project/10-01", "rg:hasMeasure")}


def test_a_measure_without_position_or_with_a_bad_kind(graph):
    graph.remove((M, SCHEMA.position, None))
    graph.set((M, RG.measureKind, Literal("bullet")))
    assert found(graph) == {("base:measure/13-01/1", "schema:position"),
                            ("base:measure/13-01/1", "rg:measureKind")}


def test_a_duration_with_neither_end_nor_open_end(graph):
    graph.set((D, RG.openEnded, Literal(False)))
    assert found(graph) == {("base:duration/10-01", None)}


def test_a_duration_that_lost_its_text(graph):
    graph.remove((D, RG.durationText, None))
    assert found(graph) == {("base:duration/10-01", "rg:durationText")}


def test_a_place_without_ags_or_point(graph):
    graph.remove((BOCHUM, RG.ags, None))
    geometry = graph.value(BOCHUM, GEO.hasGeometry)
    graph.remove((geometry, GEO.asWKT, None))
    assert found(graph) == {("base:place/05911000", "rg:ags"),
                            ("base:place/05911000", "geo:hasGeometry"),
                            ("base:place/05911000#geometry", "geo:asWKT")}


def test_a_place_off_the_globe(graph):
    graph.set((BOCHUM, SCHEMA.latitude, Literal("123.4", datatype=XSD.decimal)))
    assert found(graph) == {("base:place/05911000", "schema:latitude")}


def mention_passage(graph) -> URIRef:
    annotation = next(graph.objects(P, RG.hasMention))
    return graph.value(annotation, OA.hasTarget)


def test_a_mention_without_target(graph):
    annotation = next(graph.objects(P, RG.hasMention))
    graph.remove((annotation, OA.hasTarget, None))
    name = "base:" + str(annotation)[len(BASE):]
    assert found(graph) == {(name, "oa:hasTarget")}


def test_a_mention_without_offsets(graph):
    passage = mention_passage(graph)
    chars = URIRef(str(passage).replace("#passage", "#chars"))
    graph.remove((passage, OA.hasSelector, chars))
    graph.remove((chars, None, None))
    annotation = "base:" + str(passage)[len(BASE):].split("#")[0]
    # the outer result and pySHACL's details of the nested passage shape
    assert found(graph) == {(annotation, "oa:hasTarget"),
                            (annotation + "#passage", "oa:hasSelector"),
                            (annotation + "#passage", "oa:hasSelector/rdf:type")}


def test_a_passage_with_two_character_ranges(graph):
    passage = mention_passage(graph)
    extra = URIRef(str(passage).replace("#passage", "#chars2"))
    graph.add((passage, OA.hasSelector, extra))
    graph.add((extra, RDF.type, OA.TextPositionSelector))
    graph.add((extra, OA.start, Literal(1, datatype=XSD.integer)))
    graph.add((extra, OA.end, Literal(2, datatype=XSD.integer)))
    annotation = "base:" + str(passage)[len(BASE):].split("#")[0]
    assert found(graph) == {(annotation, "oa:hasTarget"),
                            (annotation + "#passage", "oa:hasSelector")}


def test_a_selector_with_two_kinds(graph):
    passage = mention_passage(graph)
    chars = URIRef(str(passage).replace("#passage", "#chars"))
    graph.add((chars, RDF.type, OA.FragmentSelector))
    focus = "base:" + str(chars)[len(BASE):]
    assert (focus, "rdf:type") in found(graph)


def test_a_project_passage_with_a_second_line_range(graph):
    passage = URIRef(str(P) + "#passage")
    extra = URIRef(str(P) + "#lines2")
    graph.add((passage, OA.hasSelector, extra))
    graph.add((extra, RDF.type, OA.FragmentSelector))
    graph.add((extra, DCTERMS.conformsTo, URIRef("http://tools.ietf.org/rfc/rfc5147")))
    graph.add((extra, RDF.value, Literal("line=1,2")))
    assert found(graph) == {("base:project/13-01", "prov:wasDerivedFrom"),
                            ("base:project/13-01#passage", "oa:hasSelector")}


def test_offsets_that_run_backwards(graph):
    passage = mention_passage(graph)
    chars = URIRef(str(passage).replace("#passage", "#chars"))
    graph.set((chars, OA.start, Literal(10**6, datatype=XSD.integer)))
    focus = "base:" + str(chars)[len(BASE):]
    assert (focus, "oa:start") in found(graph)


def test_a_mention_of_something_that_is_no_entity(graph):
    annotation = next(graph.objects(P, RG.hasMention))
    graph.set((annotation, OA.hasBody, URIRef(BASE + "duration/13-01")))
    name = "base:" + str(annotation)[len(BASE):]
    assert found(graph) == {(name, "oa:hasBody")}


def test_a_measure_without_source(graph):
    graph.remove((M, PROV.wasDerivedFrom, None))
    assert found(graph) == {("base:measure/13-01/1", "prov:wasDerivedFrom")}


def test_a_source_without_checksum(graph):
    source = next(graph.subjects(RDF.type, SCHEMA.DigitalDocument))
    graph.remove((source, URIRef("http://spdx.org/rdf/terms#checksum"), None))
    assert found(graph) == {("base:" + str(source)[len(BASE):], "spdx:checksum")}


def test_an_instant_with_a_bad_year(graph):
    beginning = graph.value(D, TIME.hasBeginning)
    graph.set((beginning, TIME.inXSDgYear, Literal("2020")))
    assert found(graph) == {("base:duration/10-01", "time:hasBeginning"),
                            ("base:duration/10-01#beginning", "time:inXSDgYear")}


def test_violations_read_well(graph):
    graph.remove((P, DCTERMS.identifier, None))
    (violation,) = validate(graph, base=BASE, where=lambda iri: "catalogue.txt:5")
    text = str(violation)
    assert text.startswith("catalogue.txt:5: base:project/13-01 dcterms:identifier: ")
    assert "a project has exactly one code like 13-01" in text
    assert text.endswith("[Violation of rgsh:Project]")


def test_a_place_abroad_needs_no_ags(graph):
    # a schema:City abroad (no rg:Municipality, no rg:District) conforms without an AGS
    for cls in (RG.IndependentCity, RG.Municipality):
        graph.remove((BOCHUM, RDF.type, cls))
    graph.add((BOCHUM, RDF.type, SCHEMA.City))
    graph.remove((BOCHUM, RG.ags, None))
    assert found(graph) == set()


def test_the_region_and_programme_link_methods(graph):
    mention = next(graph.subjects(RG.linkMethod, None))
    for method in ("region", "programme"):
        graph.set((mention, RG.linkMethod, Literal(method)))
        assert found(graph) == set()
    graph.set((mention, RG.linkMethod, Literal("guess")))
    assert {path for _, path in found(graph)} == {"rg:linkMethod"}
