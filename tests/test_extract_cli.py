"""`ruhrgraph extract` as a user runs it: a real process, JSON and CSV on disk."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "ruhrgraph" / "records.schema.json").read_text("utf-8"))
EXE = str(Path(sys.executable).parent / "ruhrgraph")


@pytest.fixture(scope="module")
def output():
    result = subprocess.run([EXE, "extract"], capture_output=True, check=True, cwd=ROOT)
    assert result.stderr == b""
    return json.loads(result.stdout.decode("utf-8"))


def test_json_matches_the_schema(output):
    jsonschema.validate(output, SCHEMA)


def test_json_holds_the_whole_catalogue(output):
    assert len(output["projects"]) == 74
    assert [f["number"] for f in output["fields"]] == [1, 2, 3, 4, 5]
    assert output["source"]["sha256"] == (
        "da899bfb6a41233c9f10a9714066f84888358cab6cf1e4bed0e4804ea25a175e")
    first = output["projects"][0]
    assert (first["code"], first["ministry"], first["ministry_key"], first["title"]) == (
        "13-01", "VM", "vm", "ÖPNV-Initiative")
    assert first["duration"] == {"text": "2020 bis 2030", "start_year": 2020, "end_year": 2030,
                                 "open_ended": False, "note": None,
                                 "source": first["rows"]["duration"]}
    bochum = {p["code"] for p in output["projects"]
              if any(c["ags"] == "05911000" for c in p["cities"])}
    assert {"05-02", "04-06", "08-01", "11-01"} <= bochum


def test_json_is_utf8_not_escaped():
    result = subprocess.run([EXE, "extract"], capture_output=True, check=True, cwd=ROOT)
    assert "ÖPNV-Initiative".encode() in result.stdout


def test_csv_tables(tmp_path, output):
    subprocess.run([EXE, "extract", "--csv", str(tmp_path)], capture_output=True, check=True,
                   cwd=ROOT)
    with (tmp_path / "projects.csv").open(encoding="utf-8", newline="") as handle:
        projects = list(csv.DictReader(handle))
    assert len(projects) == 74
    assert projects[0]["code"] == "13-01" and projects[0]["end_year"] == "2030"
    with (tmp_path / "measures.csv").open(encoding="utf-8", newline="") as handle:
        measures = list(csv.DictReader(handle))
    assert len(measures) == sum(len(p["measures"]) for p in output["projects"])
    with (tmp_path / "mentions.csv").open(encoding="utf-8", newline="") as handle:
        mentions = list(csv.DictReader(handle))
    expected = sum(len(item["mentions"]) for p in output["projects"]
                   for kind in ("cities", "organisations", "other_ministries",
                                "related_projects") for item in p[kind])
    assert len(mentions) == expected


def test_bad_input_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01garbage")
    out = tmp_path / "csv"
    result = subprocess.run([EXE, "extract", "--source", str(bad), "--csv", str(out)],
                            capture_output=True, cwd=ROOT)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode() == (f"ruhrgraph extract: {bad}:1: binary data: control "
                                      "character U+0000 at offset 0\n")
    assert not out.exists()
