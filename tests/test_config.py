"""Settings: one place (ruhrgraph/config.py), documented by a generated page that cannot rot."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest
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
    assert loaded.page_list_size == 7
    assert loaded.page_values_shown == 12
    assert loaded.page_large_resource == 2000


def test_settings_are_typed_frozen_fields_generated_from_the_registry():
    loaded = config.load({"QUERY_TIMEOUT": "2", "VERIFY_STORE": "0", "TESTING": True},
                         environ={"RUHRGRAPH_MAX_RESULT_ROWS": "10"})
    fields = {f.name: f.type for f in dataclasses.fields(config.Settings)}
    assert fields == {s.name.lower(): type(s.default) for s in config.SETTINGS}
    assert (loaded.query_timeout, loaded.verify_store, loaded.max_result_rows) == (2.0, False, 10)
    assert isinstance(loaded.query_timeout, float) and isinstance(loaded.max_result_rows, int)
    assert not hasattr(loaded, "testing")
    assert config.others({"TESTING": True, "BASE_IRI": "x"}) == {"TESTING": True}
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.max_result_rows = 5
