"""Harvest the running server as an open-data portal would, over real HTTP: read /catalog,
follow every distribution, download it, check size, checksum and media type, parse it and
compare its triples with what VoID states; then the HTTP details of the downloads (ETag,
304, Range, gzip), robots.txt, sitemap.xml and the schema.org Dataset of the HTML pages."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
from collections import Counter
from xml.etree import ElementTree

import pyoxigraph
import pytest
import rdflib
import requests
from conftest import ROOT
from rdflib import URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, VOID

from ruhrgraph.iris import Iris
from ruhrgraph.web.opendata.crawlers import sitemap_documents

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
IANA = "http://www.iana.org/assignments/media-types/"
BASE = "https://w3id.org/ruhrgraph/"
DATASET = URIRef(BASE + "dataset/ruhrgraph")
WIKIDATA = "http://www.wikidata.org/entity/"
IDENTITY = {"Accept-Encoding": "identity"}


def rdf(response: requests.Response, fmt: str = "turtle") -> rdflib.Graph:
    """The body as an rdflib graph: Turtle by rdflib, other syntaxes through pyoxigraph
    (rdflib's JSON-LD parser warns about its own deprecated ConjunctiveGraph)."""
    assert response.status_code == 200, response.text[:500]
    if fmt == "turtle":
        return rdflib.Graph().parse(data=response.content, format="turtle")
    media_type = {"json-ld": "application/ld+json", "xml": "application/rdf+xml",
                  "nt": "application/n-triples"}[fmt]
    triples = (q.triple for q in pyoxigraph.parse(
        response.content, pyoxigraph.RdfFormat.from_media_type(media_type)))
    text = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=text, format="nt")


@pytest.fixture(scope="module")
def void(graph_server) -> rdflib.Graph:
    return rdf(requests.get(graph_server.url + "/.well-known/void",
                            headers={"Accept": "text/turtle"}, timeout=30))


@pytest.fixture(scope="module")
def union(built_graph) -> set[pyoxigraph.Triple]:
    """The triples of the build, read from its N-Triples dump on disk."""
    return {q.triple for q in pyoxigraph.parse(path=str(built_graph.dumps / "ruhrgraph.nt"),
                                               format=pyoxigraph.RdfFormat.N_TRIPLES)}


