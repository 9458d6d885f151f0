"""Fixes found on the way (issue 13, point 7) that need no browser: the favicon, the
ministry network's edges and its ministries without links. (The charts' roles, the width at
390 px and Back on a canned query are tests/test_axe.py's and tests/test_browser.py's.)"""

from __future__ import annotations

import re


def test_favicon(pages):
    response = pages.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype.startswith("image/")
    assert response.data[:4] == b"\0\0\1\0"  # an ICO file
    home = pages.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in home


def _network(html: str) -> str:
    return re.search(r'<svg class="chart network".*?</svg>', html, re.S).group(0)


def test_ministry_network_says_which_ministries_have_no_link(pages):
    html = pages.get("/queries/ministry-network").get_data(as_text=True)
    svg = _network(html)
    every = set(re.findall(r'href="/ministry/([^"#?/]+)"',
                           pages.get("/ministries").get_data(as_text=True)))
    csv = pages.get("/queries/ministry-network.csv").get_data(as_text=True)
    linked = {key for key in every if f"/ministry/{key}," in csv}
    assert linked and linked < every
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1)
    named = set(re.findall(r'<a href="/ministry/([^"]+)"', caption))
    assert every - linked == named
    assert f"{len(named)} ministries have no link" in caption
    # every ministry is in the drawing: the unlinked ones hollow
    assert svg.count('class="node g') == len(every)
    assert svg.count(" unlinked") == len(named)


def test_ministry_network_edges_carry_their_weight(pages):
    html = pages.get("/queries/ministry-network").get_data(as_text=True)
    edges = re.findall(r'<path d="[^"]+" class="edge" stroke-width="([\d.]+)" '
                       r'data-weight="(\d+)"><title>([^<]+)</title></path>'
                       r'<text [^>]*class="edge-count"[^>]*>(\d+)</text>', _network(html))
    rows = pages.get("/queries/ministry-network.csv").get_data(as_text=True).splitlines()
    assert len(edges) == len(rows) - 1 > 0
    weights = sorted({int(w) for _, w, _, _ in edges})
    assert len(weights) > 1
    for _, weight, title, label in edges:
        assert label == weight
        assert title.endswith(f": {weight} link" + ("" if weight == "1" else "s"))
    width_of = {int(w): float(s) for s, w, _, _ in edges}
    assert [width_of[w] for w in weights] == sorted(width_of[w] for w in weights)
    assert width_of[weights[0]] < width_of[weights[-1]]


def test_ministry_network_in_german(built_graph):
    from conftest import pages_app

    client = pages_app(built_graph.build_dir, interface_language="de").test_client()
    html = client.get("/queries/ministry-network").get_data(as_text=True)
    assert re.search(r"<title>[^<]+: \d+ Verbindung(en)?</title>", _network(html))
    assert "Ministerien haben keine Verbindung" in html
