"""`ruhrgraph build` end to end, as a whole process: the real graph, its dumps, its
provenance, its exact counts, and the atomicity of the release swap."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
import warnings
from pathlib import Path

import pytest
from conftest import ROOT, VENV_BIN, Built, run_build
from rdflib import Dataset, Graph, URIRef

from ruhrgraph import __version__, store
from ruhrgraph.extract import read
from ruhrgraph.graph.validate import validate
from ruhrgraph.link import export
from ruhrgraph.store import ReadStore

SOURCE = ROOT / "data" / "source" / "000_105bd650c26cdedc.txt"
REFERENCE = ROOT / "data" / "reference"
BASE = "https://w3id.org/ruhrgraph/"
CATALOGUE, ONTOLOGY, META = (BASE + "graph/" + g for g in ("catalogue", "ontology", "meta"))
PREFIXES = """
PREFIX rg: <https://w3id.org/ruhrgraph/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def csv_rows(name: str) -> int:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def select(path: Path, query: str) -> list[dict]:
    return ReadStore.open(path).select(PREFIXES + query)


def as_graph(quads: list[tuple[str, str, str, str]]) -> Graph:
    return Graph().parse(data="".join(f"{s} {p} {o} .\n" for s, p, o, _ in quads), format="nt")


@pytest.fixture(scope="module")
def quads(built_graph) -> list[tuple[str, str, str, str]]:
    return store.read_quads(built_graph.store)


@pytest.fixture(scope="module")
def linked():
    return export.linked_catalogue(SOURCE, REFERENCE)


# --- the real graph ---------------------------------------------------------------------


def test_the_release_is_complete(built_graph):
    assert built_graph.current.is_symlink()
    assert built_graph.release.parent.name == "releases"
    names = {p.name for p in built_graph.dumps.iterdir()}
    assert names == {f"ruhrgraph.{s}{gz}" for s in ("ttl", "nt", "jsonld", "nq", "trig")
                     for gz in ("", ".gz")} | {"SHA256SUMS"}
    assert (built_graph.release / "ontology.html").is_file()
    assert (built_graph.release / "manifest.json").is_file()
    assert not list((built_graph.build_dir / "releases").glob(".tmp-*"))


def test_the_manifest_states_the_build(built_graph):
    manifest = built_graph.manifest
    assert manifest["software"]["version"] == __version__
    assert manifest["source"] == {"name": SOURCE.name,
                                  "sha256": hashlib.sha256(SOURCE.read_bytes()).hexdigest()}
    assert manifest["build_id"] == built_graph.release.name
    assert manifest["scale"] == 1
    assert manifest["ontology"]["html_from"] == manifest["build_id"]  # rendered by pyLODE
    assert manifest["quads"] == sum(manifest["graphs"].values())
    assert set(manifest["graphs"]) == {CATALOGUE, ONTOLOGY, META}


def test_exact_counts_per_entity_kind(built_graph, linked):
    text = SOURCE.read_text(encoding="utf-8")
    fields, projects = map(int, re.search(r"(\d+) Handlungsfelder mit (\d+) Projekten",
                                          text).groups())
    catalogue = read(SOURCE)
    mention_spans = {(m.start, m.end) for p in linked.projects
                     for links in (p.places, p.organisations, p.other_ministries,
                                   p.related_projects) for link in links for m in link.mentions}
    expected = {
        "programmes": 1,
        "action_fields": fields,
        "projects": projects,
        "durations": projects,
        "measures": sum(len(p.measures) for p in catalogue.projects),
        "ministries": csv_rows("ministries.csv"),
        "places": csv_rows("places.csv"),
        # the state government is added by the mapping as the ministries' parent
        "organisations": csv_rows("organisations.csv") + 1,
        "mentions": len(mention_spans),
    }
    assert (fields, projects) == (5, 74)
    assert built_graph.manifest["counts"] == expected
    classes = {"projects": "rg:Project", "measures": "rg:Measure", "mentions": "oa:Annotation",
               "ministries": "rg:Ministry"}
    for name, cls in classes.items():
        (row,) = select(built_graph.store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) "
                                           f"WHERE {{ ?x a {cls} }}")
        assert int(row["n"].value) == expected[name], name


