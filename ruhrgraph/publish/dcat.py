"""The graph described for portals and crawlers: a DCAT-AP.de 3.0 catalogue, VoID, schema.org.

Three inputs and nothing else: the build's manifest (every dump with its byte size and sha256,
the build's id and time), the settings (publisher, contact, licence, attribution), and the
graph's statistics (:mod:`ruhrgraph.publish.statistics`), for the URLs the server is reached at
(:class:`Site`). The descriptions are made when they are asked for, never stored in the graph:
a dump cannot contain its own checksum, so the catalogue that states the checksums cannot be
inside the dumps (``docs/opendata.md``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VOID, XSD

from ruhrgraph.config import Settings
from ruhrgraph.iris import Iris
from ruhrgraph.namespaces import RG
from ruhrgraph.publish.statistics import Statistics, Summary

DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 (rdflib's DCAT lacks dcat:version)
DCATAP = Namespace("http://data.europa.eu/r5r/")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"

PREFIXES = {"dcat": DCAT, "dcterms": DCTERMS, "dcatap": DCATAP, "dcatde": DCATDE, "foaf": FOAF,
            "vcard": VCARD, "spdx": SPDX, "skos": SKOS, "void": VOID, "sd": SD, "prov": PROV,
            "owl": OWL, "rdfs": RDFS, "xsd": XSD, "rg": Namespace(str(RG._NS))}

#: Dump format name (manifest) -> (EU file type, specification, W3C format IRI).
FORMATS = {
    "Turtle": ("RDF_TURTLE", "https://www.w3.org/TR/turtle/",
               "http://www.w3.org/ns/formats/Turtle"),
    "N-Triples": ("RDF_N_TRIPLES", "https://www.w3.org/TR/n-triples/",
                  "http://www.w3.org/ns/formats/N-Triples"),
    "JSON-LD": ("JSON_LD", "https://www.w3.org/TR/json-ld11/",
                "http://www.w3.org/ns/formats/JSON-LD"),
    "N-Quads": ("RDF_N_QUADS", "https://www.w3.org/TR/n-quads/",
                "http://www.w3.org/ns/formats/N-Quads"),
    "TriG": ("RDF_TRIG", "https://www.w3.org/TR/trig/", "http://www.w3.org/ns/formats/TriG"),
}

#: DCAT-AP.de licence IRI -> (name, human-readable text). Other IRIs are named by themselves.
LICENCES = {
    "http://dcat-ap.de/def/licenses/dl-by-de/2.0":
        ("Datenlizenz Deutschland – Namensnennung – Version 2.0",
         "https://www.govdata.de/dl-de/by-2-0"),
    "http://dcat-ap.de/def/licenses/dl-zero-de/2.0":
        ("Datenlizenz Deutschland – Zero – Version 2.0", "https://www.govdata.de/dl-de/zero-2-0"),
    "http://dcat-ap.de/def/licenses/cc-by/4.0":
        ("Creative Commons Namensnennung – 4.0 International (CC BY 4.0)",
         "https://creativecommons.org/licenses/by/4.0/"),
    "http://dcat-ap.de/def/licenses/cc-zero":
        ("Creative Commons CC Zero (CC0 1.0)",
         "https://creativecommons.org/publicdomain/zero/1.0/"),
}

THEMES = ("GOVE", "REGI")
KEYWORDS = (("Ruhr-Konferenz", "de"), ("Ruhrgebiet", "de"), ("Metropole Ruhr", "de"),
            ("Nordrhein-Westfalen", "de"), ("Landesregierung", "de"), ("Strukturwandel", "de"),
            ("Projekte", "de"), ("Wissensgraph", "de"), ("Linked Open Data", "de"),
            ("Ruhr Conference", "en"), ("Ruhr area", "en"), ("North Rhine-Westphalia", "en"),
            ("knowledge graph", "en"), ("linked open data", "en"))
STATE_KEY = GEOCODING + "stateKey/05"  # Nordrhein-Westfalen
GEONAMES_NRW = "http://sws.geonames.org/2861876/"
WIKIDATA_HOME = "https://www.wikidata.org/"
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"


@dataclass(frozen=True)
class Dump:
    """One file of the build's ``dumps/`` as the manifest lists it."""

    name: str
    format: str
    media_type: str
    gzip: bool
    graphs: bool  # keeps the named graphs (N-Quads, TriG)
    bytes: int
    sha256: str

    @property
    def key(self) -> str:
        """``ttl``, ``ttl-gz``: the distribution's fragment name."""
        return self.name.split(".", 1)[1].replace(".", "-")

    @property
    def content_type(self) -> str:
        """What the server answers for the file itself."""
        return "application/gzip" if self.gzip else self.media_type


