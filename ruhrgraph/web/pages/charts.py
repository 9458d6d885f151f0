"""Charts drawn on the server as SVG (no script, no CDN): bars, a Gantt chart, a network.

Every label is escaped; colours come from classes in ``site.css`` (the pages' CSP allows no
inline styles). Each chart has a title; the same numbers are in the table beside it, which is
what a screen reader reads. A chart without links is an ``<svg role="img">``; one with links
is an ``<svg role="group">`` (an image may not hold interactive content: axe
"nested-interactive"), and each link is a real focusable link with a name of its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from flask_babel import gettext, ngettext
from markupsafe import Markup, escape

from ruhrgraph.namespaces import SVG

CATALOGUE_YEAR = 2020


def _svg(width: float, height: float, title: str, body: list[str], css: str) -> Markup:
    # Every text in ``body`` went through escape() where it was written.
    role = "group" if any("<a " in part for part in body) else "img"
    return Markup(  # noqa: S704
                  f'<svg class="chart {css}" viewBox="0 0 {width:.0f} {height:.0f}" '
                  f'role="{role}" aria-label="{escape(title)}" '
                  f'xmlns="{SVG}"><title>{escape(title)}</title>'
                  + "".join(body) + "</svg>")


def _link(href: str | None, inner: str, name: str | None = None) -> str:
    """``inner`` as a link to ``href`` named ``name`` (escaped here), or as it is."""
    if not href:
        return inner
    label = f' aria-label="{escape(name)}"' if name else ""
    return f'<a href="{escape(href)}"{label}>{inner}</a>'


def bar(items: Sequence[tuple[str, float, str | None]], title: str) -> Markup:
    """Horizontal bars: (label, value, href) per item, in the given order."""
    if not items:
        return Markup("")
    top = max(v for _, v, _ in items) or 1
    label_w, bar_w, row_h = 300, 300, 24
    height = row_h * len(items) + 10
    body = []
    for i, (label, value, href) in enumerate(items):
        y = 5 + i * row_h
        w = max(1.0, bar_w * value / top)
        short = label if len(label) <= 44 else label[:42] + "…"
        body.append(
            f'<text x="{label_w - 8}" y="{y + 16}" class="axis-label" text-anchor="end">'
            f"{_link(href, str(escape(short)), label)}<title>{escape(label)}</title></text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" class="bar">'
            f"<title>{escape(label)}: {value:g}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" class="value">{value:g}</text>')
    return _svg(label_w + bar_w + 60, height, title, body, "bar-chart")


def gantt(items: Sequence[dict], title: str, mark_year: int | None = None) -> Markup:
    """One row per item: ``label``, ``title``, ``start``/``end`` (years or None), ``open``
    (runs on past its end), ``href``, ``group`` (rows of one group share a colour)."""
    if not items:
        return Markup("")
    years = [y for it in items for y in (it.get("start"), it.get("end")) if y]
    first = min([CATALOGUE_YEAR, *years])
    last = max([CATALOGUE_YEAR + 2, *years]) + 2
    label_w, plot_w, row_h, top = 70, 560, 16, 24
    step = plot_w / (last - first)
    height = top + row_h * len(items) + 8
    body = []
    for year in range(first, last + 1):
        x = label_w + (year - first) * step
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 4}" '
                    f'class="grid"/>')
        if year % 2 == 0 or last - first <= 12:
            body.append(f'<text x="{x:.1f}" y="{top - 8}" class="tick" text-anchor="middle">'
                        f"{year}</text>")
    if mark_year and first <= mark_year <= last:
        x = label_w + (mark_year - first + 0.5) * step
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 4}" '
                    f'class="mark"/>')
    for i, it in enumerate(items):
        y = top + i * row_h
        start, end, open_ = it.get("start"), it.get("end"), bool(it.get("open"))
        x0 = label_w + ((start or CATALOGUE_YEAR) - first) * step
        if end:
            x1 = label_w + (end - first + 1) * step
        else:
            x1 = label_w + plot_w
        classes = f"span g{it.get('group') or 0}" + (" no-start" if not start else "")
        since, until = start or gettext("no start"), end or gettext("no end")
        what = (f"{it.get('label')} {it.get('title') or ''}: {since}–{until}"
                + (gettext(", open-ended") if open_ else ""))
        body.append(f'<text x="{label_w - 6}" y="{y + 12}" class="axis-label" '
                    f'text-anchor="end">{_link(it.get("href"), str(escape(it.get("label"))), what)}'
                    f"</text>")
        body.append(f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(2, x1 - x0):.1f}" '
                    f'height="{row_h - 6}" rx="2" class="{classes}"><title>{escape(what)}'
                    f"</title></rect>")
        if open_:
            x2 = label_w + plot_w if end else x1
            body.append(f'<path d="M{x1:.1f},{y + 3} L{min(x2, x1 + 14):.1f},{y + row_h / 2}'
                        f' L{x1:.1f},{y + row_h - 3} Z" class="open-end"/>' if end else
                        f'<path d="M{x2 - 8:.1f},{y + 3} L{x2:.1f},{y + row_h / 2} '
                        f'L{x2 - 8:.1f},{y + row_h - 3} Z" class="open-end"/>')
    return _svg(label_w + plot_w + 20, height, title, body, "gantt")


def timeline_bar(start: int | None, end: int | None, open_ended: bool, first: int = 2018,
                 last: int = 2036) -> Markup:
    """A project's duration as one bar on a fixed axis, for its page."""
    item = {"label": "", "start": start, "end": end, "open": open_ended}
    width, height, left = 560, 44, 22
    step = (width - 2 * left) / (last - first + 1)
    body = []
    for year in range(first, last + 1, 2):
        x = left + (year - first) * step
        body.append(f'<line x1="{x:.1f}" y1="6" x2="{x:.1f}" y2="26" class="grid"/>'
                    f'<text x="{x:.1f}" y="40" class="tick" text-anchor="middle">{year}</text>')
    x0 = left + ((start or CATALOGUE_YEAR) - first) * step
    x1 = left + ((end - first + 1) * step) if end else width - left
    body.append(f'<rect x="{x0:.1f}" y="8" width="{max(2, x1 - x0):.1f}" height="16" rx="3" '
                f'class="span g1{" no-start" if not start else ""}"/>')
    if item["open"]:
        tip = x1 if end else width - left
        body.append(f'<path d="M{tip:.1f},8 L{tip + 12:.1f},16 L{tip:.1f},24 Z" '
                    f'class="open-end"/>')
    what = gettext("from %(start)s to %(end)s", start=start or gettext(
        "no stated start (drawn from 2020)"), end=end or gettext("no stated end"))
    what += gettext(", open-ended") if open_ended else ""
    return _svg(width + 14, height, gettext("Duration: %(what)s", what=what), body,
                "timeline")


