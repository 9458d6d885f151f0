"""``/explore``: the faceted explorer of projects, as HTML, CSV and JSON.

Every state of a view is its URL: facet values (``field``, ``ministry``, ``named_ministry``,
``place``, ``organisation`` as keys), year bounds (``start_from`` … ``running_in``),
``open_ended=yes|no``, ``q`` (words, through the search index), ``sort`` and ``desc``, and
``page``. So a link reproduces a view and Back/Forward restore it. ``/explore.csv``
(``?sep=;`` for German spreadsheets: BOM and semicolons) and ``/explore.json`` hold exactly
the filtered rows; "the SPARQL behind this view" opens :func:`view_query` in the editor.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ruhrgraph.query.explorer import (
    FACETS,
    SORTS,
    YEAR_FILTERS,
    FilterError,
    Filters,
    ProjectTable,
    Row,
    View,
    explore,
    load_table,
    view_query,
)
from ruhrgraph.web import i18n, state
from ruhrgraph.web.ops.errors import localized
from ruhrgraph.web.pages import lookup
from ruhrgraph.web.pages.pagecache import respond
from ruhrgraph.web.pages.search import _index, parse_or_400
from ruhrgraph.web.pages.spreadsheet import csv_download
from ruhrgraph.web.pages.terms import KIND_NAMES

bp = Blueprint("explorer", __name__)
PAGE_SIZE = 50
MAX_TABLE_ROWS = 10_000_000
PARAMETERS = (*FACETS, *YEAR_FILTERS, "open_ended", "q", "sort", "desc", "page")
COLUMNS = {"code": _l("Code"), "title": _l("Title"), "field": _l("Action field"),
           "ministry": _l("Lead ministry"), "start": _l("Start"), "end": _l("End"),
           "measures": _l("Measures"), "places": _l("Places named"), "organisations":
           _l("Organisations named")}
FACET_LABELS = {"field": _l("Action field"), "ministry": _l("Lead ministry"),
                "named_ministry": _l("Other ministry named"), "place": _l("Place named"),
                "organisation": _l("Organisation named")}
#: The names of the active filters (the chips above the table).
FILTER_NAMES = {**FACET_LABELS, "running_in": _l("Running in"),
                "start_from": _l("Starting from"), "start_to": _l("Starting until"),
                "end_from": _l("Ending from"), "end_to": _l("Ending until"),
                "open_ended": _l("Open-ended"), "text": _l("Words")}
CSV_COLUMNS = (_l("Code"), _l("Title"), _l("Action field"), _l("Lead ministry"),
               _l("Other ministries named"), _l("Places named"), _l("Organisations named"),
               _l("Start"), _l("End"), _l("Open-ended"), _l("Measures"), "IRI")
#: The headings of the JSON rows' keys (``headings`` in /explore.json).
JSON_HEADINGS = {"code": _l("Code"), "title": _l("Title"), "iri": "IRI",
                 "field": _l("Action field"), "ministry": _l("Lead ministry"),
                 "named_ministries": _l("Other ministries named"),
                 "places": _l("Places named"), "organisations": _l("Organisations named"),
                 "start": _l("Start"), "end": _l("End"), "open_ended": _l("Open-ended"),
                 "measures": _l("Measures")}


#: The explorer's reasons (``ruhrgraph.query.explorer.FILTER_MESSAGES``) in words of the
#: interface's language.
FILTER_SAID = {
    "unknown_key": _l("no %(kind)s has the key %(key)r in the catalogue"),
    "year": _l("a year from %(low)d to %(high)d, not %(value)r"),
    "yes_no": _l("'yes' or 'no', not %(value)r"),
}


def filter_said(error: FilterError) -> str:
    values = dict(error.values)
    if "kind" in values:
        values["kind"] = str(KIND_NAMES.get(values["kind"], values["kind"]))
    return str(FILTER_SAID[error.reason]) % values


def unknown_key(kind: str, key: str) -> str:
    """"no place has the key 'x' in the catalogue", in the interface's language."""
    return filter_said(FilterError(kind, "unknown_key", kind=kind, key=key[:60]))


def table() -> ProjectTable:
    """The project table of the served build, labelled in the interface's language."""
    st = state()
    cached = st.extras.get("explorer")
    if cached is None or cached[0] != st.build.build_id:
        german = load_table(lambda query: lookup.select(query, max_rows=MAX_TABLE_ROWS))
        cached = st.extras["explorer"] = (st.build.build_id,
                                          {"de": german, "en": german.in_english()})
    return cached[1].get(i18n.locale(), cached[1]["de"])


def _text_rows(text: str) -> set[str] | None:
    """The projects the search finds for ``text``: those it names, and those whose
    measures it names."""
    if not text:
        return None
    found = _index().search(parse_or_400(text, "q: "), ["project", "measure"],
                            limit=MAX_TABLE_ROWS)
    iris = state().iris
    projects = set()
    for hit in found.hits:
        parsed = iris.parse(hit.iri) if hit.kind == "measure" else None
        if parsed is not None:  # measure/<code>/<n> belongs to project/<code>
            projects.add(iris.project(parsed[1].rsplit("/", 1)[0]))
        else:
            projects.add(hit.iri)
    return projects


