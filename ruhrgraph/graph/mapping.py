"""Mapping stage: linked records -> RDF, as N-Quads text.

The mapping writes N-Quads lines directly (no in-memory graph, :mod:`.nquads`), one chunk of
text per entity group, so a catalogue of any size streams through in linear time and
bounded memory. ``docs/model.md`` describes the model; the IRIs come from
:mod:`ruhrgraph.iris`, the terms from :mod:`.terms`.

The catalogue facts and their provenance go into ``{base}graph/catalogue``
(:meth:`Mapper.header` and :meth:`Mapper.project`); the build's provenance is
:mod:`.provenance`. The catalogue graph is a pure function of the records and the reference
data: two builds of the same input write the same catalogue lines. The mapper only emits
triples: :func:`catalogue_chunks` runs the referential checks (:mod:`.checks`) first and
raises :class:`~ruhrgraph.graph.checks.MappingError` before it writes a line.
"""

from __future__ import annotations

from collections.abc import Iterator

from ruhrgraph.graph.checks import MappingError, check
from ruhrgraph.graph.nquads import Lines, boolean, decimal, integer, iriref, lit, number, typed
from ruhrgraph.graph.terms import (
    GOVERNMENT_KEY,
    GOVERNMENT_LABELS,
    MENTIONS,
    ORGANISATION_CLASSES,
    PLACE_CLASSES,
    PROGRAMME_LABELS,
    SCHEME_LABELS,
    C,
    P,
)
from ruhrgraph.iris import Iris, replica_suffix
from ruhrgraph.link.reference import Reference
from ruhrgraph.namespaces import GEO, WIKIDATA, XSD
from ruhrgraph.records import Catalogue, LinkedCatalogue, LinkedProject, Mention, Project, Span


