"""The DCAT-AP.de 3.0 catalogue of the graph: catalogue, dataset, distributions, data service.

:func:`catalog` makes it from a :class:`~ruhrgraph.publish.publication.Publication` (the
build's manifest, the settings, the graph's summary, the server's URLs) and nothing else.
It is made when it is asked for, never stored in the graph: a dump cannot contain its own
checksum, so the catalogue that states the checksums cannot be inside the dumps
(``docs/opendata.md``). Each part of the catalogue is one function below, called in the
order the triples were always added.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD

from ruhrgraph import namespaces as ns
from ruhrgraph.iris import Iris
from ruhrgraph.publish.publication import (
    FORMATS,
    GEONAMES_NRW,
    KEYWORDS,
    Dump,
    Publication,
    new_graph,
    texts,
    when,
)

DCAT = Namespace(ns.DCAT)  # DCAT 3 (rdflib's DCAT lacks dcat:version)
DCATAP = Namespace(ns.DCATAP)
DCATDE = Namespace(ns.DCATDE)
SPDX = Namespace(ns.SPDX)
VCARD = Namespace(ns.VCARD)
PROV = Namespace(ns.PROV)
EU = ns.EU_AUTHORITY
IANA = ns.IANA_MEDIA_TYPES
GEOCODING = ns.POLITICAL_GEOCODING

THEMES = ("GOVE", "REGI")
STATE_KEY = GEOCODING + "stateKey/05"  # Nordrhein-Westfalen
AVAILABLE = URIRef(f"{EU}planned-availability/AVAILABLE")
PUBLIC = URIRef(f"{EU}access-right/PUBLIC")


def catalog(pub: Publication) -> Graph:
    """The DCAT-AP.de 3.0 catalogue: catalogue, dataset, distributions, data service."""
    graph = new_graph()
    _agents(graph, pub)
    _catalogue(graph, pub)
    _dataset(graph, pub)
    for dump in pub.dumps:
        _dump_distribution(graph, pub, dump)
    _query_distributions(graph, pub)
    _sparql_distribution(graph, pub)
    _data_service(graph, pub)
    # True by the SPDX ontology; stated so that the checksum's algorithm has its class.
    graph.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    return graph


def _publisher(pub: Publication) -> URIRef:
    return URIRef(Iris.fragment(pub.iris.catalog(), "publisher"))


def _contact(pub: Publication) -> URIRef:
    return URIRef(Iris.fragment(pub.iris.catalog(), "contact"))


def _agents(graph: Graph, pub: Publication) -> None:
    """The publisher (foaf:Organization) and the contact point (vCard)."""
    settings, publisher, contact = pub.settings, _publisher(pub), _contact(pub)
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


def _catalogue(graph: Graph, pub: Publication) -> None:
    cat, built = URIRef(pub.iris.catalog()), when(pub.built)
    graph.add((cat, RDF.type, DCAT.Catalog))
    texts(graph, cat, DCTERMS.title, {"de": "ruhrgraph – Katalog offener Daten",
                                      "en": "ruhrgraph open-data catalogue"})
    texts(graph, cat, DCTERMS.description, {
        "de": "Der Wissensgraph der Ruhr-Konferenz: Dumps, CSV-Auswertungen und SPARQL-Dienst.",
        "en": "The Ruhr Conference knowledge graph: dumps, CSV reports and SPARQL service."})
    graph.add((cat, DCTERMS.publisher, _publisher(pub)))
    graph.add((cat, DCTERMS.language, URIRef(f"{EU}language/DEU")))
    graph.add((cat, DCTERMS.issued, built))
    graph.add((cat, DCTERMS.modified, built))
    graph.add((cat, FOAF.homepage, URIRef(pub.site.url())))
    graph.add((cat, DCTERMS.license, URIRef(pub.licence)))
    graph.add((cat, DCAT.themeTaxonomy, URIRef(f"{EU}data-theme")))
    graph.add((cat, DCAT.dataset, pub.dataset))
    graph.add((cat, DCAT.service, URIRef(pub.iris.service())))


def _dataset(graph: Graph, pub: Publication) -> None:
    dataset, publisher, built = pub.dataset, _publisher(pub), when(pub.built)
    graph.add((dataset, RDF.type, DCAT.Dataset))
    texts(graph, dataset, DCTERMS.title, pub.titles())
    texts(graph, dataset, DCTERMS.description, pub.descriptions())
    graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    for word, lang in KEYWORDS:
        graph.add((dataset, DCAT.keyword, Literal(word, lang=lang)))
    for theme in THEMES:
        graph.add((dataset, DCAT.theme, URIRef(f"{EU}data-theme/{theme}")))
    graph.add((dataset, DCTERMS.language, URIRef(f"{EU}language/DEU")))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCTERMS.creator, publisher))
    graph.add((dataset, DCAT.contactPoint, _contact(pub)))
    _spatial(graph, pub, dataset)
    _temporal(graph, pub, dataset)
    graph.add((dataset, DCTERMS.issued, built))
    graph.add((dataset, DCTERMS.modified, built))
    graph.add((dataset, DCAT.version, Literal(pub.build_id)))
    graph.add((dataset, DCTERMS.accessRights, PUBLIC))
    graph.add((dataset, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/IRREG")))
    graph.add((dataset, DCATAP.availability, AVAILABLE))
    graph.add((dataset, DCAT.landingPage, URIRef(pub.site.url())))
    graph.add((dataset, FOAF.page, URIRef(pub.site.url("downloads"))))
    graph.add((dataset, DCTERMS.conformsTo, URIRef(ns.ONTOLOGY)))
    for source in pub.sources:
        graph.add((dataset, PROV.wasDerivedFrom, URIRef(source)))
    if pub.settings.contributor_id:
        graph.add((dataset, DCATDE.contributorID, URIRef(pub.settings.contributor_id)))


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


# --- distributions ----------------------------------------------------------------------


def _licence(graph: Graph, pub: Publication, subject) -> None:
    graph.add((subject, DCTERMS.license, URIRef(pub.licence)))
    graph.add((subject, DCATDE.licenseAttributionByText,
               Literal(pub.settings.attribution, lang="de")))


def _distribution(graph: Graph, pub: Publication, subject, *, titles, descriptions,
                  access: str, file_type: str, download: str | None = None) -> None:
    graph.add((pub.dataset, DCAT.distribution, subject))
    graph.add((subject, RDF.type, DCAT.Distribution))
    texts(graph, subject, DCTERMS.title, titles)
    texts(graph, subject, DCTERMS.description, descriptions)
    graph.add((subject, DCAT.accessURL, URIRef(access)))
    if download:
        graph.add((subject, DCAT.downloadURL, URIRef(download)))
    graph.add((subject, DCTERMS.format, URIRef(f"{EU}file-type/{file_type}")))
    _licence(graph, pub, subject)
    graph.add((subject, DCTERMS.issued, when(pub.built)))
    graph.add((subject, DCTERMS.modified, when(pub.built)))
    graph.add((subject, DCATAP.availability, AVAILABLE))


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


def _query_distributions(graph: Graph, pub: Publication) -> None:
    """Each canned query's CSV export."""
    for query in pub.queries:
        subject = pub.part(f"query-{query.name}")
        url = pub.site.query_csv(query.name)
        _distribution(graph, pub, subject,
                      titles={"en": f"Report (CSV): {query.title}"},
                      descriptions={"en": query.description or query.title},
                      access=url, file_type="CSV", download=url)
        graph.add((subject, DCAT.mediaType, URIRef(IANA + "text/csv")))
        graph.add((subject, DCTERMS.conformsTo,
                   URIRef("https://www.w3.org/TR/sparql11-results-csv-tsv/")))
        graph.add((subject, FOAF.page, URIRef(pub.site.url(f"queries/{query.name}"))))


