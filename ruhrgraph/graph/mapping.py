"""Mapping stage: linked records -> RDF, as N-Quads text.

The mapping writes N-Quads lines directly (no in-memory graph), one chunk of text per
entity group, so a catalogue of any size streams through in linear time and bounded memory.
``docs/model.md`` describes the model; the IRIs come from :mod:`ruhrgraph.iris`.

Graphs: the catalogue facts and their provenance go into ``{base}graph/catalogue``
(:meth:`Mapper.header` and :meth:`Mapper.project`), the build's provenance into
``{base}graph/meta`` (:func:`meta`). The catalogue graph is a pure function of the records
and the reference data: two builds of the same input write the same catalogue lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ruhrgraph.iris import Iris, replica_suffix
from ruhrgraph.link.reference import Reference
from ruhrgraph.namespaces import RG
from ruhrgraph.records import (
    Catalogue,
    EntityLink,
    LinkedCatalogue,
    LinkedProject,
    Mention,
    Project,
    Span,
)


class MappingError(ValueError):
    """The records do not fit together (an unknown key, offsets that miss their text);
    each problem names the source file and line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# --- terms -------------------------------------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
SCHEMA = "http://schema.org/"
ORG = "http://www.w3.org/ns/org#"
CV = "http://data.europa.eu/m8g/"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
GEO = "http://www.opengis.net/ont/geosparql#"
OA = "http://www.w3.org/ns/oa#"
SPDX = "http://spdx.org/rdf/terms#"
WIKIDATA = "http://www.wikidata.org/entity/"
RFC5147 = "http://tools.ietf.org/rfc/rfc5147"

#: Prefixes of the dumps and the docs.
PREFIXES: dict[str, str] = {
    "rg": str(RG._NS), "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS,
    "dcterms": DCT, "dcat": DCAT, "schema": SCHEMA, "org": ORG, "cv": CV, "prov": PROV,
    "time": TIME, "geo": GEO, "oa": OA, "spdx": SPDX, "wd": WIKIDATA,
}

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
}


def _u(iri: str) -> str:
    return f"<{iri}>"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_ESCAPES.update({chr(c): f"\\u{c:04X}" for c in range(0x20) if chr(c) not in "\t\n\r"})
_ESCAPES["\x7f"] = "\\u007F"
_ESCAPE = str.maketrans(_ESCAPES)


def _lit(text: str, lang: str | None = None) -> str:
    body = '"' + text.translate(_ESCAPE) + '"'
    return f"{body}@{lang}" if lang else body


def _typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^<{datatype}>'


def _int(value: int) -> str:
    """An xsd:integer. Also for line numbers and offsets, whose ranges are the positive and
    non-negative integers: Oxigraph stores every integer type as xsd:integer, so the graph
    says what the store will give back."""
    return f'"{value}"^^<{XSD}integer>'


def _bool(value: bool) -> str:
    return f'"{"true" if value else "false"}"^^<{XSD}boolean>'


def _number(value: float) -> str:
    """The shortest decimal notation that reads back as ``value`` (no exponent)."""
    return format(Decimal(repr(value)), "f")


def _decimal(value: float) -> str:
    return _typed(_number(value), XSD + "decimal")


