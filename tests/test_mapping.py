"""The mapping on hand-made records: every entity, relation and provenance link, exactly.

These records are written by hand (not by the reader), so the tests pin the mapping's own
behaviour: IRIs from keys, the model of docs/model.md, the source selectors, the errors.
"""

from __future__ import annotations

import re

import pytest
from handmade import (
    BASE,
    DCAT,
    GEO,
    OA,
    ORG,
    SCHEMA,
    SPDX,
    TEXT,
    G,
    build_info,
    lines_span,
    make_linked,
    make_reference,
    mention,
    span,
    to_dataset,
)
from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS, TIME

from ruhrgraph.build import scale
from ruhrgraph.graph import checks, mapping, provenance
from ruhrgraph.graph.nquads import lit
from ruhrgraph.iris import Iris
from ruhrgraph.namespaces import RG
from ruhrgraph.records import EntityLink, Finding, LinkedCatalogue, LinkedProject, Mention


@pytest.fixture(scope="module")
def linked() -> LinkedCatalogue:
    return make_linked()


@pytest.fixture(scope="module")
def nquads(linked) -> str:
    chunks = list(mapping.catalogue_chunks(linked, make_reference(), Iris(BASE)))
    return "".join(chunks) + provenance.meta(build_info(linked.catalogue.source_sha256), Iris(BASE))


@pytest.fixture(scope="module")
def graph(nquads):
    return to_dataset(nquads).graph(G)


def u(path: str) -> URIRef:
    return URIRef(BASE + path)


def test_hand_made_spans_are_right():
    assert TEXT[span("Essen").start:span("Essen").end] == "Essen"
    assert lines_span(5, 8).line_start == 5 and TEXT[lines_span(5, 8).start] == "#"


def test_project_core_facts(graph):
    p = u("project/13-01")
    assert set(graph.objects(p, RDF.type)) == {RG.Project, SCHEMA.Project, PROV.Entity}
    assert graph.value(p, DCTERMS.identifier) == Literal("13-01")
    assert graph.value(p, DCTERMS.title) == Literal("Projekt A", lang="de")
    assert graph.value(p, RDFS.label) == Literal("Projekt A", lang="de")
    assert graph.value(p, SKOS.altLabel) == Literal("Projekt A (alt)", lang="de")
    assert graph.value(p, DCTERMS.description) == Literal(
        'In Bochum mit der Ruhr-Universität Bochum, "Zitat" \\ und MSB.', lang="de")
    assert graph.value(p, RG.leadMinistry) == u("ministry/vm")
    assert graph.value(p, RG.actionField) == u("field/1")
    assert graph.value(p, DCTERMS.isPartOf) == u("programme/ruhr-konferenz")
    assert (u("programme/ruhr-konferenz"), DCTERMS.hasPart, p) in graph
    assert graph.value(p, DCTERMS.temporal) == u("duration/13-01")
    # no TOC variant where it equals the title
    assert graph.value(u("project/10-01"), SKOS.altLabel) is None


def test_measures_are_ordered_and_point_back(graph):
    p = u("project/13-01")
    measures = sorted(graph.objects(p, RG.hasMeasure))
    assert measures == [u("measure/13-01/1"), u("measure/13-01/2")]
    m2 = u("measure/13-01/2")
    assert set(graph.objects(m2, RDF.type)) == {RG.Measure, SCHEMA.PlanAction, PROV.Entity}
    assert graph.value(m2, SCHEMA.position) == Literal(2, datatype=XSD.integer)
    assert graph.value(m2, RDFS.label) == Literal("Zweite Maßnahme in Essen", lang="de")
    assert graph.value(m2, RG.measureKind) == Literal("step")
    assert graph.value(m2, RG.listMarker) == Literal("2.")
    assert graph.value(u("measure/13-01/1"), RG.listMarker) is None
    assert graph.value(m2, DCTERMS.isPartOf) == p


def test_duration_closed_and_open(graph):
    d = u("duration/13-01")
    assert {TIME.ProperInterval, DCTERMS.PeriodOfTime} <= set(graph.objects(d, RDF.type))
    assert graph.value(d, RG.durationText) == Literal("2020 bis 2030", lang="de")
    assert graph.value(d, RG.openEnded) == Literal(False)
    begin, end = graph.value(d, TIME.hasBeginning), graph.value(d, TIME.hasEnd)
    assert begin == URIRef(str(d) + "#beginning") and end == URIRef(str(d) + "#end")
    assert graph.value(begin, TIME.inXSDgYear) == Literal("2020", datatype=XSD.gYear)
    assert graph.value(end, TIME.inXSDgYear) == Literal("2030", datatype=XSD.gYear)
    assert graph.value(d, DCAT.startDate) == Literal("2020", datatype=XSD.gYear)
    assert graph.value(d, DCAT.endDate) == Literal("2030", datatype=XSD.gYear)
    open_ = u("duration/10-01")
    assert graph.value(open_, RG.openEnded) == Literal(True)
    assert graph.value(open_, TIME.hasEnd) is None and graph.value(open_, DCAT.endDate) is None
    assert graph.value(open_, SKOS.editorialNote) == Literal("no end stated", lang="en")
    assert graph.value(open_, RG.durationText) == Literal("Ab 2020, danach Regelbetrieb",
                                                          lang="de")