def dumps(manifest: Mapping[str, Any]) -> tuple[Dump, ...]:
    out = []
    for entry in manifest.get("dumps", ()):
        out.append(Dump(name=entry["file"].rsplit("/", 1)[-1], format=entry["format"],
                        media_type=entry["media_type"], gzip=entry.get("encoding") == "gzip",
                        graphs=bool(entry.get("graphs")), bytes=int(entry["bytes"]),
                        sha256=entry["sha256"]))
    return tuple(out)


@dataclass(frozen=True)
class CannedQuery:
    """What the catalogue states about a canned query: its CSV export is a distribution."""

    name: str
    title: str
    description: str


@dataclass(frozen=True)
class Site:
    """The URLs the server answers at: ``root`` ends with ``/``."""

    root: str

    def url(self, path: str = "") -> str:
        return self.root + path.lstrip("/")

    @property
    def endpoint(self) -> str:
        return self.url("sparql")

    @property
    def void(self) -> str:
        return self.url("void")

    def download(self, dump: Dump) -> str:
        return self.url(f"downloads/{dump.name}")

    def query_csv(self, name: str) -> str:
        return self.url(f"queries/{name}.csv")


@dataclass(frozen=True)
class Publication:
    """Everything the descriptions are made of."""

    settings: Settings
    iris: Iris
    site: Site
    summary: Summary
    dumps: tuple[Dump, ...]
    queries: tuple[CannedQuery, ...]
    build_id: str
    built: datetime
    sources: tuple[str, ...]  # IRIs of the input files (PROV-O entities of the meta graph)

    @property
    def dataset(self) -> URIRef:
        return URIRef(self.iris.dataset())

    def part(self, name: str) -> URIRef:
        """An IRI for a part of the dataset's description: ``{dataset}#name``."""
        return URIRef(Iris.fragment(self.iris.dataset(), name))

    @property
    def licence(self) -> str:
        return self.settings.license

    @property
    def licence_name(self) -> str:
        return LICENCES.get(self.licence, (self.licence, self.licence))[0]

    @property
    def licence_url(self) -> str:
        return LICENCES.get(self.licence, (self.licence, self.licence))[1]

    def titles(self) -> dict[str, str]:
        return {"de": "Projekte der Ruhr-Konferenz (2020) als Wissensgraph",
                "en": "Projects of the Ruhr Conference (2020) as a knowledge graph"}

    def descriptions(self) -> dict[str, str]:
        projects, fields = self.summary.projects, self.summary.fields
        measures = self.summary.measures
        return {
            "de": f"Der Projektkatalog der Ruhr-Konferenz der Landesregierung Nordrhein-"
                  f"Westfalen (2020) als Linked-Data-Wissensgraph: {projects} Projekte in "
                  f"{fields} Handlungsfeldern mit federführenden Ministerien, {measures} "
                  "Maßnahmen und Laufzeiten sowie den im Text genannten Orten und "
                  "Organisationen, verknüpft mit Wikidata. Jede Aussage verweist auf die Stelle "
                  "im Katalogtext, aus der sie stammt. Als Dumps (Turtle, N-Triples, JSON-LD, "
                  "N-Quads, TriG), über einen SPARQL-Endpunkt und als CSV-Auswertungen.",
            "en": f"The project catalogue of the Ruhr Conference of the state government of "
                  f"North Rhine-Westphalia (2020) as a linked-data knowledge graph: {projects} "
                  f"projects in {fields} action fields with their lead ministries, {measures} "
                  "measures and durations, and the places and organisations the text names, "
                  "linked to Wikidata. Every fact points to the passage of the catalogue text "
                  "it comes from. As dumps (Turtle, N-Triples, JSON-LD, N-Quads, TriG), through "
                  "a SPARQL endpoint and as CSV reports.",
        }


# --- DCAT-AP.de -----------------------------------------------------------------------


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _texts(graph: Graph, subject, predicate, texts: Mapping[str, str]) -> None:
    for lang, text in texts.items():
        graph.add((subject, predicate, Literal(text, lang=lang)))


