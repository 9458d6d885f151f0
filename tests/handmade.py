"""Hand-made records for the mapping and shape tests: a two-project catalogue, written by
hand (not by the reader), with a reference set around it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from rdflib import Graph, Namespace, URIRef

from ruhrgraph.graph import mapping, provenance
from ruhrgraph.iris import Iris
from ruhrgraph.link.reference import FieldRef, Ministry, Organisation, Place, Reference
from ruhrgraph.records import (
    Catalogue,
    Duration,
    EntityLink,
    Field,
    LinkedCatalogue,
    LinkedProject,
    Measure,
    Mention,
    Project,
    Span,
)

SCHEMA = Namespace("http://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
ORG = Namespace("http://www.w3.org/ns/org#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
BASE = "https://w3id.org/ruhrgraph/"
G = URIRef(BASE + "graph/catalogue")

TEXT = (
    "# Testkatalog\n"                                                     # 1
    "\n"                                                                  # 2
    "## Chancenregion Ruhr: Feld Eins\n"                                  # 3
    "Einleitung eins.\n"                                                  # 4
    "### Projekt A (VM, 13-01)\n"                                         # 5
    'Projektbeschreibung\tIn Bochum mit der Ruhr-Universität Bochum, "Zitat" \\ und MSB.\n'  # 6
    "Maßnahmen\t<ul><li>Erste Maßnahme</li><li>Zweite Maßnahme in Essen</li></ul>\n"  # 7
    "Laufzeit\t2020 bis 2030\n"                                           # 8
    "## Chancenregion Ruhr: Feld Zwei\n"                                  # 9
    "### Projekt B (MSB, 10-01)\n"                                        # 10
    "Projektbeschreibung\tSetzt Projekt A fort.\n"                        # 11
    "Maßnahmen\tEine Maßnahme\n"                                          # 12
    "Laufzeit\tAb 2020, danach Regelbetrieb"                              # 13 (no newline)
)


def span(text: str, occurrence: int = 0, *, within: tuple[int, int] | None = None) -> Span:
    lo, hi = within or (0, len(TEXT))
    start = TEXT.index(text, lo, hi)
    for _ in range(occurrence):
        start = TEXT.index(text, start + 1, hi)
    end = start + len(text)
    return Span(TEXT.count("\n", 0, start) + 1, TEXT.count("\n", 0, end - 1) + 1, start, end)


def lines_span(first: int, last: int) -> Span:
    starts = [0] + [i + 1 for i, c in enumerate(TEXT) if c == "\n"]
    end = starts[last] - 1 if last < len(starts) else len(TEXT)
    return Span(first, last, starts[first - 1], end)


def mention(text: str, method: str = "name", occurrence: int = 0) -> Mention:
    s = span(text, occurrence)
    return Mention(text, s.line_start, s.start, s.end, method)


def make_reference() -> Reference:
    return Reference(
        ministries=(Ministry("vm", "VM", ("Verkehrsministerium",), "Ministerium für Verkehr",
                             "Ministry of Transport", None),
                    Ministry("msb", "MSB", (), "Ministerium für Schule und Bildung",
                             "Ministry of Schools", "Q1")),
        fields=(FieldRef(1, "Chancenregion Ruhr: Feld Eins", "Field One", "Feld Eins", ""),
                FieldRef(2, "Chancenregion Ruhr: Feld Zwei", "Field Two", "Feld Zwei", "")),
        places=(Place("05911000", "Bochum", "kreisfreie-stadt", None, True, 51.48181, 7.21966,
                      "Q2103", ("Weitmar",)),
                Place("05113000", "Essen", "kreisfreie-stadt", None, True, 51.45, 7.0,
                      None, ()),
                Place("05978000", "Kreis Unna", "kreis", None, True, 51.55, 7.7, None, ()),
                Place("05978036", "Schwerte", "kreisangehoerige-gemeinde", "05978000", True,
                      51.44, 7.56, None, ())),
        organisations=(Organisation("rub", "Ruhr-Universität Bochum", "university", ("RUB",),
                                    "Q309988"),),
    )


def make_linked() -> LinkedCatalogue:
    p5, p10 = TEXT.index("### Projekt A"), TEXT.index("### Projekt B")
    a = Project(
        code="13-01", ministry="VM", title="Projekt A", title_toc="Projekt A (alt)",
        title_in_body=True, field=1,
        description='In Bochum mit der Ruhr-Universität Bochum, "Zitat" \\ und MSB.',
        measures=(Measure(1, "Erste Maßnahme", "item", None, span("Erste Maßnahme")),
                  Measure(2, "Zweite Maßnahme in Essen", "step", "2.",
                          span("Zweite Maßnahme in Essen"))),
        duration=Duration("2020 bis 2030", 2020, 2030, False, span("2020 bis 2030")),
        span=lines_span(5, 8), title_span=span("Projekt A", within=(p5, p10)),
        description_span=span('In Bochum mit der Ruhr-Universität Bochum, "Zitat" \\ und MSB.'),
        measures_span=span("<ul><li>Erste Maßnahme</li><li>Zweite Maßnahme in Essen</li></ul>"))
    b = Project(
        code="10-01", ministry="MSB", title="Projekt B", title_toc="Projekt B",
        title_in_body=True, field=2, description="Setzt Projekt A fort.",
        measures=(Measure(1, "Eine Maßnahme", "text", None, span("Eine Maßnahme")),),
        duration=Duration("Ab 2020, danach Regelbetrieb", 2020, None, True,
                          span("Ab 2020, danach Regelbetrieb"), note="no end stated"),
        span=lines_span(10, 13), title_span=span("Projekt B", within=(p10, len(TEXT))),
        description_span=span("Setzt Projekt A fort."), measures_span=span("Eine Maßnahme"))
    catalogue = Catalogue(
        title="Testkatalog", introduction="",
        fields=(Field(1, "Chancenregion Ruhr: Feld Eins", "Einleitung eins.", lines_span(3, 4)),
                Field(2, "Chancenregion Ruhr: Feld Zwei", "", lines_span(9, 9))),
        projects=(a, b), toc=(), findings=(), source_name="test.txt",
        source_sha256=hashlib.sha256(TEXT.encode()).hexdigest(), text=TEXT)
    return LinkedCatalogue(catalogue, (
        LinkedProject(a, "vm",
                      places=(EntityLink("05911000", (mention("Bochum"),)),
                              EntityLink("05113000", (mention("Essen"),))),
                      organisations=(EntityLink("rub", (mention("Ruhr-Universität Bochum"),)),),
                      other_ministries=(EntityLink("msb", (mention("MSB", "abbreviation"),)),),
                      related_projects=()),
        LinkedProject(b, "msb", places=(), organisations=(), other_ministries=(),
                      related_projects=(EntityLink("13-01", (mention("Projekt A", "title", 1),)),)),
    ), ())


def build_info(sha: str) -> provenance.BuildProvenance:
    return provenance.BuildProvenance(
        "20260101T000000Z-test", datetime(2026, 1, 1, tzinfo=UTC), "9.9.9",
        (provenance.SourceFile("test.txt", sha, len(TEXT.encode()), "catalogue"),),
        "Testkatalog")


class Quads:
    """N-Quads text split into one rdflib Graph per graph name (rdflib's own Dataset warns
    about deprecations on parse)."""

    def __init__(self, text: str):
        by_graph: dict[str, list[str]] = {}
        for line in text.splitlines():
            triple, graph, dot = line.rsplit(" ", 2)
            assert dot == "."
            by_graph.setdefault(graph.strip("<>"), []).append(triple + " .\n")
        self.graphs = {name: Graph().parse(data="".join(lines), format="nt")
                       for name, lines in by_graph.items()}

    def graph(self, name) -> Graph:
        return self.graphs[str(name)]

    def quads(self):
        for name, graph in self.graphs.items():
            for s, p, o in graph:
                yield s, p, o, name


def to_dataset(text: str) -> Quads:
    return Quads(text)


def nquads(linked: LinkedCatalogue | None = None, base: str = BASE) -> str:
    """The catalogue and meta graphs of the hand-made records as N-Quads text."""
    linked = linked or make_linked()
    chunks = mapping.catalogue_chunks(linked, make_reference(), Iris(base))
    return "".join(chunks) + provenance.meta(build_info(linked.catalogue.source_sha256), Iris(base))