def _state() -> tuple[ProjectTable, Filters, str, bool, int]:
    args = request.args
    for name in PARAMETERS:
        if len(args.getlist(name)) > 1:
            raise localized(400, "Bad Request", gettext(
                "the parameter %(name)r is given %(count)d times: give it once", name=name,
                count=len(args.getlist(name))))
    projects = table()
    try:
        filters = Filters.parse(args, projects)
    except FilterError as error:
        raise localized(400, "Bad Request", f"{error.parameter}: "
                   + filter_said(error)) from None
    sort = args.get("sort", "code")
    if sort not in SORTS:
        raise localized(400, "Bad Request", "sort: " + gettext("one of %(values)s",
                                                          values=", ".join(SORTS)))
    page = args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        raise localized(400, "Bad Request", "page: " + gettext("a whole number from 1"))
    return projects, filters, sort, args.get("desc") == "1", int(page)


def _view(page_size: int = PAGE_SIZE, asked: tuple | None = None
          ) -> tuple[ProjectTable, Filters, View, str, bool, int]:
    """The view the request asks for (``asked``: its :func:`_state`, when read already)."""
    projects, filters, sort, descending, page = asked or _state()
    view = explore(projects, filters, text_rows=_text_rows(filters.text), sort=sort,
                   descending=descending, page=page, page_size=page_size)
    return projects, filters, view, sort, descending, page


def _link(**changes: object) -> str:
    """This view's URL with ``changes`` (None removes a parameter; a new filter resets the
    page)."""
    current = {k: v for k, v in request.args.items() if k in PARAMETERS and v != ""}
    if any(k != "page" for k in changes):
        current.pop("page", None)
    for key, value in changes.items():
        if value is None:
            current.pop(key, None)
        else:
            current[key] = str(value)
    return request.path + ("?" + urlencode(current) if current else "")


def _names(projects: ProjectTable, iris: frozenset[str]) -> str:
    return "; ".join(sorted(projects.labels.get(i, i) for i in iris))


def _row_dict(projects: ProjectTable, row: Row) -> dict:
    def entity(iri: str) -> dict:
        return {"key": projects.keys[iri], "label": projects.labels.get(iri, ""), "iri": iri}
    return {"code": row.code, "title": row.title, "iri": row.iri,
            "field": entity(row.field), "ministry": entity(row.ministry),
            "named_ministries": [entity(i) for i in sorted(row.named_ministries)],
            "places": [entity(i) for i in sorted(row.places)],
            "organisations": [entity(i) for i in sorted(row.organisations)],
            "start": row.start, "end": row.end, "open_ended": row.open_ended,
            "measures": row.measures}


@bp.get("/explore")
def explore_page() -> Response:
    asked = _state()  # bad input is refused before the page cache is asked

    def render() -> tuple[bytes, str]:
        projects, filters, view, sort, descending, page = _view(asked=asked)
        pages = max(1, -(-view.total // PAGE_SIZE))
        data = "&".join(f"{k}={v}" for k, v in request.args.items() if k in PARAMETERS)
        sparql = "/sparql?" + urlencode({"query": view_query(filters, projects)})
        html = render_template(
            "explore.html", view=view, filters=filters, table=projects, sort=sort,
            descending=descending, page=page, pages=pages, link=_link, columns=COLUMNS,
            facet_labels=FACET_LABELS, filter_names=FILTER_NAMES, names=_names, query_string=data,
            sparql=sparql, active=filters.active())
        return html.encode(), "text/html; charset=utf-8"
    return respond((request.path, request.query_string), render)


@bp.get("/explore.json")
def explore_json() -> Response:
    projects, filters, view, *_ = _view(MAX_TABLE_ROWS)
    body = {"filters": filters.active(), "total": view.total,
            "headings": {k: str(v) for k, v in JSON_HEADINGS.items()},
            "rows": [_row_dict(projects, r) for r in view.all_rows],
            "facets": {f: [{"key": v.key, "label": v.label, "count": v.count,
                            "selected": v.selected} for v in values]
                       for f, values in view.facets.items()},
            "sparql": view_query(filters, projects)}
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


@bp.get("/explore.csv")
def explore_csv() -> Response:
    projects, _, view, *_ = _view(MAX_TABLE_ROWS)
    rows = ((row.code, row.title, projects.labels.get(row.field, ""),
             projects.labels.get(row.ministry, ""), _names(projects, row.named_ministries),
             _names(projects, row.places), _names(projects, row.organisations),
             row.start or "", row.end or "",
             gettext("yes") if row.open_ended else gettext("no"), row.measures, row.iri)
            for row in view.all_rows)
    return csv_download(CSV_COLUMNS, rows, "ruhrgraph-projects.csv")
