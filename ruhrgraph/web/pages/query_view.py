"""A canned query's result as the page shows it: the table (IRIs linked to their pages,
labels shown) and the chart its header asks for (see ``ruhrgraph.query.canned.CHARTS``)."""

from __future__ import annotations

from ruhrgraph import store
from ruhrgraph.query.canned import CannedQuery
from ruhrgraph.web import state
from ruhrgraph.web.pages import charts, lookup, ruhrmap
from ruhrgraph.web.pages.terms import Linker


def table(names: list[str], rows: list[dict], hide: frozenset[str] = frozenset()) -> dict:
    """Columns and cells; the ``hide`` columns (the parameters, the same in every row and
    shown in the form) are left out of the page, not out of the downloads."""
    linker = Linker(state().iris)
    shown = [n for n in names if n not in hide]
    iris = [t.value for row in rows for n, t in row.items()
            if n in shown and store.term_kind(t) == "iri"]
    labels = lookup.labels(iris) if iris else {}
    return {"columns": shown,
            "rows": [[linker.show(row[n], labels) if n in row else None for n in shown]
                     for row in rows]}


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
    if kind == "bar":
        items = [(_text(r, spec["label"]), _num(r, spec["value"]) or 0,
                  linker.path(_first_iri(r, names) or "")) for r in rows]
        return {"svg": charts.bar(items, query.title)}
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
        return {"svg": charts.gantt(items, query.title, mark)}
    if kind == "map":
        values = {r[spec["place"]].value: _num(r, spec["value"]) or 0 for r in rows
                  if spec["place"] in r}
        return {"svg": ruhrmap.svg(values, title=query.title)}
    if kind == "network":
        return _network(query, spec, rows, linker)
    return None


#: The ministries and their abbreviations (the shortest alternative label), for a network
#: chart whose header says ``unlinked: ministry``: those with no edge are drawn apart and
#: named under the chart, so that none is left out without a word.
_MINISTRIES = """SELECT ?m ?abbreviation WHERE {
  ?m a rg:Ministry ; skos:altLabel ?abbreviation .
  FILTER NOT EXISTS { ?m skos:altLabel ?shorter . FILTER(STRLEN(?shorter) < STRLEN(?abbreviation)) }
} ORDER BY ?abbreviation"""


def _network(query: CannedQuery, spec: dict, rows: list[dict], linker: Linker) -> dict:
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
    svg = charts.network(nodes, edges, query.title, rings=rings,
                         directed=spec.get("directed") == "true")
    return {"svg": svg, "unlinked": unlinked}
