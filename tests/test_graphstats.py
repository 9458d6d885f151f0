"""The graph's statistics (VoID, catalogue) by SPARQL, and their per-build file
``statistics.json`` that spares each web worker the queries on a large graph."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import rdflib
from conftest import ROOT
from rdflib.namespace import VOID

from ruhrgraph import store
from ruhrgraph.iris import Iris
from ruhrgraph.publish import statistics as graphstats
from ruhrgraph.web import create_app

DATASET = rdflib.URIRef("https://w3id.org/ruhrgraph/dataset/ruhrgraph")


@pytest.fixture(scope="module")
def release(built_graph, tmp_path_factory):
    """A copy of the session's release (this test writes into it)."""
    copy = tmp_path_factory.mktemp("stats") / built_graph.release.name
    shutil.copytree(built_graph.release, copy)
    return copy


def computed(release) -> graphstats.Statistics:
    read_store = store.ReadStore.open(release / "store")
    return graphstats.statistics(lambda q: graphstats.rows(read_store.evaluate(q)), Iris())


def void_triples(release) -> int:
    app = create_app({"STORE_DIR": str(release / "store"), "ACCESS_LOG": False})
    body = app.test_client().get("/void.nt").data
    graph = rdflib.Graph().parse(data=body, format="nt")
    return int(graph.value(DATASET, VOID.triples))


def test_summary_of_the_real_graph(release, built_graph):
    read_store = store.ReadStore.open(release / "store")
    summary = graphstats.summary(lambda q: graphstats.rows(read_store.evaluate(q)))
    counts = built_graph.manifest["counts"]
    assert (summary.projects, summary.fields, summary.measures) == (
        counts["projects"], counts["action_fields"], counts["measures"]) == (74, 5, 301)
    assert (summary.first_year, summary.last_year) == (2020, 2034)
    assert summary.open_ended == 18
    assert len(summary.district_keys) == 15


def test_statistics_of_the_real_graph(release, built_graph):
    stats = computed(release)
    assert stats.triples == (release / "dumps" / "ruhrgraph.nt").read_bytes().count(b"\n")
    assert stats.graphs == built_graph.manifest["graphs"]
    assert stats.classes["https://w3id.org/ruhrgraph/ontology#Project"] == 74
    assert stats.root == "https://w3id.org/ruhrgraph/programme/ruhr-konferenz"
    assert sum(stats.properties.values()) == stats.triples
    assert {ls.predicate for ls in stats.linksets} == {"http://www.w3.org/2002/07/owl#sameAs"}


def test_the_file_round_trips_and_is_used(release, built_graph):
    result = subprocess.run([sys.executable, "-m", "ruhrgraph.publish.statistics", str(release)],
                            capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == str(release / graphstats.FILE)
    build_id, stats = graphstats.from_json((release / graphstats.FILE).read_text())
    assert build_id == built_graph.manifest["build_id"]
    assert stats == computed(release)
    # the web layer reads the file instead of asking: a doctored figure shows
    doctored = graphstats.to_json(graphstats.Statistics(**{**stats.__dict__, "triples": 12345}),
                                  build_id)
    (release / graphstats.FILE).write_text(doctored)
    assert void_triples(release) == 12345
    # ... but only the file of the build it serves
    (release / graphstats.FILE).write_text(graphstats.to_json(
        graphstats.Statistics(**{**stats.__dict__, "triples": 12345}), "another-build"))
    assert void_triples(release) == stats.triples
    (release / graphstats.FILE).write_text("{not json")
    assert void_triples(release) == stats.triples


def test_literal_escapes_configuration_values():
    assert graphstats.literal('a"b\\c') == '"a\\"b\\\\c"'
    with pytest.raises(ValueError):
        graphstats.literal("a\nb")
