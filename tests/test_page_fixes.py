"""Fixes found on the way (issue 13, point 7) that need no browser: the favicon, the
ministry network's edges and its ministries without links. (The charts' roles, the width at
390 px and Back on a canned query are tests/test_axe.py's and tests/test_browser.py's.)"""

from __future__ import annotations


def test_favicon(pages):
    response = pages.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype.startswith("image/")
    assert response.data[:4] == b"\0\0\1\0"  # an ICO file
    home = pages.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in home
