"""Injection: HTML, header (CR/LF) and path-traversal payloads in every parameter and every
path parameter the OpenAPI description names, and in raw paths, against `ruhrgraph serve`
on the real build. Requests go out through `http.client` exactly as written (no client
normalises `..` or encodes them away). Nothing may answer 5xx, reflect markup unescaped
into HTML, let a payload add a response header, or serve a file from outside the
published ones."""

from __future__ import annotations

import http.client
import re
import urllib.parse

import pytest
import requests
from conftest import ROOT

pytestmark = pytest.mark.slow

HTML_PAYLOADS = ('<script>alert("rg")</script>', '"><img src=x onerror=alert(1)>',
                 "'><svg/onload=alert(1)>", "</textarea><script>alert(1)</script>",
                 "javascript:alert(1)//")
HEADER_PAYLOADS = ("x\r\nX-Injected: 1", "x\r\n\r\n<html>smuggled", "x\nSet-Cookie: rg=1",
                   "x%0d%0aX-Injected:%201")
TRAVERSAL_PAYLOADS = ("../../../../../../etc/passwd", "..%2f..%2f..%2f..%2fetc%2fpasswd",
                      "%2e%2e/%2e%2e/%2e%2e/etc/passwd", "....//....//etc/passwd",
                      "..\\..\\..\\etc\\passwd", "/etc/passwd", "%00../../etc/passwd",
                      "../manifest.json", "../store.SHA256SUMS", "../../../pyproject.toml")
#: What a served file from outside the published ones would show.
FILE_MARKERS = ("root:x:0:0", "[build-system]", '"build_iri"', "store/CURRENT",
                "def create_app", "Traceback (most recent call last)", str(ROOT))
#: Raw markup that must never come back in an HTML page (escaped forms are fine).
RAW_MARKUP = re.compile(r"<script>alert|<img src=x onerror|<svg/onload|<html>smuggled")
VALID = {"key": None, "name": "projects-per-field", "ext": "csv", "number": "1",
         "query": "ASK {}", "code": "13-01", "city": "Essen", "year": "2025",
         "text": "Wasserstoff", "lines": "1-3"}


