"""`mtosched schema`: the JSON Schema of the scenario file contract."""

from __future__ import annotations

import json


def schema_command() -> None:
    """Print the JSON Schema of a scenario file."""
    # Imported here: only this command needs the schema generator.
    from mtosched.scenario.schema import scenario_schema

    print(json.dumps(scenario_schema(), indent=2))
