"""Settings: one place (ruhrgraph/config.py), documented by a generated page that cannot rot."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

from ruhrgraph import config


def test_docs_configuration_is_generated_from_the_settings():
    expected = config.markdown()
    assert (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8") == expected, \
        "docs/configuration.md is stale: python -m ruhrgraph.config > docs/configuration.md"
    printed = subprocess.run([sys.executable, "-m", "ruhrgraph.config"], capture_output=True,
                             text=True, check=True, cwd=ROOT).stdout
    assert printed == expected
    for setting in config.SETTINGS:
        assert f"| `{setting.name}` |" in expected


def test_settings_come_from_overrides_then_environment_then_defaults():
    loaded = config.load({"PAGE_LIST_SIZE": 7}, environ={"RUHRGRAPH_PAGE_VALUES_SHOWN": "12",
                                                         "RUHRGRAPH_PAGE_LIST_SIZE": "9"})
    assert loaded["PAGE_LIST_SIZE"] == 7
    assert loaded["PAGE_VALUES_SHOWN"] == 12
    assert loaded["PAGE_LARGE_RESOURCE"] == 2000
