"""No cache poisoning through Host or forwarded headers (issue 14, deliverable 4), against a
real `ruhrgraph serve` on 127.0.0.1: a poisoned request first, then a clean one, which sees
no foreign host and no https root; forwarded headers count only from configured proxies."""

from __future__ import annotations

import uuid

import pytest
import requests
from conftest import ROOT, start_server, stop

EVIL = {"Host": "evil.invalid", "X-Forwarded-Proto": "https"}
#: Pages and documents whose bodies hold absolute URLs (JSON-LD url/contentUrl, links).
PATHS = ("/project/05-02", "/downloads", "/sitemap.xml", "/robots.txt", "/catalog", "/void")


def _server(built_graph, tmp_path, **env):
    return start_server(tmp_path, {"RUHRGRAPH_BUILD_DIR": str(built_graph.build_dir),
                                   "RUHRGRAPH_STORE_DIR": "", "RUHRGRAPH_PUBLIC_URL": "",
                                   "RUHRGRAPH_QUERIES_DIR": str(ROOT / "queries"),
                                   **{f"RUHRGRAPH_{k}": v for k, v in env.items()}},
                        workers=1)


def _clean(server, path: str) -> requests.Response:
    response = requests.get(server.url + path, timeout=30)
    assert response.status_code == 200, (path, response.text[:300])
    return response


def _assert_own(server, response: requests.Response, *foreign: str) -> None:
    text = response.text
    assert "evil.invalid" not in text
    assert "https://127.0.0.1" not in text
    for host in foreign:
        assert host not in text, host
    assert server.url + "/" in text


@pytest.mark.parametrize("path", PATHS)
def test_a_foreign_host_is_refused_and_the_clean_request_sees_only_its_own(graph_server,
                                                                          path):
    fresh = f"{path}?fresh={uuid.uuid4().hex}" if path.startswith("/project") else path
    for target in (fresh, path):  # a fresh cache key, and the page itself
        for _ in range(4):  # new connections: both workers
            poisoned = requests.get(graph_server.url + target, headers=EVIL, timeout=30)
            assert poisoned.status_code == 400
            assert "evil.invalid" in poisoned.text and "Host" in poisoned.text
            assert poisoned.headers["Cache-Control"] == "no-store"
        for _ in range(4):
            _assert_own(graph_server, _clean(graph_server, target))


def test_an_allowed_other_root_never_reaches_another_root_s_cache(graph_server):
    """localhost at another port is allowed (loopback) and gets its own links, cached under
    its own key: the 127.0.0.1 visitor after it still sees 127.0.0.1."""
    port = graph_server.url.rsplit(":", 1)[1]
    other = f"localhost:{int(port) + 1}"
    for target in (f"/project/05-02?fresh={uuid.uuid4().hex}", "/project/05-02",
                   "/downloads", "/sitemap.xml"):
        for _ in range(4):
            response = requests.get(graph_server.url + target, headers={"Host": other},
                                    timeout=30)
            assert response.status_code == 200
            assert f"http://{other}/" in response.text
        for _ in range(4):
            _assert_own(graph_server, _clean(graph_server, target), other)


def test_forwarded_headers_from_a_client_that_is_no_proxy_are_ignored(graph_server):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "ruhrgraph.example.org",
               "X-Forwarded-Port": "443", "X-Forwarded-For": "203.0.113.9"}
    for target in (f"/project/05-02?fresh={uuid.uuid4().hex}", "/downloads"):
        for _ in range(4):
            response = requests.get(graph_server.url + target, headers=headers, timeout=30)
            assert response.status_code == 200
            _assert_own(graph_server, response, "ruhrgraph.example.org")


def test_the_service_description_names_the_checked_root(graph_server):
    response = requests.get(graph_server.sparql, headers={**EVIL, "Accept": "text/turtle"},
                            timeout=30)
    assert response.status_code == 400
    response = requests.get(graph_server.sparql, headers={"Accept": "text/turtle"},
                            timeout=30)
    assert f"<{graph_server.url}/sparql>" in response.text


def test_with_public_url_any_host_gets_the_configured_root(built_graph, tmp_path):
    server = _server(built_graph, tmp_path, PUBLIC_URL="https://ruhrgraph.example.org/")
    try:
        for target in ("/project/05-02", "/downloads", "/sitemap.xml"):
            poisoned = requests.get(server.url + target, headers=EVIL, timeout=30)
            assert poisoned.status_code == 200
            assert "evil.invalid" not in poisoned.text
            assert "https://ruhrgraph.example.org/" in poisoned.text
            clean = _clean(server, target)
            assert "evil.invalid" not in clean.text and server.url not in clean.text
            assert "https://ruhrgraph.example.org/" in clean.text
    finally:
        stop(server.process)


def test_forwarded_headers_from_a_configured_proxy_are_honoured(built_graph, tmp_path):
    server = _server(built_graph, tmp_path, TRUSTED_PROXIES="127.0.0.1",
                     ALLOWED_HOSTS="ruhrgraph.example.org")
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "ruhrgraph.example.org",
               "X-Forwarded-For": "203.0.113.9"}
    try:
        for target in (f"/project/05-02?fresh={uuid.uuid4().hex}", "/downloads"):
            response = requests.get(server.url + target, headers=proxied, timeout=30)
            assert response.status_code == 200
            assert "https://ruhrgraph.example.org/" in response.text
            assert server.url not in response.text
            # The proxy passes a foreign Host on: still refused.
            refused = requests.get(server.url + target, timeout=30,
                                   headers={**proxied, "X-Forwarded-Host": "evil.invalid"})
            assert refused.status_code == 400
            # A direct visitor after them gets the server's own root, not the proxy's.
            clean = _clean(server, target)
            assert "https://ruhrgraph.example.org/" not in clean.text
            assert server.url + "/" in clean.text
    finally:
        stop(server.process)
