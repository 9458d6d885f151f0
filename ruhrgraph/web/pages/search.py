"""``/search``: full-text search of the catalogue, as HTML, JSON (``/search.json``) and CSV
(``/search.csv``; ``?sep=;`` adds a BOM and semicolons for German spreadsheets).

Parameters: ``q`` (the words), ``kind`` (repeatable: project, measure, field, place,
organisation, ministry), ``page`` (from 1). The index is the release's ``search.sqlite``
(:mod:`ruhrgraph.search`), opened once per process. Input that cannot be searched answers
400 with the reason; operators in the input are dropped and said.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ruhrgraph.query.backends import release_dir
from ruhrgraph.search import Index, Results, SearchInputError, SearchQuery, parse_query
from ruhrgraph.search.analysis import Note
from ruhrgraph.search.documents import KINDS
from ruhrgraph.search.index import FILE_NAME, Hit
from ruhrgraph.web import state
from ruhrgraph.web.ops.errors import ApiError, localized
from ruhrgraph.web.pages.pagecache import respond
from ruhrgraph.web.pages.spreadsheet import csv_download

bp = Blueprint("search", __name__)
PAGE_SIZE = 20
MAX_PAGE = 500
KIND_LABELS = {"project": _l("Project"), "measure": _l("Measure"), "field": _l("Action field"),
               "place": _l("Place"), "organisation": _l("Organisation"),
               "ministry": _l("Ministry")}
#: What the search says about a query (``ruhrgraph.search.analysis.MESSAGES``), in words of
#: the interface's language.
SAID = {
    "empty": _l("Please enter a word to search for."),
    "too_long": _l("The search is %(length)d characters long; at most %(limit)d are "
                   "searched. Please shorten it."),
    "no_words": _l("The search has no words in it, only signs: please enter a word."),
    "operator": _l("Search operators such as %(operator)s (at character %(position)d) are "
                   "not supported; the words alone were searched."),
    "too_many": _l("Only the first %(limit)d of %(count)d words were searched."),
}
CSV_COLUMNS = (_l("Kind"), _l("Name"), _l("Belongs to"), _l("Snippet"), "IRI",
               _l("Source lines"), _l("Source"))


def _index() -> Index:
    st = state()
    index = st.extras.get("search")
    if index is None:
        path = release_dir(st.settings) / FILE_NAME
        try:
            index = st.extras["search"] = Index(path)
        except FileNotFoundError:
            raise ApiError(503, "Service Unavailable",
                           "The search index of this release is missing: rebuild with "
                           "`ruhrgraph build`.") from None
    return index


def _arguments() -> tuple[str, list[str], int]:
    q = request.args.get("q", "")
    kinds = request.args.getlist("kind")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise localized(400, "Bad Request", gettext("unknown kind %(kind)r: one of %(kinds)s",
                                               kind=unknown[0][:40], kinds=", ".join(KINDS)))
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        raise localized(400, "Bad Request", gettext("'page' is a whole number from 1 to %(most)d",
                                               most=MAX_PAGE))
    return q, kinds, int(page)


def said(note: Note) -> str:
    """A note of the search analysis in the interface's language."""
    return str(SAID[note.kind]) % dict(note.params)


def parse_or_400(q: str, parameter: str = "") -> SearchQuery:
    """The analysed query, or a 400 that says, in the interface's language, why not."""
    try:
        return parse_query(q)
    except SearchInputError as error:
        details = {} if error.position is None else {"position": error.position}
        raise localized(400, "Bad Request", parameter + said(error.note), **details) from None


def _search(q: str, kinds: list[str], page: int) -> Results:
    query = parse_or_400(q)
    return _index().search(query, kinds, PAGE_SIZE, (page - 1) * PAGE_SIZE)


def _path(iri: str) -> str:
    base = state().iris.base
    return "/" + iri[len(base):] if iri.startswith(base) else iri


def _source_link(hit: Hit) -> str:
    if not hit.source or not hit.first_line:
        return ""
    lines = f"{hit.first_line}-{hit.last_line}" if hit.last_line > hit.first_line else str(
        hit.first_line)
    return f"{_path(hit.source)}/text?lines={lines}#L{hit.first_line}"


def _hit_dict(hit: Hit) -> dict:
    return {"kind": hit.kind, "iri": hit.iri, "page": _path(hit.iri), "label": hit.label,
            "context": hit.context, "snippet": hit.snippet_text(),
            "marked": [text for text, marked in hit.snippet if marked],
            "source": {"page": _source_link(hit), "first_line": hit.first_line,
                       "last_line": hit.last_line} if _source_link(hit) else None,
            "score": round(hit.score, 4)}


@bp.get("/search")
def search_page() -> Response:
    q, kinds, page = _arguments()

    def render() -> tuple[bytes, str]:
        context = {"q": q, "kinds": kinds, "page": page, "page_size": PAGE_SIZE,
                   "kind_labels": KIND_LABELS, "results": None, "error": None}
        if q.strip():
            try:
                context["results"] = _search(q, kinds, page)
            except ApiError as error:
                if error.status != 400:
                    raise
                context["error"] = error.message
        context["path"], context["source_link"] = _path, _source_link
        context["said"] = said
        return render_template("search.html", **context).encode(), "text/html; charset=utf-8"

    return respond((request.path, request.query_string), render)


@bp.get("/search.json")
def search_json() -> Response:
    q, kinds, page = _arguments()
    results = _search(q, kinds, page)
    body = {"query": q, "words": list(results.query.words),
            "notes": [said(note) for note in results.query.notes],
            "kinds": kinds or list(KINDS), "page": page, "page_size": PAGE_SIZE,
            "total": results.total, "per_kind": results.per_kind,
            "any_word": results.any_word, "hits": [_hit_dict(h) for h in results.hits]}
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


@bp.get("/search.csv")
def search_csv() -> Response:
    q, kinds, page = _arguments()
    results = _search(q, kinds, page)
    rows = ((str(KIND_LABELS[hit.kind]), hit.label, hit.context, hit.snippet_text(), hit.iri,
             f"{hit.first_line}-{hit.last_line}" if hit.first_line else "", hit.source)
            for hit in results.hits)
    return csv_download(CSV_COLUMNS, rows, "ruhrgraph-search.csv")
