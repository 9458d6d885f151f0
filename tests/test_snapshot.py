"""Every output of a build is pinned: the N-Quads dump and every page, canned query and
open-data document, as one sha256 each (``tests/snapshot.py``, ``tests/data/snapshot.json``).

A change that alters an output on purpose records the new pin in the same commit:
``python tests/snapshot.py BUILD_DIR tests/data/snapshot.json`` (``--dump DIR`` writes the
normalised documents for a diff).
"""

import json
from pathlib import Path

from snapshot import snapshot

PINNED = Path(__file__).resolve().parent / "data" / "snapshot.json"


def test_every_output_is_as_pinned(built_graph):
    expected = json.loads(PINNED.read_text())
    actual = snapshot(built_graph.build_dir)
    missing = sorted(set(expected) - set(actual))
    added = sorted(set(actual) - set(expected))
    changed = sorted(n for n in set(expected) & set(actual) if expected[n] != actual[n])
    assert (missing, added, changed) == ([], [], [])
