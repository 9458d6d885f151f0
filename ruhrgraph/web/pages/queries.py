"""Canned query pages: ``/queries`` (by theme) and ``/queries/<name>`` with a parameter form,
the results (IRIs linked, labels shown), a chart where the question calls for one, the query
with "open in the editor", and downloads at ``/queries/<name>.csv``, ``.tsv``, ``.json``
(rows as objects, keyed by variable, with ``headings`` in words) and ``.srj`` (SPARQL
results JSON), parameters in the query string. CSV and JSON have the headings in the
interface's language (:data:`IN_WORDS`); TSV and SPARQL JSON keep the variables' names.
``/queries/<name>.rq`` is the file itself.

Parameters are checked (:meth:`ruhrgraph.query.canned.Param.parse`, and against the values the
page offers when the header lists ``options``) and bound as typed terms; a bad value is a
400 that says what is allowed. A parameter that ``finds`` a resource is resolved first
(:func:`answer`): the one triple pattern it names is looked up with the value bound, and the
resources found are bound too, so the store plans the query from them.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, render_template, request
from flask_babel import lazy_gettext as _l

from ruhrgraph import store
from ruhrgraph.query import canned
from ruhrgraph.query.bindings import term_syntax
from ruhrgraph.query.canned import bindings, editor_text
from ruhrgraph.web import i18n, state
from ruhrgraph.web.ops.errors import ApiError
from ruhrgraph.web.pages import lookup
from ruhrgraph.web.pages.pagecache import respond
from ruhrgraph.web.pages.query_view import chart, legend, table
from ruhrgraph.web.pages.spreadsheet import csv_bytes, wants_german_csv

bp = Blueprint("queries", __name__)

#: extension -> (pyoxigraph format name or "objects", media type)
DOWNLOADS = {"csv": ("csv", "text/csv"), "tsv": ("tsv", "text/tab-separated-values"),
             "json": ("objects", "application/json"),
             "srj": ("json", "application/sparql-results+json")}
#: The downloads whose headings are words in the interface's language (the others, SPARQL
#: results formats for programs, keep the query's variable names).
IN_WORDS = ("csv", "json")
#: The themes of the headers, to be extracted for translation.
THEMES = {"Time": _l("Time"), "Connections": _l("Connections"), "Projects": _l("Projects"),
          "Fields and ministries": _l("Fields and ministries"),
          "Places and organisations": _l("Places and organisations")}
_NEGOTIATED = {"text/html": "html", "application/sparql-results+json": "srj",
               "text/csv": "csv", "text/tab-separated-values": "tsv",
               "application/json": "json"}


def canned_queries() -> dict[str, canned.CannedQuery]:
    """The canned queries of ``QUERIES_DIR`` by name, read once per process."""
    st = state()
    found = st.extras.get("canned")
    if found is None:
        found = st.extras["canned"] = {q.name: q for q in
                                       canned.load_all(st.settings.queries_dir)}
    return found


def _get(name: str) -> canned.CannedQuery:
    query = canned_queries().get(name)
    if query is None:
        raise ApiError(404, "Not Found", f"there is no canned query {name[:80]!r}; "
                       "see /queries for the list")
    return query


def options(param: canned.Param) -> list[tuple[str, str]]:
    """(value, label) pairs a parameter offers, from its ``options`` query (cached)."""
    if not param.options:
        return [(a, a) for a in param.allowed]
    st = state()
    key = ("options", param.options)
    found = st.extras.get(key)
    if found is None:
        rows = store.solutions(lookup.run(param.options))[1]
        found = st.extras[key] = [(r["value"].value, r["label"].value if "label" in r
                                   else r["value"].value) for r in rows if "value" in r]
    return found


def _offered(param: canned.Param) -> dict[str, str]:
    """The offered values by their case-folded form (cached: a x1000 catalogue offers 74,000
    project codes, and looking through them for every request took 10 ms)."""
    st = state()
    key = ("offered", param.options)
    found = st.extras.get(key)
    if found is None:
        found = {}
        for value, _ in options(param):
            found.setdefault(value.casefold(), value)  # the first offered, as before
        st.extras[key] = found
    return found


def values(query: canned.CannedQuery, args, own: tuple[str, ...] = ()
           ) -> dict[str, int | str]:
    """The parameter values of a request, checked; :class:`canned.ParamError` if one is bad.
    ``own``: parameters of the download itself (``sep`` of a CSV), no query's."""
    given = {}
    for name in args:
        if name == i18n.PARAM or name in own:  # the interface language, the download's own
            continue
        items = args.getlist(name)
        if len(items) > 1:
            raise canned.ParamError(f"{name[:40]} is given {len(items)} times; give it once")
        given[name] = items[0]
    found = query.values(given)
    for param in query.params:
        if param.options and param.name in given:
            offered = options(param)
            match = _offered(param).get(str(found[param.name]).casefold())
            if match is None:
                sample = ", ".join(v for v, _ in offered[:12])
                raise canned.ParamError(f"{param.name} must be one of the offered values "
                                        f"(e.g. {sample}), not {str(found[param.name])[:40]!r}")
            found[param.name] = match
    return found