def network(nodes: dict[str, dict], edges: Sequence[tuple[str, str, float]], title: str,
            rings: dict[str, int] | None = None, directed: bool = False) -> Markup:
    """Nodes (id -> ``label``, ``href``, ``group``, ``unlinked``) on a circle, or on rings
    around the node of ring 0 when ``rings`` is given; edges (a, b, weight) as lines as wide
    as their weight, each with a title saying its count and, when the weights differ, the
    count written at its middle. Unlinked nodes are drawn hollow."""
    if not nodes:
        return Markup("")
    size = 620
    c = size / 2
    pos: dict[str, tuple[float, float]] = {}
    if rings:
        by_ring: dict[int, list[str]] = {}
        for node in nodes:
            by_ring.setdefault(rings.get(node, 2), []).append(node)
        for ring, members in by_ring.items():
            r = 0 if ring == 0 else (130 if ring == 1 else 250)
            members.sort(key=lambda n: (nodes[n].get("group") or 0, nodes[n]["label"]))
            for i, node in enumerate(members):
                angle = 2 * math.pi * i / max(1, len(members)) - math.pi / 2 + ring * 0.3
                pos[node] = (c + r * math.cos(angle), c + r * math.sin(angle))
    else:
        order = sorted(nodes, key=lambda n: (nodes[n].get("group") or 0, nodes[n]["label"]))
        for i, node in enumerate(order):
            angle = 2 * math.pi * i / len(order) - math.pi / 2
            pos[node] = (c + 250 * math.cos(angle), c + 250 * math.sin(angle))
    top = max((w for _, _, w in edges), default=1) or 1
    body = ['<defs><marker id="arrow" viewBox="0 0 10 10" refX="16" refY="5" '
            'markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z" class="arrow"/></marker></defs>'] if directed else []
    weighted = len({w for _, _, w in edges}) > 1
    for a, b, weight in edges:
        if a in pos and b in pos:
            body.append(_edge(pos[a], pos[b], c, weight, top, directed, bool(rings),
                              weighted, (nodes[a]["label"], nodes[b]["label"])))
    for node, (x, y) in pos.items():
        info = nodes[node]
        anchor = "start" if x >= c else "end"
        dx = 8 if x >= c else -8
        if rings and rings.get(node) == 0:
            anchor, dx = "middle", 0
        label = escape(info["label"])
        tip = escape(info.get("title") or info["label"])
        body.append(_link(info.get("href"),
                          f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" '
                          f'class="node g{info.get("group") or 0}'
                          f'{" unlinked" if info.get("unlinked") else ""}">'
                          f"<title>{tip}</title></circle>"
                          f'<text x="{x + dx:.1f}" '
                          f'y="{y + 4 + (14 if anchor == "middle" else 0):.1f}" '
                          f'text-anchor="{anchor}" class="node-label">{label}</text>',
                          info.get("title") or info["label"]))
    return _svg(size, size, title, body, "network")


