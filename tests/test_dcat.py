"""The catalogue at /catalog validates against the official DCAT-AP.de 3.0 SHACL shapes.

Offline, as ``tests/data/dcat-ap-de/README.md`` and ``docs/opendata.md`` describe: the
DCAT-AP 3.0.0 base shapes and the four DCAT-AP.de files merged into one shapes graph; the
controlled vocabularies (GovData's licence and contributor lists, and the EU/ADMS/geocoding
concepts of ``tests/data/vocabularies/``) added to the data graph, because the shapes check
``skos:inScheme`` on the values and pySHACL's ``ont_graph`` would copy only RDFS/OWL axioms.
The shapes are also run with their ``dcatap:`` namespace defect repaired, and a broken
catalogue must fail, so that a passing test means something.
"""

from __future__ import annotations

import pyshacl
import pytest
import rdflib
import requests
from conftest import DATA, ROOT
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, SH

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3: rdflib's lacks dcat:version
SHAPES = ("dcat-ap/3.0.0/dcat-ap-SHACL.ttl", "dcat-ap-de/dcat-ap-SHACL-DE.ttl",
          "dcat-ap-de/dcat-ap-de-deprecated.ttl", "dcat-ap-de/dcat-ap-spec-german-additions.ttl",
          "dcat-ap-de/dcat-ap-de-controlledvocabularies.ttl")
VOCABULARIES = ("vocabularies/controlled-subset.ttl",
                "dcat-ap-de/vocab/dcat-ap-de-licenses-open.rdf",
                "dcat-ap-de/vocab/dcat-ap-de-contributors.rdf")
#: Defect 1 of the DE shapes: they write dcatap: as r5r# where DCAT-AP 3 uses r5r/.
WRONG_AVAILABILITY = URIRef("http://data.europa.eu/r5r#availability")
AVAILABILITY = URIRef("http://data.europa.eu/r5r/availability")
EU = "http://publications.europa.eu/resource/authority/"
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
#: The Regionalverband Ruhr: 11 kreisfreie Städte and 4 Kreise, by Kreisschlüssel (by hand).
RUHR_DISTRICTS = {"05112", "05113", "05117", "05119", "05512", "05513", "05911", "05913",
                  "05914", "05915", "05916", "05170", "05562", "05954", "05978"}


def _merged(files) -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in files:
        graph.parse(DATA / name)
    return graph


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return _merged(SHAPES)


@pytest.fixture(scope="module")
def repaired_shapes(shapes) -> rdflib.Graph:
    """The shapes with defect 1 repaired: their availability checks then fire."""
    assert len(list(shapes.triples((None, SH.path, WRONG_AVAILABILITY)))) == 7
    repaired = rdflib.Graph()
    for s, p, o in shapes:
        repaired.add((s, p, AVAILABILITY if o == WRONG_AVAILABILITY else o))
    return repaired


@pytest.fixture(scope="module")
def vocabularies() -> rdflib.Graph:
    return _merged(VOCABULARIES)


@pytest.fixture(scope="module")
def catalog(graph_server) -> rdflib.Graph:
    response = requests.get(graph_server.url + "/catalog.ttl", timeout=30)
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.content, format="turtle")


def results(data: rdflib.Graph, shapes_graph: rdflib.Graph) -> list[tuple[str, str, str, str]]:
    """(severity, focus node, path, message) of every result, sorted."""
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph, allow_warnings=True)
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        out.append((str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[1],
                    str(report.value(result, SH.focusNode)),
                    str(report.value(result, SH.resultPath)),
                    str(report.value(result, SH.resultMessage))))
    return sorted(out)


def test_catalogue_conforms_to_dcat_ap_de(catalog, shapes, vocabularies):
    assert results(catalog + vocabularies, shapes) == []  # no violation, no warning


def test_catalogue_conforms_with_the_namespace_defect_repaired(catalog, repaired_shapes,
                                                               vocabularies):
    assert results(catalog + vocabularies, repaired_shapes) == []