def resolve(query: canned.CannedQuery, bound: dict[str, object]) -> dict[str, list]:
    """For each parameter that ``finds`` a resource: ``?variable`` -> the resources (terms
    the store returned) that the triple pattern ``?variable <predicate> ?param`` gives with
    the parameter bound; an empty list means the query answers no rows."""
    found = {}
    for param in query.params:
        if param.finds:
            variable, predicate = param.finds
            rows = lookup.select(f"SELECT ?{variable} ?{param.name} WHERE {{ ?{variable} "
                                 f"{term_syntax(store.iri(predicate))} ?{param.name} }}",
                                 {param.name: bound[param.name]})
            found[variable] = sorted({r[variable] for r in rows if variable in r}, key=str)
    return found


def answer(query: canned.CannedQuery, given: dict[str, int | str], *,
           resolved: bool = True) -> store.Result:
    """The canned query's result for the parameter values ``given``: "resolve, then bind"
    (:func:`resolve`) unless ``resolved`` is false; the answer is the same either way."""
    bound = bindings(query, given)
    return query.sorted_joins(lookup.run(
        query.text, {**bound, **resolve(query, bound)} if resolved else bound))


def _csv(query: canned.CannedQuery, result: store.Result) -> bytes:
    """The rows as CSV, every column (IRIs too) under its heading in words (``?sep=;``: for
    German spreadsheets)."""
    names, rows = store.solutions(result)
    return csv_bytes([query.heading(n, i18n.locale()) for n in names],
                     [[row[n].value if n in row else "" for n in names] for row in rows])