class _P:
    """Predicates and classes, pre-wrapped in angle brackets."""

    type = _u(RDF + "type")
    value = _u(RDF + "value")
    label = _u(RDFS + "label")
    same_as = _u(OWL + "sameAs")
    pref_label = _u(SKOS + "prefLabel")
    alt_label = _u(SKOS + "altLabel")
    notation = _u(SKOS + "notation")
    in_scheme = _u(SKOS + "inScheme")
    top_concept_of = _u(SKOS + "topConceptOf")
    has_top_concept = _u(SKOS + "hasTopConcept")
    editorial_note = _u(SKOS + "editorialNote")
    identifier = _u(DCT + "identifier")
    title = _u(DCT + "title")
    description = _u(DCT + "description")
    is_part_of = _u(DCT + "isPartOf")
    has_part = _u(DCT + "hasPart")
    subject = _u(DCT + "subject")
    temporal = _u(DCT + "temporal")
    creator = _u(DCT + "creator")
    publisher = _u(DCT + "publisher")
    source = _u(DCT + "source")
    conforms_to = _u(DCT + "conformsTo")
    format = _u(DCT + "format")
    start_date = _u(DCAT + "startDate")
    end_date = _u(DCAT + "endDate")
    position = _u(SCHEMA + "position")
    latitude = _u(SCHEMA + "latitude")
    longitude = _u(SCHEMA + "longitude")
    contained_in = _u(SCHEMA + "containedInPlace")
    encoding_format = _u(SCHEMA + "encodingFormat")
    content_size = _u(SCHEMA + "contentSize")
    name = _u(SCHEMA + "name")
    software_version = _u(SCHEMA + "softwareVersion")
    sub_organization_of = _u(ORG + "subOrganizationOf")
    derived_from = _u(PROV + "wasDerivedFrom")
    generated_by = _u(PROV + "wasGeneratedBy")
    generated_at = _u(PROV + "generatedAtTime")
    started_at = _u(PROV + "startedAtTime")
    used = _u(PROV + "used")
    associated_with = _u(PROV + "wasAssociatedWith")
    has_beginning = _u(TIME + "hasBeginning")
    has_end = _u(TIME + "hasEnd")
    in_gyear = _u(TIME + "inXSDgYear")
    has_geometry = _u(GEO + "hasGeometry")
    as_wkt = _u(GEO + "asWKT")
    has_body = _u(OA + "hasBody")
    has_target = _u(OA + "hasTarget")
    has_source = _u(OA + "hasSource")
    has_selector = _u(OA + "hasSelector")
    motivated_by = _u(OA + "motivatedBy")
    start = _u(OA + "start")
    end = _u(OA + "end")
    exact = _u(OA + "exact")
    checksum = _u(SPDX + "checksum")
    algorithm = _u(SPDX + "algorithm")
    checksum_value = _u(SPDX + "checksumValue")
    # own terms
    lead_ministry = _u(RG.leadMinistry)
    action_field = _u(RG.actionField)
    has_measure = _u(RG.hasMeasure)
    has_mention = _u(RG.hasMention)
    ags = _u(RG.ags)
    in_ruhr = _u(RG.inRuhrRegion)
    duration_text = _u(RG.durationText)
    open_ended = _u(RG.openEnded)
    measure_kind = _u(RG.measureKind)
    list_marker = _u(RG.listMarker)
    link_method = _u(RG.linkMethod)
    first_line = _u(RG.firstLine)
    last_line = _u(RG.lastLine)


#: kind of mentioned entity -> the property from the project
_MENTIONS = {"place": _u(RG.mentionsPlace), "organisation": _u(RG.mentionsOrganisation),
             "ministry": _u(RG.mentionsMinistry), "project": _u(RG.mentionsProject)}


