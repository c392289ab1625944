"""Numbers have documented bounds; odd text and deep nesting are input errors.

Issue 16: each file in `data/reliability/exit70-*` once crashed `schedule`
with exit 70 (a C++ cast error, an int64 overflow in the objective, a lone
surrogate when writing, a RecursionError while decoding) while `validate`
called most of them valid. Now both commands exit 1 naming the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mtosched import InfeasibleError, InputError, build_problem
from mtosched.scenario.fields import MAX_MINUTES, MAX_PRIORITY, MAX_QUANTITY, MAX_STOCK
from mtosched.scenario.loading import parse_scenario_text
from tests.helpers import DATA, run_cli, write_json

RELIABILITY = DATA / "reliability"

#: Each crashing file, and what its one error line must say.
CRASHES = {
    "exit70-minutes-1e20.json": (
        "products[0].routing[0].minutes: 100000000000000000000 is too large: "
        f"the largest accepted is {MAX_MINUTES}"
    ),
    "exit70-quantity-2pow62.json": (
        "orders[0].quantity: 4611686018427387904 is too large: "
        f"the largest accepted is {MAX_QUANTITY}"
    ),
    "exit70-min-wait-2pow62.json": (
        "products[0].routing[1].min_wait_minutes: 4611686018427387904 is too "
        f"large: the largest accepted is {MAX_MINUTES}"
    ),
    "exit70-changeover-pair-2pow63-shopfloor.json": (
        "changeovers[0].pairs[1].minutes: 9223372036854775808 is too large: "
        f"the largest accepted is {MAX_MINUTES}"
    ),
    "exit70-priority-1e15.json": (
        "orders[0].priority: 1000000000000000 is too large: "
        f"the largest accepted is {MAX_PRIORITY}"
    ),
    "exit70-priority-2pow63.json": (
        "orders[1].priority: 9223372036854775808 is too large: "
        f"the largest accepted is {MAX_PRIORITY}"
    ),
    "exit70-lone-surrogate-customer.json": (
        "orders[0].customer: text with a lone UTF-16 surrogate"
    ),
    "exit70-nesting-depth-1000.json": "nested too deeply",
}


@pytest.mark.cli
@pytest.mark.parametrize("name", sorted(CRASHES))
@pytest.mark.parametrize("command", ["validate", "schedule"])
def test_crashing_files_are_named_input_errors(
    name: str, command: str, tmp_path: Path
) -> None:
    """validate and schedule both exit 1 with file, path and limit; no output."""
    path = RELIABILITY / name
    extra = ["--time-limit", "2", "-q", "-o", str(tmp_path / "plan.json")]
    result = run_cli(command, path, *(extra if command == "schedule" else []))
    assert result.returncode == 1, result.stderr
    assert f"{path}: {CRASHES[name]}" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert "Internal error" not in result.stderr
    assert not (tmp_path / "plan.json").exists()


def tiny(**order: Any) -> dict[str, Any]:
    """One machine, one product of one 60-minute operation, one order."""
    return {
        "start": "2026-11-30T00:00:00Z",
        "machines": [{"id": "M1"}],
        "changeovers": [],
        "materials": [{"id": "steel"}],
        "resources": [{"id": "crew", "capacity": 1}],
        "products": [
            {"id": "p", "routing": [{"id": "op", "machines": ["M1"], "minutes": 60}]}
        ],
        "orders": [
            {"id": "O1", "product": "p", "due": "2026-12-02T00:00:00Z", **order}
        ],
    }


def messages(data: dict[str, Any]) -> list[str]:
    """The input issues of loading and compiling `data` (none when it is valid).

    An infeasibility (a crew of 1 asked for a million) is no input issue.
    """
    try:
        build_problem(parse_scenario_text(json.dumps(data), "f.json"))
    except InputError as exc:
        return [str(issue) for issue in exc.issues]
    except InfeasibleError:
        pass
    return []


#: (JSON path to set, largest value accepted).
BOUNDS: list[tuple[tuple[Any, ...], int]] = [
    (("products", 0, "routing", 0, "minutes"), MAX_MINUTES),
    (("products", 0, "routing", 0, "setup_minutes"), MAX_MINUTES),
    (("products", 0, "routing", 0, "max_wait_minutes"), MAX_MINUTES),
    (("products", 0, "routing", 0, "machines"), MAX_MINUTES),
    (("orders", 0, "quantity"), MAX_QUANTITY),
    (("orders", 0, "priority"), MAX_PRIORITY),
    (("resources", 0, "capacity"), MAX_QUANTITY),
    (("materials", 0, "on_hand"), MAX_STOCK),
    (("materials", 0, "lead_time_minutes"), MAX_MINUTES),
    (("products", 0, "routing", 0, "uses"), MAX_QUANTITY),
    (("products", 0, "routing", 0, "consumes"), MAX_QUANTITY),
]


def _set(data: dict[str, Any], path: tuple[Any, ...], value: int) -> str:
    """Put `value` at `path` (wrapped for the mappings); the field's JSON path."""
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    field = path[-1]
    wrapped: dict[str, Any] = {
        "machines": {"M1": value},
        "uses": {"crew": value},
        "consumes": {"steel": value},
    }
    node[field] = wrapped.get(field, value)
    where = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path)
    inner = {"machines": ".M1", "uses": ".crew", "consumes": ".steel"}
    return where.lstrip(".") + inner.get(field, "")


