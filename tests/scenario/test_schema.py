import json

import pytest

from mtosched.scenario.schema import scenario_schema
from tests.helpers import ROOT, run_cli


def test_committed_schema_matches_the_models() -> None:
    """docs/scenario.schema.json is regenerated whenever the models change."""
    committed = json.loads((ROOT / "docs" / "scenario.schema.json").read_text())
    assert committed == scenario_schema(), (
        "run: mtosched schema > docs/scenario.schema.json"
    )


@pytest.mark.cli
def test_schema_command_prints_the_schema() -> None:
    """`mtosched schema` prints the same document on stdout."""
    result = run_cli("schema")
    assert result.returncode == 0
    printed = json.loads(result.stdout)
    assert printed == scenario_schema()
    assert "orders" in printed["properties"]
    assert printed["$defs"]["Order"]["properties"]["due"]["format"] == "date-time"
