"""The parts of a page that depend on what the resource is: a project's facts with their
source lines, the projects naming a place or an organisation, a ministry's projects, ...

Each function takes the entity's IRI and answers plain dicts for the templates; every fact
that comes from the catalogue text carries ``src``, the link to its lines in the source view.
"""

from __future__ import annotations

from ruhrgraph.web import lookup, state
from ruhrgraph.web.terms import Linker

_PROJECT = """SELECT ?iri ?code ?title ?description ?field ?fieldLabel ?ministry
       ?ministryLabel ?durationText ?openEnded ?source ?first ?last ?dfirst ?dlast
       ?ffirst
WHERE {
  ?iri dcterms:identifier ?code ; rdfs:label ?title ; dcterms:description ?description ;
       rg:actionField ?field ; rg:leadMinistry ?ministry ; dcterms:temporal ?duration ;
       prov:wasDerivedFrom ?passage .
  ?passage oa:hasSource ?source ; rg:firstLine ?first ; rg:lastLine ?last .
  ?field skos:prefLabel ?fieldLabel ; prov:wasDerivedFrom ?fpassage .
  ?fpassage rg:firstLine ?ffirst .
  FILTER(LANG(?fieldLabel) = "de")
  ?ministry rdfs:label ?ministryLabel . FILTER(LANG(?ministryLabel) = "de")
  ?duration rg:durationText ?durationText ; rg:openEnded ?openEnded ;
            prov:wasDerivedFrom ?dpassage .
  ?dpassage rg:firstLine ?dfirst ; rg:lastLine ?dlast .
}"""
# Apart, and without OPTIONAL: an OPTIONAL here made Oxigraph read every duration's dates.
_DATES = """SELECT ?iri ?which ?date WHERE {
  ?iri dcterms:temporal ?duration .
  ?duration ?which ?date .
  FILTER(?which IN (dcat:startDate, dcat:endDate))
}"""
_MEASURES = """SELECT ?iri ?measure ?position ?text ?kind ?marker ?first ?last WHERE {
  ?iri rg:hasMeasure ?measure .
  ?measure schema:position ?position ; rdfs:label ?text ; rg:measureKind ?kind ;
           prov:wasDerivedFrom ?passage .
  ?passage rg:firstLine ?first ; rg:lastLine ?last .
  OPTIONAL { ?measure rg:listMarker ?marker }
} ORDER BY ?position"""
_MENTIONS = """SELECT ?iri ?relation ?entity ?label ?words ?first ?mention WHERE {
  VALUES ?relation { rg:mentionsPlace rg:mentionsOrganisation rg:mentionsMinistry
                     rg:mentionsProject }
  ?iri ?relation ?entity ; rg:hasMention ?mention .
  ?mention oa:hasBody ?entity ; oa:hasTarget ?target .
  ?target rg:firstLine ?first ; oa:hasSelector ?selector .
  ?selector oa:exact ?words .
  ?entity rdfs:label ?label .
  FILTER(LANG(?label) = "de")
} ORDER BY ?first ?label"""
_NAMED_BY = """SELECT ?iri ?project ?code ?title ?words ?first ?source ?mention WHERE {
  ?project rg:hasMention ?mention ; dcterms:identifier ?code ; rdfs:label ?title .
  ?mention oa:hasBody ?iri ; oa:hasTarget ?target .
  ?target rg:firstLine ?first ; oa:hasSource ?source ; oa:hasSelector ?selector .
  ?selector oa:exact ?words .
} ORDER BY ?code ?first"""
_LED = """SELECT ?iri ?project ?code ?title ?fieldShort WHERE {
  ?project rg:leadMinistry ?iri ; dcterms:identifier ?code ; rdfs:label ?title ;
           rg:actionField ?field .
  ?field skos:altLabel ?fieldShort .
  FILTER(LANG(?fieldShort) = "de")
} ORDER BY ?code"""
_IN_FIELD = """SELECT ?iri ?project ?code ?title ?ministry ?abbreviation WHERE {
  ?project rg:actionField ?iri ; dcterms:identifier ?code ; rdfs:label ?title ;
           rg:leadMinistry ?ministry .
  { SELECT ?ministry ?abbreviation WHERE {
      ?ministry a rg:Ministry ; skos:altLabel ?abbreviation .
      FILTER NOT EXISTS { ?ministry skos:altLabel ?shorter
                          FILTER(STRLEN(?shorter) < STRLEN(?abbreviation)) } } }
} ORDER BY ?code"""
_FIELDS = """SELECT ?iri ?field ?number ?label (COUNT(?project) AS ?projects) WHERE {
  ?iri dcterms:subject ?field .
  ?field skos:notation ?number ; skos:prefLabel ?label .
  FILTER(LANG(?label) = "de")
  OPTIONAL { ?project rg:actionField ?field }
} GROUP BY ?iri ?field ?number ?label ORDER BY ?number"""

