"""The data of the home page and the browse pages (projects, ministries, fields, places,
organisations): one query each, answered as plain dicts for the templates."""

from __future__ import annotations

from flask_babel import gettext

from ruhrgraph.web import state
from ruhrgraph.web.pages import charts, lookup, ruhrmap
from ruhrgraph.web.pages.terms import Linker

PROJECTS_PAGE = 200

_ABBREVIATION = """{ SELECT ?ministry ?abbreviation WHERE {
      ?ministry a rg:Ministry ; skos:altLabel ?abbreviation .
      FILTER NOT EXISTS { ?ministry skos:altLabel ?shorter
                          FILTER(STRLEN(?shorter) < STRLEN(?abbreviation)) } } }"""
# A page of projects: first the codes (keyset by code), then the rows of just those.
_PROJECT_CODES = """SELECT ?after ?project ?code WHERE {
  ?project a rg:Project ; dcterms:identifier ?code .
  FILTER(?code > ?after)
} ORDER BY ?code LIMIT 201"""
_PROJECTS = """SELECT ?project ?title ?number ?fieldShort ?ministry ?abbreviation ?durationText
       ?openEnded WHERE {
  ?project rdfs:label ?title ; rg:actionField ?field ; rg:leadMinistry ?ministry ;
           dcterms:temporal ?d .
  ?field skos:notation ?number ; skos:altLabel ?fieldShort . FILTER(LANG(?fieldShort) = "de")
  ?d rg:durationText ?durationText ; rg:openEnded ?openEnded .
  ?ministry skos:altLabel ?abbreviation .
  FILTER NOT EXISTS { ?ministry skos:altLabel ?shorter
                      FILTER(STRLEN(?shorter) < STRLEN(?abbreviation)) }
}"""
_PROJECT_DATES = """SELECT ?project ?which ?date WHERE {
  ?project dcterms:temporal ?d .
  ?d ?which ?date .
  FILTER(?which IN (dcat:startDate, dcat:endDate))
}"""
_MINISTRIES = """SELECT ?ministry ?label ?labelEn ?abbreviation (COUNT(DISTINCT ?led) AS ?leads)
       (COUNT(DISTINCT ?naming) AS ?named) WHERE {
  """ + _ABBREVIATION + """
  ?ministry rdfs:label ?label . FILTER(LANG(?label) = "de")
  OPTIONAL { ?ministry rdfs:label ?labelEn . FILTER(LANG(?labelEn) = "en") }
  OPTIONAL { ?led rg:leadMinistry ?ministry }
  OPTIONAL { ?naming rg:mentionsMinistry ?ministry }
} GROUP BY ?ministry ?label ?labelEn ?abbreviation ORDER BY DESC(?leads) ?abbreviation"""
_FIELDS = """SELECT ?field ?number ?label ?labelEn ?description (COUNT(?project) AS ?projects)
WHERE {
  ?field a skos:Concept ; skos:notation ?number ; skos:prefLabel ?label .
  FILTER(LANG(?label) = "de")
  OPTIONAL { ?field skos:prefLabel ?labelEn . FILTER(LANG(?labelEn) = "en") }
  OPTIONAL { ?field dcterms:description ?description }
  OPTIONAL { ?project rg:actionField ?field }
} GROUP BY ?field ?number ?label ?labelEn ?description ORDER BY ?number"""
_PLACES = """SELECT ?place ?name ?ags ?inRuhr ?isDistrict ?isCity ?district
       (COUNT(DISTINCT ?p) AS ?projects) WHERE {
  ?place a schema:Place ; rdfs:label ?name ; rg:inRuhrRegion ?inRuhr .
  OPTIONAL { ?place rg:ags ?ags }
  BIND(EXISTS { ?place a rg:District } AS ?isDistrict)
  BIND(EXISTS { ?place a schema:City } AS ?isCity)
  OPTIONAL { ?place schema:containedInPlace/rdfs:label ?district }
  OPTIONAL { ?p rg:mentionsPlace ?place }
} GROUP BY ?place ?name ?ags ?inRuhr ?isDistrict ?isCity ?district
  ORDER BY DESC(?projects) ?name"""
_ORGANISATIONS = """SELECT ?organisation ?name ?sameAs (COUNT(DISTINCT ?p) AS ?projects) WHERE {
  ?organisation a org:Organization ; rdfs:label ?name .
  FILTER(LANG(?name) = "de" || LANG(?name) = "")
  FILTER NOT EXISTS { ?organisation a rg:Ministry }
  OPTIONAL { ?organisation owl:sameAs ?sameAs }
  OPTIONAL { ?p rg:mentionsOrganisation ?organisation }
} GROUP BY ?organisation ?name ?sameAs ORDER BY DESC(?projects) ?name"""
_COUNTS = """SELECT
  (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?measure) AS ?measures) WHERE {
  ?project a rg:Project . OPTIONAL { ?project rg:hasMeasure ?measure } }"""
