"""The VoID description of the graph: statistics, partitions, vocabularies, access, linksets.

:func:`void` makes it from a :class:`~ruhrgraph.publish.publication.Publication` and the
graph's :class:`~ruhrgraph.publish.statistics.Statistics`, when ``/void`` is asked for; like
the catalogue it is never stored in the graph. Each part is one function below, called in
the order the triples were always added (the blank nodes of the partitions are named by the
graph's size when they are made).
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, VOID

from ruhrgraph import namespaces as ns
from ruhrgraph.iris import Iris
from ruhrgraph.publish.publication import FORMATS, Publication, new_graph, texts, when
from ruhrgraph.publish.statistics import Statistics

SD = Namespace(ns.SD)
WIKIDATA_HOME = "https://www.wikidata.org/"
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"


def void(pub: Publication, stats: Statistics) -> Graph:
    """The VoID description: statistics, partitions, vocabularies, access, linksets."""
    graph = new_graph()
    _document(graph, pub)
    _dataset(graph, pub, stats)
    _figures(graph, pub.dataset, stats)
    _partitions(graph, pub.dataset, stats)
    _linksets(graph, pub, stats)
    return graph


def _document(graph: Graph, pub: Publication) -> None:
    doc = URIRef(pub.site.void)
    graph.add((doc, RDF.type, VOID.DatasetDescription))
    graph.add((doc, DCTERMS.title, Literal("VoID description of ruhrgraph", lang="en")))
    graph.add((doc, FOAF.primaryTopic, pub.dataset))
    graph.add((doc, DCTERMS.modified, when(pub.built)))


def _dataset(graph: Graph, pub: Publication, stats: Statistics) -> None:
    """What the dataset is, where it comes from, and how it is reached."""
    site, dataset = pub.site, pub.dataset
    graph.add((dataset, RDF.type, VOID.Dataset))
    texts(graph, dataset, DCTERMS.title, pub.titles())
    texts(graph, dataset, DCTERMS.description, pub.descriptions())
    graph.add((dataset, DCTERMS.license, URIRef(pub.licence)))
    graph.add((dataset, DCTERMS.publisher, URIRef(Iris.fragment(pub.iris.catalog(),
                                                                "publisher"))))
    graph.add((dataset, DCTERMS.modified, when(pub.built)))
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


def _figures(graph: Graph, dataset: URIRef, stats: Statistics) -> None:
    for predicate, value in ((VOID.triples, stats.triples), (VOID.entities, stats.entities),
                             (VOID.distinctSubjects, stats.distinct_subjects),
                             (VOID.distinctObjects, stats.distinct_objects),
                             (VOID.classes, len(stats.classes)),
                             (VOID.properties, len(stats.properties))):
        graph.add((dataset, predicate, Literal(value)))


def _partitions(graph: Graph, dataset: URIRef, stats: Statistics) -> None:
    """Class and property partitions, and one subset per named graph."""
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


def _linksets(graph: Graph, pub: Publication, stats: Statistics) -> None:
    """Wikidata as a dataset, and one linkset per kind of entity and link predicate."""
    if stats.linksets:
        wikidata = pub.part("wikidata")
        graph.add((wikidata, RDF.type, VOID.Dataset))
        graph.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
        graph.add((wikidata, FOAF.homepage, URIRef(WIKIDATA_HOME)))
        graph.add((wikidata, VOID.uriSpace, Literal(ns.WIKIDATA)))
        graph.add((wikidata, VOID.sparqlEndpoint, URIRef(WIKIDATA_SPARQL)))
    names: set[str] = set()
    for linkset in stats.linksets:
        name = f"wikidata-{linkset.kind}"
        while name in names:
            name += "-x"
        names.add(name)
        subject = pub.part(name)
        graph.add((pub.dataset, VOID.subset, subject))
        graph.add((subject, RDF.type, VOID.Linkset))
        graph.add((subject, DCTERMS.title, Literal(f"{linkset.kind} → Wikidata", lang="en")))
        graph.add((subject, VOID.subjectsTarget, pub.dataset))
        graph.add((subject, VOID.objectsTarget, pub.part("wikidata")))
        graph.add((subject, VOID.linkPredicate, URIRef(linkset.predicate)))
        graph.add((subject, VOID.triples, Literal(linkset.triples)))
