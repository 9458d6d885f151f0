"""Structural pitfall checks of ontology/ruhrgraph.ttl, and the vocabulary module against it.

The checks follow the common ontology pitfall catalogues (OOPS!): a missing ontology
declaration or metadata, own terms without type, label, comment or rdfs:isDefinedBy,
properties without domain or range, mixed naming conventions, and a namespace that does
not match the ontology IRI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from ruhrgraph import namespaces as vocab
from ruhrgraph.namespaces import RG

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_FILE = ROOT / "ontology" / "ruhrgraph.ttl"
ONT = URIRef("https://w3id.org/ruhrgraph/ontology")
NS = "https://w3id.org/ruhrgraph/ontology#"
VANN = Namespace("http://purl.org/vocab/vann/")
TERM_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def own_terms(graph: Graph) -> set[URIRef]:
    """Every IRI of the own namespace that occurs anywhere in the ontology."""
    return {t for triple in graph for t in triple
            if isinstance(t, URIRef) and str(t).startswith(NS)}


def declared(graph: Graph) -> dict[URIRef, set[URIRef]]:
    out: dict[URIRef, set[URIRef]] = {}
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and str(s).startswith(NS):
            out.setdefault(s, set()).add(o)
    return out


def test_ontology_declaration_and_metadata(ontology):
    assert set(ontology.subjects(RDF.type, OWL.Ontology)) == {ONT}
    titles = {t.language for t in ontology.objects(ONT, DCTERMS.title)}
    assert titles == {"de", "en"}
    assert {d.language for d in ontology.objects(ONT, DCTERMS.description)} == {"de", "en"}
    assert ontology.value(ONT, OWL.versionIRI) == URIRef(
        f"{ONT}/{ontology.value(ONT, OWL.versionInfo)}")
    assert ontology.value(ONT, DCTERMS.license) is not None
    assert ontology.value(ONT, DCTERMS.creator) is not None
    assert ontology.value(ONT, VANN.preferredNamespacePrefix) == Literal("rg")
    assert ontology.value(ONT, VANN.preferredNamespaceUri) == Literal(NS)


def test_namespace_matches_ontology_iri(ontology):
    assert NS == str(ONT) + "#"
    assert str(RG._NS) == NS
    assert vocab.ONTOLOGY == str(ONT) and vocab.ONTOLOGY_NS == NS
    # no term of a look-alike namespace (slash instead of hash, http instead of https)
    lookalikes = {str(ONT) + "/", "http://w3id.org/ruhrgraph/ontology#"}
    used = {str(t) for triple in ontology for t in triple if isinstance(t, URIRef)}
    assert not [t for t in used for bad in lookalikes if t.startswith(bad)
                and not t.startswith(str(ONT) + "/0.")]


def test_every_own_term_is_typed(ontology):
    types = declared(ontology)
    untyped = sorted(str(t) for t in own_terms(ontology) if not types.get(t, set()) & TERM_TYPES)
    assert untyped == []


def test_no_term_is_both_class_and_property(ontology):
    for term, types in declared(ontology).items():
        assert not (OWL.Class in types and types & PROPERTY_TYPES), term


def test_every_own_term_has_labels_comments_and_is_defined_by(ontology):
    problems = []
    for term in sorted(declared(ontology)):
        labels = sorted(label.language for label in ontology.objects(term, RDFS.label))
        if labels != ["de", "en"]:
            problems.append(f"{term}: labels {labels}, want one @de and one @en")
        comments = sorted(c.language for c in ontology.objects(term, RDFS.comment))
        if comments != ["de", "en"]:
            problems.append(f"{term}: comments {comments}, want one @de and one @en")
        if ontology.value(term, RDFS.isDefinedBy) != ONT:
            problems.append(f"{term}: rdfs:isDefinedBy is not the ontology")
    assert problems == []


def test_labels_are_unique_per_language(ontology):
    seen: dict[tuple[str, str], URIRef] = {}
    for term in declared(ontology):
        for label in ontology.objects(term, RDFS.label):
            key = (label.language, str(label).lower())
            assert key not in seen, f"{term} and {seen.get(key)} share the label {label!r}"
            seen[key] = term


def test_own_properties_have_domain_and_range(ontology):
    problems = []
    for term, types in declared(ontology).items():
        if not types & PROPERTY_TYPES:
            continue
        domain, range_ = ontology.value(term, RDFS.domain), ontology.value(term, RDFS.range)
        if domain is None or range_ is None:
            problems.append(f"{term}: domain {domain}, range {range_}")
            continue
        is_datatype = str(range_).startswith(str(XSD)) or range_ == RDF.langString
        if OWL.DatatypeProperty in types and not is_datatype:
            problems.append(f"{term}: datatype property with range {range_}")
        if OWL.ObjectProperty in types and is_datatype:
            problems.append(f"{term}: object property with range {range_}")
    assert problems == []


def test_naming_conventions_are_not_mixed(ontology):
    problems = []
    for term, types in declared(ontology).items():
        local = str(term)[len(NS):]
        if OWL.Class in types and not re.fullmatch(r"[A-Z][A-Za-z0-9]*", local):
            problems.append(f"class {local} is not UpperCamelCase")
        if types & PROPERTY_TYPES and not re.fullmatch(r"[a-z][A-Za-z0-9]*", local):
            problems.append(f"property {local} is not lowerCamelCase")
    assert problems == []


def test_own_references_are_defined_and_subclassing_is_acyclic(ontology):
    types = declared(ontology)
    for s, p, o in ontology:
        for term in (s, o):
            if isinstance(term, URIRef) and str(term).startswith(NS):
                assert term in types, f"{term} is used in ({s}, {p}, {o}) but not declared"
    for cls in (t for t, ts in types.items() if OWL.Class in ts):
        assert cls not in set(ontology.transitive_objects(cls, RDFS.subClassOf)) - {cls}


def test_vocabulary_module_matches_the_ontology_exactly(ontology):
    in_file = {str(t)[len(NS):] for t in declared(ontology)}
    assert vocab.terms() == in_file
    for name in in_file:
        assert getattr(RG, name) == URIRef(NS + name)


def test_vocabulary_module_rejects_a_misspelled_term():
    with pytest.raises(AttributeError):
        RG.leadMinistery  # noqa: B018 - the attribute access is the test
    with pytest.raises(AttributeError):
        RG.project  # noqa: B018 - classes are capitalised


def test_partner_is_declared_apart_from_mentions(ontology):
    assert (RG.partner, RDF.type, OWL.ObjectProperty) in ontology
    assert RG.partner not in set(ontology.objects(RG.mentionsOrganisation, RDFS.subPropertyOf))
    assert RG.mentionsOrganisation not in set(ontology.objects(RG.partner,
                                                               RDFS.subPropertyOf))


def test_docs_list_exactly_the_own_terms():
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `rg:(\w+)` \|", text, flags=re.MULTILINE))
    assert table == vocab.terms()