def test_mentions_are_kept_apart_from_partnership(graph):
    p = u("project/13-01")
    assert set(graph.objects(p, RG.mentionsPlace)) == {u("place/05911000"), u("place/05113000")}
    assert set(graph.objects(p, RG.mentionsOrganisation)) == {u("organisation/rub")}
    assert set(graph.objects(p, RG.mentionsMinistry)) == {u("ministry/msb")}
    assert set(graph.objects(u("project/10-01"), RG.mentionsProject)) == {p}
    assert not list(graph.triples((None, RG.partner, None)))


def test_mention_annotation_selects_its_words(graph):
    m = mention("Essen")
    a = u(f"mention/{m.start}-{m.end}")
    assert (u("project/13-01"), RG.hasMention, a) in graph
    assert graph.value(a, RDF.type) == OA.Annotation
    assert graph.value(a, OA.motivatedBy) == OA.identifying
    assert graph.value(a, OA.hasBody) == u("place/05113000")
    assert graph.value(a, RG.linkMethod) == Literal("name")
    target = graph.value(a, OA.hasTarget)
    assert target == URIRef(str(a) + "#passage")
    assert graph.value(target, OA.hasSource) == u("source/" + make_linked().catalogue
                                                  .source_sha256[:16])
    assert graph.value(target, RG.firstLine) == Literal(7, datatype=XSD.integer)
    assert graph.value(target, RG.lastLine) == Literal(7, datatype=XSD.integer)
    selectors = {graph.value(s, RDF.type): s for s in graph.objects(target, OA.hasSelector)}
    assert set(selectors) == {OA.TextPositionSelector, OA.TextQuoteSelector,
                              OA.FragmentSelector}
    pos = selectors[OA.TextPositionSelector]
    start, end = int(graph.value(pos, OA.start)), int(graph.value(pos, OA.end))
    assert TEXT[start:end] == "Essen"
    assert graph.value(selectors[OA.TextQuoteSelector], OA.exact) == Literal("Essen")
    line = selectors[OA.FragmentSelector]
    assert graph.value(line, DCTERMS.conformsTo) == URIRef("http://tools.ietf.org/rfc/rfc5147")
    assert graph.value(line, RDF.value) == Literal("line=6,7")  # RFC 5147: the 7th line


def test_every_passage_slices_the_source(graph):
    passages = set(graph.subjects(RDF.type, OA.SpecificResource))
    assert len(passages) == 2 + 2 + 3 + 2 + 5  # fields, projects, measures, durations, mentions
    for passage in passages:
        pos = next(s for s in graph.objects(passage, OA.hasSelector)
                   if graph.value(s, RDF.type) == OA.TextPositionSelector)
        start, end = int(graph.value(pos, OA.start)), int(graph.value(pos, OA.end))
        first, last = int(graph.value(passage, RG.firstLine)), int(graph.value(passage,
                                                                               RG.lastLine))
        assert TEXT.count("\n", 0, start) + 1 == first
        assert TEXT.count("\n", 0, max(start, end - 1)) + 1 == last
        quote = [graph.value(s, OA.exact) for s in graph.objects(passage, OA.hasSelector)
                 if graph.value(s, RDF.type) == OA.TextQuoteSelector]
        assert quote in ([], [Literal(TEXT[start:end])])


def test_provenance_of_projects_and_measures(graph):
    for entity in (u("project/13-01"), u("measure/13-01/2"), u("duration/13-01"),
                   u("field/1")):
        passage = graph.value(entity, PROV.wasDerivedFrom)
        assert passage == URIRef(str(entity) + "#passage")
        assert graph.value(passage, RDF.type) == OA.SpecificResource
    project_passage = URIRef(BASE + "project/13-01#passage")
    assert graph.value(project_passage, RG.firstLine) == Literal(5, datatype=XSD.integer)
    assert graph.value(project_passage, RG.lastLine) == Literal(8, datatype=XSD.integer)


