"""The parts of a page that depend on what the resource is: a project's facts with their
source lines, the projects naming a place or an organisation, a ministry's projects, ...

Each function takes the entity's IRI and answers plain dicts for the templates; every fact
that comes from the catalogue text carries ``src``, the link to its lines in the source view.

Every question to the graph is one triple pattern (:mod:`ruhrgraph.web.pages.lookup`): the
entity's own triples, then the resources they name, a level at a time, joined here; a page
reads what it shows (lists are paged and counted by the engine), not what the graph holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from ruhrgraph.namespaces import DCAT, OA, PROV, RDF, RDFS, SCHEMA, SKOS
from ruhrgraph.namespaces import DCTERMS as DCT
from ruhrgraph.namespaces import ONTOLOGY_NS as RG
from ruhrgraph.web import state
from ruhrgraph.web.pages import lookup
from ruhrgraph.web.pages.terms import Linker

_MENTIONS = {RG + "mentionsPlace": "place", RG + "mentionsOrganisation": "organisation",
             RG + "mentionsMinistry": "ministry", RG + "mentionsProject": "project"}
#: What a mention's target and selectors are asked for.
_TARGET = [RG + "firstLine", OA + "hasSource", OA + "hasSelector"]
_SELECTOR = [OA + "exact", OA + "start"]


@dataclass
class Listing:
    """One page of a list of projects: ``items`` in code order, page ``page`` of ``pages``,
    ``total`` projects in all. ``ordered``: the pages follow code order (a list of at most
    PAGE_LIST_SORTED projects); a longer one is paged in the store's order, each page
    sorted."""

    items: list[dict]
    total: int
    page: int = 1
    pages: int = 1
    ordered: bool = True


def _paged(predicates: list[str], iri: str, page: int) -> tuple[list, int, int, bool]:
    """Page ``page`` of the projects linking to ``iri`` by one of ``predicates``: the
    projects (IRI terms), how many in all, how many pages, and whether in code order. The
    engine counts; a long list is read only up to the end of the page asked for."""
    size = state().settings.page_list_size
    sortable = state().settings.page_list_sorted
    bound = [lookup.iri(p) for p in predicates]
    target = lookup.iri(iri)
    total = lookup.counts(p=bound, o=target).get(iri, 0)
    pages = max(1, -(-total // size))
    start = (page - 1) * size
    if total <= sortable:
        found = sorted(lookup.unique(s for s, _, _ in lookup.triples(p=bound, o=target)),
                       key=lambda t: t.value)
        return found[start:start + size], total, pages, True
    found = lookup.unique(s for s, _, _ in lookup.triples(p=bound, o=target,
                                                           max_rows=start + size))
    return sorted(found[start:start + size], key=lambda t: t.value), total, pages, False


def _int(term) -> int:
    return int(term.value)


def _start(found: lookup.Resources, target) -> int:
    """Where a mention starts in the source (its ``oa:start``), for text order on a line."""
    for selector in found.objects(target, OA + "hasSelector"):
        start = found.value(selector, OA + "start")
        if start is not None:
            return _int(start)
    return 0


def _german(found: lookup.Resources, term, predicate: str) -> list:
    return [o for o in found.objects(term, predicate) if o.language == "de"]


def source_href(source: str, first: int, last: int | None = None) -> str | None:
    """The source view of lines ``first``..``last`` of a source, scrolled to ``first``."""
    path = Linker(state().iris).path(source)
    if path is None:
        return None
    last = last or first
    return f"{path}/text?lines={first}-{last}#L{first}"


def project(iri: str, named_page: int = 1) -> dict | None:
    found = lookup.Resources()
    t = lookup.iri(iri)
    facts = {name: found.value(t, predicate) for name, predicate in (
        ("code", DCT + "identifier"), ("title", RDFS + "label"),
        ("description", DCT + "description"), ("field", RG + "actionField"),
        ("ministry", RG + "leadMinistry"), ("duration", DCT + "temporal"),
        ("passage", PROV + "wasDerivedFrom"))}
    if None in facts.values():
        return None
    passage, field, ministry, duration = (facts[k] for k in ("passage", "field", "ministry",
                                                              "duration"))
    measures = found.objects(t, RG + "hasMeasure")
    mentions = found.objects(t, RG + "hasMention")
    found.fetch([passage, field, ministry, duration, *measures, *mentions])
    fpassage = found.value(field, PROV + "wasDerivedFrom")
    dpassage = found.value(duration, PROV + "wasDerivedFrom")
    targets = [o for m in mentions for o in found.objects(m, OA + "hasTarget")]
    found.fetch([fpassage, dpassage, *targets,
                 *(o for m in measures for o in found.objects(m, PROV + "wasDerivedFrom")),
                 *(o for m in mentions for o in found.objects(m, OA + "hasBody"))])
    found.fetch(o for target in targets for o in found.objects(target, OA + "hasSelector"))
    need = {
        "source": found.value(passage, OA + "hasSource"),
        "first": found.value(passage, RG + "firstLine"),
        "last": found.value(passage, RG + "lastLine"),
        "fieldLabel": (_german(found, field, SKOS + "prefLabel") or [None])[0],
        "ffirst": fpassage and found.value(fpassage, RG + "firstLine"),
        "ministryLabel": (_german(found, ministry, RDFS + "label") or [None])[0],
        "durationText": found.value(duration, RG + "durationText"),
        "openEnded": found.value(duration, RG + "openEnded"),
        "dfirst": dpassage and found.value(dpassage, RG + "firstLine"),
        "dlast": dpassage and found.value(dpassage, RG + "lastLine")}
    if None in need.values():
        return None
    source = need["source"].value
    start, end = (found.value(duration, DCAT + w) for w in ("startDate", "endDate"))
    linker = Linker(state().iris)
    out = {
        "code": facts["code"].value, "title": facts["title"].value,
        "description": facts["description"].value,
        "field": linker.path(field.value), "field_label": need["fieldLabel"].value,
        "ministry": linker.path(ministry.value), "ministry_label": need["ministryLabel"].value,
        "duration": need["durationText"].value,
        "start": int(start.value[:4]) if start is not None else None,
        "end": int(end.value[:4]) if end is not None else None,
        "open_ended": need["openEnded"].value == "true",
        "lines": (_int(need["first"]), _int(need["last"])),
        "src": source_href(source, _int(need["first"]), _int(need["last"])),
        "duration_src": source_href(source, _int(need["dfirst"]), _int(need["dlast"])),
        "duration_line": _int(need["dfirst"]),
        "field_src": source_href(source, _int(need["ffirst"])),
        "field_line": _int(need["ffirst"]),
    }
    out["measures"] = sorted(_measures(found, measures, source, linker),
                             key=lambda m: m["position"])
    out["mentions"] = _mentions(found, t, mentions, source, linker)
    out["named_by"] = named_by(iri, named_page)
    return out


def _measures(found: lookup.Resources, measures, source: str, linker: Linker) -> list[dict]:
    out = []
    for m in measures:
        values = [found.value(m, pr) for pr in (SCHEMA + "position", RDFS + "label",
                                                RG + "measureKind", PROV + "wasDerivedFrom")]
        if None in values:
            continue
        position, text, kind, passage = values
        first = found.value(passage, RG + "firstLine")
        last = found.value(passage, RG + "lastLine")
        if first is None or last is None:
            continue
        marker = found.value(m, RG + "listMarker")
        out.append({"path": linker.path(m.value), "position": _int(position),
                    "text": text.value, "kind": kind.value,
                    "marker": marker.value if marker is not None else None,
                    "src": source_href(source, _int(first), _int(last)),
                    "first": _int(first)})
    return out


def _mentions(found: lookup.Resources, t, mentions, source: str, linker: Linker) -> dict:
    """The places, organisations, ministries and projects the text names, with the words
    and the line of each mention."""
    relations: dict[str, list[str]] = {}
    for p, o in found.out(t):
        if p.value in _MENTIONS:
            relations.setdefault(o.value, []).append(_MENTIONS[p.value])
    rows = []
    for mention in mentions:
        for entity in found.objects(mention, OA + "hasBody"):
            kinds = relations.get(entity.value, [])
            labels = _german(found, entity, RDFS + "label")
            for target in found.objects(mention, OA + "hasTarget"):
                first = found.value(target, RG + "firstLine")
                words = [found.value(sel, OA + "exact")
                         for sel in found.objects(target, OA + "hasSelector")]
                if first is None:
                    continue
                start = _start(found, target)
                rows += [(_int(first), label.value, start, kind, entity, w.value, mention)
                         for kind in kinds for label in labels for w in words if w is not None]
    rows.sort(key=lambda r: r[:3])
    groups: dict[str, dict[str, dict]] = {k: {} for k in _MENTIONS.values()}
    for first, label, _, kind, entity, words, mention in rows:
        item = groups[kind].setdefault(entity.value, {
            "path": linker.href(entity.value), "label": label, "mentions": []})
        item["mentions"].append({"words": words, "line": first,
                                 "src": source_href(source, first),
                                 "path": linker.path(mention.value)})
    return {k: sorted(v.values(), key=lambda e: e["label"].casefold())
            for k, v in groups.items()}


def named_by(iri: str, page: int = 1) -> Listing:
    """The projects whose text names ``iri`` (a page of them), with the words and lines."""
    found = lookup.Resources()
    projects, total, pages, ordered = _paged(list(_MENTIONS), iri, page)
    found.fetch(projects, [DCT + "identifier", RDFS + "label", RG + "hasMention"])
    found.fetch((m for p in projects for m in found.objects(p, RG + "hasMention")),
                [OA + "hasBody", OA + "hasTarget"])
    naming = [(p, m) for p in projects for m in found.objects(p, RG + "hasMention")
              if any(b.value == iri for b in found.objects(m, OA + "hasBody"))]
    targets = [o for _, m in naming for o in found.objects(m, OA + "hasTarget")]
    found.fetch(targets, _TARGET)
    found.fetch((o for target in targets for o in found.objects(target, OA + "hasSelector")),
                _SELECTOR)
    rows = []
    for project, mention in naming:
        code = found.value(project, DCT + "identifier")
        title = found.value(project, RDFS + "label")
        if code is None or title is None:
            continue
        for target in found.objects(mention, OA + "hasTarget"):
            first = found.value(target, RG + "firstLine")
            source = found.value(target, OA + "hasSource")
            if first is None or source is None:
                continue
            for sel in found.objects(target, OA + "hasSelector"):
                words = found.value(sel, OA + "exact")
                if words is not None:
                    rows.append((code.value, _int(first), _start(found, target), project,
                                 title.value, words.value, source.value))
    rows.sort(key=lambda r: r[:3])
    linker = Linker(state().iris)
    items: dict[str, dict] = {}
    for code, first, _, project, title, words, source in rows:
        item = items.setdefault(project.value, {
            "path": linker.path(project.value), "code": code, "title": title,
            "mentions": []})
        item["mentions"].append({"words": words, "line": first,
                                 "src": source_href(source, first)})
    return Listing(list(items.values()), total, page, pages, ordered)


def _linking(iri: str, predicate: str, page: int, *shown: str
             ) -> tuple[lookup.Resources, list, tuple[int, int, int, bool]]:
    """A page of the projects linking to ``iri`` by ``predicate``, with their code, title
    and the ``shown`` properties; and the page's place in the list (for :class:`Listing`)."""
    found = lookup.Resources()
    projects, total, pages, ordered = _paged([predicate], iri, page)
    found.fetch(projects, [DCT + "identifier", RDFS + "label", *shown])
    return found, projects, (total, page, pages, ordered)


