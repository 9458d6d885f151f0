"""Fuzz the HTTP interface against its own OpenAPI description (`/openapi.json`) with
schemathesis, over real HTTP against `ruhrgraph serve` on the real build: no 5xx (but the
503 of a query that ran out of time), no hang, nothing leaked, and every answer as the
description says (documented status, media type; schema-valid requests accepted)."""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from conftest import ROOT
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import positive_data_acceptance

pytestmark = pytest.mark.slow

#: What must never reach a client: tracebacks, our paths.
LEAKS = ("Traceback (most recent call last)", 'File "/', str(ROOT), "site-packages")
HANG_SECONDS = 15
#: Examples per operation; `FUZZ_EXAMPLES=200 pytest tests/test_http_fuzz.py` digs deeper.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))


@pytest.fixture(scope="session")
def api_schema(graph_server):
    return schemathesis.openapi.from_url(graph_server.url + "/openapi.json")


def test_the_description_covers_every_route(graph_server):
    """Every route the app has is in the description (it is generated from the app, and
    this pins that nothing is left out), and it is served as JSON."""
    response = requests.get(graph_server.url + "/openapi.json", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    spec = response.json()
    assert spec["openapi"] == "3.0.3"
    paths = spec["paths"]
    for path in ("/sparql", "/project/{key}", "/queries/{name}.{ext}", "/downloads/{name}",
                 "/catalog", "/void", "/healthz", "/openapi.json", "/queries/projects-by-city",
                 "/queries/projects-by-city.{ext}", "/source/{key}/text", "/sitemap-{number}.xml"):
        assert path in paths, path
    assert set(paths["/sparql"]) == {"get", "post"}
    for item in paths.values():
        for operation in item.values():
            assert not operation["summary"].startswith(("pages.", "opendata.", "ops.")), \
                f"a route without a description: {operation['summary']}"


def check(case, response) -> None:
    assert response.elapsed < HANG_SECONDS  # schemathesis gives seconds
    body = response.content  # bytes: some answers are binary (the favicon, gzip dumps)
    timeout_answer = response.status_code == 503 and b"Query Timeout" in body
    assert response.status_code < 500 or timeout_answer, body[:500]
    for leak in LEAKS:
        assert leak.encode() not in body, leak
    path = case.operation.path
    if path == "/sparql" or path.startswith(("/queries/", "/search", "/explore", "/compare",
                                             "/lists/")):
        # A schema-valid string is rarely a valid query, an offered value or a key of the
        # catalogue, and a comparison needs two or more of one kind: 400 is right.
        case.validate_response(response, excluded_checks=[positive_data_acceptance])
    else:
        case.validate_response(response)


def test_fuzz_every_operation(api_schema, graph_server):
    """Each operation of the description, with hypothesis-generated requests (valid and
    invalid parameters, bodies, media types); failures of all operations are collected and
    reported together. (One test rather than schemathesis' pytest parametrisation, whose
    fixture loader does not run on pytest 9.)"""
    failures, cases = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 10, database=None,
                  phases=(Phase.explicit, Phase.generate),  # no shrinking: keep it fast
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            nonlocal cases
            cases += 1
            response = case.call(base_url=graph_server.url, timeout=HANG_SECONDS)
            try:
                check(case, response)
            except AssertionError as error:
                raise AssertionError(f"{error}\nreproduce: {case.as_curl_command()}") from None

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as error:  # collected, reported below
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    assert cases > 300
    assert not failures, "\n\n".join(failures)