def test_every_project_has_its_own_measures_and_links(built_graph, linked):
    rows = select(built_graph.store, """
        SELECT ?code (COUNT(?m) AS ?n) WHERE { ?p dcterms:identifier ?code ; a rg:Project ;
        rg:hasMeasure ?m } GROUP BY ?code""")
    assert {r["code"].value: int(r["n"].value) for r in rows} == {
        p.project.code: len(p.project.measures) for p in linked.projects}
    for prop, attr in (("rg:mentionsPlace", "places"),
                       ("rg:mentionsOrganisation", "organisations"),
                       ("rg:mentionsMinistry", "other_ministries"),
                       ("rg:mentionsProject", "related_projects")):
        (row,) = select(built_graph.store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p {prop} ?x }}")
        assert int(row["n"].value) == sum(len(getattr(p, attr)) for p in linked.projects), prop
    leads = select(built_graph.store, "SELECT ?code ?m WHERE { ?p dcterms:identifier ?code ; "
                                      "rg:leadMinistry ?m }")
    assert {r["code"].value: r["m"].value for r in leads} == {
        p.project.code: BASE + "ministry/" + p.ministry_key for p in linked.projects}


def test_no_partnership_is_asserted(quads):
    assert not [q for q in quads if q[1] == "<https://w3id.org/ruhrgraph/ontology#partner>"]


def test_the_real_graph_conforms(quads):
    graph = as_graph([q for q in quads if q[3] in (f"<{CATALOGUE}>", f"<{META}>")])
    assert validate(graph, base=BASE) == []


def test_every_mention_quotes_its_surface_form_at_its_offsets(built_graph, linked):
    text = SOURCE.read_text(encoding="utf-8")
    rows = select(built_graph.store, """
        SELECT ?a ?start ?end ?exact ?first ?last ?value WHERE {
          ?project rg:hasMention ?a . ?a oa:hasTarget ?t .
          ?t rg:firstLine ?first ; rg:lastLine ?last ;
             oa:hasSelector ?c , ?q , ?l .
          ?c a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
          ?q a oa:TextQuoteSelector ; oa:exact ?exact .
          ?l a oa:FragmentSelector ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?value
        }""")
    records = {(m.start, m.end, m.text, m.line) for p in linked.projects
               for links in (p.places, p.organisations, p.other_ministries, p.related_projects)
               for link in links for m in link.mentions}
    found = set()
    for row in rows:
        start, end = int(row["start"].value), int(row["end"].value)
        first, last = int(row["first"].value), int(row["last"].value)
        assert text[start:end] == row["exact"].value
        assert text.count("\n", 0, start) + 1 == first == last
        assert row["value"].value == f"line={first - 1},{last}"
        found.add((start, end, row["exact"].value, first))
    assert found == records
    assert len(rows) == len(records)


def test_every_measure_and_project_points_to_its_lines(built_graph):
    text = SOURCE.read_text(encoding="utf-8")
    rows = select(built_graph.store, """
        SELECT ?x ?start ?end ?first ?last WHERE {
          { ?x a rg:Measure } UNION { ?x a rg:Project }
          ?x prov:wasDerivedFrom ?t . ?t rg:firstLine ?first ; rg:lastLine ?last ;
             oa:hasSelector ?c . ?c a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end
        }""")
    assert len(rows) == 74 + built_graph.manifest["counts"]["measures"]
    for row in rows:
        start, end = int(row["start"].value), int(row["end"].value)
        assert text.count("\n", 0, start) + 1 == int(row["first"].value)
        assert text.count("\n", 0, max(start, end - 1)) + 1 == int(row["last"].value)


