"""The SPARQL 1.1 Service Description of the endpoint, and the prefixes of the graph."""

from __future__ import annotations

from urllib.parse import urljoin

from ruhrgraph.iris import KINDS, Iris
from ruhrgraph.namespaces import ONTOLOGY_NS
from ruhrgraph.web.endpoint.negotiation import GRAPHS, RESULTS

#: Vocabulary prefixes offered in the query editor and used in Turtle output.
VOCABULARIES = {
    "rg": ONTOLOGY_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "time": "http://www.w3.org/2006/time#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}

_W3C_FORMAT = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
               "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV", "turtle": "Turtle",
               "ntriples": "N-Triples", "rdfxml": "RDF_XML", "jsonld": "JSON-LD",
               "nquads": "N-Quads", "trig": "TriG"}


def prefixes(iris: Iris) -> dict[str, str]:
    """Vocabulary prefixes plus one per entity kind (``project:`` -> ``{base}project/``)."""
    entity = {kind: f"{iris.base}{kind}/" for kind in KINDS if kind not in VOCABULARIES}
    return {**VOCABULARIES, **entity}


def prologue(iris: Iris) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes(iris).items())


def service_description(iris: Iris, endpoint: str, graphs: list[str],
                        allowlist: frozenset[str]) -> str:
    """Turtle: the service at ``endpoint``, its language, features, formats and dataset."""
    formats = ", ".join(f"<http://www.w3.org/ns/formats/{_W3C_FORMAT[f.name]}>"
                        for f in (*RESULTS, *GRAPHS))
    features = ["sd:UnionDefaultGraph"]
    if allowlist:
        features.append("sd:BasicFederatedQuery")
    named = "".join(f"        sd:namedGraph [ a sd:NamedGraph ; sd:name <{g}> ] ;\n"
                    for g in graphs)
    void = urljoin(endpoint, ".well-known/void")  # the VoID of the dataset (web/opendata.py)
    return (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<{iris.service()}> a sd:Service ;\n"
        f"    sd:endpoint <{endpoint}> ;\n"
        "    dcterms:title \"ruhrgraph SPARQL endpoint\"@en ;\n"
        "    sd:supportedLanguage sd:SPARQL11Query ;\n"
        f"    sd:feature {', '.join(features)} ;\n"
        f"    sd:resultFormat {formats} ;\n"
        "    sd:defaultDataset [ a sd:Dataset ;\n"
        f"        rdfs:seeAlso <{void}> ;\n"
        f"        sd:defaultGraph [ a sd:Graph ] ;\n{named}"
        "    ] .\n"
    )
