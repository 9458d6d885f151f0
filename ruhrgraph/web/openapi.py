"""``/openapi.json``: an OpenAPI 3.0 description of the HTTP interface, made from the app.

The description is generated from what the app really routes (``app.url_map``), the entity
kinds and their key patterns (``ruhrgraph.iris.KINDS``) and the canned queries with their
typed parameters, so it cannot fall behind a new route: a route without a description here
still appears (with its path parameters), and a test fails when one is left undescribed.
``tests/test_http_fuzz.py`` fuzzes the running server against it with schemathesis.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, json

from ruhrgraph import __version__
from ruhrgraph.iris import KINDS
from ruhrgraph.namespaces import ONTOLOGY_NS
from ruhrgraph.web import state
from ruhrgraph.web.endpoint import negotiation

bp = Blueprint("openapi", __name__)

_RDF_TYPES = ("text/turtle", "application/ld+json", "application/n-triples",
              "application/rdf+xml")
_ERROR_TYPES = ("text/plain", "application/json", "text/html")
_RESULT_TYPES = tuple(f.media_type for f in negotiation.RESULTS)
_GRAPH_TYPES = tuple(f.media_type for f in negotiation.GRAPHS)

_EXPLORER = ("field", "ministry", "named_ministry", "place", "organisation", "start_from",
             "start_to", "end_from", "end_to", "running_in", "open_ended", "q", "sort",
             "desc", "page")
_COMPARED = ("place", "ministry", "field", "organisation")
_KEY = {"schema": {"type": "string", "maxLength": 200}}
_YEAR = {"schema": {"type": "integer", "minimum": 1900, "maximum": 2200}}

#: endpoint -> (summary, 200 media types, other documented statuses, query parameters)
_DESCRIBED: dict[str, tuple[str, tuple[str, ...], tuple[int, ...], tuple[str, ...]]] = {
    "ops.healthz": ("Health: store readable, build id", ("application/json",), (503,), ()),
    "ops.metrics_view": ("Prometheus metrics", ("text/plain",), (), ()),
    "ops.favicon": ("The site's icon", ("image/vnd.microsoft.icon",), (), ()),
    "openapi.spec": ("This description", ("application/json",), (), ()),
    "pages.home": ("Home page: what the graph is, its counts, entry points", ("text/html",),
                   (), ()),
    "pages.projects": ("Browse the projects", ("text/html",), (400,), ("after",)),
    "pages.ministries": ("Browse the ministries", ("text/html",), (), ()),
    "pages.fields": ("Browse the action fields", ("text/html",), (), ()),
    "pages.places": ("Browse the places", ("text/html",), (), ()),
    "pages.organisations": ("Browse the organisations", ("text/html",), (), ()),
    "pages.ontology": ("The ontology: documentation or RDF", ("text/html", *_RDF_TYPES),
                       (404, 406), ()),
    "queries.index": ("The canned queries, by theme", ("text/html",), (), ()),
    "queries.page": ("A canned query that does not exist", ("text/html",), (404,), ()),
    "queries.download": ("A canned query's results as a file", ("text/csv",), (404,), ()),
    "source.text": ("The source text with line anchors", ("text/html",), (400, 404),
                    ("lines",)),
    "opendata.catalog": ("DCAT-AP.de catalogue", ("text/html", *_RDF_TYPES), (404, 406),
                         ("format",)),
    "opendata.void": ("VoID description", ("text/html", *_RDF_TYPES), (404, 406),
                      ("format",)),
    "opendata.downloads": ("The dumps: size, checksum, format", ("text/html",), (), ()),
    "opendata.dump_file": ("One dump file (Range, gzip transfer, ETag)",
                           ("application/octet-stream",), (206, 404, 416), ()),
    "opendata.robots": ("robots.txt", ("text/plain",), (), ()),
    "opendata.sitemap": ("Sitemap (index)", ("application/xml",), (404,), ()),
    "search.search_page": ("Full-text search (German stems): hits with snippets and source "
                           "lines", ("text/html",), (400, 503), ("q", "kind", "page")),
    "search.search_json": ("Full-text search as JSON", ("application/json",), (400, 503),
                           ("q", "kind", "page")),
    "search.search_csv": ("Full-text search as CSV", ("text/csv",), (400, 503),
                          ("q", "kind", "page", "sep")),
    "explorer.explore_page": ("The project explorer: filters that combine, facet counts",
                              ("text/html",), (400,), _EXPLORER),
    "explorer.explore_json": ("The explorer's filtered rows and facets as JSON",
                              ("application/json",), (400,), _EXPLORER),
    "explorer.explore_csv": ("The explorer's filtered rows as CSV", ("text/csv",), (400,),
                             (*_EXPLORER, "sep")),
    "compare.compare_page": ("Places, ministries, fields or organisations side by side",
                             ("text/html",), (400,), _COMPARED),
    "compare.compare_json": ("A comparison as JSON", ("application/json",), (400,),
                             _COMPARED),
    "lists.project_list": ("A project's measures or mentions as CSV or JSON",
                           ("text/csv", "application/json"), (404,), ("sep",)),
    "editor.index": ("The SPARQL editor's completion index: prefixes, classes, properties, "
                     "entity names", ("application/json",), (), ()),
    "sparql.endpoint": ("SPARQL 1.1 Protocol query endpoint",
                        (*_RESULT_TYPES, *_GRAPH_TYPES, "text/html"),
                        (400, 403, 406, 413, 415, 503), ()),
}

_QUERY_PARAMS: dict[str, dict[str, Any]] = {
    "q": {"description": "Words to search for (operators are searched as words)",
          "schema": {"type": "string", "maxLength": 200}, "example": "Wasserstoff"},
    "kind": {"description": "Only hits of this kind (repeatable)",
             "schema": {"type": "string", "enum": ["project", "measure", "field", "place",
                                                   "organisation", "ministry"]}},
    "page": {"description": "Page of the list, from 1",
             "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
    "sep": {"description": "';' for German spreadsheets (a BOM and semicolons)",
            "schema": {"type": "string", "enum": [";"]}},
    "field": {"description": "An action field's key (e.g. 5)", **_KEY},
    "ministry": {"description": "A ministry's key (e.g. mwide)", **_KEY},
    "named_ministry": {"description": "A ministry the text names, by key", **_KEY},
    "place": {"description": "A place's key (its AGS, e.g. 05112000)", **_KEY},
    "organisation": {"description": "An organisation's key", **_KEY},
    "start_from": {"description": "Starting in or after this year", **_YEAR},
    "start_to": {"description": "Starting in or before this year", **_YEAR},
    "end_from": {"description": "Ending in or after this year (or open-ended)", **_YEAR},
    "end_to": {"description": "Ending in or before this year", **_YEAR},
    "running_in": {"description": "Running in this year", **_YEAR},
    "open_ended": {"description": "Open-ended or not",
                   "schema": {"type": "string", "enum": ["yes", "no"]}},
    "sort": {"description": "The column to sort by",
             "schema": {"type": "string", "enum": ["code", "title", "field", "ministry",
                                                   "start", "end", "measures", "places",
                                                   "organisations"]}},
    "desc": {"description": "1: descending", "schema": {"type": "string", "enum": ["1"]}},
    "after": {"description": "Continue a paged list after this key or IRI",
              "schema": {"type": "string", "maxLength": 2000}},
    "in": {"description": "Show only the incoming links of this property IRI",
           "schema": {"type": "string", "maxLength": 2000}},
    "named-page": {"description": "Page of the list of projects naming the resource",
                   "schema": {"type": "integer", "minimum": 1, "maximum": 1000000}},
    "projects-page": {"description": "Page of the list of a ministry's or a field's projects",
                      "schema": {"type": "integer", "minimum": 1, "maximum": 1000000}},
    "lines": {"description": "Mark lines FIRST-LAST", "schema": {"type": "string"},
              "example": "10-12"},
    "format": {"description": "Override content negotiation",
               "schema": {"type": "string", "enum": ["turtle", "ntriples", "rdfxml", "jsonld"]}},
}

_SPARQL_PARAMS = [
    {"name": "query", "in": "query", "description": "A SPARQL 1.1 query",
     "schema": {"type": "string"},
     "example": f"SELECT ?s WHERE {{ ?s a <{ONTOLOGY_NS}Project> }} LIMIT 3"},
    {"name": "default-graph-uri", "in": "query", "style": "form", "explode": True,
     "schema": {"type": "array", "items": {"type": "string"}}},
    {"name": "named-graph-uri", "in": "query", "style": "form", "explode": True,
     "schema": {"type": "array", "items": {"type": "string"}}},
    {"name": "format", "in": "query", "description": "Result format, overriding Accept "
     "(repeatable; also a short name or media type; one the query cannot be answered in "
     "is ignored and Accept decides)", "style": "form", "explode": True,
     "schema": {"type": "array", "items": {
         "type": "string",
         "enum": [f.name for f in (*negotiation.RESULTS, *negotiation.GRAPHS)]}}},
]


def _responses(ok: tuple[str, ...], others: tuple[int, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "OK",
                                   "content": {t: {} for t in ok}},
                           "304": {"description": "Not Modified (If-None-Match matched)"}}
    for status in sorted({*others, 400, 404, 405}):
        if status == 206:
            out["206"] = {"description": "Partial Content (Range)"}
        else:
            out[str(status)] = {"description": "Error, with a message that says why",
                                "content": {t: {} for t in _ERROR_TYPES}}
    return out


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """``/queries/<name>.<ext>`` -> (``/queries/{name}.{ext}``, its path parameters)."""
    params = []

    def one(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        schema: dict[str, Any] = {"type": "integer", "minimum": 1} if converter == "int" \
            else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: one(m), rule), params


def _entity_key(endpoint: str, params: list[dict[str, Any]]) -> None:
    kind = endpoint.removeprefix("pages.entity_")
    for param in params:
        if param["name"] == "key" and kind in KINDS:
            param["description"] = f"The {kind}'s key ({KINDS[kind]}), optionally with a " \
                                   "document extension (.html .ttl .jsonld .nt .rdf)"
            param["example"] = _EXAMPLE_KEYS.get(kind, "x")


_EXAMPLE_KEYS = {"project": "13-01", "place": "05113000", "ministry": "mwide", "field": "1",
                 "measure": "13-01/1", "duration": "13-01", "programme": "ruhr-konferenz"}


def _canned_paths(paths: dict[str, Any]) -> None:
    from ruhrgraph.web.pages.queries import DOWNLOADS, canned_queries

    for name, query in sorted(canned_queries().items()):
        params = []
        for p in query.params:
            schema: dict[str, Any] = {"type": "integer"} if p.type == "integer" \
                else {"type": "string", "maxLength": p.max_length}
            if p.min is not None:
                schema["minimum"] = p.min
            if p.max is not None:
                schema["maximum"] = p.max
            params.append({"name": p.name, "in": "query", "required": False,
                           "description": p.label, "schema": schema, "example": p.default})
        paths[f"/queries/{name}"] = {"get": {
            "summary": query.title, "operationId": f"query-{name}", "parameters": params,
            "responses": _responses(("text/html",), (400, 503))}}
        paths[f"/queries/{name}.{{ext}}"] = {"get": {
            "summary": f"{query.title} (download)", "operationId": f"query-{name}-download",
            "parameters": [{"name": "ext", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": [*sorted(DOWNLOADS), "rq"]}},
                           *params],
            "responses": _responses((*sorted({t for _, t in DOWNLOADS.values()}),
                                     "application/sparql-query"), (400, 503))}}


def build(app) -> dict[str, Any]:
    """The OpenAPI document of ``app``."""
    paths: dict[str, Any] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        path, params = _path(rule.rule)
        summary, ok, others, query = _DESCRIBED.get(rule.endpoint, (None, (), (), ()))
        if rule.endpoint.startswith("pages.entity_"):
            kind = rule.endpoint.removeprefix("pages.entity_")
            summary, ok = f"A {kind}: its page or its RDF, by Accept or extension", \
                ("text/html", *_RDF_TYPES)
            others, query = (400, 406), ("in", "after", "named-page", "projects-page")
            _entity_key(rule.endpoint, params)
        elif rule.endpoint.startswith("opendata.described_"):
            summary, ok, others = "The page or RDF of a described IRI", \
                ("text/html", *_RDF_TYPES), (406,)
        operation_params = [*params, *({"name": q, "in": "query", **_QUERY_PARAMS[q]}
                                       for q in query)]
        redirects = "<path:" in rule.rule  # Werkzeug answers `a//b` with 308 to `a/b`
        item = paths.setdefault(path, {})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation: dict[str, Any] = {
                "summary": summary or rule.endpoint, "operationId":
                f"{rule.endpoint}-{method.lower()}-{len(paths)}",
                "parameters": list(operation_params),
                "responses": _responses(ok or ("text/html",), others)}
            if redirects:
                operation["responses"]["308"] = {
                    "description": "Permanent Redirect from a path with `//` to the merged one"}
            if rule.endpoint == "sparql.endpoint":
                _sparql(operation, method)
            item[method.lower()] = operation
    _canned_paths(paths)
    return {"openapi": "3.0.3",
            "info": {"title": "ruhrgraph", "version": __version__,
                     "description": "The Ruhr-Konferenz catalogue as a linked-data knowledge "
                                    "graph: SPARQL endpoint, resource pages, canned queries "
                                    "and open data. Read-only; every GET may be cached."},
            "servers": [{"url": "/"}],  # relative: whatever host serves it
            "paths": paths}


def _sparql(operation: dict[str, Any], method: str) -> None:
    if method == "GET":
        operation["parameters"] = [*_SPARQL_PARAMS]
        return
    operation["parameters"] = [p for p in _SPARQL_PARAMS if p["name"] != "query"]
    form = {"type": "object", "properties": {
        "query": {"type": "string"},
        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
        "format": {"type": "string"}}}
    operation["requestBody"] = {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": form},
        "application/sparql-query": {"schema": {"type": "string"}}}}


@bp.get("/openapi.json")
def spec() -> Response:
    st = state()
    body = st.extras.get("openapi")
    if body is None:
        body = st.extras["openapi"] = json.dumps(build(current_app._get_current_object()),
                                                 indent=1)
    return Response(body, 200, content_type="application/json; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300",
                             "Access-Control-Allow-Origin": "*"})