def _sparql_distribution(graph: Graph, pub: Publication) -> None:
    sparql = pub.part("sparql")
    _distribution(graph, pub, sparql, titles={"de": "SPARQL-Endpunkt", "en": "SPARQL endpoint"},
                  descriptions={"de": "Abfragen über das SPARQL-1.1-Protokoll.",
                                "en": "Queries over the SPARQL 1.1 Protocol."},
                  access=pub.site.endpoint, file_type="SPARQLQ")
    graph.add((sparql, DCAT.accessService, URIRef(pub.iris.service())))


def _data_service(graph: Graph, pub: Publication) -> None:
    service, endpoint = URIRef(pub.iris.service()), URIRef(pub.site.endpoint)
    graph.add((service, RDF.type, DCAT.DataService))
    texts(graph, service, DCTERMS.title, {"de": "ruhrgraph SPARQL-Endpunkt",
                                          "en": "ruhrgraph SPARQL endpoint"})
    texts(graph, service, DCTERMS.description, {
        "de": "SPARQL 1.1 (nur Abfragen) über den ganzen Graphen; Standardgraph ist die "
              "Vereinigung der benannten Graphen.",
        "en": "SPARQL 1.1 (queries only) over the whole graph; the default graph is the union "
              "of the named graphs."})
    graph.add((service, DCAT.endpointURL, endpoint))
    graph.add((service, DCAT.endpointDescription, endpoint))
    graph.add((service, DCAT.servesDataset, pub.dataset))
    graph.add((service, DCAT.landingPage, endpoint))
    graph.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    graph.add((service, DCTERMS.publisher, _publisher(pub)))
    graph.add((service, DCAT.contactPoint, _contact(pub)))
    graph.add((service, DCTERMS.license, URIRef(pub.licence)))
    graph.add((service, DCTERMS.accessRights, PUBLIC))
    graph.add((service, DCATAP.availability, AVAILABLE))
