"""A canned query's result as the page shows it: the table (headings in words in the
interface's language, IRIs linked to their pages, labels shown, and the IRI of something
whose label is another column folded into that label's cell) and the chart its header
asks for (see ``ruhrgraph.query.canned.CHARTS``)."""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _

from ruhrgraph import store
from ruhrgraph.query.canned import CannedQuery
from ruhrgraph.web import i18n, state
from ruhrgraph.web.pages import charts, lookup, ruhrmap
from ruhrgraph.web.pages.terms import Linker, Shown


def table(query: CannedQuery, names: list[str], rows: list[dict],
          hide: frozenset[str] = frozenset()) -> dict:
    """Columns (``{"name", "heading"}``) and cells; the ``hide`` columns (the parameters,
    the same in every row and shown in the form) and the link columns (``link_for``) are
    left out of the page, not out of the downloads: a label's cell links to its IRI."""
    linker = Linker(state().iris)
    lang = i18n.locale()
    links = query.links()
    folded = {c.name for c in query.columns.values() if c.link_for}
    shown = [n for n in names if n not in hide and n not in folded]
    iris = [t.value for row in rows for n, t in row.items()
            if n in shown and store.term_kind(t) == "iri"]
    labels = lookup.labels(iris) if iris else {}

    def cell(row: dict, name: str) -> Shown | None:
        if name not in row:
            return None
        shown_term = linker.show(row[name], labels)
        link = row.get(links.get(name, ""))
        if link is not None and store.term_kind(link) == "iri":
            return replace(shown_term, kind="iri", value=link.value,
                           href=linker.href(link.value), iri=link.value, datatype=None)
        return shown_term

    return {"columns": [{"name": n, "heading": query.heading(n, lang)} for n in shown],
            "rows": [[cell(row, n) for n in shown] for row in rows]}


def _num(row: dict, name: str | None) -> float | None:
    if not name or name not in row:
        return None
    try:
        return float(row[name].value)
    except ValueError:
        return None


def _text(row: dict, name: str | None, default: str = "") -> str:
    return row[name].value if name and name in row else default


def _first_iri(row: dict, names: list[str]) -> str | None:
    for n in names:
        if n in row and store.term_kind(row[n]) == "iri":
            return row[n].value
    return None


def chart(query: CannedQuery, names: list[str], rows: list[dict], given: dict) -> dict | None:
    """``{"svg": Markup}`` or, for a matrix, ``{"matrix": ...}``; None without a chart."""
    spec = query.chart
    if not spec or not rows:
        return None
    linker = Linker(state().iris)
    kind = spec["type"]
    lang = i18n.locale()
    title = query.title_in(lang)
    if kind == "bar":
        items = [(_text(r, spec["label"]), _num(r, spec["value"]) or 0,
                  linker.path(_first_iri(r, names) or "")) for r in rows]
        return {"svg": charts.bar(items, f"{title}: "
                           f"{query.heading(spec['value'], lang)}")}
    if kind == "matrix":
        row_keys = list(dict.fromkeys(_text(r, spec["row"]) for r in rows))
        col_keys = sorted(dict.fromkeys(_text(r, spec["column"]) for r in rows))
        cells = {(_text(r, spec["row"]), _text(r, spec["column"])): _num(r, spec["value"])
                 for r in rows}
        top = max((v or 0 for v in cells.values()), default=0)
        return {"matrix": {"rows": row_keys, "columns": col_keys,
                           "cells": {k: (v, charts.heat_level(v or 0, top))
                                     for k, v in cells.items()},
                           "totals": {c: sum(v or 0 for (_, cc), v in cells.items() if cc == c)
                                      for c in col_keys}}}
    if kind == "gantt":
        group = spec.get("group")
        items = [{"label": _text(r, spec["label"]), "title": _text(r, "title"),
                  "start": int(_num(r, spec["start"])) if _num(r, spec["start"]) else None,
                  "end": int(_num(r, spec["end"])) if _num(r, spec["end"]) else None,
                  "open": _text(r, spec.get("open")) == "true",
                  "group": int(_num(r, group) or 0) if group else 1,
                  "href": linker.path(_first_iri(r, names) or "")} for r in rows]
        mark = given.get("year") if isinstance(given.get("year"), int) else None
        return {"svg": charts.gantt(items, title, mark)}
    if kind == "map":
        values = {r[spec["place"]].value: _num(r, spec["value"]) or 0 for r in rows
                  if spec["place"] in r}
        return {"svg": ruhrmap.svg(values, title=f"{title}: "
                                                f"{query.heading(spec['value'], lang)}")}
    if kind == "network":
        return _network(query, spec, rows, linker, title)
    return None


