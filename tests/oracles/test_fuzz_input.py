"""No input, however broken, escapes as anything but an `InputError`.

Mutations of a valid scenario (deleted keys, wrong types, odd values,
truncated text) go through the same path as `mtosched validate`.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtosched import InfeasibleError, InputError, build_problem
from mtosched.scenario.loading import merge_scenarios, parse_scenario_text
from mtosched.scenario.references import check_references
from tests.helpers import INSTANCES

BASE = json.loads((INSTANCES / "configurable-options.json").read_text())

#: Stands for lists nested N deep; put into the text only after dumping it,
#: since copying or encoding such a value would recurse too deep itself.
NEST = re.compile(r'"\\u0000nest(\d+)"')


def nested(depth: int) -> str:
    """A placeholder for lists `depth` deep (see `NEST`)."""
    return f"\x00nest{depth}"


def expand_nesting(text: str) -> str:
    """Replace each placeholder by its nested lists."""
    return NEST.sub(lambda m: "[" * int(m[1]) + "]" * int(m[1]), text)


ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        ["", "24:00", "25:61", "2026-02-30T00:00:00Z", "Europe", "x-", "../../etc"]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    # Issue 16: numbers past the documented bounds and int64, lone UTF-16
    # surrogates, and nesting deeper than the decoder's recursion.
    st.integers(min_value=10**7, max_value=2**80),
    st.sampled_from([2**62, 2**63, 10**15, 10**20, 52_704_001]),
    st.text(
        alphabet=st.characters(categories=["Cs", "Lu", "Nd"]), min_size=1, max_size=4
    ),
    st.integers(min_value=900, max_value=3000).map(nested),
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location in a JSON tree."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


ALL_PATHS = paths(BASE)


def mutate(data: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    """Replace, delete or duplicate the element at `path`."""
    result = copy.deepcopy(data)
    parent = result
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    else:
        parent[f"{last}2"] = parent[last]
    return result


def load_like_the_cli(text: str) -> None:
    """The validate path: parse, merge, cross-check, compile."""
    scenario = merge_scenarios([parse_scenario_text(text, "fuzz.json")])
    issues = check_references(scenario)
    if issues:
        raise InputError(issues)
    problem = build_problem(scenario)
    # What loads must be writable as UTF-8 and fit CP-SAT's 64-bit integers.
    scenario.model_dump_json().encode("utf-8")
    assert problem.horizon < 2**40
    assert all(o.priority * problem.horizon < 2**50 for o in problem.orders)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    mutations=st.lists(
        st.tuples(
            st.sampled_from(ALL_PATHS),
            st.sampled_from(["replace", "delete", "duplicate"]),
            ODD_VALUES,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_mutated_scenarios_fail_only_with_input_errors(
    mutations: list[tuple[tuple[Any, ...], str, Any]],
) -> None:
    """Each mutation either still loads or raises InputError with locations."""
    data: Any = BASE
    for path, action, value in mutations:
        try:
            data = mutate(data, path, action, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the place
    text = expand_nesting(json.dumps(data, allow_nan=True))
    try:
        load_like_the_cli(text)
    except InfeasibleError:
        pass  # a crew of a million, say: a true reason, not a crash
    except InputError as exc:
        assert exc.issues
        assert all(issue.file == "fuzz.json" and issue.message for issue in exc.issues)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(cut=st.integers(min_value=0, max_value=len(json.dumps(BASE))))
def test_truncated_files_are_input_errors(cut: int) -> None:
    """A file cut short anywhere is reported, never a crash."""
    text = json.dumps(BASE)[:cut]
    try:
        load_like_the_cli(text)
    except InputError as exc:
        assert exc.issues