class Mapper:
    """Maps one linked catalogue, with the reference data, under one IRI base.

    :meth:`header` gives the shared entities (programme, action fields, ministries, places,
    organisations); :meth:`project` one project with its measures, duration and mentions.
    It writes triples and nothing else: the records are checked before
    (:func:`ruhrgraph.graph.checks.check`, as :func:`catalogue_chunks` does).
    """

    def __init__(self, catalogue: Catalogue, reference: Reference, iris: Iris):
        self.catalogue = catalogue
        self.reference = reference
        self.iris = iris
        self.text = catalogue.text
        self.graph = iriref(iris.graph("catalogue"))
        self.source = iriref(iris.source(catalogue.source_sha256))
        self.programme = iriref(iris.programme())
        self.places = {p.key: p for p in reference.places}

    # provenance: a passage of the source -------------------------------------------------

    def _passage(self, out: Lines, entity: str, span: Span, quote: bool) -> str:
        """An oa:SpecificResource selecting ``span`` of the source, named ``<entity>#passage``."""
        frag = Iris.fragment
        passage = iriref(frag(entity, "passage"))
        chars = iriref(frag(entity, "chars"))
        lines = iriref(frag(entity, "lines"))
        out.add(passage, P.type, C.specific_resource)
        out.add(passage, P.has_source, self.source)
        out.add(passage, P.first_line, integer(span.line_start))
        out.add(passage, P.last_line, integer(span.line_end))
        out.add(passage, P.has_selector, chars)
        out.add(chars, P.type, C.position_selector)
        out.add(chars, P.start, integer(span.start))
        out.add(chars, P.end, integer(span.end))
        out.add(passage, P.has_selector, lines)
        out.add(lines, P.type, C.fragment_selector)
        out.add(lines, P.conforms_to, C.rfc5147)
        out.add(lines, P.value, lit(f"line={span.line_start - 1},{span.line_end}"))
        if quote:
            exact = iriref(frag(entity, "quote"))
            out.add(passage, P.has_selector, exact)
            out.add(exact, P.type, C.quote_selector)
            out.add(exact, P.exact, lit(self.text[span.start:span.end]))
        return passage

    # shared entities -------------------------------------------------------------------

    def header(self) -> str:
        out = Lines(self.graph)
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

    def _programme(self, out: Lines) -> None:
        cat, p = self.catalogue, self.programme
        out.types(p, C.programme)
        for label, lang in PROGRAMME_LABELS:
            out.add(p, P.label, lit(label, lang))
        out.add(p, P.title, lit(cat.title, "de"))
        if cat.introduction:
            out.add(p, P.description, lit(cat.introduction, "de"))
        out.add(p, P.creator, iriref(self.iris.organisation(GOVERNMENT_KEY)))
        out.add(p, P.source, self.source)
        for f in cat.fields:
            out.add(p, P.subject, iriref(self.iris.field(f.number)))

    def _fields(self, out: Lines) -> None:
        scheme = iriref(self.iris.scheme("fields"))
        out.add(scheme, P.type, C.scheme)
        for label, lang in SCHEME_LABELS:
            out.add(scheme, P.label, lit(label, lang))
            out.add(scheme, P.pref_label, lit(label, lang))
        out.add(scheme, P.source, self.source)
        refs = {f.number: f for f in self.reference.fields}
        for f in self.catalogue.fields:
            c = self.iris.field(f.number)
            s = iriref(c)
            out.add(s, P.type, C.concept)
            out.add(s, P.in_scheme, scheme)
            out.add(s, P.top_concept_of, scheme)
            out.add(scheme, P.has_top_concept, s)
            out.add(s, P.notation, lit(str(f.number)))
            out.add(s, P.pref_label, lit(f.title, "de"))
            out.add(s, P.label, lit(f.title, "de"))
            ref = refs.get(f.number)
            if ref is not None and ref.label_en:
                out.add(s, P.pref_label, lit(ref.label_en, "en"))
                out.add(s, P.label, lit(ref.label_en, "en"))
            if ref is not None and ref.short_de:
                out.add(s, P.alt_label, lit(ref.short_de, "de"))
            if ref is not None and ref.short_en:
                out.add(s, P.alt_label, lit(ref.short_en, "en"))
            if f.introduction:
                out.add(s, P.description, lit(f.introduction, "de"))
            out.add(s, P.derived_from, self._passage(out, c, f.span, quote=False))

    def _government(self, out: Lines) -> None:
        g = iriref(self.iris.organisation(GOVERNMENT_KEY))
        out.types(g, C.government)
        for label, lang in GOVERNMENT_LABELS:
            out.add(g, P.label, lit(label, lang))

    def _ministry(self, out: Lines, ministry) -> None:
        s = iriref(self.iris.ministry(ministry.key))
        out.types(s, C.ministry)
        out.add(s, P.label, lit(ministry.name_de, "de"))
        if ministry.name_en:
            out.add(s, P.label, lit(ministry.name_en, "en"))
        out.add(s, P.alt_label, lit(ministry.abbreviation, "de"))
        for alias in ministry.aliases:
            out.add(s, P.alt_label, lit(alias, "de"))
        out.add(s, P.sub_organization_of, iriref(self.iris.organisation(GOVERNMENT_KEY)))
        if ministry.wikidata:
            out.add(s, P.same_as, iriref(WIKIDATA + ministry.wikidata))

    def _place(self, out: Lines, place) -> None:
        iri = self.iris.place(place.key)
        s = iriref(iri)
        out.types(s, [iriref(c) for c in PLACE_CLASSES[place.kind]])
        out.types(s, C.place)
        out.add(s, P.label, lit(place.name, "de"))
        for alias in place.aliases:
            out.add(s, P.alt_label, lit(alias, "de"))
        if place.ags:
            out.add(s, P.ags, lit(place.ags))
        out.add(s, P.in_ruhr, boolean(place.in_rvr))
        if place.district and place.district in self.places:
            out.add(s, P.contained_in, iriref(self.iris.place(place.district)))
        out.add(s, P.latitude, decimal(place.lat))
        out.add(s, P.longitude, decimal(place.lon))
        geometry = iriref(Iris.fragment(iri, "geometry"))
        out.add(s, P.has_geometry, geometry)
        out.add(geometry, P.type, C.geometry)
        wkt = f"POINT({number(place.lon)} {number(place.lat)})"
        out.add(geometry, P.as_wkt, typed(wkt, GEO + "wktLiteral"))
        if place.wikidata:
            out.add(s, P.same_as, iriref(WIKIDATA + place.wikidata))

    def _organisation(self, out: Lines, organisation) -> None:
        s = iriref(self.iris.organisation(organisation.key))
        out.types(s, C.organisation)
        out.types(s, [iriref(c) for c in ORGANISATION_CLASSES.get(organisation.kind, ())])
        out.add(s, P.label, lit(organisation.name, "de"))
        for alias in organisation.aliases:
            out.add(s, P.alt_label, lit(alias, "de"))
        if organisation.wikidata:
            out.add(s, P.same_as, iriref(WIKIDATA + organisation.wikidata))

    # one project -------------------------------------------------------------------------

    def project(self, linked: LinkedProject) -> str:
        out = Lines(self.graph)
        project = linked.project
        iri = self.iris.project(project.code)
        s = iriref(iri)
        out.types(s, C.project)
        out.add(self.programme, P.has_part, s)
        out.add(s, P.is_part_of, self.programme)
        out.add(s, P.identifier, lit(project.code))
        out.add(s, P.label, lit(project.title, "de"))
        out.add(s, P.title, lit(project.title, "de"))
        if project.title_toc and project.title_toc != project.title:
            out.add(s, P.alt_label, lit(project.title_toc, "de"))
        out.add(s, P.description, lit(project.description, "de"))
        out.add(s, P.lead_ministry, iriref(self.iris.ministry(linked.ministry_key)))
        out.add(s, P.action_field, iriref(self.iris.field(project.field)))
        out.add(s, P.derived_from, self._passage(out, iri, project.span, quote=False))
        for measure in project.measures:
            self._measure(out, project, s, measure)
        self._duration(out, project, s)
        self._mentions(out, linked, s)
        return out.text()

    def _measure(self, out: Lines, project: Project, s: str, measure) -> None:
        iri = self.iris.measure(project.code, measure.position)
        m = iriref(iri)
        out.add(s, P.has_measure, m)
        out.types(m, C.measure)
        out.add(m, P.is_part_of, s)
        out.add(m, P.position, integer(measure.position))
        out.add(m, P.label, lit(measure.text, "de"))
        out.add(m, P.measure_kind, lit(measure.kind))
        if measure.label:
            out.add(m, P.list_marker, lit(measure.label))
        out.add(m, P.derived_from, self._passage(out, iri, measure.span, quote=True))

    def _duration(self, out: Lines, project: Project, s: str) -> None:
        duration = project.duration
        iri = self.iris.duration(project.code)
        d = iriref(iri)
        out.add(s, P.temporal, d)
        out.types(d, C.interval)
        out.add(d, P.label, lit(duration.text, "de"))
        out.add(d, P.duration_text, lit(duration.text, "de"))
        out.add(d, P.open_ended, boolean(duration.open_ended))
        for year, pred, date, name in ((duration.start_year, P.has_beginning, P.start_date,
                                        "beginning"),
                                       (duration.end_year, P.has_end, P.end_date, "end")):
            if year is None:
                continue
            instant = iriref(Iris.fragment(iri, name))
            gyear = typed(f"{year:04d}", XSD + "gYear")
            out.add(d, pred, instant)
            out.add(instant, P.type, C.instant)
            out.add(instant, P.in_gyear, gyear)
            out.add(d, date, gyear)
        if duration.note:
            out.add(d, P.editorial_note, lit(duration.note, "en"))
        out.add(d, P.derived_from, self._passage(out, iri, duration.span, quote=True))

    def _mentions(self, out: Lines, linked: LinkedProject, s: str) -> None:
        code = linked.project.code
        suffix = replica_suffix(code)
        # One annotation per passage: the same words may name more than one entity.
        spans: dict[tuple[int, int], tuple[Mention, list[str], list[str]]] = {}
        for kind, links, iri_of in (
                ("place", linked.places, self.iris.place),
                ("organisation", linked.organisations, self.iris.organisation),
                ("ministry", linked.other_ministries, self.iris.ministry),
                ("project", linked.related_projects, self.iris.project)):
            for link in links:
                entity = iriref(iri_of(link.key))
                out.add(s, MENTIONS[kind], entity)
                for mention in link.mentions:
                    _, bodies, methods = spans.setdefault(
                        (mention.start, mention.end), (mention, [], []))
                    if entity not in bodies:
                        bodies.append(entity)
                    if mention.method not in methods:
                        methods.append(mention.method)
        for (start, end), (mention, bodies, methods) in sorted(spans.items()):
            iri = self.iris.mention(start, end, suffix)
            a = iriref(iri)
            out.add(s, P.has_mention, a)
            out.add(a, P.type, C.annotation)
            out.add(a, P.motivated_by, C.identifying)
            for body in bodies:
                out.add(a, P.has_body, body)
            for method in methods:
                out.add(a, P.link_method, lit(method))
            span = Span(mention.line, mention.line, start, end)
            out.add(a, P.has_target, self._passage(out, iri, span, quote=True))


def catalogue_chunks(linked: LinkedCatalogue, reference: Reference, iris: Iris,
                     source_path: str | None = None) -> Iterator[str]:
    """The catalogue graph as N-Quads chunks: the shared entities, then one per project.
    Raises :class:`MappingError` (naming ``source_path``, else the catalogue's source name)
    before the first chunk if the records do not fit together."""
    findings = check(linked, reference)
    if findings:
        raise MappingError(findings, source_path or linked.catalogue.source_name)
    mapper = Mapper(linked.catalogue, reference, iris)
    yield mapper.header()
    for project in linked.projects:
        yield mapper.project(project)
