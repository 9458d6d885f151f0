"""The term tables of the mapping: every predicate, class and fixed label it writes.

:class:`P` holds the predicates and :class:`C` the classes and fixed individuals, each
already an N-Quads IRI term (``<...>``), so that the mapping writes a triple without
building a string per term; :data:`ORGANISATION_CLASSES` and :data:`PLACE_CLASSES` give the
classes of a reference record by its kind. The IRIs come from :mod:`ruhrgraph.namespaces`;
``docs/model.md`` says why each term is used.
"""

from __future__ import annotations

from ruhrgraph.graph.nquads import iriref
from ruhrgraph.namespaces import (
    CV,
    DCAT,
    DCTERMS,
    GEO,
    OA,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    RFC5147,
    RG,
    SCHEMA,
    SKOS,
    SPDX,
    TIME,
)

#: The state government: the parent of every ministry, not a record of the reference data.
GOVERNMENT_KEY = "landesregierung-nrw"
GOVERNMENT_LABELS = (("Landesregierung Nordrhein-Westfalen", "de"),
                     ("State Government of North Rhine-Westphalia", "en"))
PROGRAMME_LABELS = (("Ruhr-Konferenz", "de"), ("Ruhr Conference", "en"))
SCHEME_LABELS = (("Handlungsfelder der Ruhr-Konferenz", "de"),
                 ("Action fields of the Ruhr Conference", "en"))

#: organisation kind of the reference data -> the classes beside org:Organization
ORGANISATION_CLASSES = {
    "company": (SCHEMA + "Corporation",),
    "university": (SCHEMA + "CollegeOrUniversity",),
    "research-institute": (SCHEMA + "ResearchOrganization",),
    "association": (SCHEMA + "NGO",),
    "foundation": (SCHEMA + "NGO",),
    "network": (SCHEMA + "Consortium",),
    "media": (SCHEMA + "NewsMediaOrganization",),
    "federal-body": (SCHEMA + "GovernmentOrganization", CV + "PublicOrganisation"),
    "state-body": (SCHEMA + "GovernmentOrganization", CV + "PublicOrganisation"),
    "public-agency": (SCHEMA + "GovernmentOrganization", CV + "PublicOrganisation"),
    "eu-body": (SCHEMA + "GovernmentOrganization", CV + "PublicOrganisation"),
}

PLACE_CLASSES = {
    "kreisfreie-stadt": (RG.IndependentCity, RG.Municipality),
    "kreisangehoerige-gemeinde": (RG.Municipality,),
    "kreis": (RG.District,),
    "stadt-im-ausland": (SCHEMA + "City",),
}