def test_the_shapes_catch_a_broken_catalogue(catalog, shapes, repaired_shapes, vocabularies):
    broken = rdflib.Graph()
    for triple in catalog:
        broken.add(triple)
    dataset = next(broken.subjects(RDF.type, DCAT.Dataset))
    turtle = next(d for d in broken.objects(dataset, DCAT.distribution)
                  if str(d).endswith("#dump-ttl"))
    broken.remove((turtle, DCTERMS.license, None))
    broken.set((turtle, DCTERMS.format, URIRef(EU + "file-type/TURTLE_WRONG")))
    broken.set((turtle, AVAILABILITY, URIRef(EU + "planned-availability/BOGUS")))
    broken.remove((dataset, DCTERMS.publisher, None))
    broken.set((dataset, DCTERMS.language, URIRef(EU + "language/XXX")))
    found = {(severity, focus, path) for severity, focus, path, _ in
             results(broken + vocabularies, shapes)}
    expected = {("Violation", str(turtle), str(DCTERMS.license)),
                ("Violation", EU + "file-type/TURTLE_WRONG",
                 "http://www.w3.org/2004/02/skos/core#inScheme"),
                ("Violation", str(dataset), str(DCTERMS.publisher)),
                ("Violation", EU + "language/XXX",
                 "http://www.w3.org/2004/02/skos/core#inScheme")}
    assert found == expected  # the bogus availability goes unseen: defect 1
    repaired = {(severity, focus, path) for severity, focus, path, _ in
                results(broken + vocabularies, repaired_shapes)}
    assert repaired == expected | {("Violation", EU + "planned-availability/BOGUS",
                                    "http://www.w3.org/2004/02/skos/core#inScheme")}


def test_without_the_vocabularies_every_controlled_value_fails(catalog, shapes):
    """Why the vocabularies are passed as data: the checks are skos:inScheme on the value."""
    found = results(catalog, shapes)
    assert found and all(path == "http://www.w3.org/2004/02/skos/core#inScheme"
                         for _, _, path, _ in found)
    violations = {focus for severity, focus, _, _ in found if severity == "Violation"}
    assert EU + "language/DEU" in violations
    assert EU + "file-type/RDF_TURTLE" in violations


def test_catalogue_content(catalog, built_graph, graph_server):
    """What a portal shows: one distribution per dump with its size and checksum, the
    service, the coverage in space and time, publisher and licence."""
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    dcatde = rdflib.Namespace("http://dcat-ap.de/def/dcatde/")
    dataset = URIRef("https://w3id.org/ruhrgraph/dataset/ruhrgraph")
    assert (URIRef("https://w3id.org/ruhrgraph/catalog/ruhrgraph"), DCAT.dataset,
            dataset) in catalog
    by_url = {str(catalog.value(d, DCAT.downloadURL)): d
              for d in catalog.objects(dataset, DCAT.distribution)
              if catalog.value(d, DCAT.downloadURL) is not None}
    for entry in built_graph.manifest["dumps"]:
        name = entry["file"].rsplit("/", 1)[1]
        dist = by_url[f"{graph_server.url}/downloads/{name}"]
        assert catalog.value(dist, DCAT.byteSize).toPython() == entry["bytes"]
        checksum = catalog.value(dist, spdx.checksum)
        assert str(catalog.value(checksum, spdx.checksumValue)) == entry["sha256"]
        assert catalog.value(checksum, spdx.algorithm) == spdx.checksumAlgorithm_sha256
        assert str(catalog.value(dist, DCAT.mediaType)).endswith("/" + entry["media_type"])
        assert catalog.value(dist, DCTERMS.license) == \
            URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
        assert catalog.value(dist, dcatde.licenseAttributionByText) is not None
    queries = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert len(queries) >= 17
    assert sorted(by_url) == sorted(
        [f"{graph_server.url}/downloads/{e['file'].rsplit('/', 1)[1]}"
         for e in built_graph.manifest["dumps"]]
        + [f"{graph_server.url}/queries/{name}.csv" for name in queries])
    service = URIRef("https://w3id.org/ruhrgraph/service/sparql")
    assert catalog.value(service, DCAT.endpointURL) == URIRef(graph_server.url + "/sparql")
    assert catalog.value(service, DCAT.servesDataset) == dataset
    spatial = {str(s) for s in catalog.objects(dataset, DCTERMS.spatial)}
    assert spatial == {GEOCODING + "stateKey/05", "http://sws.geonames.org/2861876/"} | {
        f"{GEOCODING}districtKey/{key}" for key in RUHR_DISTRICTS}
    period = catalog.value(dataset, DCTERMS.temporal)
    # earliest start and latest end year of the project durations, read from the N-Triples
    dump = rdflib.Graph().parse(built_graph.dumps / "ruhrgraph.nt", format="nt")
    first = min(str(y) for y in dump.objects(None, DCAT.startDate))
    last = max(str(y) for y in dump.objects(None, DCAT.endDate))
    assert (first, last) == ("2020", "2034")
    assert str(catalog.value(period, DCAT.startDate)) == "2020-01-01"
    assert str(catalog.value(period, DCAT.endDate)) == "2034-12-31"
    modified = catalog.value(dataset, DCTERMS.modified).toPython()
    assert modified.isoformat().replace("+00:00", "Z") == built_graph.manifest["finished"]
    assert catalog.value(dataset, DCAT.version).toPython() == built_graph.manifest["build_id"]