def test_every_mentions_fact_leads_to_a_passage(built_graph):
    orphans = select(built_graph.store, """
        SELECT ?p ?x WHERE {
          VALUES ?prop { rg:mentionsPlace rg:mentionsOrganisation rg:mentionsMinistry
                         rg:mentionsProject }
          ?p ?prop ?x .
          FILTER NOT EXISTS { ?p rg:hasMention ?a . ?a oa:hasBody ?x ; oa:hasTarget ?t .
                              ?t rg:firstLine ?line }
        }""")
    assert orphans == []


def test_graphs_are_disjoint_so_the_union_dumps_lose_nothing(quads):
    by_graph: dict[str, set] = {}
    for s, p, o, g in quads:
        by_graph.setdefault(g, set()).add((s, p, o))
    assert set(by_graph) == {f"<{CATALOGUE}>", f"<{ONTOLOGY}>", f"<{META}>"}
    union = set().union(*by_graph.values())
    assert len(union) == sum(len(t) for t in by_graph.values())


def test_dumps_parse_back_isomorphic_to_the_store(built_graph, quads):
    union = as_graph(quads)
    assert not [t for triple in union for t in triple if t.__class__.__name__ == "BNode"]
    for suffix, fmt in (("ttl", "turtle"), ("nt", "nt")):
        with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated
            warnings.simplefilter("ignore", DeprecationWarning)  # ConjunctiveGraph
            graph = Graph().parse(built_graph.dumps / f"ruhrgraph.{suffix}", format=fmt)
        assert set(graph) == set(union), suffix
    per_graph = {g: as_graph([q for q in quads if q[3] == f"<{g}>"])
                 for g in (CATALOGUE, ONTOLOGY, META)}
    for suffix, fmt in (("jsonld", "json-ld"), ("nq", "nquads"), ("trig", "trig")):
        dataset = Dataset()
        with warnings.catch_warnings():  # rdflib's own Dataset internals warn on parse
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset.parse(built_graph.dumps / f"ruhrgraph.{suffix}", format=fmt)
            names = {str(g.identifier) for g in dataset.graphs() if len(g)}
            assert names == set(per_graph), suffix
            for name, expected in per_graph.items():
                assert set(dataset.graph(URIRef(name))) == set(expected), (suffix, name)