@pytest.mark.parametrize(("path", "limit"), BOUNDS)
def test_each_bound_accepts_its_limit_and_names_the_next_value(
    path: tuple[Any, ...], limit: int
) -> None:
    """The largest value loads; one more is refused, naming field and limit."""
    at_limit = tiny()
    where = _set(at_limit, path, limit)
    assert not any(f"f.json: {where}:" in m for m in messages(at_limit))
    beyond = tiny()
    _set(beyond, path, limit + 1)
    assert (
        f"f.json: {where}: {limit + 1} is too large: the largest accepted is {limit}"
        in messages(beyond)
    )


def test_a_duration_computed_past_a_century_names_operation_and_order() -> None:
    """minutes_per_unit x quantity is bounded where it is computed."""
    data = tiny(quantity=1000)
    data["products"][0]["routing"][0]["minutes_per_unit"] = MAX_MINUTES
    [message] = messages(data)
    assert message == (
        f"f.json: products[0].routing[0]: operation 'op' of order 'O1' takes "
        f"{1000 * MAX_MINUTES + 60} minutes on 'M1': the largest duration "
        f"accepted is {MAX_MINUTES} (a century)"
    )


@pytest.mark.parametrize("speed", ["1e-999999", "0.0009", "1000.5", "1e999999"])
def test_speed_out_of_range_is_refused(speed: str) -> None:
    """A tiny speed once overflowed `decimal` while computing a duration."""
    text = json.dumps(tiny()).replace(
        '{"id": "M1"}', f'{{"id": "M1", "speed": {speed}}}'
    )
    with pytest.raises(InputError) as caught:
        build_problem(parse_scenario_text(text, "f.json"))
    [issue] = caught.value.issues
    assert issue.path == "machines[0].speed"


def test_lone_surrogates_are_named_wherever_they_are() -> None:
    """In a value and in a key; a proper pair (an emoji) is fine."""
    text = json.dumps(tiny(customer="A\ud800", options={}))
    text = text.replace('"options": {}', '"options": {"x\\udfff": "v"}')
    with pytest.raises(InputError) as caught:
        parse_scenario_text(text, "f.json")
    paths = [issue.path for issue in caught.value.issues]
    assert paths == ["orders[0].customer", "orders[0].options"]
    assert caught.value.issues[1].message.startswith("a key: ")
    fine = json.dumps(tiny(customer="\U0001f600 Ltd"))
    assert messages(json.loads(fine)) == []


@pytest.mark.parametrize("depth", [100_000, 3000])
def test_deep_nesting_is_an_input_error(depth: int) -> None:
    """Arrays inside arrays, however deep, say so instead of crashing."""
    text = '{"x-junk": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(InputError) as caught:
        parse_scenario_text(text, "deep.json")
    [issue] = caught.value.issues
    assert issue.file == "deep.json"
    assert issue.message.startswith("nested too deeply")


def test_an_integer_of_5000_digits_is_an_input_error() -> None:
    """Past Python's digit limit the decoder raises ValueError, not a JSON error."""
    text = json.dumps(tiny(quantity=1)).replace(
        '"quantity": 1', '"quantity": ' + "9" * 5000
    )
    with pytest.raises(InputError) as caught:
        parse_scenario_text(text, "f.json")
    assert "invalid JSON" in caught.value.issues[0].message


@pytest.mark.cli
def test_validate_at_the_bounds_is_valid(tmp_path: Path) -> None:
    """Every field at its largest value together still validates (exit 0)."""
    data = tiny(quantity=MAX_QUANTITY, priority=MAX_PRIORITY)
    data["products"][0]["routing"][0]["minutes"] = MAX_MINUTES
    data["materials"][0]["on_hand"] = MAX_STOCK
    result = run_cli("validate", write_json(tmp_path / "max.json", data))
    assert result.returncode == 0, result.stderr