_SOURCE = """SELECT ?source ?name ?title WHERE {
  ?passage oa:hasSource ?source .
  OPTIONAL { ?source rdfs:label ?name } OPTIONAL { ?source dcterms:title ?title }
} LIMIT 1"""


def _v(row: dict, name: str, default=None):
    return row[name].value if name in row else default


def projects(after: str = "") -> dict:
    linker = Linker(state().iris)
    codes = lookup.select(_PROJECT_CODES, {"after": lookup.text(after)})
    page = [r["project"] for r in codes[:PROJECTS_PAGE]]
    rows = {r["project"].value: r for r in lookup.select(_PROJECTS, {"project": page})}
    dates: dict[str, dict[str, int]] = {}
    for r in lookup.select(_PROJECT_DATES, {"project": page}):
        dates.setdefault(r["project"].value, {})[r["which"].value.rsplit("#", 1)[1]] = \
            int(r["date"].value[:4])
    items = []
    for c in codes[:PROJECTS_PAGE]:
        iri = c["project"].value
        r, years = rows[iri], dates.get(iri, {})
        items.append({
            "path": linker.path(iri), "code": c["code"].value, "title": r["title"].value,
            "field": int(r["number"].value), "field_short": r["fieldShort"].value,
            "ministry": linker.path(r["ministry"].value),
            "abbreviation": r["abbreviation"].value, "duration": r["durationText"].value,
            "timeline": charts.timeline_bar(years.get("startDate"), years.get("endDate"),
                                            r["openEnded"].value == "true", first=2019,
                                            last=2035)})
    more = items[-1]["code"] if len(codes) > PROJECTS_PAGE else None
    return {"projects": items, "after": after, "more": more}


def ministries() -> dict:
    linker = Linker(state().iris)
    return {"ministries": [
        {"path": linker.path(r["ministry"].value), "label": r["label"].value,
         "label_en": _v(r, "labelEn"), "abbreviation": r["abbreviation"].value,
         "leads": int(r["leads"].value), "named": int(r["named"].value)}
        for r in lookup.select(_MINISTRIES)]}


def fields() -> dict:
    linker = Linker(state().iris)
    return {"fields": [
        {"path": linker.path(r["field"].value), "number": r["number"].value,
         "label": r["label"].value, "label_en": _v(r, "labelEn"),
         "description": _v(r, "description"), "projects": int(r["projects"].value)}
        for r in lookup.select(_FIELDS)]}


def places() -> dict:
    linker = Linker(state().iris)
    items = [{"iri": r["place"].value, "path": linker.path(r["place"].value),
              "name": r["name"].value, "ags": _v(r, "ags"),
              "in_ruhr": r["inRuhr"].value == "true",
              "district": lookup.true(r["isDistrict"]), "in": _v(r, "district"),
              "abroad": lookup.true(r["isCity"]),
              "projects": int(r["projects"].value)} for r in lookup.select(_PLACES)]
    values = {p["iri"]: p["projects"] for p in items if p["projects"]}
    return {"places": items, "map": ruhrmap.svg(values, title=gettext(
        "Places by the number of projects naming them"))}


def organisations() -> dict:
    linker = Linker(state().iris)
    items: dict[str, dict] = {}
    for r in lookup.select(_ORGANISATIONS):
        item = items.setdefault(r["organisation"].value, {
            "path": linker.path(r["organisation"].value), "name": r["name"].value,
            "projects": int(r["projects"].value), "same_as": []})
        if "sameAs" in r and linker.href(r["sameAs"].value):
            item["same_as"].append(r["sameAs"].value)
    return {"organisations": list(items.values())}


def home() -> dict:
    st = state()
    counts = dict(st.build.manifest.get("counts") or {})
    if "projects" not in counts:
        row = lookup.select(_COUNTS)[0]
        counts.update(projects=int(row["projects"].value), measures=int(row["measures"].value))
    field_list = fields()["fields"]
    place_list = places()
    source = lookup.select(_SOURCE)
    linker = Linker(st.iris)
    src = None
    if source:
        path = linker.path(source[0]["source"].value)
        src = {"path": path, "text": path + "/text" if path else None,
               "name": _v(source[0], "name"), "title": _v(source[0], "title")}
    return {"counts": counts, "quads": st.build.manifest.get("quads"), "fields": field_list,
            "ministries": ministries()["ministries"],
            "top_places": [p for p in place_list["places"] if p["projects"]][:8],
            "map": place_list["map"], "source": src, "build": st.build,
            "licence": st.settings.license, "attribution": st.settings.attribution,
            "organisations": organisations()["organisations"][:8]}
