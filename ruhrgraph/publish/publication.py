"""What every description of the graph is made of, and the RDF helpers they share.

:class:`Publication` holds the three inputs of the descriptions (the build's manifest, read
into :class:`Dump` records; the settings; the graph's :class:`~ruhrgraph.publish.statistics.
Summary`) and the URLs the server is reached at (:class:`Site`). :func:`new_graph`,
:func:`texts` and :func:`when` build the rdflib graphs of :mod:`ruhrgraph.publish.dcat` and
:mod:`ruhrgraph.publish.void`; :func:`serialize` writes them with :data:`PREFIXES` (a
selection of :data:`ruhrgraph.namespaces.PREFIXES` and the catalogue's own prefixes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from ruhrgraph import namespaces as ns
from ruhrgraph.config import Settings
from ruhrgraph.iris import Iris
from ruhrgraph.publish.statistics import Summary

#: The prefixes the descriptions bind, in this order (also the JSON-LD context's).
_BOUND = ("dcat", "dcterms", "dcatap", "dcatde", "foaf", "vcard", "spdx", "skos", "void", "sd",
          "prov", "owl", "rdfs", "xsd", "rg")
PREFIXES = {prefix: Namespace((ns.PREFIXES | ns.CATALOGUE_PREFIXES)[prefix])
            for prefix in _BOUND}

#: Dump format name (manifest) -> (EU file type, specification, W3C format IRI).
FORMATS = {
    "Turtle": ("RDF_TURTLE", "https://www.w3.org/TR/turtle/", ns.FORMATS + "Turtle"),
    "N-Triples": ("RDF_N_TRIPLES", "https://www.w3.org/TR/n-triples/",
                  ns.FORMATS + "N-Triples"),
    "JSON-LD": ("JSON_LD", "https://www.w3.org/TR/json-ld11/", ns.FORMATS + "JSON-LD"),
    "N-Quads": ("RDF_N_QUADS", "https://www.w3.org/TR/n-quads/", ns.FORMATS + "N-Quads"),
    "TriG": ("RDF_TRIG", "https://www.w3.org/TR/trig/", ns.FORMATS + "TriG"),
}

#: DCAT-AP.de licence IRI -> (name, human-readable text). Other IRIs are named by themselves.
LICENCES = {
    ns.DCATDE_LICENSES + "dl-by-de/2.0":
        ("Datenlizenz Deutschland – Namensnennung – Version 2.0",
         "https://www.govdata.de/dl-de/by-2-0"),
    ns.DCATDE_LICENSES + "dl-zero-de/2.0":
        ("Datenlizenz Deutschland – Zero – Version 2.0", "https://www.govdata.de/dl-de/zero-2-0"),
    ns.DCATDE_LICENSES + "cc-by/4.0":
        ("Creative Commons Namensnennung – 4.0 International (CC BY 4.0)",
         "https://creativecommons.org/licenses/by/4.0/"),
    ns.DCATDE_LICENSES + "cc-zero":
        ("Creative Commons CC Zero (CC0 1.0)",
         "https://creativecommons.org/publicdomain/zero/1.0/"),
}

KEYWORDS = (("Ruhr-Konferenz", "de"), ("Ruhrgebiet", "de"), ("Metropole Ruhr", "de"),
            ("Nordrhein-Westfalen", "de"), ("Landesregierung", "de"), ("Strukturwandel", "de"),
            ("Projekte", "de"), ("Wissensgraph", "de"), ("Linked Open Data", "de"),
            ("Ruhr Conference", "en"), ("Ruhr area", "en"), ("North Rhine-Westphalia", "en"),
            ("knowledge graph", "en"), ("linked open data", "en"))
GEONAMES_NRW = "http://sws.geonames.org/2861876/"


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
    """The dumps the build's manifest lists, in its order."""
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
    title_de: str = ""

    def title_in(self, lang: str) -> str:
        """The title in the interface's language (German when the query has one)."""
        return self.title_de if lang == "de" and self.title_de else self.title


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
        return str(self.settings.license)

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


def canned(queries: Sequence[Any]) -> tuple[CannedQuery, ...]:
    """Canned queries (anything with ``name``, ``title``, ``description``) in name order."""
    return tuple(sorted((CannedQuery(q.name, q.title, getattr(q, "description", "") or "",
                                     getattr(q, "title_de", "") or "")
                         for q in queries), key=lambda q: q.name))


# --- graphs ---------------------------------------------------------------------------


def new_graph() -> Graph:
    """An empty graph with :data:`PREFIXES` bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def texts(graph: Graph, subject, predicate, by_language: Mapping[str, str]) -> None:
    """One language-tagged literal per entry of ``by_language``."""
    for lang, text in by_language.items():
        graph.add((subject, predicate, Literal(text, lang=lang)))


def when(moment: datetime) -> Literal:
    """An ``xsd:dateTime``, UTC written as ``Z``."""
    return Literal(moment.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)


#: Format name (as in ``ruhrgraph.web.endpoint.negotiation``) -> rdflib serializer.
SERIALIZERS = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}


def serialize(graph: Graph, fmt: str) -> bytes:
    """``graph`` in ``fmt`` (a key of :data:`SERIALIZERS`); JSON-LD compacted with
    :data:`PREFIXES` as its context."""
    if fmt == "jsonld":
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, auto_compact=True,
                               encoding="utf-8")
    return graph.serialize(format=SERIALIZERS[fmt], encoding="utf-8")