def test_shared_entities(graph):
    bochum = u("place/05911000")
    assert {RG.IndependentCity, RG.Municipality, SCHEMA.AdministrativeArea, SCHEMA.Place,
            GEO.Feature} == set(graph.objects(bochum, RDF.type))
    assert graph.value(bochum, RG.ags) == Literal("05911000")
    assert graph.value(bochum, OWL.sameAs) == URIRef("http://www.wikidata.org/entity/Q2103")
    assert graph.value(bochum, SKOS.altLabel) == Literal("Weitmar", lang="de")
    geometry = graph.value(bochum, GEO.hasGeometry)
    assert graph.value(geometry, GEO.asWKT) == Literal("POINT(7.21966 51.48181)",
                                                       datatype=GEO.wktLiteral)
    assert graph.value(bochum, SCHEMA.latitude) == Literal("51.48181", datatype=XSD.decimal)
    assert graph.value(u("place/05113000"), OWL.sameAs) is None
    schwerte = u("place/05978036")
    assert graph.value(schwerte, SCHEMA.containedInPlace) == u("place/05978000")
    assert RG.District in set(graph.objects(u("place/05978000"), RDF.type))
    rub = u("organisation/rub")
    assert {ORG.Organization, SCHEMA.CollegeOrUniversity} == set(graph.objects(rub, RDF.type))
    vm = u("ministry/vm")
    assert RG.Ministry in set(graph.objects(vm, RDF.type))
    assert ORG.Organization in set(graph.objects(vm, RDF.type))
    assert graph.value(vm, ORG.subOrganizationOf) == u("organisation/landesregierung-nrw")
    assert set(graph.objects(vm, RDFS.label)) == {Literal("Ministerium für Verkehr", lang="de"),
                                                  Literal("Ministry of Transport", lang="en")}
    assert Literal("VM", lang="de") in set(graph.objects(vm, SKOS.altLabel))


def test_action_field_scheme(graph):
    scheme = u("scheme/fields")
    assert graph.value(scheme, RDF.type) == SKOS.ConceptScheme
    assert set(graph.objects(scheme, SKOS.hasTopConcept)) == {u("field/1"), u("field/2")}
    f1 = u("field/1")
    assert graph.value(f1, SKOS.notation) == Literal("1")
    assert set(graph.objects(f1, SKOS.prefLabel)) == {
        Literal("Chancenregion Ruhr: Feld Eins", lang="de"), Literal("Field One", lang="en")}
    assert graph.value(f1, DCTERMS.description) == Literal("Einleitung eins.", lang="de")
    assert set(graph.objects(u("programme/ruhr-konferenz"), DCTERMS.subject)) == {
        u("field/1"), u("field/2")}


def test_meta_graph_states_build_and_source(nquads, linked):
    meta = to_dataset(nquads).graph(URIRef(BASE + "graph/meta"))
    build = u("build/20260101T000000Z-test")
    assert meta.value(build, RDF.type) == PROV.Activity
    assert meta.value(build, PROV.startedAtTime) == Literal("2026-01-01T00:00:00Z",
                                                            datatype=XSD.dateTime)
    software = meta.value(build, PROV.wasAssociatedWith)
    assert meta.value(software, SCHEMA.softwareVersion) == Literal("9.9.9")
    sha = linked.catalogue.source_sha256
    source = u(f"source/{sha[:16]}")
    assert meta.value(build, PROV.used) == source
    checksum = meta.value(source, SPDX.checksum)
    assert meta.value(checksum, SPDX.checksumValue) == Literal(sha, datatype=XSD.hexBinary)
    assert meta.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert meta.value(G, PROV.wasGeneratedBy) == build
    assert meta.value(G, PROV.wasDerivedFrom) == source


def test_graphs_hold_disjoint_subjects(nquads):
    ds = to_dataset(nquads)
    catalogue = {s for s, _, _ in ds.graph(G)}
    meta = {s for s, _, _ in ds.graph(URIRef(BASE + "graph/meta"))}
    assert catalogue and meta and not catalogue & meta


def test_iris_come_from_keys_not_order(linked):
    reference = make_reference()
    forward = "".join(mapping.catalogue_chunks(linked, reference, Iris(BASE)))
    backward = LinkedCatalogue(linked.catalogue, tuple(reversed(linked.projects)), ())
    reverse = "".join(mapping.catalogue_chunks(backward, reference, Iris(BASE)))
    assert sorted(forward.splitlines()) == sorted(reverse.splitlines())


def test_the_base_is_configurable(linked):
    text = "".join(mapping.catalogue_chunks(linked, make_reference(),
                                            Iris("http://example.org/rg/")))
    assert "<http://example.org/rg/project/13-01>" in text
    subjects = {line.split(" ", 1)[0] for line in text.splitlines()}
    assert all(s.startswith("<http://example.org/rg/") for s in subjects)


def test_literals_survive_escaping():
    odd = 'quote " backslash \\ newline \n return \r tab \t bell \x07 umlaut ä'
    line = f"<http://a> <http://b> {lit(odd, 'de')} <http://g> .\n"
    ds = to_dataset(line)
    assert {o for _, _, o, _ in ds.quads()} == {Literal(odd, lang="de")}


