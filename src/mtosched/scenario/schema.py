"""The JSON Schema of scenario files, generated from the models."""

from __future__ import annotations

from typing import Any

from mtosched.scenario.models import Scenario

SCHEMA_ID = "https://mtosched.dev/schema/scenario.json"


def scenario_schema() -> dict[str, Any]:
    """The scenario JSON Schema (field names as written in files)."""
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }
