"""The SPARQL 1.1 Service Description of the endpoint, and the prefixes of the graph."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin

from ruhrgraph.iris import KINDS, Iris
from ruhrgraph.namespaces import DCTERMS, FORMATS, PREFIXES, RDFS, SD
from ruhrgraph.web.endpoint.negotiation import GRAPHS, RESULTS

_W3C_FORMAT = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
               "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV", "turtle": "Turtle",
               "ntriples": "N-Triples", "rdfxml": "RDF_XML", "jsonld": "JSON-LD",
               "nquads": "N-Quads", "trig": "TriG"}


def prefixes(iris: Iris) -> dict[str, str]:
    """The one prefix table (``namespaces.PREFIXES``) plus one per entity kind
    (``project:`` -> ``{base}project/``): the editor's prologue, Turtle results. Made once
    per base (do not change the returned table)."""
    return _prefixes(iris)


@lru_cache(maxsize=8)
def _prefixes(iris: Iris) -> dict[str, str]:
    entity = {kind: f"{iris.base}{kind}/" for kind in KINDS if kind not in PREFIXES}
    return {**PREFIXES, **entity}


def prologue(iris: Iris) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes(iris).items())


def service_description(iris: Iris, endpoint: str, graphs: list[str],
                        allowlist: frozenset[str]) -> str:
    """Turtle: the service at ``endpoint``, its language, features, formats and dataset."""
    formats = ", ".join(f"<{FORMATS}{_W3C_FORMAT[f.name]}>"
                        for f in (*RESULTS, *GRAPHS))
    features = ["sd:UnionDefaultGraph"]
    if allowlist:
        features.append("sd:BasicFederatedQuery")
    named = "".join(f"        sd:namedGraph [ a sd:NamedGraph ; sd:name <{g}> ] ;\n"
                    for g in graphs)
    void = urljoin(endpoint, ".well-known/void")  # the VoID of the dataset (web/opendata.py)
    return (
        f"@prefix sd: <{SD}> .\n"
        f"@prefix dcterms: <{DCTERMS}> .\n"
        f"@prefix rdfs: <{RDFS}> .\n"
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
