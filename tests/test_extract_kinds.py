"""Finding kinds: the table in docs/records.md against the code, and fatal kinds by example."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ruhrgraph.extract import ReadError, decode, parse, read
from ruhrgraph.link import export

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "source" / "000_105bd650c26cdedc.txt"
OURS = ("extract", "link")


def documented() -> dict[str, bool]:
    """kind -> fatal?, from the table of docs/records.md."""
    text = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| (yes|no) \| [^|]+ \|$", text, re.M)
    assert rows, "no kind table in docs/records.md"
    return {kind: fatal == "yes" for kind, fatal in rows}


def kinds_in(packages, strict: bool = True) -> set[str]:
    """Every kind given to ``Finding(line, kind, message)`` in the modules of ``packages``;
    ``strict``: every kind must be a literal, so that none escapes this test."""
    found = set()
    for package in packages:
        for path in (ROOT / "ruhrgraph" / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and getattr(
                        node.func, "id", getattr(node.func, "attr", None)) == "Finding"):
                    continue
                kind = node.args[1] if len(node.args) > 1 else next(
                    (k.value for k in node.keywords if k.arg == "kind"), None)
                if isinstance(kind, ast.Constant):
                    found.add(kind.value)
                else:
                    assert not strict, f"{path}:{node.lineno}: kind is not a literal"
    return found


def test_every_kind_is_documented_and_every_documented_kind_is_used():
    ours = kinds_in(OURS)
    others = {p.name for p in (ROOT / "ruhrgraph").iterdir()
              if (p / "__init__.py").exists() and p.name not in OURS}
    table = set(documented())
    assert ours - table == set(), "kinds missing from docs/records.md"
    # a row may belong to another stage (mapping); every row must be used by some stage
    assert table - ours - kinds_in(others, strict=False) == set(), "documented kinds no stage uses"


def kinds_of_error(make) -> set[str]:
    with pytest.raises(ReadError) as error:
        make()
    assert str(error.value) == "\n".join(f"{error.value.source}:{f.line}: {f.message}"
                                         for f in error.value.findings)
    return {f.kind for f in error.value.findings}


def replaced(old: bytes, new: bytes) -> bytes:
    data = SOURCE.read_bytes()
    assert old in data
    return data.replace(old, new, 1)


def cut(*deleted: range, keep: int | None = None) -> bytes:
    lines = SOURCE.read_bytes().split(b"\n")
    gone = {i for r in deleted for i in r}
    lines = [line for n, line in enumerate(lines, 1) if n not in gone]
    return b"\n".join(lines[:keep])


BROKEN = {
    "empty": (b"", {"empty"}),
    "not-utf8": (b"# T\n\xff\n", {"not-utf8"}),
    "control": (b"# T\n\x00\n", {"control-character"}),
    "no-title": (b"Einkaufsliste\nBrot\n", {"no-title"}),
    "no-toc": (b"# Titel\nText\n", {"no-toc"}),
    "no-body": (cut(keep=120), {"no-body"}),
    "duplicate": (replaced("### Mobilitätsregion (VM, 13-02)".encode(),
                           "### Mobilitätsregion (VM, 13-01)".encode()),
                  {"duplicate-code", "missing-project"}),
    "no-rows": (cut(range(149, 152)), {"no-rows"}),
    "truncated": (cut(keep=589), {"missing-row", "field-count", "missing-project"}),
}


@pytest.mark.parametrize("name", BROKEN)
def test_fatal_problems_have_fatal_kinds(name):
    data, kinds = BROKEN[name]
    found = kinds_of_error(lambda: parse(decode(data, "x.txt"), source_name="x.txt"))
    assert found == kinds
    assert all(documented()[kind] for kind in found)


def test_an_unreadable_file_and_empty_text(tmp_path):
    assert kinds_of_error(lambda: read(tmp_path / "nope.txt")) == {"unreadable-file"}
    assert kinds_of_error(lambda: parse(" \n")) == {"empty"}


def test_the_catalogue_has_only_non_fatal_findings():
    linked = export.linked_catalogue(SOURCE, ROOT / "data" / "reference")
    kinds = {f.kind for f in linked.findings}
    assert kinds and not any(documented()[kind] for kind in kinds)
