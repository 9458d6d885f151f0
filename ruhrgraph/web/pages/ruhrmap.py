"""A map of the Ruhr that needs no tiles: an SVG drawn from the municipalities' coordinates.

The graph holds one point per municipality (no boundaries), so each of the 53 municipalities
of the Regionalverband Ruhr gets the cell of the points closest to its centre (a Voronoi
cell), clipped to the area around all of them: a schematic map whose neighbourhoods are
right and whose borders are not the legal ones (the caption says so). Cells are links to the
place pages, each named by ``aria-label`` and carrying a ``<title>``; values colour them in
five steps. The map is an ``<svg role="group">``: an image may not hold links (axe
"nested-interactive").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext
from markupsafe import Markup, escape

from ruhrgraph.namespaces import SVG
from ruhrgraph.web import state
from ruhrgraph.web.pages import lookup
from ruhrgraph.web.pages.terms import Linker

WIDTH = 640
_PLACES = """SELECT ?place ?name ?lat ?lon ?district ?isDistrict ?independent WHERE {
  ?place rg:inRuhrRegion true ; rdfs:label ?name ;
         schema:latitude ?lat ; schema:longitude ?lon .
  OPTIONAL { ?place schema:containedInPlace ?district }
  BIND(EXISTS { ?place a rg:District } AS ?isDistrict)
  BIND(EXISTS { ?place a rg:IndependentCity } AS ?independent)
}"""


@dataclass(frozen=True)
class Cell:
    iri: str
    name: str
    district: str | None
    independent: bool
    centre: tuple[float, float]
    polygon: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Geometry:
    height: float
    cells: tuple[Cell, ...]
    districts: dict[str, str]  # district IRI -> name


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    pts = sorted(set(points))

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    upper: list = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _clip(polygon: list, a: tuple[float, float], b: tuple[float, float]) -> list:
    """The part of ``polygon`` closer to ``a`` than to ``b`` (Sutherland-Hodgman)."""
    nx, ny = b[0] - a[0], b[1] - a[1]
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2

    def side(p):
        return (p[0] - mx) * nx + (p[1] - my) * ny

    out = []
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        sp, sq = side(p), side(q)
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            t = sp / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def geometry() -> Geometry:
    """The cells of the Ruhr municipalities (computed once per process and cached)."""
    st = state()
    cached = st.extras.get("ruhr_map")
    if cached is not None:
        return cached
    # In one order whatever the engine's: the map is drawn from the rows in turn.
    rows = sorted(lookup.select(_PLACES), key=lambda r: (
        r["place"].value, r["district"].value if "district" in r else ""))
    districts = {r["place"].value: r["name"].value for r in rows
                 if lookup.true(r["isDistrict"])}
    towns = [r for r in rows if not lookup.true(r["isDistrict"])]
    if not towns:
        cached = st.extras["ruhr_map"] = Geometry(0, (), districts)
        return cached
    lat0 = sum(float(r["lat"].value) for r in towns) / len(towns)
    k = math.cos(math.radians(lat0))
    raw = [(float(r["lon"].value) * k, -float(r["lat"].value)) for r in towns]
    margin = 0.06  # degrees of latitude around the outermost centres
    xs, ys = [p[0] for p in raw], [p[1] for p in raw]
    scale = (WIDTH - 20) / (max(xs) - min(xs) + 2 * margin)
    height = (max(ys) - min(ys) + 2 * margin) * scale + 20
    pts = [((x - min(xs) + margin) * scale + 10, (y - min(ys) + margin) * scale + 10)
           for x, y in raw]
    hull = _hull(pts)
    cx, cy = sum(p[0] for p in hull) / len(hull), sum(p[1] for p in hull) / len(hull)
    pad = margin * scale * 0.8
    outline = []
    for x, y in hull:
        d = math.hypot(x - cx, y - cy) or 1
        outline.append((x + (x - cx) / d * pad, y + (y - cy) / d * pad))
    cells = []
    for i, row in enumerate(towns):
        polygon = list(outline)
        for j, other in enumerate(pts):
            if j != i and polygon:
                polygon = _clip(polygon, pts[i], other)
        cells.append(Cell(row["place"].value, row["name"].value,
                          row["district"].value if "district" in row else None,
                          lookup.true(row["independent"]), pts[i],
                          tuple((round(x, 1), round(y, 1)) for x, y in polygon)))
    cells.sort(key=lambda c: c.name)
    cached = st.extras["ruhr_map"] = Geometry(round(height, 1), tuple(cells), districts)
    return cached


def level(value: float, top: float) -> int:
    """0 for nothing, else 1..5 by share of the largest value."""
    if not value or top <= 0:
        return 0
    return max(1, min(5, math.ceil(5 * value / top)))


def svg(values: dict[str, float] | None = None, highlight: set[str] | frozenset = frozenset(),
        title: str | None = None, unit: str | None = None) -> Markup:
    """The map; ``values`` (place IRI -> number) colour the cells, ``highlight`` outlines
    some. A value given for a district colours its municipalities' outlines."""
    title = title or gettext("Map of the Ruhr")
    unit = unit or gettext("projects")
    geo = geometry()
    if not geo.cells:
        return Markup("<p>%s</p>") % gettext("No coordinates of Ruhr municipalities in the "
                                             "graph.")
    values = values or {}
    linker = Linker(state().iris)
    top = max(values.values(), default=0)
    parts = [f'<svg class="ruhrmap" viewBox="0 0 {WIDTH} {geo.height}" role="group" '
             f'aria-labelledby="map-title" xmlns="{SVG}">',
             f'<title id="map-title">{escape(title)}</title>']
    for cell in geo.cells:
        value = values.get(cell.iri, 0)
        classes = [f"lvl-{level(value, top)}"]
        if cell.iri in highlight or (cell.district and cell.district in highlight):
            classes.append("current")
        d = "M" + " L".join(f"{x},{y}" for x, y in cell.polygon) + " Z"
        tip = f"{cell.name}: {value:g} {unit}" if values else cell.name
        href = linker.path(cell.iri) or ""
        parts.append(f'<a href="{escape(href)}" aria-label="{escape(tip)}">'
                     f'<path d="{d}" class="cell {" ".join(classes)}">'
                     f"<title>{escape(tip)}</title></path></a>")
    for cell in geo.cells:
        if cell.independent or cell.iri in highlight:
            x, y = cell.centre
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" class="town"/>'
                         f'<text x="{x:.1f}" y="{y - 5:.1f}" class="town-name">'
                         f"{escape(cell.name)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()
