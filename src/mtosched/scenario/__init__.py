"""The scenario layer: the file contract as pydantic models, loading and merging."""

from mtosched.scenario.loading import (
    load_scenario,
    merge_scenarios,
    parse_scenario_text,
    read_scenario_file,
)
from mtosched.scenario.models import Scenario

__all__ = [
    "Scenario",
    "load_scenario",
    "merge_scenarios",
    "parse_scenario_text",
    "read_scenario_file",
]