def _when(moment: datetime) -> Literal:
    return Literal(moment.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)


def _licence(graph: Graph, pub: Publication, subject) -> None:
    graph.add((subject, DCTERMS.license, URIRef(pub.licence)))
    graph.add((subject, DCATDE.licenseAttributionByText,
               Literal(pub.settings.attribution, lang="de")))


def _distribution(graph: Graph, pub: Publication, subject, *, titles, descriptions,
                  access: str, file_type: str, download: str | None = None) -> None:
    graph.add((pub.dataset, DCAT.distribution, subject))
    graph.add((subject, RDF.type, DCAT.Distribution))
    _texts(graph, subject, DCTERMS.title, titles)
    _texts(graph, subject, DCTERMS.description, descriptions)
    graph.add((subject, DCAT.accessURL, URIRef(access)))
    if download:
        graph.add((subject, DCAT.downloadURL, URIRef(download)))
    graph.add((subject, DCTERMS.format, URIRef(f"{EU}file-type/{file_type}")))
    _licence(graph, pub, subject)
    graph.add((subject, DCTERMS.issued, _when(pub.built)))
    graph.add((subject, DCTERMS.modified, _when(pub.built)))
    graph.add((subject, DCATAP.availability, URIRef(f"{EU}planned-availability/AVAILABLE")))


