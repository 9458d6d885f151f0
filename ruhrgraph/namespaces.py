"""Every vocabulary the graph uses, defined once, and the one prefix table.

The namespaces are plain ``str`` (``DCTERMS + "title"``), cheap where pages and the mapping
build IRIs by the thousand; the graph's own terms are :class:`RG`, an rdflib
``DefinedNamespace`` that raises ``AttributeError`` on a misspelled term instead of minting
a new IRI (``_fail = True``; ``tests/test_ontology.py`` checks it against ``ontology/``).
:data:`PREFIXES` is the one prefix table: of the Turtle and TriG dumps, the pages, the
SPARQL editor, the service description and the DCAT output.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

ONTOLOGY = "https://w3id.org/ruhrgraph/ontology"
ONTOLOGY_NS = ONTOLOGY + "#"
SHAPES_NS = "https://w3id.org/ruhrgraph/shapes#"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
DCATDE = "http://dcat-ap.de/def/dcatde/"
DCATAP = "http://data.europa.eu/r5r/"
DCATDE_LICENSES = "http://dcat-ap.de/def/licenses/"
POLITICAL_GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
SCHEMA = "http://schema.org/"
ORG = "http://www.w3.org/ns/org#"
CV = "http://data.europa.eu/m8g/"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
GEO = "http://www.opengis.net/ont/geosparql#"
OA = "http://www.w3.org/ns/oa#"
SPDX = "http://spdx.org/rdf/terms#"
VOID = "http://rdfs.org/ns/void#"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
ADMS = "http://www.w3.org/ns/adms#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
WIKIDATA = "http://www.wikidata.org/entity/"
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
#: Controlled lists whose IRIs are settings' defaults (licence, publisher type, contributor).
DCATDE_LICENCES = "http://dcat-ap.de/def/licenses/"
DCATDE_CONTRIBUTORS = "http://dcat-ap.de/def/contributors/"
ADMS_PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
#: XML namespaces of documents the web tier writes (charts and maps, sitemaps).
SVG = "http://www.w3.org/2000/svg"
SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: not a namespace: the IRI of RFC 5147 (text/plain fragments), which the line selectors conform to
RFC5147 = "http://tools.ietf.org/rfc/rfc5147"

class RG(DefinedNamespace):
    """ruhrgraph ontology: https://w3id.org/ruhrgraph/ontology#"""

    _fail = True
    _NS = Namespace(ONTOLOGY_NS)

    # classes
    District: URIRef
    IndependentCity: URIRef
    Measure: URIRef
    Ministry: URIRef
    Municipality: URIRef
    Programme: URIRef
    Project: URIRef

    # object properties
    actionField: URIRef
    hasMeasure: URIRef
    hasMention: URIRef
    leadMinistry: URIRef
    mentionsMinistry: URIRef
    mentionsOrganisation: URIRef
    mentionsPlace: URIRef
    mentionsProject: URIRef
    partner: URIRef

    # datatype properties
    ags: URIRef
    durationText: URIRef
    firstLine: URIRef
    inRuhrRegion: URIRef
    lastLine: URIRef
    linkMethod: URIRef
    listMarker: URIRef
    measureKind: URIRef
    openEnded: URIRef


def terms() -> frozenset[str]:
    """The local names of every term :class:`RG` defines."""
    return frozenset(name for name in RG.__annotations__ if not name.startswith("_"))


#: prefix -> namespace: the one table of every document and page that abbreviates IRIs.
PREFIXES: dict[str, str] = {
    "rg": ONTOLOGY_NS, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS,
    "dcterms": DCTERMS, "dcat": DCAT, "schema": SCHEMA, "org": ORG, "cv": CV, "prov": PROV,
    "time": TIME, "geo": GEO, "oa": OA, "spdx": SPDX, "wd": WIKIDATA, "void": VOID,
    "foaf": FOAF, "sd": SD,
}

#: The prefixes only the DCAT-AP.de catalogue writes, beside :data:`PREFIXES`.
CATALOGUE_PREFIXES: dict[str, str] = {"dcatap": DCATAP, "dcatde": DCATDE, "vcard": VCARD}