def test_a_mention_off_its_words_names_file_and_line(linked):
    a = linked.projects[0]
    bad = EntityLink("05113000", (Mention("Essen", 7, span("Essen").start + 1,
                                          span("Essen").end + 1, "name"),))
    broken = LinkedCatalogue(linked.catalogue, (
        LinkedProject(a.project, a.ministry_key, (bad,), (), (), ()), linked.projects[1]), ())
    with pytest.raises(mapping.MappingError) as caught:
        list(mapping.catalogue_chunks(broken, make_reference(), Iris(BASE), "cat.txt"))
    assert "cat.txt:7: project 13-01: mention 'Essen'" in str(caught.value)


def test_unknown_keys_name_file_and_line(linked):
    a = linked.projects[0]
    unknown = LinkedCatalogue(linked.catalogue, (
        LinkedProject(a.project, "xx", (EntityLink("05999999", (mention("Bochum"),)),), (),
                      (), ()),), ())
    with pytest.raises(mapping.MappingError) as caught:
        list(mapping.catalogue_chunks(unknown, make_reference(), Iris(BASE), "cat.txt"))
    findings = caught.value.findings
    assert Finding(5, "unknown-ministry", "project 13-01: lead ministry 'xx' is not in the "
                   "reference data") in findings
    assert Finding(6, "unknown-entity", "project 13-01 mentions place '05999999', which is "
                   "not in the reference data") in findings
    lines = str(caught.value).splitlines()
    assert "cat.txt:5: project 13-01: lead ministry 'xx' is not in the reference data" in lines
    assert ("cat.txt:6: project 13-01 mentions place '05999999', which is not in the "
            "reference data") in lines


def test_a_replica_differs_by_its_key_suffix_only(linked):
    assert checks.check(linked, make_reference()) == []
    mapper = mapping.Mapper(linked.catalogue, make_reference(), Iris(BASE))
    for original in linked.projects:
        one = mapper.project(scale.replica(original, 1))
        two = mapper.project(scale.replica(original, 2))
        assert one != two
        assert "-x2" not in one
        assert two.replace("-x2", "") == one
    replica = scale.replica(linked.projects[1], 3)
    assert replica.project.code == "10-01-x3"
    assert replica.related_projects[0].key == "13-01-x3"


def test_every_part_iri_is_a_known_fragment_of_an_entity(nquads):
    from ruhrgraph.iris import FRAGMENTS, split_fragment

    iris = Iris(BASE)
    parts = {t for line in nquads.splitlines() for t in line.split(" ")
             if t.startswith(f"<{BASE}") and "#" in t
             and not t.startswith("<https://w3id.org/ruhrgraph/ontology#")}
    assert parts
    for part in parts:
        entity, name = split_fragment(part.strip("<>"))
        assert name in FRAGMENTS, part
        assert iris.parse(entity) is not None, part


def test_every_check_kind_is_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "build.md").read_text()
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", doc, re.M))
    assert listed == set(checks.KINDS)


def test_findings_carry_a_kind_each(linked):
    a = linked.projects[0]
    selfish = LinkedCatalogue(linked.catalogue, (
        LinkedProject(a.project, a.ministry_key, (), (), (),
                      (EntityLink("13-01", ()),)),), ())
    kinds = [f.kind for f in checks.check(selfish, make_reference())]
    assert kinds == ["self-mention", "link-without-mention"]
    assert set(kinds) <= set(checks.KINDS)


def test_a_place_abroad_has_no_ags_and_lies_outside_the_ruhr(linked):
    import dataclasses

    from ruhrgraph.link.reference import Place
    jakarta = Place(None, "Jakarta", "stadt-im-ausland", None, False, -6.175, 106.8275,
                    "Q3630", ("Djakarta",), "jakarta")
    reference = make_reference()
    reference = dataclasses.replace(reference, places=(*reference.places, jakarta))
    graph = to_dataset("".join(mapping.catalogue_chunks(linked, reference, Iris(BASE)))).graph(G)
    s = u("place/jakarta")
    assert {SCHEMA.City, SCHEMA.AdministrativeArea, SCHEMA.Place, GEO.Feature} == set(
        graph.objects(s, RDF.type))
    assert graph.value(s, RG.ags) is None
    assert graph.value(s, RG.inRuhrRegion) == Literal(False)
    assert graph.value(s, OWL.sameAs) == URIRef("http://www.wikidata.org/entity/Q3630")
    assert graph.value(graph.value(s, GEO.hasGeometry), GEO.asWKT) == Literal(
        "POINT(106.8275 -6.175)", datatype=GEO.wktLiteral)