class _C:
    """Classes and fixed individuals, pre-wrapped."""

    programme = (_u(RG.Programme), _u(SCHEMA + "Project"))
    project = (_u(RG.Project), _u(SCHEMA + "Project"), _u(PROV + "Entity"))
    measure = (_u(RG.Measure), _u(SCHEMA + "PlanAction"), _u(PROV + "Entity"))
    ministry = (_u(RG.Ministry), _u(CV + "PublicOrganisation"), _u(ORG + "FormalOrganization"),
                _u(ORG + "Organization"))
    government = (_u(CV + "PublicOrganisation"), _u(ORG + "FormalOrganization"),
                  _u(ORG + "Organization"))
    organisation = (_u(ORG + "Organization"),)
    place = (_u(SCHEMA + "AdministrativeArea"), _u(SCHEMA + "Place"), _u(GEO + "Feature"))
    geometry = _u(GEO + "Geometry")
    scheme = _u(SKOS + "ConceptScheme")
    concept = _u(SKOS + "Concept")
    interval = (_u(TIME + "ProperInterval"), _u(DCT + "PeriodOfTime"), _u(PROV + "Entity"))
    instant = _u(TIME + "Instant")
    annotation = _u(OA + "Annotation")
    identifying = _u(OA + "identifying")
    specific_resource = _u(OA + "SpecificResource")
    position_selector = _u(OA + "TextPositionSelector")
    quote_selector = _u(OA + "TextQuoteSelector")
    fragment_selector = _u(OA + "FragmentSelector")
    rfc5147 = _u(RFC5147)
    document = (_u(PROV + "Entity"), _u(SCHEMA + "DigitalDocument"))
    checksum = _u(SPDX + "Checksum")
    sha256 = _u(SPDX + "checksumAlgorithm_sha256")
    activity = _u(PROV + "Activity")
    software = (_u(PROV + "SoftwareAgent"), _u(SCHEMA + "SoftwareApplication"))
    named_graph = _u(PROV + "Entity")


class _Lines:
    """Collects the N-Quads lines of one chunk in one graph."""

    __slots__ = ("graph", "lines")

    def __init__(self, graph: str):
        self.graph = graph
        self.lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} {self.graph} .\n")

    def types(self, s: str, classes: Iterable[str]) -> None:
        for c in classes:
            self.lines.append(f"{s} {_P.type} {c} {self.graph} .\n")

    def text(self) -> str:
        return "".join(self.lines)


# --- the catalogue graph ---------------------------------------------------------------