def _edge(p1: tuple[float, float], p2: tuple[float, float], c: float, weight: float,
          top: float, directed: bool, straight: bool, weighted: bool,
          names: tuple[str, str]) -> str:
    """One edge: a line as wide as its weight, titled with its count, the count written at
    its middle when the weights differ."""
    (x1, y1), (x2, y2) = p1, p2
    # a chord bent towards the centre: bundles the lines a little, never through it
    qx, qy = c + ((x1 + x2) / 2 - c) * 0.35, c + ((y1 + y2) / 2 - c) * 0.35
    mid = "" if straight else f" Q{qx:.1f},{qy:.1f} "
    d = f"M{x1:.1f},{y1:.1f}" + (mid or " L") + f"{x2:.1f},{y2:.1f}"
    # the point halfway along the curve (a quadratic Bézier at t = 1/2), or the line's middle
    mx, my = ((x1 + x2) / 2, (y1 + y2) / 2) if straight else \
        ((x1 + 2 * qx + x2) / 4, (y1 + 2 * qy + y2) / 4)
    stroke = 1 + 5 * (weight / top)
    marker = ' marker-end="url(#arrow)"' if directed else ""
    count = int(weight) if float(weight).is_integer() else weight
    what = ngettext("%(a)s – %(b)s: %(num)s link", "%(a)s – %(b)s: %(num)s links",
                    count, a=names[0], b=names[1])
    label = (f'<text x="{mx:.1f}" y="{my + 4:.1f}" class="edge-count" text-anchor="middle" '
             f'aria-hidden="true">{count:g}</text>') if weighted else ""
    return (f'<path d="{d}" class="edge" stroke-width="{stroke:.1f}" data-weight="{count:g}"'
            f"{marker}><title>{escape(what)}</title></path>{label}")


def heat_level(value: float, top: float) -> int:
    return 0 if not value or top <= 0 else max(1, min(5, math.ceil(5 * value / top)))