def test_harvest_every_distribution(graph_server, built_graph, void):
    session = requests.Session()  # sends Accept-Encoding: gzip, deflate, as harvesters do
    catalog = rdf(session.get(graph_server.url + "/catalog",
                              headers={"Accept": "text/turtle"}, timeout=30))
    datasets = list(catalog.subjects(RDF.type, DCAT.Dataset))
    assert datasets == [DATASET]
    stated = int(void.value(DATASET, VOID.triples))
    graphs = {str(g): int(void.value(g, VOID.triples)) for g in void.objects(DATASET, VOID.subset)
              if void.value(g, SD.name) is not None}
    assert sum(graphs.values()) == built_graph.manifest["quads"]
    dumps, reports, services = set(), set(), 0
    for dist in catalog.objects(DATASET, DCAT.distribution):
        assert catalog.value(dist, DCTERMS.license) is not None
        download = catalog.value(dist, DCAT.downloadURL)
        if download is None:  # the SPARQL endpoint: follow it to its service
            service = catalog.value(dist, DCAT.accessService)
            endpoint = str(catalog.value(service, DCAT.endpointURL))
            assert endpoint == str(catalog.value(dist, DCAT.accessURL))
            described = rdf(session.get(str(catalog.value(service, DCAT.endpointDescription)),
                                        headers={"Accept": "text/turtle"}, timeout=30))
            assert (None, SD.endpoint, URIRef(endpoint)) in described
            services += 1
            continue
        assert str(download).startswith(graph_server.url + "/")
        response = session.get(str(download), timeout=60)
        assert response.status_code == 200, download
        media = str(catalog.value(dist, DCAT.mediaType)).removeprefix(IANA)
        packed = catalog.value(dist, DCAT.compressFormat)
        served = str(packed).removeprefix(IANA) if packed else media
        assert response.headers["Content-Type"].split(";")[0] == served
        size = catalog.value(dist, DCAT.byteSize)
        if size is None:  # a canned query's CSV: generated on request
            assert media == "text/csv"
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
            assert rows and rows[0] and all(len(row) == len(rows[0]) for row in rows)
            reports.add(str(download).rsplit("/", 1)[1])
            continue
        body = response.content  # requests undid a Content-Encoding: these are the file's bytes
        assert len(body) == int(size)
        checksum = catalog.value(dist, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert hashlib.sha256(body).hexdigest() == str(catalog.value(checksum,
                                                                     SPDX.checksumValue))
        data = gzip.decompress(body) if packed else body
        fmt = pyoxigraph.RdfFormat.from_media_type(media)
        quads = list(pyoxigraph.parse(data, fmt))
        assert len({q.triple for q in quads}) == stated, download
        if fmt in (pyoxigraph.RdfFormat.N_QUADS, pyoxigraph.RdfFormat.TRIG):
            assert Counter(q.graph_name.value for q in quads) == graphs
        dumps.add(str(download).rsplit("/", 1)[1])
    assert dumps == {d["file"].rsplit("/", 1)[1] for d in built_graph.manifest["dumps"]}
    assert reports == {f"{p.stem}.csv" for p in (ROOT / "queries").glob("*.rq")}
    assert services == 1


def test_void_statistics(graph_server, built_graph, void, union):
    assert int(void.value(DATASET, VOID.triples)) == len(union)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    typed = {t.subject.value for t in union if t.predicate.value == rdf_type
             and isinstance(t.subject, pyoxigraph.NamedNode) and t.subject.value.startswith(BASE)}
    assert int(void.value(DATASET, VOID.entities)) == len(typed)
    assert int(void.value(DATASET, VOID.distinctSubjects)) == len({t.subject for t in union})
    assert int(void.value(DATASET, VOID.distinctObjects)) == len({t.object for t in union})
    assert str(void.value(DATASET, VOID.uriSpace)) == BASE
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(graph_server.url + "/sparql")
    assert {str(u) for u in void.objects(DATASET, VOID.dataDump)} == {
        f"{graph_server.url}/downloads/{d['file'].rsplit('/', 1)[1]}"
        for d in built_graph.manifest["dumps"]}
    partitions = {void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
                  for p in void.objects(DATASET, VOID.classPartition)}
    counts = built_graph.manifest["counts"]
    assert partitions[URIRef("https://w3id.org/ruhrgraph/ontology#Project")] == \
        counts["projects"] == 74
    assert partitions[URIRef("https://w3id.org/ruhrgraph/ontology#Measure")] == \
        counts["measures"]
    assert int(void.value(DATASET, VOID.classes)) == len(partitions)
    properties = {void.value(p, VOID.property): int(void.value(p, VOID.triples))
                  for p in void.objects(DATASET, VOID.propertyPartition)}
    assert sum(properties.values()) == len(union)
    assert properties[RDFS.label] == sum(1 for t in union if t.predicate.value == str(RDFS.label))
    # linksets to Wikidata, by the kind of entity linked, counted in the dump
    expected = Counter(Iris().parse(t.subject.value)[0] for t in union
                       if isinstance(t.object, pyoxigraph.NamedNode)
                       and t.object.value.startswith(WIKIDATA))
    linksets = {}
    for subset in void.objects(DATASET, VOID.subset):
        if (subset, RDF.type, VOID.Linkset) in void:
            assert void.value(subset, VOID.linkPredicate) == OWL.sameAs
            target = void.value(subset, VOID.objectsTarget)
            assert str(void.value(target, VOID.uriSpace)) == WIKIDATA
            linksets[str(subset).rsplit("#wikidata-", 1)[1]] = int(void.value(subset,
                                                                               VOID.triples))
    assert linksets == dict(expected) and sum(linksets.values()) > 0
    examples = list(void.objects(DATASET, VOID.exampleResource))
    assert examples and all(str(e).startswith(BASE) for e in examples)
    assert void.value(DATASET, VOID.rootResource) == URIRef(BASE + "programme/ruhr-konferenz")
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert {"http://www.w3.org/ns/org#", "http://schema.org/",
            "https://w3id.org/ruhrgraph/ontology#"} <= vocabularies


def test_service_description_points_to_void(graph_server):
    described = rdf(requests.get(graph_server.url + "/sparql",
                                 headers={"Accept": "text/turtle"}, timeout=30))
    dataset = described.value(URIRef(BASE + "service/sparql"), SD.defaultDataset)
    assert described.value(dataset, RDFS.seeAlso) == \
        URIRef(graph_server.url + "/.well-known/void")


def test_catalog_and_void_by_negotiation_and_extension(graph_server):
    url = graph_server.url
    turtle = rdf(requests.get(url + "/catalog", timeout=30))  # */* gets Turtle
    for accept, fmt in (("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
                        ("application/n-triples", "nt")):
        response = requests.get(url + "/catalog", headers={"Accept": accept}, timeout=30)
        assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
        assert response.headers["Vary"] == "Accept"
        assert isomorphic(rdf(response, fmt), turtle)
    for ext, media_type, fmt in (("ttl", "text/turtle", "turtle"),
                                 ("jsonld", "application/ld+json", "json-ld"),
                                 ("rdf", "application/rdf+xml", "xml")):
        response = requests.get(f"{url}/catalog.{ext}", headers={"Accept": "text/html"},
                                timeout=30)
        assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
        assert isomorphic(rdf(response, fmt), turtle)
        void = requests.get(f"{url}/void.{ext}", timeout=30)
        assert isomorphic(rdf(void, fmt), rdf(requests.get(url + "/void", timeout=30)))
    assert requests.get(url + "/.well-known/void", timeout=30).content == \
        requests.get(url + "/void", timeout=30).content
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = requests.get(url + "/catalog", headers={"Accept": browser}, timeout=30,
                            allow_redirects=False)
    assert (response.status_code, response.headers["Location"]) == (303, "/downloads")
    assert requests.get(url + "/catalog", headers={"Accept": "image/png"},
                        timeout=30).status_code == 406
    assert requests.get(url + "/catalog.xlsx", timeout=30).status_code == 404



def test_the_descriptions_own_iris_resolve(graph_server):
    """{base}dataset/ruhrgraph, catalog/ruhrgraph and service/sparql answer like every entity
    IRI: 200 with Vary: Accept, Content-Location and alternates; HTML for browsers."""
    url = graph_server.url
    catalog = rdf(requests.get(url + "/catalog.ttl", timeout=30))
    for path in ("/dataset/ruhrgraph", "/catalog/ruhrgraph"):
        response = requests.get(url + path, headers={"Accept": "text/turtle"}, timeout=30)
        assert response.headers["Vary"] == "Accept"
        assert response.headers["Content-Location"] == path + ".ttl"
        assert f'<{url}{path}.jsonld>; rel="alternate"; type="application/ld+json"' in \
            response.headers["Link"]
        assert isomorphic(rdf(response), catalog)
        assert isomorphic(rdf(requests.get(url + path + ".rdf", timeout=30), "xml"), catalog)
        page = requests.get(url + path, headers={"Accept": "text/html"}, timeout=30)
        assert page.headers["Content-Location"] == path + ".html"
        assert "<h1>Downloads</h1>" in page.text
    service = rdf(requests.get(url + "/service/sparql.ttl", timeout=30))
    assert (URIRef(BASE + "service/sparql"), SD.endpoint, URIRef(url + "/sparql")) in service
    editor = requests.get(url + "/service/sparql", headers={"Accept": "text/html"}, timeout=30)
    assert '<textarea id="query"' in editor.text
    assert requests.get(url + "/dataset/ruhrgraph.xlsx", timeout=30).status_code == 404
    assert requests.get(url + "/dataset/ruhrgraph", headers={"Accept": "image/png"},
                        timeout=30).status_code == 406


def test_conditional_requests(graph_server, built_graph):
    url = graph_server.url
    entry = next(d for d in built_graph.manifest["dumps"] if d["file"].endswith(".nt"))
    dump = url + "/downloads/ruhrgraph.nt"
    response = requests.get(dump, headers=IDENTITY, timeout=30)
    assert response.headers["ETag"] == f'"{entry["sha256"]}"'
    assert response.headers["Cache-Control"] == "public, no-cache"
    modified = response.headers["Last-Modified"]
    for headers in ({"If-None-Match": response.headers["ETag"]},
                    {"If-Modified-Since": modified}):
        again = requests.get(dump, headers={**IDENTITY, **headers}, timeout=30)
        assert (again.status_code, again.content) == (304, b"")
        assert again.headers["ETag"] == response.headers["ETag"]
    changed = requests.get(dump, headers={**IDENTITY, "If-None-Match": '"other"'}, timeout=30)
    assert changed.status_code == 200 and len(changed.content) == entry["bytes"]
    for path in ("/catalog", "/void", "/sitemap.xml"):
        first = requests.get(url + path, timeout=30)
        assert first.headers["ETag"] and first.headers["Last-Modified"] == modified
        again = requests.get(url + path, headers={"If-None-Match": first.headers["ETag"]},
                             timeout=30)
        assert again.status_code == 304


def test_range_requests(graph_server, built_graph):
    url = graph_server.url + "/downloads/ruhrgraph.nt"
    data = (built_graph.dumps / "ruhrgraph.nt").read_bytes()
    size = len(data)
    response = requests.get(url, headers={**IDENTITY, "Range": "bytes=100-199"}, timeout=30)
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert response.content == data[100:200]
    tail = requests.get(url, headers={**IDENTITY, "Range": "bytes=-50"}, timeout=30)
    assert (tail.status_code, tail.content) == (206, data[-50:])
    resumed = requests.get(url, timeout=30, headers={
        **IDENTITY, "Range": f"bytes={size - 10}-", "If-Range": tail.headers["ETag"]})
    assert (resumed.status_code, resumed.content) == (206, data[-10:])
    stale = requests.get(url, headers={**IDENTITY, "Range": "bytes=0-9", "If-Range": '"old"'},
                         timeout=30)
    assert (stale.status_code, len(stale.content)) == (200, size)
    beyond = requests.get(url, headers={**IDENTITY, "Range": f"bytes={size}-"}, timeout=30)
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{size}"
    packed = (built_graph.dumps / "ruhrgraph.nt.gz").read_bytes()
    part = requests.get(url + ".gz", headers={"Range": "bytes=0-9"}, timeout=30)
    assert (part.status_code, part.content) == (206, packed[:10])


def test_compressed_transfer(graph_server, built_graph):
    url = graph_server.url + "/downloads/ruhrgraph.ttl"
    plain = (built_graph.dumps / "ruhrgraph.ttl").read_bytes()
    packed = (built_graph.dumps / "ruhrgraph.ttl.gz").read_bytes()
    response = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=30)
    raw = response.raw.read(decode_content=False)
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert raw == packed and gzip.decompress(raw) == plain
    assert int(response.headers["Content-Length"]) == len(packed)
    identity = requests.get(url, headers=IDENTITY, timeout=30)
    assert "Content-Encoding" not in identity.headers
    assert "Accept-Encoding" in identity.headers["Vary"]
    assert identity.content == plain
    assert identity.headers["ETag"] != response.headers["ETag"]
    file = requests.get(url + ".gz", headers={"Accept-Encoding": "gzip"}, stream=True,
                        timeout=30)
    assert file.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in file.headers
    assert file.headers["Content-Disposition"] == "attachment; filename=ruhrgraph.ttl.gz"
    assert file.raw.read(decode_content=False) == packed
    head = requests.head(url, headers=IDENTITY, timeout=30)
    assert (head.status_code, int(head.headers["Content-Length"])) == (200, len(plain))
    sums = requests.get(graph_server.url + "/downloads/SHA256SUMS", timeout=30)
    assert sums.text == (built_graph.dumps / "SHA256SUMS").read_text()
    for bad in ("manifest.json", "..%2Fmanifest.json", "ruhrgraph.xlsx", "%2Fetc%2Fpasswd"):
        assert requests.get(graph_server.url + "/downloads/" + bad, timeout=30).status_code \
            == 404


def test_robots_txt(graph_server):
    response = requests.get(graph_server.url + "/robots.txt", timeout=30)
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text.splitlines()[1:] == [
        "User-agent: *", "Disallow: /sparql?", "Allow: /",
        f"Sitemap: {graph_server.url}/sitemap.xml"]


def test_sitemap_lists_every_resource_and_query_page(graph_server, built_graph, union):
    response = requests.get(graph_server.url + "/sitemap.xml", timeout=30)
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    listed = [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)]
    assert len(listed) == len(set(listed))
    url = graph_server.url + "/"
    entities = {t.subject.value.split("#", 1)[0] for t in union
                if isinstance(t.subject, pyoxigraph.NamedNode)
                and t.subject.value.startswith(BASE)}
    pages = {url + iri[len(BASE):] for iri in entities if Iris().parse(iri)}
    assert url + "project/01-01" in pages and url + "place/05913000" in pages
    queries = {f"{url}queries/{p.stem}" for p in (ROOT / "queries").glob("*.rq")}
    static = {url + p for p in ("", "projects", "fields", "ministries", "places",
                                 "organisations", "ontology", "queries", "sparql", "downloads")}
    described = {url + p for p in ("dataset/ruhrgraph", "catalog/ruhrgraph", "service/sparql")}
    assert set(listed) == pages | described | queries | static
    assert len(pages) >= sum(built_graph.manifest["counts"].values())  # 74 projects, ...
    # every page that is not an entity's answers, and one entity page of each kind
    sample = {min(u for u in pages if u[len(url):].split("/")[0] == kind)
              for kind in {u[len(url):].split("/")[0] for u in pages}}
    for page in sorted(static | queries | described | sample):
        response = requests.get(page, headers={"Accept": "text/html"}, timeout=30)
        assert response.status_code == 200, page
        assert response.headers["Content-Type"].startswith("text/html"), page