def test_gzip_copies_and_checksums(built_graph):
    sums = {}
    for line in (built_graph.dumps / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        sums[name] = digest
    assert set(sums) == {p.name for p in built_graph.dumps.iterdir()} - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((built_graph.dumps / name).read_bytes()).hexdigest() == digest
        if name.endswith(".gz"):
            plain = (built_graph.dumps / name[:-3]).read_bytes()
            assert gzip.decompress((built_graph.dumps / name).read_bytes()) == plain
    listed = {Path(d["file"]).name: (d["bytes"], d["sha256"])
              for d in built_graph.manifest["dumps"]}
    assert listed == {n: ((built_graph.dumps / n).stat().st_size, d) for n, d in sums.items()}


def test_the_meta_graph_names_build_and_source(built_graph, quads):
    build = f"<{built_graph.manifest['build_iri']}>"
    meta = [q for q in quads if q[3] == f"<{META}>"]
    assert (build, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
            "<http://www.w3.org/ns/prov#Activity>", f"<{META}>") in meta
    sha = built_graph.manifest["source"]["sha256"]
    assert any(q[2] == f'"{sha}"^^<http://www.w3.org/2001/XMLSchema#hexBinary>' for q in meta)
    assert (f"<{CATALOGUE}>", "<http://www.w3.org/ns/prov#wasGeneratedBy>", build,
            f"<{META}>") in meta


def test_the_ontology_is_loaded_and_documented(built_graph, quads):
    ontology = Graph().parse(ROOT / "ontology" / "ruhrgraph.ttl")
    stored = as_graph([q for q in quads if q[3] == f"<{ONTOLOGY}>"])
    assert set(stored) == set(ontology)
    html = (built_graph.release / "ontology.html").read_text(encoding="utf-8")
    for term in ("leadMinistry", "mentionsPlace", "partner", "Measure", "openEnded"):
        assert term in html


def test_the_example_queries_of_the_docs_answer(built_graph):
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sparql\n(.*?)```", text, flags=re.DOTALL)
    assert len(queries) == 6
    answers = [ReadStore.open(built_graph.store).select(q) for q in queries]
    assert all(answers)
    (bochum,) = answers[0]
    assert {k: v.value for k, v in bochum.items()} == {
        "words": "Bochum", "line": "324", "start": "40685", "end": "40691"}
    fields = [p.field for p in read(SOURCE).projects]
    assert [int(r["projects"].value) for r in answers[2]] == [fields.count(n)
                                                              for n in range(1, 6)]
    assert {r["file"].value for r in answers[5]} == {
        SOURCE.name, *(p.name for p in REFERENCE.glob("*.csv"))}


# --- scale ------------------------------------------------------------------------------


def test_a_scaled_build_replicates_with_distinct_keys(tmp_path):
    result = run_build(tmp_path / "b", "--scale", "3")
    assert result.returncode == 0, result.stderr
    built = Built(tmp_path / "b")
    counts = built.manifest["counts"]
    one = {"projects": 74}
    assert counts["projects"] == 3 * one["projects"]
    rows = select(built.store, "SELECT ?code WHERE { ?p a rg:Project ; dcterms:identifier "
                               "?code FILTER(STRENDS(?code, '-x3')) }")
    assert len(rows) == 74
    (row,) = select(built.store, "SELECT (COUNT(*) AS ?n) WHERE { "
                                 "?p rg:mentionsProject ?q FILTER(STRENDS(STR(?p), '-x2') "
                                 "&& !STRENDS(STR(?q), '-x2')) }")
    assert int(row["n"].value) == 0  # a replica refers to its own copies only
    assert built.manifest["scale"] == 3 and "replica 1" in built.manifest["validation"]["scope"]


# --- atomicity --------------------------------------------------------------------------


def snapshot(build_dir: Path) -> tuple:
    current = build_dir / "current"
    release = current.resolve()
    files = sorted((str(p.relative_to(release)), p.stat().st_size, p.stat().st_mtime_ns)
                   for p in release.rglob("*") if p.is_file())
    (row,) = select(release / "store", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return os.readlink(current), files, int(row["n"].value)


@pytest.fixture(scope="module")
def atomic(tmp_path_factory) -> Path:
    build_dir = tmp_path_factory.mktemp("atomic")
    result = run_build(build_dir)
    assert result.returncode == 0, result.stderr
    return build_dir


def test_bad_source_fails_with_file_and_line_and_keeps_the_old_store(atomic, tmp_path):
    before = snapshot(atomic)
    lines = SOURCE.read_bytes().split(b"\n")
    lines[99] = lines[99][:10] + b"\x00" + lines[99][10:]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\n".join(lines))
    result = run_build(atomic, source=bad)
    assert result.returncode == 2
    assert f"{bad}:100: binary data" in result.stderr
    assert snapshot(atomic) == before
    assert not list((atomic / "releases").glob(".tmp-*"))


def copy_reference(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE, target)
    return target


def test_bad_reference_cell_fails_with_file_and_line(atomic, tmp_path):
    before = snapshot(atomic)
    reference = copy_reference(tmp_path)
    places = reference / "places.csv"
    lines = places.read_text(encoding="utf-8").split("\n")
    assert lines[2].startswith("05913000,")
    lines[2] = lines[2].replace("05913000,", "0591300,", 1)
    places.write_text("\n".join(lines), encoding="utf-8")
    result = run_build(atomic, reference_dir=reference)
    assert result.returncode == 2
    assert f"{places}:3: AGS must have 8 digits" in result.stderr
    assert snapshot(atomic) == before


def test_a_shacl_violation_fails_readably_and_keeps_the_old_store(atomic, tmp_path):
    before = snapshot(atomic)
    reference = copy_reference(tmp_path)
    places = reference / "places.csv"
    lines = places.read_text(encoding="utf-8").split("\n")
    assert lines[1].startswith("05911000,Bochum,")
    lines[1] = lines[1].replace(",51.48181,", ",123.4,", 1)
    places.write_text("\n".join(lines), encoding="utf-8")
    result = run_build(atomic, reference_dir=reference)
    assert result.returncode == 3, result.stderr
    assert "does not conform to shapes.ttl: 1 violation(s)" in result.stderr
    assert (f"{places}:2: base:place/05911000 schema:latitude: a place has a latitude "
            f"between -90 and 90 (value: \"123.4\"") in result.stderr
    assert snapshot(atomic) == before
    assert not list((atomic / "releases").glob(".tmp-*"))


def start_build(build_dir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([str(VENV_BIN / "ruhrgraph"), "build", "--build-dir",
                             str(build_dir), "--quiet", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def wait_for_staging(build_dir: Path, process: subprocess.Popen, name: str) -> Path:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for staging in (build_dir / "releases").glob(".tmp-*"):
            if (staging / name).exists():
                return staging
        assert process.poll() is None, "the build ended before it could be interrupted"
        time.sleep(0.005)
    raise AssertionError("the build never got going")


def test_a_killed_build_leaves_the_old_store_and_the_next_build_cleans_up(atomic):
    before = snapshot(atomic)
    process = start_build(atomic, "--scale", "20")
    staging = wait_for_staging(atomic, process, "graph.nq")
    os.killpg(process.pid, signal.SIGKILL)  # the build and its children, mid-way
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert staging.exists()  # nothing could clean up after SIGKILL ...
    assert snapshot(atomic) == before  # ... and nothing was swapped
    result = run_build(atomic)
    assert result.returncode == 0, result.stderr
    assert not staging.exists()


def test_a_terminated_build_cleans_up_after_itself(atomic):
    before = snapshot(atomic)
    process = start_build(atomic, "--scale", "20")
    staging = wait_for_staging(atomic, process, "graph.nq")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert not staging.exists()
    assert snapshot(atomic) == before


def test_two_builds_of_the_same_input_give_identical_triples(atomic):
    first = (atomic / "current").resolve()
    result = run_build(atomic)
    assert result.returncode == 0, result.stderr
    second = (atomic / "current").resolve()
    assert first != second and first.is_dir()  # the previous release is kept
    old, new = store.read_quads(first / "store"), store.read_quads(second / "store")
    for graph in (CATALOGUE, ONTOLOGY):
        assert {q for q in old if q[3] == f"<{graph}>"} == {q for q in new
                                                            if q[3] == f"<{graph}>"}
    builds = {f"<{BASE}build/{first.name}>", f"<{BASE}build/{second.name}>"}
    meta_old = {q for q in old if q[3] == f"<{META}>"}
    meta_new = {q for q in new if q[3] == f"<{META}>"}
    changed = meta_old ^ meta_new
    assert changed and all(q[0] in builds or q[2] in builds
                           or q[1] == "<http://www.w3.org/ns/prov#generatedAtTime>"
                           for q in changed)
    # the ontology page depends on the ontology file and pyLODE only: rendered once, reused
    first_manifest = json.loads((first / "manifest.json").read_text())
    second_manifest = json.loads((second / "manifest.json").read_text())
    assert second_manifest["ontology"]["html_from"] == first_manifest["ontology"]["html_from"]
    assert (second / "ontology.html").read_bytes() == (first / "ontology.html").read_bytes()
    assert second_manifest["counts"] == first_manifest["counts"]