def _item(found: lookup.Resources, project, linker: Linker) -> dict | None:
    code = found.value(project, DCT + "identifier")
    title = found.value(project, RDFS + "label")
    if code is None or title is None:
        return None
    return {"path": linker.path(project.value), "code": code.value, "title": title.value}


def _projects_with(iri: str, predicate: str, page: int, related: str, props: list[str],
                   columns) -> Listing:
    """A page of the projects linking to ``iri`` by ``predicate``, a row for each value
    ``columns(found, resource)`` gives for each resource a project links to by ``related``
    (fetched with ``props``), in code order."""
    found, projects, place = _linking(iri, predicate, page, related)
    found.fetch((o for p in projects for o in found.objects(p, related)), props)
    linker = Linker(state().iris)
    rows = []
    for project in projects:
        item = _item(found, project, linker)
        if item is not None:
            rows += [{**item, **extra} for resource in found.objects(project, related)
                     for extra in columns(found, resource)]
    rows.sort(key=lambda row: row["code"])
    return Listing(rows, *place)


def _field_short(found: lookup.Resources, field: object) -> list[dict]:
    return [{"fieldShort": short.value} for short in _german(found, field, SKOS + "altLabel")]


def _abbreviation(found: lookup.Resources, ministry: object) -> list[dict]:
    """A ministry's shortest alternative labels (none for a lead that is no rg:Ministry)."""
    if RG + "Ministry" not in {t.value for t in found.objects(ministry, RDF + "type")}:
        return []
    names = [o.value for o in found.objects(ministry, SKOS + "altLabel")]
    shortest = min((len(n) for n in names), default=0)
    return [{"abbreviation": n} for n in names if len(n) == shortest]