def test_sitemap_index_past_the_limit():
    urls = [f"https://example.org/page/{n}" for n in range(5)]
    docs = sitemap_documents(urls, "https://example.org/", "2025-01-01T00:00:00Z", per_file=2)
    assert sorted(docs) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = ElementTree.fromstring(docs["sitemap.xml"])
    assert index.tag.endswith("sitemapindex")
    assert [e.text for e in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")] == [
        "https://example.org/sitemap-1.xml", "https://example.org/sitemap-2.xml",
        "https://example.org/sitemap-3.xml"]
    found = [e.text for n in (1, 2, 3) for e in ElementTree.fromstring(
        docs[f"sitemap-{n}.xml"]).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert found == urls
    assert sitemap_documents(urls[:2], "https://example.org/", "x", per_file=2).keys() == \
        {"sitemap.xml"}


SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def test_html_pages_embed_the_schema_org_dataset(graph_server, built_graph):
    browser = {"Accept": "text/html"}
    for path in ("/downloads", "/sparql"):
        response = requests.get(graph_server.url + path, headers=browser, timeout=30)
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        blocks = SCRIPT.findall(response.text)
        assert len(blocks) == 1, path
        data = json.loads(blocks[0])
        assert (data["@context"], data["@type"], data["@id"]) == (
            "https://schema.org/", "Dataset", str(DATASET))
        assert data["license"] == "https://www.govdata.de/dl-de/by-2-0"
        assert data["temporalCoverage"] == "2020/2034"
        assert data["version"] == built_graph.manifest["build_id"]
        assert 50 <= len(data["description"]) <= 5000
        assert {(d["contentUrl"], d["contentSize"]) for d in data["distribution"]} == {
            (f"{graph_server.url}/downloads/{d['file'].rsplit('/', 1)[1]}", f"{d['bytes']} B")
            for d in built_graph.manifest["dumps"]}


def test_schema_org_values_cannot_end_the_script(built_graph):
    from ruhrgraph.web import create_app

    name = "</script><script>alert(1)</script>"
    app = create_app({"STORE_DIR": str(built_graph.store), "PUBLISHER_NAME": name,
                      "ACCESS_LOG": False})
    page = app.test_client().get("/downloads").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    data = json.loads(SCRIPT.findall(page)[0])
    assert data["publisher"]["name"] == name


def test_downloads_page(graph_server, built_graph):
    response = requests.get(graph_server.url + "/downloads", timeout=30)
    assert response.status_code == 200
    for entry in built_graph.manifest["dumps"]:
        name = entry["file"].rsplit("/", 1)[1]
        assert f'href="{graph_server.url}/downloads/{name}"' in response.text
        assert entry["sha256"] in response.text
        assert f"{entry['bytes']:,}".replace(",", ".") in response.text  # German by default
    english = requests.get(graph_server.url + "/downloads", timeout=30,
                           headers={"Accept-Language": "en"}).text
    assert all(f"{entry['bytes']:,}" in english for entry in built_graph.manifest["dumps"])
    assert 'href="/catalog.ttl"' in response.text and 'href="/void.ttl"' in response.text
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in response.text


@pytest.mark.parametrize("path", ["/sitemap.xml", "/void", "/catalog.jsonld", "/downloads",
                                  "/downloads/ruhrgraph.nt", "/dataset/ruhrgraph",
                                  "/robots.txt"])
def test_any_document_may_be_asked_for_first(built_graph, path):
    """Each worker makes the descriptions on first use, whichever is asked for first."""
    from ruhrgraph.web import create_app

    app = create_app({"STORE_DIR": str(built_graph.store), "ACCESS_LOG": False})
    response = app.test_client().get(path)
    response.close()  # a file response holds the file open until closed
    assert response.status_code == 200


def test_a_broken_canned_query_is_left_out_of_the_catalogue(built_graph, tmp_path):
    (tmp_path / "good.rq").write_text("#+ title: Good\n#+ description: Fine.\n#+ theme: T\n"
                                      "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n")
    (tmp_path / "bad.rq").write_text("#+ title: No description\nSELECT * WHERE { }\n")
    from ruhrgraph.web import create_app

    app = create_app({"STORE_DIR": str(built_graph.store), "ACCESS_LOG": False,
                      "QUERIES_DIR": str(tmp_path)})
    catalog = rdflib.Graph().parse(data=app.test_client().get("/catalog.ttl").data,
                                   format="turtle")
    csv_urls = {str(u) for u in catalog.objects(None, DCAT.downloadURL)
                if str(u).endswith(".csv")}
    assert csv_urls == {"http://localhost/queries/good.csv"}