class Mapper:
    """Maps one linked catalogue, with the reference data, under one IRI base.

    :meth:`header` gives the shared entities (programme, action fields, ministries, places,
    organisations); :meth:`project` one project with its measures, duration and mentions.
    Both check the records as they go and collect problems; :meth:`check` raises them.
    """

    def __init__(self, catalogue: Catalogue, reference: Reference, iris: Iris,
                 source_path: str | None = None):
        self.catalogue = catalogue
        self.reference = reference
        self.iris = iris
        self.text = catalogue.text
        self.where = source_path or catalogue.source_name
        self.graph = _u(iris.graph("catalogue"))
        self.source = _u(iris.source(catalogue.source_sha256))
        self.programme = _u(iris.programme())
        self.places = {p.ags: p for p in reference.places}
        self.organisations = {o.key: o for o in reference.organisations}
        self.ministries = {m.key: m for m in reference.ministries}
        self.codes = {p.code for p in catalogue.projects}
        self.problems: list[str] = []

    def check(self) -> None:
        if self.problems:
            raise MappingError(self.problems)

    # provenance: a passage of the source -------------------------------------------------

    def _passage(self, out: _Lines, entity: str, span: Span, quote: bool) -> str:
        """An oa:SpecificResource selecting ``span`` of the source, named ``<entity>#passage``."""
        frag = Iris.fragment
        passage = _u(frag(entity, "passage"))
        chars = _u(frag(entity, "chars"))
        lines = _u(frag(entity, "lines"))
        out.add(passage, _P.type, _C.specific_resource)
        out.add(passage, _P.has_source, self.source)
        out.add(passage, _P.first_line, _int(span.line_start))
        out.add(passage, _P.last_line, _int(span.line_end))
        out.add(passage, _P.has_selector, chars)
        out.add(chars, _P.type, _C.position_selector)
        out.add(chars, _P.start, _int(span.start))
        out.add(chars, _P.end, _int(span.end))
        out.add(passage, _P.has_selector, lines)
        out.add(lines, _P.type, _C.fragment_selector)
        out.add(lines, _P.conforms_to, _C.rfc5147)
        out.add(lines, _P.value, _lit(f"line={span.line_start - 1},{span.line_end}"))
        if quote:
            exact = _u(frag(entity, "quote"))
            out.add(passage, _P.has_selector, exact)
            out.add(exact, _P.type, _C.quote_selector)
            out.add(exact, _P.exact, _lit(self.text[span.start:span.end]))
        return passage

    def _check_span(self, what: str, span: Span) -> None:
        if not (0 <= span.start <= span.end <= len(self.text)) or span.line_start < 1 \
                or span.line_end < span.line_start:
            self.problems.append(f"{self.where}:{span.line_start}: {what}: bad source span "
                                 f"{span}")

    # shared entities -------------------------------------------------------------------

    def header(self) -> str:
        out = _Lines(self.graph)
        self._programme(out)
        self._fields(out)
        self._government(out)
        for ministry in self.reference.ministries:
            self._ministry(out, ministry)
        for place in self.reference.places:
            self._place(out, place)
        for organisation in self.reference.organisations:
            self._organisation(out, organisation)
        return out.text()

    def _programme(self, out: _Lines) -> None:
        cat, p = self.catalogue, self.programme
        out.types(p, _C.programme)
        for label, lang in PROGRAMME_LABELS:
            out.add(p, _P.label, _lit(label, lang))
        out.add(p, _P.title, _lit(cat.title, "de"))
        if cat.introduction:
            out.add(p, _P.description, _lit(cat.introduction, "de"))
        out.add(p, _P.creator, _u(self.iris.organisation(GOVERNMENT_KEY)))
        out.add(p, _P.source, self.source)
        for f in cat.fields:
            out.add(p, _P.subject, _u(self.iris.field(f.number)))

    def _fields(self, out: _Lines) -> None:
        scheme = _u(self.iris.scheme("fields"))
        out.add(scheme, _P.type, _C.scheme)
        for label, lang in SCHEME_LABELS:
            out.add(scheme, _P.label, _lit(label, lang))
            out.add(scheme, _P.pref_label, _lit(label, lang))
        out.add(scheme, _P.source, self.source)
        refs = {f.number: f for f in self.reference.fields}
        for f in self.catalogue.fields:
            self._check_span(f"action field {f.number}", f.span)
            c = self.iris.field(f.number)
            s = _u(c)
            out.add(s, _P.type, _C.concept)
            out.add(s, _P.in_scheme, scheme)
            out.add(s, _P.top_concept_of, scheme)
            out.add(scheme, _P.has_top_concept, s)
            out.add(s, _P.notation, _lit(str(f.number)))
            out.add(s, _P.pref_label, _lit(f.title, "de"))
            out.add(s, _P.label, _lit(f.title, "de"))
            ref = refs.get(f.number)
            if ref is None:
                self.problems.append(f"{self.where}:{f.span.line_start}: action field "
                                     f"{f.number} is not in the reference fields.csv")
            else:
                if ref.label_en:
                    out.add(s, _P.pref_label, _lit(ref.label_en, "en"))
                    out.add(s, _P.label, _lit(ref.label_en, "en"))
                if ref.short_de:
                    out.add(s, _P.alt_label, _lit(ref.short_de, "de"))
            if f.introduction:
                out.add(s, _P.description, _lit(f.introduction, "de"))
            out.add(s, _P.derived_from, self._passage(out, c, f.span, quote=False))

    def _government(self, out: _Lines) -> None:
        g = _u(self.iris.organisation(GOVERNMENT_KEY))
        out.types(g, _C.government)
        for label, lang in GOVERNMENT_LABELS:
            out.add(g, _P.label, _lit(label, lang))

    def _ministry(self, out: _Lines, ministry) -> None:
        s = _u(self.iris.ministry(ministry.key))
        out.types(s, _C.ministry)
        out.add(s, _P.label, _lit(ministry.name_de, "de"))
        if ministry.name_en:
            out.add(s, _P.label, _lit(ministry.name_en, "en"))
        out.add(s, _P.alt_label, _lit(ministry.abbreviation, "de"))
        for alias in ministry.aliases:
            out.add(s, _P.alt_label, _lit(alias, "de"))
        out.add(s, _P.sub_organization_of, _u(self.iris.organisation(GOVERNMENT_KEY)))
        if ministry.wikidata:
            out.add(s, _P.same_as, _u(WIKIDATA + ministry.wikidata))

    def _place(self, out: _Lines, place) -> None:
        iri = self.iris.place(place.ags)
        s = _u(iri)
        out.types(s, [_u(c) for c in PLACE_CLASSES[place.kind]])
        out.types(s, _C.place)
        out.add(s, _P.label, _lit(place.name, "de"))
        for alias in place.aliases:
            out.add(s, _P.alt_label, _lit(alias, "de"))
        out.add(s, _P.ags, _lit(place.ags))
        out.add(s, _P.in_ruhr, _bool(place.in_rvr))
        if place.district and place.district in self.places:
            out.add(s, _P.contained_in, _u(self.iris.place(place.district)))
        out.add(s, _P.latitude, _decimal(place.lat))
        out.add(s, _P.longitude, _decimal(place.lon))
        geometry = _u(Iris.fragment(iri, "geometry"))
        out.add(s, _P.has_geometry, geometry)
        out.add(geometry, _P.type, _C.geometry)
        wkt = f"POINT({_number(place.lon)} {_number(place.lat)})"
        out.add(geometry, _P.as_wkt, _typed(wkt, GEO + "wktLiteral"))
        if place.wikidata:
            out.add(s, _P.same_as, _u(WIKIDATA + place.wikidata))

    def _organisation(self, out: _Lines, organisation) -> None:
        s = _u(self.iris.organisation(organisation.key))
        out.types(s, _C.organisation)
        out.types(s, [_u(c) for c in ORGANISATION_CLASSES.get(organisation.kind, ())])
        out.add(s, _P.label, _lit(organisation.name, "de"))
        for alias in organisation.aliases:
            out.add(s, _P.alt_label, _lit(alias, "de"))
        if organisation.wikidata:
            out.add(s, _P.same_as, _u(WIKIDATA + organisation.wikidata))

    # one project -------------------------------------------------------------------------

    def project(self, linked: LinkedProject) -> str:
        out = _Lines(self.graph)
        project = linked.project
        iri = self.iris.project(project.code)
        s = _u(iri)
        line = project.span.line_start
        self._check_span(f"project {project.code}", project.span)
        out.types(s, _C.project)
        out.add(self.programme, _P.has_part, s)
        out.add(s, _P.is_part_of, self.programme)
        out.add(s, _P.identifier, _lit(project.code))
        out.add(s, _P.label, _lit(project.title, "de"))
        out.add(s, _P.title, _lit(project.title, "de"))
        if project.title_toc and project.title_toc != project.title:
            out.add(s, _P.alt_label, _lit(project.title_toc, "de"))
        out.add(s, _P.description, _lit(project.description, "de"))
        if linked.ministry_key not in self.ministries:
            self.problems.append(f"{self.where}:{line}: project {project.code}: lead ministry "
                                 f"{linked.ministry_key!r} is not in the reference data")
        out.add(s, _P.lead_ministry, _u(self.iris.ministry(linked.ministry_key)))
        out.add(s, _P.action_field, _u(self.iris.field(project.field)))
        out.add(s, _P.derived_from, self._passage(out, iri, project.span, quote=False))
        for measure in project.measures:
            self._measure(out, project, s, measure)
        self._duration(out, project, s)
        self._mentions(out, linked, s)
        return out.text()

    def _measure(self, out: _Lines, project: Project, s: str, measure) -> None:
        self._check_span(f"measure {project.code}/{measure.position}", measure.span)
        iri = self.iris.measure(project.code, measure.position)
        m = _u(iri)
        out.add(s, _P.has_measure, m)
        out.types(m, _C.measure)
        out.add(m, _P.is_part_of, s)
        out.add(m, _P.position, _int(measure.position))
        out.add(m, _P.label, _lit(measure.text, "de"))
        out.add(m, _P.measure_kind, _lit(measure.kind))
        if measure.label:
            out.add(m, _P.list_marker, _lit(measure.label))
        out.add(m, _P.derived_from, self._passage(out, iri, measure.span, quote=True))

    def _duration(self, out: _Lines, project: Project, s: str) -> None:
        duration = project.duration
        self._check_span(f"duration of {project.code}", duration.span)
        iri = self.iris.duration(project.code)
        d = _u(iri)
        out.add(s, _P.temporal, d)
        out.types(d, _C.interval)
        out.add(d, _P.label, _lit(duration.text, "de"))
        out.add(d, _P.duration_text, _lit(duration.text, "de"))
        out.add(d, _P.open_ended, _bool(duration.open_ended))
        for year, pred, date, name in ((duration.start_year, _P.has_beginning, _P.start_date,
                                        "beginning"),
                                       (duration.end_year, _P.has_end, _P.end_date, "end")):
            if year is None:
                continue
            instant = _u(Iris.fragment(iri, name))
            gyear = _typed(f"{year:04d}", XSD + "gYear")
            out.add(d, pred, instant)
            out.add(instant, _P.type, _C.instant)
            out.add(instant, _P.in_gyear, gyear)
            out.add(d, date, gyear)
        if duration.note:
            out.add(d, _P.editorial_note, _lit(duration.note, "en"))
        out.add(d, _P.derived_from, self._passage(out, iri, duration.span, quote=True))

    def _mentions(self, out: _Lines, linked: LinkedProject, s: str) -> None:
        code = linked.project.code
        suffix = replica_suffix(code)
        # One annotation per passage: the same words may name more than one entity.
        spans: dict[tuple[int, int], tuple[Mention, list[str], list[str]]] = {}
        for kind, links, known, iri_of in (
                ("place", linked.places, self.places, self.iris.place),
                ("organisation", linked.organisations, self.organisations,
                 self.iris.organisation),
                ("ministry", linked.other_ministries, self.ministries, self.iris.ministry),
                ("project", linked.related_projects, self.codes, self.iris.project)):
            for link in links:
                self._check_link(kind, link, known, code)
                entity = _u(iri_of(link.key))
                out.add(s, _MENTIONS[kind], entity)
                for mention in link.mentions:
                    _, bodies, methods = spans.setdefault(
                        (mention.start, mention.end), (mention, [], []))
                    if entity not in bodies:
                        bodies.append(entity)
                    if mention.method not in methods:
                        methods.append(mention.method)
        for (start, end), (mention, bodies, methods) in sorted(spans.items()):
            self._check_mention(code, mention)
            iri = self.iris.mention(start, end, suffix)
            a = _u(iri)
            out.add(s, _P.has_mention, a)
            out.add(a, _P.type, _C.annotation)
            out.add(a, _P.motivated_by, _C.identifying)
            for body in bodies:
                out.add(a, _P.has_body, body)
            for method in methods:
                out.add(a, _P.link_method, _lit(method))
            span = Span(mention.line, mention.line, start, end)
            out.add(a, _P.has_target, self._passage(out, iri, span, quote=True))

    def _check_link(self, kind: str, link: EntityLink, known, code: str) -> None:
        key = link.key
        if kind == "project":  # a synthetic replica refers to its own copies
            key = key[: len(key) - len(replica_suffix(key))]
        if key not in known:
            line = link.mentions[0].line if link.mentions else 0
            self.problems.append(f"{self.where}:{line}: project {code} mentions {kind} "
                                 f"{link.key!r}, which is not in the reference data")
        if kind == "project" and link.key == code:
            line = link.mentions[0].line if link.mentions else 0
            self.problems.append(f"{self.where}:{line}: project {code} mentions itself")
        if not link.mentions:
            self.problems.append(f"{self.where}: project {code}: link to {kind} {link.key!r} "
                                 f"without a mention")

    def _check_mention(self, code: str, mention: Mention) -> None:
        found = self.text[mention.start:mention.end]
        if found != mention.text:
            self.problems.append(f"{self.where}:{mention.line}: project {code}: mention "
                                 f"{mention.text!r} at {mention.start}-{mention.end} reads "
                                 f"{found!r} in the source")