def ministry(iri: str, page: int = 1, named_page: int = 1) -> dict:
    return {"led": _projects_with(iri, RG + "leadMinistry", page, RG + "actionField",
                                  [SKOS + "altLabel"], _field_short),
            "named_by": named_by(iri, named_page)}


def field(iri: str, page: int = 1) -> dict:
    return {"projects": _projects_with(iri, RG + "actionField", page, RG + "leadMinistry",
                                       [RDF + "type", SKOS + "altLabel"], _abbreviation)}


def programme(iri: str) -> dict:
    found = lookup.Resources()
    found.fetch([lookup.iri(iri)], [DCT + "subject"])
    fields = found.objects(lookup.iri(iri), DCT + "subject")
    found.fetch(fields, [SKOS + "notation", SKOS + "prefLabel"])
    counts = lookup.counts(p=lookup.iri(RG + "actionField"), o=fields)
    linker = Linker(state().iris)
    out = []
    for f in fields:
        number = found.value(f, SKOS + "notation")
        for label in _german(found, f, SKOS + "prefLabel"):
            if number is not None:
                out.append({"path": linker.path(f.value), "number": number.value,
                            "label": label.value, "projects": counts.get(f.value, 0)})
    out.sort(key=lambda item: item["number"])
    return {"fields": out}
