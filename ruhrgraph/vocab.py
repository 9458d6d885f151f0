"""The own terms of ``ontology/ruhrgraph.ttl`` as an rdflib namespace that rejects typos.

``RG.Projekt`` raises ``AttributeError`` instead of minting a new IRI (``_fail = True``).
``tests/test_ontology.py`` checks that the terms here are exactly those the ontology defines.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

ONTOLOGY = "https://w3id.org/ruhrgraph/ontology"


class RG(DefinedNamespace):
    """ruhrgraph ontology: https://w3id.org/ruhrgraph/ontology#"""

    _fail = True
    _NS = Namespace(ONTOLOGY + "#")

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