def _dump_distribution(graph: Graph, pub: Publication, dump: Dump) -> None:
    file_type, spec, _ = FORMATS[dump.format]
    packed = " (gzip)" if dump.gzip else ""
    if dump.graphs:
        de = ("Alle Tripel in ihren benannten Graphen: Katalogaussagen mit Provenienz "
              "(graph/catalogue), Ontologie (graph/ontology), Build-Provenienz (graph/meta).")
        en = ("Every triple in its named graph: the catalogue facts with their provenance "
              "(graph/catalogue), the ontology (graph/ontology), the build's provenance "
              "(graph/meta).")
    else:
        de = "Alle Tripel des Graphen (Vereinigung der benannten Graphen) in einer Datei."
        en = "Every triple of the graph (the union of its named graphs) in one file."
    subject = pub.part(f"dump-{dump.key}")
    url = pub.site.download(dump)
    _distribution(graph, pub, subject,
                  titles={"de": f"Vollständiger Graph, {dump.format}{packed}",
                          "en": f"Complete graph, {dump.format}{packed}"},
                  descriptions={"de": de, "en": en}, access=url, file_type=file_type,
                  download=url)
    graph.add((subject, DCAT.mediaType, URIRef(IANA + dump.media_type)))
    if dump.gzip:
        graph.add((subject, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
    graph.add((subject, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
    checksum = BNode(f"checksum-{dump.key}")
    graph.add((subject, SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    graph.add((subject, DCTERMS.conformsTo, URIRef(spec)))


def catalog(pub: Publication) -> Graph:
    """The DCAT-AP.de 3.0 catalogue: catalogue, dataset, distributions, data service."""
    graph = _graph()
    iris, site, settings = pub.iris, pub.site, pub.settings
    cat, dataset, service = URIRef(iris.catalog()), pub.dataset, URIRef(iris.service())
    publisher = URIRef(Iris.fragment(iris.catalog(), "publisher"))
    contact = URIRef(Iris.fragment(iris.catalog(), "contact"))
    built = _when(pub.built)

    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(settings.publisher_name)))
    graph.add((publisher, DCTERMS.type, URIRef(settings.publisher_type)))
    graph.add((publisher, FOAF.homepage, URIRef(settings.publisher_url)))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(settings.publisher_name)))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.contact_email}")))
    graph.add((contact, VCARD.hasURL, URIRef(settings.publisher_url)))

    graph.add((cat, RDF.type, DCAT.Catalog))
    _texts(graph, cat, DCTERMS.title, {"de": "ruhrgraph – Katalog offener Daten",
                                       "en": "ruhrgraph open-data catalogue"})
    _texts(graph, cat, DCTERMS.description, {
        "de": "Der Wissensgraph der Ruhr-Konferenz: Dumps, CSV-Auswertungen und SPARQL-Dienst.",
        "en": "The Ruhr Conference knowledge graph: dumps, CSV reports and SPARQL service."})
    graph.add((cat, DCTERMS.publisher, publisher))
    graph.add((cat, DCTERMS.language, URIRef(f"{EU}language/DEU")))
    graph.add((cat, DCTERMS.issued, built))
    graph.add((cat, DCTERMS.modified, built))
    graph.add((cat, FOAF.homepage, URIRef(site.url())))
    graph.add((cat, DCTERMS.license, URIRef(pub.licence)))
    graph.add((cat, DCAT.themeTaxonomy, URIRef(f"{EU}data-theme")))
    graph.add((cat, DCAT.dataset, dataset))
    graph.add((cat, DCAT.service, service))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    _texts(graph, dataset, DCTERMS.title, pub.titles())
    _texts(graph, dataset, DCTERMS.description, pub.descriptions())
    graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    for word, lang in KEYWORDS:
        graph.add((dataset, DCAT.keyword, Literal(word, lang=lang)))
    for theme in THEMES:
        graph.add((dataset, DCAT.theme, URIRef(f"{EU}data-theme/{theme}")))
    graph.add((dataset, DCTERMS.language, URIRef(f"{EU}language/DEU")))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCTERMS.creator, publisher))
    graph.add((dataset, DCAT.contactPoint, contact))
    _spatial(graph, pub, dataset)
    _temporal(graph, pub, dataset)
    graph.add((dataset, DCTERMS.issued, built))
    graph.add((dataset, DCTERMS.modified, built))
    graph.add((dataset, DCAT.version, Literal(pub.build_id)))
    graph.add((dataset, DCTERMS.accessRights, URIRef(f"{EU}access-right/PUBLIC")))
    graph.add((dataset, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/IRREG")))
    graph.add((dataset, DCATAP.availability, URIRef(f"{EU}planned-availability/AVAILABLE")))
    graph.add((dataset, DCAT.landingPage, URIRef(site.url())))
    graph.add((dataset, FOAF.page, URIRef(site.url("downloads"))))
    graph.add((dataset, DCTERMS.conformsTo, URIRef(str(RG._NS).rstrip("#"))))
    for source in pub.sources:
        graph.add((dataset, PROV.wasDerivedFrom, URIRef(source)))
    if settings.contributor_id:
        graph.add((dataset, DCATDE.contributorID, URIRef(settings.contributor_id)))

    for dump in pub.dumps:
        _dump_distribution(graph, pub, dump)
    for query in pub.queries:
        subject = pub.part(f"query-{query.name}")
        url = site.query_csv(query.name)
        _distribution(graph, pub, subject,
                      titles={"en": f"Report (CSV): {query.title}"},
                      descriptions={"en": query.description or query.title},
                      access=url, file_type="CSV", download=url)
        graph.add((subject, DCAT.mediaType, URIRef(IANA + "text/csv")))
        graph.add((subject, DCTERMS.conformsTo,
                   URIRef("https://www.w3.org/TR/sparql11-results-csv-tsv/")))
        graph.add((subject, FOAF.page, URIRef(site.url(f"queries/{query.name}"))))
    sparql = pub.part("sparql")
    _distribution(graph, pub, sparql, titles={"de": "SPARQL-Endpunkt", "en": "SPARQL endpoint"},
                  descriptions={"de": "Abfragen über das SPARQL-1.1-Protokoll.",
                                "en": "Queries over the SPARQL 1.1 Protocol."},
                  access=site.endpoint, file_type="SPARQLQ")
    graph.add((sparql, DCAT.accessService, service))

    graph.add((service, RDF.type, DCAT.DataService))
    _texts(graph, service, DCTERMS.title, {"de": "ruhrgraph SPARQL-Endpunkt",
                                           "en": "ruhrgraph SPARQL endpoint"})
    _texts(graph, service, DCTERMS.description, {
        "de": "SPARQL 1.1 (nur Abfragen) über den ganzen Graphen; Standardgraph ist die "
              "Vereinigung der benannten Graphen.",
        "en": "SPARQL 1.1 (queries only) over the whole graph; the default graph is the union "
              "of the named graphs."})
    graph.add((service, DCAT.endpointURL, URIRef(site.endpoint)))
    graph.add((service, DCAT.endpointDescription, URIRef(site.endpoint)))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCAT.landingPage, URIRef(site.endpoint)))
    graph.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    graph.add((service, DCTERMS.publisher, publisher))
    graph.add((service, DCAT.contactPoint, contact))
    graph.add((service, DCTERMS.license, URIRef(pub.licence)))
    graph.add((service, DCTERMS.accessRights, URIRef(f"{EU}access-right/PUBLIC")))
    graph.add((service, DCATAP.availability, URIRef(f"{EU}planned-availability/AVAILABLE")))
    # True by the SPDX ontology; stated so that the checksum's algorithm has its class.
    graph.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    return graph