def catalogue_chunks(linked: LinkedCatalogue, reference: Reference, iris: Iris,
                     source_path: str | None = None) -> Iterator[str]:
    """The catalogue graph as N-Quads chunks: the shared entities, then one per project.
    Raises :class:`MappingError` at the end if the records did not fit together."""
    mapper = Mapper(linked.catalogue, reference, iris, source_path)
    yield mapper.header()
    for project in linked.projects:
        yield mapper.project(project)
    mapper.check()


# --- the meta graph ------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    """One input of a build: ``role`` is ``catalogue`` or ``reference``."""

    name: str
    sha256: str
    size: int
    role: str
    media_type: str = "text/plain"


@dataclass(frozen=True)
class BuildInfo:
    build_id: str
    started: datetime
    version: str
    sources: tuple[SourceFile, ...]
    title: str = ""


def meta(build: BuildInfo, iris: Iris) -> str:
    """The ``{base}graph/meta`` graph: the build activity (PROV-O), the software, the input
    files with their sha256, and which graph each build step generated."""
    out = _Lines(_u(iris.graph("meta")))
    b = _u(iris.build(build.build_id))
    software = _u(iris.software(build.version))
    started = _typed(build.started.isoformat().replace("+00:00", "Z"), XSD + "dateTime")
    out.add(b, _P.type, _C.activity)
    out.add(b, _P.label, _lit(f"ruhrgraph build {build.build_id}", "en"))
    out.add(b, _P.identifier, _lit(build.build_id))
    out.add(b, _P.started_at, started)
    out.add(b, _P.associated_with, software)
    out.types(software, _C.software)
    out.add(software, _P.label, _lit(f"ruhrgraph {build.version}", "en"))
    out.add(software, _P.name, _lit("ruhrgraph"))
    out.add(software, _P.software_version, _lit(build.version))
    for source in build.sources:
        iri = iris.source(source.sha256)
        src = _u(iri)
        out.add(b, _P.used, src)
        out.types(src, _C.document)
        out.add(src, _P.label, _lit(source.name))
        out.add(src, _P.identifier, _lit(source.name))
        if source.role == "catalogue" and build.title:
            out.add(src, _P.title, _lit(build.title, "de"))
            out.add(src, _P.publisher, _u(iris.organisation(GOVERNMENT_KEY)))
        out.add(src, _P.encoding_format, _lit(source.media_type))
        out.add(src, _P.content_size, _int(source.size))
        checksum = _u(Iris.fragment(iri, "sha256"))
        out.add(src, _P.checksum, checksum)
        out.add(checksum, _P.type, _C.checksum)
        out.add(checksum, _P.algorithm, _C.sha256)
        out.add(checksum, _P.checksum_value, _typed(source.sha256, XSD + "hexBinary"))
    for name in ("catalogue", "ontology", "meta"):
        g = _u(iris.graph(name))
        out.add(g, _P.type, _C.named_graph)
        out.add(g, _P.generated_by, b)
        out.add(g, _P.generated_at, started)
        if name == "catalogue":
            for source in build.sources:
                out.add(g, _P.derived_from, _u(iris.source(source.sha256)))
        if name == "ontology":
            out.add(g, _P.derived_from, _u(str(RG._NS).rstrip("#")))
    return out.text()
