"""A variant as an overlay: a small file merged on top of the base scenario.

`schedule` merges files strictly (a repeated id is an error), which suits
a plant file plus tonight's orders. A what-if is different: the planner
writes only what changes. So an overlay item whose `id` equals a base
item's replaces it (another calendar, a changed order) where the base had
it, new items are appended, `downtime` entries are added, and a scalar the
overlay sets (`objective`, `start`) wins over the base's. The result is
cross-checked like any scenario, so a bad overlay is an `InputError` that
names the overlay file and the JSON path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtosched.errors import InputError
from mtosched.scenario.loading import merge_scenarios, read_scenario_file
from mtosched.scenario.models import (
    LIST_SECTIONS,
    SCALAR_FIELDS,
    UNKEYED_SECTIONS,
    Scenario,
)
from mtosched.scenario.provenance import Origin
from mtosched.scenario.references import check_references


def read_overlay(*paths: str | Path) -> Scenario:
    """Read an overlay (one or more files, merged strictly among themselves).

    No cross-references are checked here: an overlay names machines and
    products of the base, so only the result of `apply_overlay` is whole.
    """
    parts: list[Scenario] = []
    issues = []
    for path in paths:
        try:
            parts.append(read_scenario_file(path))
        except InputError as exc:
            issues.extend(exc.issues)
    if issues:
        raise InputError(issues)
    return merge_scenarios(parts)  # also refuses a repeated id within the overlay


def apply_overlay(base: Scenario, overlay: Scenario) -> Scenario:
    """The base with the overlay on top, cross-checked (see the module text).

    Raises `InputError` naming the overlay's file for anything the merged
    scenario does not accept (an unknown machine in `downtime`, say).
    """
    fields: dict[str, Any] = {}
    scalar_files: dict[str, str] = {}
    for name in SCALAR_FIELDS:
        value = getattr(overlay, name)
        owner = overlay if value is not None else base
        fields[name] = getattr(owner, name)
        scalar_files[name] = owner.scalar_file(name)
    origins: dict[str, list[Origin]] = {}
    for section in LIST_SECTIONS:
        fields[section], origins[section] = _replace_by_id(base, overlay, section)
    for section in UNKEYED_SECTIONS:
        fields[section] = [*getattr(base, section), *getattr(overlay, section)]
        origins[section] = [
            *_origins(base, section),
            *_origins(overlay, section),
        ]
    merged = Scenario.model_validate(fields).with_origins(
        base.origin_file, origins, scalar_files
    )
    problems = check_references(merged)
    if problems:
        raise InputError(problems)
    return merged


def _replace_by_id(
    base: Scenario, overlay: Scenario, section: str
) -> tuple[list[Any], list[Origin]]:
    """Base items with same-id overlay items in their place, then new ones."""
    incoming = {item.id: index for index, item in enumerate(getattr(overlay, section))}
    items: list[Any] = []
    origins: list[Origin] = []
    replaced: set[str] = set()
    for index, item in enumerate(getattr(base, section)):
        source, at = (base, index)
        if item.id in incoming:
            source, at = overlay, incoming[item.id]
            replaced.add(item.id)
        items.append(getattr(source, section)[at])
        origins.append(source.origin(section, at))
    for index, item in enumerate(getattr(overlay, section)):
        if item.id not in replaced:
            items.append(item)
            origins.append(overlay.origin(section, index))
    return items, origins


def _origins(scenario: Scenario, section: str) -> Sequence[Origin]:
    count = len(getattr(scenario, section))
    return [scenario.origin(section, index) for index in range(count)]