def fetch(url: str, target: str, method: str = "GET", body: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """Send ``target`` (path and query) exactly as given."""
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in {"Accept": "text/html", **(headers or {})}.items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text
    finally:
        connection.close()


def verdict(target: str, status: int, headers: dict[str, str], body: str) -> list[str]:
    problems = []
    if status >= 500 and not (status == 503 and "Query Timeout" in body):
        problems.append(f"{status}")
    if "x-injected" in headers or "rg=1" in headers.get("set-cookie", ""):
        problems.append("a payload added a response header")
    if "text/html" in headers.get("content-type", "") and RAW_MARKUP.search(body):
        problems.append("markup reflected unescaped: "
                        + body[max(0, RAW_MARKUP.search(body).start() - 80):][:200])
    for marker in FILE_MARKERS:
        if marker in body:
            problems.append(f"served {marker!r}")
    if headers.get("x-content-type-options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    return [f"{target[:160]}: {p}" for p in problems]


@pytest.fixture(scope="module")
def spec(graph_server):
    return requests.get(graph_server.url + "/openapi.json", timeout=30).json()


def targets(spec: dict, payloads: tuple[str, ...], only_path: bool = False,
            ) -> list[tuple[str, str]]:
    """(method, target) with each payload in each parameter (``only_path``: each path
    parameter) of each GET operation, the other parameters valid."""
    out = []
    for template, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        params = operation.get("parameters", [])
        valid = {p["name"]: str(p.get("example") or VALID.get(p["name"]) or "1")
                 for p in params}
        for param in params:
            if only_path and param["in"] != "path":
                continue
            for payload in payloads:
                values = {**valid, param["name"]: payload}
                path = template
                query = {}
                for p in params:
                    if p["in"] == "path":
                        path = path.replace("{" + p["name"] + "}",
                                            urllib.parse.quote(values[p["name"]], safe=""))
                    elif p["name"] == param["name"] or p.get("required"):
                        query[p["name"]] = values[p["name"]]
                target = path + ("?" + urllib.parse.urlencode(query) if query else "")
                out.append(("GET", target))
    return out


@pytest.mark.parametrize("kind,payloads", [("html", HTML_PAYLOADS), ("header", HEADER_PAYLOADS),
                                           ("traversal", TRAVERSAL_PAYLOADS)])
def test_payloads_in_every_parameter(graph_server, spec, kind, payloads):
    problems, sent = [], 0
    # File names only ever come from paths: traversal goes into path parameters.
    for method, target in targets(spec, payloads, only_path=kind == "traversal"):
        status, headers, body = fetch(graph_server.url, target, method)
        sent += 1
        problems += verdict(target, status, headers, body)
    assert sent > 100
    assert not problems, "\n".join(problems[:40])


def test_raw_paths_never_leave_the_published_files(graph_server):
    """Traversal written into the path itself (not a parameter), as attackers do."""
    prefixes = ("/downloads/", "/static/", "/source/", "/queries/", "/project/", "/ontology",
                "/", "/sparql/", "/catalog/", "/void/")
    problems = []
    for prefix in prefixes:
        for payload in (*TRAVERSAL_PAYLOADS, "..", "../", "%2e%2e", "..;/etc/passwd",
                        "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd"):
            target = prefix + payload
            status, headers, body = fetch(graph_server.url, target)
            problems += verdict(target, status, headers, body)
            if status == 200 and prefix in ("/downloads/", "/static/"):
                problems.append(f"{target}: 200")
    assert not problems, "\n".join(problems[:40])


def test_html_and_header_payloads_in_the_path_and_in_the_sparql_endpoint(graph_server):
    problems = []
    for payload in (*HTML_PAYLOADS, *HEADER_PAYLOADS):
        quoted = urllib.parse.quote(payload, safe="")
        for target in (f"/{quoted}", f"/project/{quoted}", f"/queries/{quoted}",
                       f"/queries/{quoted}.csv", f"/downloads/{quoted}",
                       f"/sparql?query={quoted}", f"/sparql?format={quoted}&query=ASK%7B%7D",
                       f"/sparql?query=ASK%7B%7D&default-graph-uri={quoted}",
                       f"/project/13-01?in={quoted}", f"/project/13-01?after={quoted}"):
            status, headers, body = fetch(graph_server.url, target)
            problems += verdict(target, status, headers, body)
        # in a form body, and in headers the server reads (Accept, If-None-Match)
        form = urllib.parse.urlencode({"query": f"SELECT * WHERE {{ ?s ?p \"{payload}\" }}",
                                       "format": payload}).encode()
        status, headers, body = fetch(graph_server.url, "/sparql", "POST", form,
                                      {"Content-Type": "application/x-www-form-urlencoded"})
        problems += verdict("POST /sparql", status, headers, body)
        safe_header = payload.replace("\r", " ").replace("\n", " ")
        for header in ("Accept", "If-None-Match", "Accept-Language", "Range"):
            status, headers, body = fetch(graph_server.url, "/project/13-01",
                                          headers={header: safe_header})
            problems += verdict(f"{header}: {safe_header}", status, headers, body)
    assert not problems, "\n".join(problems[:40])


def test_a_label_that_is_markup_comes_back_escaped_in_the_editor(graph_server):
    """The query page echoes the query: markup in it is escaped, never live."""
    query = 'SELECT ("<script>alert(1)</script>" AS ?x) WHERE {}'
    status, headers, body = fetch(graph_server.url,
                                  "/sparql?query=" + urllib.parse.quote(query))
    assert status == 200 and "text/html" in headers["content-type"]
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body or \
        "\\u003cscript\\u003e" in body
    assert "script-src 'self'" in headers["content-security-policy"]


def test_the_verdict_catches_what_it_looks_for():
    """The control: each kind of problem the checks above look for is caught."""
    html = {"content-type": "text/html; charset=utf-8", "x-content-type-options": "nosniff"}
    assert verdict("t", 200, html, "<p>&lt;script&gt;alert</p>") == []
    assert verdict("t", 200, html, '<p><script>alert("rg")</script></p>')
    assert verdict("t", 200, {**html, "x-injected": "1"}, "")
    assert verdict("t", 200, {"content-type": "text/plain"}, "ok")  # no nosniff
    assert verdict("t", 404, html, "root:x:0:0:root:/root:/bin/bash")
    assert verdict("t", 500, html, "")