def _objects(query: canned.CannedQuery, result: store.Result) -> bytes:
    """``{"query", "headings": {variable: heading in words}, "rows": [{variable: value}]}``:
    keys stay the variables (stable for programs), the headings say them in words."""
    names, rows = store.solutions(result)

    def plain(term):
        if store.term_kind(term) != "literal" or term.language:
            return term.value
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        if datatype in ("integer", "int", "long", "positiveInteger", "nonNegativeInteger"):
            return int(term.value)
        if datatype in ("decimal", "double", "float"):
            return float(term.value)
        if datatype == "boolean":
            return term.value == "true"
        return term.value

    lang = i18n.locale()
    out = {"query": query.name, "title": query.title_in(lang), "language": lang,
           "headings": {n: query.heading(n, lang) for n in names},
           "rows": [{n: plain(row[n]) if n in row else None for n in names} for row in rows]}
    return (json.dumps(out, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@bp.get("/queries")
def index() -> Response:
    def render() -> tuple[bytes, str]:
        themes: dict[str, list] = {}
        for query in canned_queries().values():
            themes.setdefault(query.theme, []).append(query)
        html = render_template("queries.html", themes=dict(sorted(themes.items())),
                               theme_names=THEMES)
        return html.encode("utf-8"), "text/html; charset=utf-8"
    return respond(("/queries",), render)


@bp.get("/queries/<name>.<ext>")
def download(name: str, ext: str) -> Response:
    query = _get(name)
    if ext == "rq":
        return respond((request.path,), lambda: (query.text.encode("utf-8"),
                                                 "application/sparql-query; charset=utf-8"),
                       localized=False)
    if ext not in DOWNLOADS:
        raise ApiError(404, "Not Found", f"no /queries/{name}.{ext[:20]}; downloads are "
                       + ", ".join(f".{e}" for e in (*DOWNLOADS, "rq")))
    return _data(query, ext)


def _data(query: canned.CannedQuery, ext: str) -> Response:
    try:
        given = values(query, request.args, ("sep",) if ext == "csv" else ())
    except canned.ParamError as error:
        raise ApiError(400, "Bad Request", str(error)) from None
    fmt, media_type = DOWNLOADS[ext]

    def render() -> tuple[bytes, str]:
        result = answer(query, given)
        if ext == "csv":
            body = _csv(query, result)
        elif fmt == "objects":
            body = _objects(query, result)
        else:
            body = store.convert(result, fmt)
        return body, f"{media_type}; charset=utf-8"

    stem = query.name + ("-" + "-".join(str(v) for v in given.values()) if given else "")
    # Header values are Latin-1 (gunicorn refuses others: a 500): an ASCII name, and the
    # full name in RFC 6266's filename* (Mülheim stays Mülheim in browsers that read it).
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_"
                   for c in stem)[:100]
    full = quote(f"{stem[:100]}.{ext}", safe="")
    headers = {"Content-Disposition": f"inline; filename=\"{safe}.{ext}\"; "
                                      f"filename*=UTF-8''{full}",
               "Access-Control-Allow-Origin": "*"}
    german = ext == "csv" and wants_german_csv()
    return respond((query.name, ext, tuple(sorted(given.items())), german), render, headers,
                   localized=ext in IN_WORDS)


@bp.get("/queries/<name>")
def page(name: str) -> Response:
    query = _get(name)
    offers = list(_NEGOTIATED)
    best = request.accept_mimetypes.best_match(offers) if request.accept_mimetypes else \
        "text/html"
    if best is None:
        raise ApiError(406, "Not Acceptable", "this page is available as " + ", ".join(offers))
    if _NEGOTIATED[best] != "html":
        response = _data(query, _NEGOTIATED[best])
        response.headers["Vary"] = "Accept"
        return response
    try:
        given = values(query, request.args)
    except canned.ParamError as error:
        html = render_template("query.html", q=query, error=str(error), given=request.args,
                               options={p.name: options(p) for p in query.params},
                               result=None)
        return Response(html, 400, content_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-store"})

    def render() -> tuple[bytes, str]:
        result = answer(query, given)
        names, rows = store.solutions(result)
        shown = table(query, names, rows, frozenset(p.name for p in query.params))
        params = urlencode({k: v for k, v in given.items()})
        html = render_template(
            "query.html", q=query, error=None, given=given, result=shown,
            options={p.name: options(p) for p in query.params},
            chart=chart(query, names, rows, given), legend=legend(query),
            in_words=IN_WORDS,
            editor="/sparql?" + urlencode({"query": editor_text(query, given)}),
            downloads=[(ext, media, f"/queries/{query.name}.{ext}"
                        + (f"?{params}" if params else ""))
                       for ext, (_, media) in DOWNLOADS.items()])
        return html.encode("utf-8"), "text/html; charset=utf-8"

    return respond((query.name, "html", tuple(sorted(given.items()))), render,
                   {"Vary": "Accept"})