class P:
    """Predicates and classes, pre-wrapped in angle brackets."""

    type = iriref(RDF + "type")
    value = iriref(RDF + "value")
    label = iriref(RDFS + "label")
    same_as = iriref(OWL + "sameAs")
    pref_label = iriref(SKOS + "prefLabel")
    alt_label = iriref(SKOS + "altLabel")
    notation = iriref(SKOS + "notation")
    in_scheme = iriref(SKOS + "inScheme")
    top_concept_of = iriref(SKOS + "topConceptOf")
    has_top_concept = iriref(SKOS + "hasTopConcept")
    editorial_note = iriref(SKOS + "editorialNote")
    identifier = iriref(DCTERMS + "identifier")
    title = iriref(DCTERMS + "title")
    description = iriref(DCTERMS + "description")
    is_part_of = iriref(DCTERMS + "isPartOf")
    has_part = iriref(DCTERMS + "hasPart")
    subject = iriref(DCTERMS + "subject")
    temporal = iriref(DCTERMS + "temporal")
    creator = iriref(DCTERMS + "creator")
    publisher = iriref(DCTERMS + "publisher")
    source = iriref(DCTERMS + "source")
    conforms_to = iriref(DCTERMS + "conformsTo")
    format = iriref(DCTERMS + "format")
    start_date = iriref(DCAT + "startDate")
    end_date = iriref(DCAT + "endDate")
    position = iriref(SCHEMA + "position")
    latitude = iriref(SCHEMA + "latitude")
    longitude = iriref(SCHEMA + "longitude")
    contained_in = iriref(SCHEMA + "containedInPlace")
    encoding_format = iriref(SCHEMA + "encodingFormat")
    content_size = iriref(SCHEMA + "contentSize")
    name = iriref(SCHEMA + "name")
    software_version = iriref(SCHEMA + "softwareVersion")
    sub_organization_of = iriref(ORG + "subOrganizationOf")
    derived_from = iriref(PROV + "wasDerivedFrom")
    generated_by = iriref(PROV + "wasGeneratedBy")
    generated_at = iriref(PROV + "generatedAtTime")
    started_at = iriref(PROV + "startedAtTime")
    used = iriref(PROV + "used")
    associated_with = iriref(PROV + "wasAssociatedWith")
    has_beginning = iriref(TIME + "hasBeginning")
    has_end = iriref(TIME + "hasEnd")
    in_gyear = iriref(TIME + "inXSDgYear")
    has_geometry = iriref(GEO + "hasGeometry")
    as_wkt = iriref(GEO + "asWKT")
    has_body = iriref(OA + "hasBody")
    has_target = iriref(OA + "hasTarget")
    has_source = iriref(OA + "hasSource")
    has_selector = iriref(OA + "hasSelector")
    motivated_by = iriref(OA + "motivatedBy")
    start = iriref(OA + "start")
    end = iriref(OA + "end")
    exact = iriref(OA + "exact")
    checksum = iriref(SPDX + "checksum")
    algorithm = iriref(SPDX + "algorithm")
    checksum_value = iriref(SPDX + "checksumValue")
    # own terms
    lead_ministry = iriref(RG.leadMinistry)
    action_field = iriref(RG.actionField)
    has_measure = iriref(RG.hasMeasure)
    has_mention = iriref(RG.hasMention)
    ags = iriref(RG.ags)
    in_ruhr = iriref(RG.inRuhrRegion)
    duration_text = iriref(RG.durationText)
    open_ended = iriref(RG.openEnded)
    measure_kind = iriref(RG.measureKind)
    list_marker = iriref(RG.listMarker)
    link_method = iriref(RG.linkMethod)
    first_line = iriref(RG.firstLine)
    last_line = iriref(RG.lastLine)


#: kind of mentioned entity -> the property from the project
MENTIONS = {"place": iriref(RG.mentionsPlace), "organisation": iriref(RG.mentionsOrganisation),
             "ministry": iriref(RG.mentionsMinistry), "project": iriref(RG.mentionsProject)}


class C:
    """Classes and fixed individuals, pre-wrapped."""

    programme = (iriref(RG.Programme), iriref(SCHEMA + "Project"))
    project = (iriref(RG.Project), iriref(SCHEMA + "Project"), iriref(PROV + "Entity"))
    measure = (iriref(RG.Measure), iriref(SCHEMA + "PlanAction"), iriref(PROV + "Entity"))
    ministry = (iriref(RG.Ministry), iriref(CV + "PublicOrganisation"),
                iriref(ORG + "FormalOrganization"), iriref(ORG + "Organization"))
    government = (iriref(CV + "PublicOrganisation"), iriref(ORG + "FormalOrganization"),
                  iriref(ORG + "Organization"))
    organisation = (iriref(ORG + "Organization"),)
    place = (iriref(SCHEMA + "AdministrativeArea"), iriref(SCHEMA + "Place"),
             iriref(GEO + "Feature"))
    geometry = iriref(GEO + "Geometry")
    scheme = iriref(SKOS + "ConceptScheme")
    concept = iriref(SKOS + "Concept")
    interval = (iriref(TIME + "ProperInterval"), iriref(DCTERMS + "PeriodOfTime"),
                iriref(PROV + "Entity"))
    instant = iriref(TIME + "Instant")
    annotation = iriref(OA + "Annotation")
    identifying = iriref(OA + "identifying")
    specific_resource = iriref(OA + "SpecificResource")
    position_selector = iriref(OA + "TextPositionSelector")
    quote_selector = iriref(OA + "TextQuoteSelector")
    fragment_selector = iriref(OA + "FragmentSelector")
    rfc5147 = iriref(RFC5147)
    document = (iriref(PROV + "Entity"), iriref(SCHEMA + "DigitalDocument"))
    checksum = iriref(SPDX + "Checksum")
    sha256 = iriref(SPDX + "checksumAlgorithm_sha256")
    activity = iriref(PROV + "Activity")
    software = (iriref(PROV + "SoftwareAgent"), iriref(SCHEMA + "SoftwareApplication"))
    named_graph = iriref(PROV + "Entity")