def source_href(source: str, first: int, last: int | None = None) -> str | None:
    """The source view of lines ``first``..``last`` of a source, scrolled to ``first``."""
    path = Linker(state().iris).path(source)
    if path is None:
        return None
    last = last or first
    return f"{path}/text?lines={first}-{last}#L{first}"


def project(iri: str) -> dict | None:
    bound = {"iri": lookup.iri(iri)}
    rows = lookup.select(_PROJECT, bound)
    if not rows:
        return None
    r = rows[0]
    dates = {d["which"].value.rsplit("#", 1)[1]: int(d["date"].value[:4])
             for d in lookup.select(_DATES, bound)}
    source = r["source"].value
    linker = Linker(state().iris)
    facts = {
        "code": r["code"].value, "title": r["title"].value,
        "description": r["description"].value,
        "field": linker.path(r["field"].value), "field_label": r["fieldLabel"].value,
        "ministry": linker.path(r["ministry"].value), "ministry_label": r["ministryLabel"].value,
        "duration": r["durationText"].value, "start": dates.get("startDate"),
        "end": dates.get("endDate"),
        "open_ended": r["openEnded"].value == "true",
        "lines": (int(r["first"].value), int(r["last"].value)),
        "src": source_href(source, int(r["first"].value), int(r["last"].value)),
        "duration_src": source_href(source, int(r["dfirst"].value), int(r["dlast"].value)),
        "duration_line": int(r["dfirst"].value),
        "field_src": source_href(source, int(r["ffirst"].value)),
        "field_line": int(r["ffirst"].value),
    }
    facts["measures"] = [
        {"path": linker.path(m["measure"].value), "position": int(m["position"].value),
         "text": m["text"].value, "kind": m["kind"].value,
         "marker": m["marker"].value if "marker" in m else None,
         "src": source_href(source, int(m["first"].value), int(m["last"].value)),
         "first": int(m["first"].value)}
        for m in lookup.select(_MEASURES, bound)]
    groups: dict[str, dict[str, dict]] = {"place": {}, "organisation": {}, "ministry": {},
                                           "project": {}}
    for m in lookup.select(_MENTIONS, bound):
        kind = {"Place": "place", "Organisation": "organisation", "Ministry": "ministry",
                "Project": "project"}[m["relation"].value.rsplit("mentions", 1)[1]]
        entity = groups[kind].setdefault(m["entity"].value, {
            "path": linker.href(m["entity"].value), "label": m["label"].value, "mentions": []})
        entity["mentions"].append({"words": m["words"].value, "line": int(m["first"].value),
                                   "src": source_href(source, int(m["first"].value)),
                                   "path": linker.path(m["mention"].value)})
    facts["mentions"] = {k: sorted(v.values(), key=lambda e: e["label"].casefold())
                         for k, v in groups.items()}
    facts["named_by"] = named_by(iri)
    return facts


def named_by(iri: str) -> list[dict]:
    """The projects whose text names ``iri``, each with the words and lines."""
    linker = Linker(state().iris)
    projects: dict[str, dict] = {}
    for r in lookup.select(_NAMED_BY, {"iri": lookup.iri(iri)}):
        item = projects.setdefault(r["project"].value, {
            "path": linker.path(r["project"].value), "code": r["code"].value,
            "title": r["title"].value, "mentions": []})
        item["mentions"].append({"words": r["words"].value, "line": int(r["first"].value),
                                 "src": source_href(r["source"].value, int(r["first"].value))})
    return list(projects.values())


def _projects(query: str, iri: str, extra: tuple[str, ...]) -> list[dict]:
    linker = Linker(state().iris)
    out = []
    for r in lookup.select(query, {"iri": lookup.iri(iri)}):
        item = {"path": linker.path(r["project"].value), "code": r["code"].value,
                "title": r["title"].value}
        item.update({k: r[k].value for k in extra if k in r})
        out.append(item)
    return out


def ministry(iri: str) -> dict:
    return {"led": _projects(_LED, iri, ("fieldShort",)), "named_by": named_by(iri)}


def field(iri: str) -> dict:
    return {"projects": _projects(_IN_FIELD, iri, ("abbreviation",))}


def programme(iri: str) -> dict:
    linker = Linker(state().iris)
    return {"fields": [{"path": linker.path(r["field"].value), "number": r["number"].value,
                        "label": r["label"].value, "projects": int(r["projects"].value)}
                       for r in lookup.select(_FIELDS, {"iri": lookup.iri(iri)})]}