def _spatial(graph: Graph, pub: Publication, dataset) -> None:
    """North Rhine-Westphalia (state key, GeoNames) and the Kreise and kreisfreie Städte of
    the Ruhr (district keys of the DCAT-AP.de political geocoding). Each is a dct:Location
    (the range of dct:spatial), stated so that validators need no inference."""
    places = [(STATE_KEY, "Nordrhein-Westfalen"), (GEONAMES_NRW, "Nordrhein-Westfalen")]
    places += [(f"{GEOCODING}districtKey/{key}", None) for key in pub.summary.district_keys]
    for iri, label in places:
        place = URIRef(iri)
        graph.add((dataset, DCTERMS.spatial, place))
        graph.add((place, RDF.type, DCTERMS.Location))
        if label:
            graph.add((place, RDFS.label, Literal(label, lang="de")))
    graph.add((dataset, DCATDE.politicalGeocodingLevelURI, URIRef(GEOCODING + "Level/state")))


def _temporal(graph: Graph, pub: Publication, dataset) -> None:
    """From the earliest start to the latest stated end of the projects' durations."""
    first, last = pub.summary.first_year, pub.summary.last_year
    if first is None and last is None:
        return
    period = BNode("temporal")
    graph.add((dataset, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if first is not None:
        graph.add((period, DCAT.startDate, Literal(f"{first:04d}-01-01", datatype=XSD.date)))
    if last is not None:
        graph.add((period, DCAT.endDate, Literal(f"{last:04d}-12-31", datatype=XSD.date)))


# --- VoID -----------------------------------------------------------------------------


def void(pub: Publication, stats: Statistics) -> Graph:
    """The VoID description: statistics, partitions, vocabularies, access, linksets."""
    graph = _graph()
    site, dataset = pub.site, pub.dataset
    doc = URIRef(site.void)
    graph.add((doc, RDF.type, VOID.DatasetDescription))
    graph.add((doc, DCTERMS.title, Literal("VoID description of ruhrgraph", lang="en")))
    graph.add((doc, FOAF.primaryTopic, dataset))
    graph.add((doc, DCTERMS.modified, _when(pub.built)))

    graph.add((dataset, RDF.type, VOID.Dataset))
    _texts(graph, dataset, DCTERMS.title, pub.titles())
    _texts(graph, dataset, DCTERMS.description, pub.descriptions())
    graph.add((dataset, DCTERMS.license, URIRef(pub.licence)))
    graph.add((dataset, DCTERMS.publisher, URIRef(Iris.fragment(pub.iris.catalog(),
                                                                "publisher"))))
    graph.add((dataset, DCTERMS.modified, _when(pub.built)))
    for source in pub.sources:
        graph.add((dataset, DCTERMS.source, URIRef(source)))
    graph.add((dataset, FOAF.homepage, URIRef(site.url())))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(site.endpoint)))
    for dump in pub.dumps:
        graph.add((dataset, VOID.dataDump, URIRef(site.download(dump))))
    for fmt in dict.fromkeys(d.format for d in pub.dumps):
        graph.add((dataset, VOID.feature, URIRef(FORMATS[fmt][2])))
    graph.add((dataset, VOID.uriSpace, Literal(pub.iris.base)))
    if stats.root:
        graph.add((dataset, VOID.rootResource, URIRef(stats.root)))
    for example in stats.examples:
        graph.add((dataset, VOID.exampleResource, URIRef(example)))
    for namespace in stats.vocabularies:
        graph.add((dataset, VOID.vocabulary, URIRef(namespace)))
    for predicate, value in ((VOID.triples, stats.triples), (VOID.entities, stats.entities),
                             (VOID.distinctSubjects, stats.distinct_subjects),
                             (VOID.distinctObjects, stats.distinct_objects),
                             (VOID.classes, len(stats.classes)),
                             (VOID.properties, len(stats.properties))):
        graph.add((dataset, predicate, Literal(value)))
    for cls, n in stats.classes.items():
        part = BNode(f"class-{len(graph)}")
        graph.add((dataset, VOID.classPartition, part))
        graph.add((part, VOID["class"], URIRef(cls)))
        graph.add((part, VOID.entities, Literal(n)))
    for prop, n in stats.properties.items():
        part = BNode(f"property-{len(graph)}")
        graph.add((dataset, VOID.propertyPartition, part))
        graph.add((part, VOID.property, URIRef(prop)))
        graph.add((part, VOID.triples, Literal(n)))
    for name, n in stats.graphs.items():
        subset = URIRef(name)
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, subset))
        graph.add((subset, VOID.triples, Literal(n)))
    if stats.linksets:
        wikidata = pub.part("wikidata")
        graph.add((wikidata, RDF.type, VOID.Dataset))
        graph.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
        graph.add((wikidata, FOAF.homepage, URIRef(WIKIDATA_HOME)))
        graph.add((wikidata, VOID.uriSpace, Literal("http://www.wikidata.org/entity/")))
        graph.add((wikidata, VOID.sparqlEndpoint, URIRef(WIKIDATA_SPARQL)))
    names: set[str] = set()
    for linkset in stats.linksets:
        name = f"wikidata-{linkset.kind}"
        while name in names:
            name += "-x"
        names.add(name)
        subject = pub.part(name)
        graph.add((dataset, VOID.subset, subject))
        graph.add((subject, RDF.type, VOID.Linkset))
        graph.add((subject, DCTERMS.title, Literal(f"{linkset.kind} → Wikidata", lang="en")))
        graph.add((subject, VOID.subjectsTarget, dataset))
        graph.add((subject, VOID.objectsTarget, pub.part("wikidata")))
        graph.add((subject, VOID.linkPredicate, URIRef(linkset.predicate)))
        graph.add((subject, VOID.triples, Literal(linkset.triples)))
    return graph


