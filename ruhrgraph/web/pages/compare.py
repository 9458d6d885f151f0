"""``/compare``: two or more places, ministries, action fields or organisations side by side.

``/compare?place=05112000&place=05911000`` (or ``ministry=``, ``field=``, ``organisation=``;
two to six of one kind): for each, its projects (for a place or an organisation: the
projects whose text names it; for a ministry: those it leads; for a field: those in it),
the count of those projects per action field (or, comparing fields, per lead ministry), and
the projects they share. The URL is the permalink; ``/compare.json`` has the same data.
Everything comes from the explorer's table of projects (:mod:`ruhrgraph.query.explorer`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ruhrgraph.query.explorer import ProjectTable, Row
from ruhrgraph.web.ops.errors import localized
from ruhrgraph.web.pages.explorer import table, unknown_key
from ruhrgraph.web.pages.pagecache import respond

bp = Blueprint("compare", __name__)
#: kind -> the row attribute that holds it, and what the comparison counts by
KINDS = {"place": ("places", "field"), "organisation": ("organisations", "field"),
         "ministry": ("ministry", "field"), "field": ("field", "ministry")}
KIND_LABELS = {"place": _l("places"), "organisation": _l("organisations"),
               "ministry": _l("ministries"), "field": _l("action fields")}
MAX_COMPARED = 6


@dataclass(frozen=True)
class Compared:
    key: str
    label: str
    iri: str
    projects: tuple[Row, ...]
    counts: dict[str, int]  # IRI of a field (or ministry) -> projects


def _has(row: Row, attribute: str, iri: str) -> bool:
    value = getattr(row, attribute)
    return iri in value if isinstance(value, frozenset) else value == iri


def compare(projects: ProjectTable, kind: str, keys: list[str]) -> list[Compared]:
    attribute, by = KINDS[kind]
    out = []
    for key in keys:
        iri = projects.iri_of(f"{kind}:{key}")
        rows = tuple(r for r in projects.rows if _has(r, attribute, iri))
        counts: dict[str, int] = {}
        for row in rows:
            counts[getattr(row, by)] = counts.get(getattr(row, by), 0) + 1
        out.append(Compared(key, projects.labels.get(iri, key), iri, rows, counts))
    return out


def _request() -> tuple[ProjectTable, str, list[str]]:
    given = [k for k in KINDS if request.args.getlist(k)]
    if len(given) != 1:
        raise localized(400, "Bad Request", gettext(
            "compare one kind: give two or more of place=, ministry=, field= or "
            "organisation= (e.g. ?place=05112000&place=05911000)"))
    kind = given[0]
    keys = list(dict.fromkeys(request.args.getlist(kind)))
    if not 2 <= len(keys) <= MAX_COMPARED:
        raise localized(400, "Bad Request", gettext(
            "compare 2 to %(most)d different %(kinds)s, not %(count)d", most=MAX_COMPARED,
            kinds=KIND_LABELS[kind], count=len(keys)))
    projects = table()
    for key in keys:
        if projects.iri_of(f"{kind}:{key}") is None:
            raise localized(400, "Bad Request", f"{kind}: " + unknown_key(kind, key))
    return projects, kind, keys


def _shared(compared: list[Compared]) -> list[Row]:
    common = set.intersection(*(set(c.projects) for c in compared))
    return sorted(common, key=lambda r: r.code)


def _choices(projects: ProjectTable) -> dict[str, list[tuple[str, str]]]:
    """kind -> (key, label) of everything that can be compared, by label."""
    out: dict[str, list[tuple[str, str]]] = {k: [] for k in KINDS}
    for kind_key, iri in projects.by_key.items():
        kind, key = kind_key.split(":", 1)
        if kind in out:
            out[kind].append((key, projects.labels.get(iri, key)))
    return {k: sorted(v, key=lambda kv: kv[1].casefold()) for k, v in out.items()}


@bp.get("/compare")
def compare_page() -> Response:
    if not any(request.args.getlist(k) for k in KINDS):
        def chooser() -> tuple[bytes, str]:
            html = render_template("compare_choose.html", choices=_choices(table()),
                                   kind_labels=KIND_LABELS)
            return html.encode(), "text/html; charset=utf-8"
        return respond((request.path, request.query_string), chooser)
    projects, kind, keys = _request()

    def render() -> tuple[bytes, str]:
        compared = compare(projects, kind, keys)
        by = KINDS[kind][1]
        rows = sorted({iri for c in compared for iri in c.counts},
                      key=lambda i: projects.labels.get(i, i))
        html = render_template("compare.html", kind=kind, compared=compared,
                               shared=_shared(compared), by=by, by_rows=rows, table=projects,
                               kind_label=KIND_LABELS[kind])
        return html.encode(), "text/html; charset=utf-8"
    return respond((request.path, request.query_string), render)


@bp.get("/compare.json")
def compare_json() -> Response:
    projects, kind, keys = _request()
    compared = compare(projects, kind, keys)
    by = KINDS[kind][1]
    body = {"kind": kind, "by": by, "compared": [
        {"key": c.key, "label": c.label, "iri": c.iri, "projects": [r.code for r in c.projects],
         "counts": {projects.keys[i]: n for i, n in sorted(c.counts.items())}}
        for c in compared], "shared": [r.code for r in _shared(compared)]}
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")