#: The ministries and their abbreviations (the shortest alternative label), for a network
#: chart whose header says ``unlinked: ministry``: those with no edge are drawn apart and
#: named under the chart, so that none is left out without a word.
_MINISTRIES = """SELECT ?m ?abbreviation WHERE {
  ?m a rg:Ministry ; skos:altLabel ?abbreviation .
  FILTER NOT EXISTS { ?m skos:altLabel ?shorter . FILTER(STRLEN(?shorter) < STRLEN(?abbreviation)) }
} ORDER BY ?abbreviation"""


def _network(query: CannedQuery, spec: dict, rows: list[dict], linker: Linker,
             title: str) -> dict:
    """``{"svg": ..., "unlinked": [(label, href), ...]}``: edges weighted by ``weight``."""
    nodes: dict[str, dict] = {}
    edges = []
    rings: dict[str, int] | None = {} if spec.get("ring") else None
    for r in rows:
        if spec["source"] not in r or spec["target"] not in r:
            continue
        a, b = r[spec["source"]].value, r[spec["target"]].value
        for node, label in ((a, spec.get("sourceLabel")), (b, spec.get("targetLabel"))):
            nodes.setdefault(node, {"label": _text(r, label, linker.fallback(node)),
                                    "href": linker.path(node), "group": 1})
        edges.append((a, b, _num(r, spec.get("weight")) or 1))
        if rings is not None:
            rings[a] = 0
            rings[b] = int(_num(r, spec["ring"]) or 2)
            nodes[b]["group"] = rings[b]
    unlinked = []
    if spec.get("unlinked") == "ministry" and rings is None:
        for r in lookup.select(_MINISTRIES):
            node = r["m"].value
            if node not in nodes:
                nodes[node] = {"label": r["abbreviation"].value, "href": linker.path(node),
                               "group": 1, "unlinked": True}
                unlinked.append((r["abbreviation"].value, linker.path(node)))
    svg = charts.network(nodes, edges, title, rings=rings,
                         directed=spec.get("directed") == "true")
    return {"svg": svg, "unlinked": unlinked}


def legend(query: CannedQuery) -> str | None:
    """What the parts of the chart stand for, in the columns' headings (the interface's
    language); None without a chart (a matrix names its rows and columns in its corner)."""
    spec = query.chart
    if not spec:
        return None
    lang = i18n.locale()

    def h(key: str) -> str:
        return query.heading(spec[key], lang)

    kind = spec["type"]
    if kind == "bar":
        return _("Each bar: %(label)s; its length: %(value)s.", label=h("label"),
                 value=h("value"))
    if kind == "map":
        return _("Each area: a municipality; the darker, the more: %(value)s.",
                 value=h("value"))
    if kind == "gantt":
        return _("Each row: %(label)s, from %(start)s to %(end)s.", label=h("label"),
                 start=h("start"), end=h("end"))
    if kind == "network":
        text = _("Each line joins %(source)s and %(target)s.",
                 source=h("sourceLabel" if "sourceLabel" in spec else "source"),
                 target=h("targetLabel" if "targetLabel" in spec else "target"))
        if spec.get("weight"):
            text += " " + _("Its weight (shown when pointed at): %(weight)s.",
                            weight=h("weight"))
        if spec.get("ring"):
            text += " " + _("Rings: %(ring)s.", ring=h("ring"))
        return text
    return None