# --- schema.org -----------------------------------------------------------------------


def schema_org(pub: Publication) -> dict[str, Any]:
    """A schema.org ``Dataset`` for the HTML pages (what dataset search engines read)."""
    site, settings = pub.site, pub.settings
    organisation = {"@type": "Organization", "name": settings.publisher_name,
                    "url": settings.publisher_url,
                    "email": settings.contact_email}
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(pub.dataset),
        "name": pub.titles()["de"],
        "alternateName": pub.titles()["en"],
        "description": pub.descriptions()["de"],
        "url": site.url(),
        "identifier": str(pub.dataset),
        "keywords": [word for word, _ in KEYWORDS],
        "inLanguage": "de",
        "license": pub.licence_url,
        "isAccessibleForFree": True,
        "creator": organisation,
        "publisher": organisation,
        "version": pub.build_id,
        "dateModified": pub.built.isoformat(),
        "datePublished": pub.built.isoformat(),
        "spatialCoverage": {"@type": "Place", "name": "Ruhrgebiet, Nordrhein-Westfalen",
                            "sameAs": GEONAMES_NRW},
        "includedInDataCatalog": {"@type": "DataCatalog", "name": "ruhrgraph",
                                  "url": site.url("catalog")},
        "distribution": [
            {"@type": "DataDownload", "name": f"{d.name} ({d.format})",
             "encodingFormat": d.content_type, "contentUrl": site.download(d),
             "contentSize": f"{d.bytes} B"} for d in pub.dumps],
    }
    if pub.summary.first_year is not None:
        last = pub.summary.last_year
        data["temporalCoverage"] = f"{pub.summary.first_year}/{last if last else '..'}"
    return data


# --- serialisation --------------------------------------------------------------------

#: Format name (as in ``ruhrgraph.web.endpoint.negotiation``) -> rdflib serializer.
SERIALIZERS = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}


def serialize(graph: Graph, fmt: str) -> bytes:
    if fmt == "jsonld":
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, auto_compact=True,
                               encoding="utf-8")
    return graph.serialize(format=SERIALIZERS[fmt], encoding="utf-8")


def canned(queries: Sequence[Any]) -> tuple[CannedQuery, ...]:
    """Canned queries (anything with ``name``, ``title``, ``description``) in name order."""
    return tuple(sorted((CannedQuery(q.name, q.title, getattr(q, "description", "") or "")
                         for q in queries), key=lambda q: q.name))
