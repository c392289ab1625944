"""Invalid input through the real CLI: exit 1, file + JSON path + problem, no traceback.

Every test writes scenario files into `tmp_path` from one small valid base
scenario, breaks one thing, and runs `python -m mtosched validate` in a
subprocess. Nothing is solved.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import INSTANCES

#: The CLI in a subprocess throughout (one test only checks the instance files).
pytestmark = pytest.mark.cli

FILE = "scenario.json"

# Variables that would make rich colour or re-wrap the output differently.
_ENV_DROP = {"COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"}

BASE: dict[str, Any] = {
    "name": "validation-base",
    "timezone": "UTC",
    "start": "2026-11-30T06:00:00Z",
    "machines": [{"id": "SAW-1"}, {"id": "SAW-2"}, {"id": "PAINT-1", "speed": 1.5}],
    "products": [
        {
            "id": "coupe",
            "options": {"paint": ["black", "white"], "trim": ["standard", "bespoke"]},
            "routing": [
                {
                    "id": "cut",
                    "machines": ["SAW-1", "SAW-2"],
                    "minutes": 30,
                    "minutes_per_unit": 10,
                },
                {
                    "id": "paint",
                    "machines": {"PAINT-1": 90},
                    "family_option": "paint",
                    "min_wait_minutes": 10,
                },
                {
                    "id": "trim",
                    "machines": ["SAW-2"],
                    "minutes": 45,
                    "when": {"trim": "bespoke"},
                },
                {
                    "id": "final",
                    "after": ["paint", "trim"],
                    "machines": ["SAW-1"],
                    "minutes": 20,
                },
            ],
        }
    ],
    "orders": [
        {
            "id": "SO-1",
            "product": "coupe",
            "quantity": 2,
            "options": {"paint": "black", "trim": "standard"},
            "due": "2026-12-01T17:00:00Z",
            "priority": 2,
        },
        {
            "id": "SO-2",
            "product": "coupe",
            "options": {"paint": "white", "trim": "bespoke"},
            "released": "2026-11-30T08:00:00Z",
            "due": "2026-12-02T17:00:00Z",
        },
    ],
}


def base() -> dict[str, Any]:
    """A fresh deep copy of the valid base scenario, free to mutate."""
    return copy.deepcopy(BASE)


def op(data: dict[str, Any], k: int) -> dict[str, Any]:
    """Operation `k` of the base product's routing."""
    return data["products"][0]["routing"][k]


def run_cli(*args: str | Path, cwd: Path) -> tuple[int, str, str]:
    """Run `python -m mtosched ARGS` in `cwd`; return (exit code, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if k not in _ENV_DROP}
    proc = subprocess.run(
        [sys.executable, "-m", "mtosched", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


def write(tmp_path: Path, data: Any, name: str = FILE) -> str:
    """Write `data` as JSON into `tmp_path`; return the relative file name."""
    (tmp_path / name).write_text(json.dumps(data, indent=2), encoding="utf-8")
    return name


def validate(tmp_path: Path, data: Any, *extra: str) -> tuple[int, str, str]:
    """Write `data` as scenario.json and run `mtosched validate` on it."""
    return run_cli("validate", write(tmp_path, data), *extra, cwd=tmp_path)


def issue_lines(stderr: str) -> list[str]:
    """The reported issues, one per line, without the indentation."""
    return [line.strip() for line in stderr.splitlines() if line.startswith("  ")]


def assert_invalid(result: tuple[int, str, str], *expected: str) -> None:
    """Exit 1, no traceback, and each expected 'file: path: message' is reported."""
    code, out, err = result
    assert "Traceback" not in err + out
    assert code == 1, err
    flat = " ".join(err.split())  # independent of line wrapping
    for text in expected:
        assert text in flat, f"{text!r} not in:\n{err}"


def test_base_scenario_is_valid(tmp_path: Path) -> None:
    """The base scenario validates, so every failure below has one cause."""
    code, out, err = validate(tmp_path, base())
    assert code == 0, err
    assert "Valid." in out
    code, out, _ = validate(tmp_path, base(), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["valid"] is True and report["errors"] == []
    assert (report["orders"], report["operations"], report["machines"]) == (2, 7, 3)


@pytest.mark.parametrize("path", sorted(INSTANCES.glob("*.json")), ids=lambda p: p.name)
def test_shipped_instances_validate(path: Path) -> None:
    """Every scenario shipped in instances/ is valid."""
    code, _, err = run_cli("validate", path, cwd=path.parent)
    assert code == 0, err
    assert "Traceback" not in err


def test_instances_exist() -> None:
    """The instance test above is not vacuous."""
    assert list(INSTANCES.glob("*.json"))


# --- reading files -------------------------------------------------------------


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    """Broken JSON is located by line and column, not by a traceback."""
    (tmp_path / "bad.json").write_text('{"name": "x",\n "start": }', encoding="utf-8")
    result = run_cli("validate", "bad.json", cwd=tmp_path)
    assert_invalid(result, "bad.json: line 2, column 11: invalid JSON: Expecting value")


@pytest.mark.parametrize("text", ["[1, 2]", "null", '"plant"', "42"])
def test_top_level_must_be_an_object(tmp_path: Path, text: str) -> None:
    """A JSON document that is not an object is refused."""
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    result = run_cli("validate", FILE, cwd=tmp_path)
    assert_invalid(result, f"{FILE}: a scenario must be a JSON object")


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    """A missing file and a directory are both reported, each by name."""
    (tmp_path / "adir").mkdir()
    result = run_cli("validate", "missing.json", "adir", cwd=tmp_path)
    assert_invalid(
        result,
        "missing.json: cannot read file: No such file or directory",
        "adir: cannot read file: Is a directory",
    )


def test_non_utf8_file(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are an input error, not a crash."""
    (tmp_path / FILE).write_bytes(b'{"name": "\xff"}')
    result = run_cli("validate", FILE, cwd=tmp_path)
    assert_invalid(result, f"{FILE}: not UTF-8 text (byte 10)")


# --- field-level (pydantic) errors ------------------------------------------------


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    """A misspelt field (`prioirty`) is an error naming the field."""
    data = base()
    data["orders"][1]["prioirty"] = 3
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[1].prioirty: unknown field "
        "(fields starting with 'x-' are ignored)",
    )


def test_extension_fields_are_accepted(tmp_path: Path) -> None:
    """Fields starting with `x-` are ignored wherever they appear."""
    data = base()
    data["x-exported-by"] = "ERP 7.2"
    data["machines"][0]["x-asset"] = 1234
    op(data, 0)["x-note"] = {"any": ["thing"]}
    data["orders"][0]["x-erp-line"] = 17
    code, _, err = validate(tmp_path, data)
    assert code == 0, err


def test_wrong_type_for_minutes(tmp_path: Path) -> None:
    """A string where whole minutes are expected is a type error at its path."""
    data = base()
    op(data, 0)["minutes"] = "30"
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: products[0].routing[0].minutes: input should be a valid integer",
    )


def test_naive_instant_is_accepted(tmp_path: Path) -> None:
    """An instant without offset is valid (read in the scenario's time zone)."""
    data = base()
    data["orders"][0]["due"] = "2026-12-01T17:00:00"
    code, _, err = validate(tmp_path, data)
    assert code == 0, err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-12-01 5pm", "'2026-12-01 5pm' is not an ISO 8601 instant"),
        (
            "2026-12-01T17:00:00+25:00",
            "'2026-12-01T17:00:00+25:00' is not an ISO 8601 instant",
        ),
        (1764608400, "an instant must be an ISO 8601 string"),
    ],
)
def test_bad_instant(tmp_path: Path, value: Any, message: str) -> None:
    """A malformed instant (or a number) is refused at its path."""
    data = base()
    data["orders"][0]["due"] = value
    assert_invalid(validate(tmp_path, data), f"{FILE}: orders[0].due: {message}")


@pytest.mark.parametrize("field", ["quantity", "priority"])
def test_non_positive_quantity_and_priority(tmp_path: Path, field: str) -> None:
    """Quantity and priority must be at least 1."""
    data = base()
    data["orders"][0][field] = 0
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[0].{field}: input should be greater than or equal to 1",
    )


def test_receipt_quantity_zero(tmp_path: Path) -> None:
    """A material receipt of 0 units is refused."""
    data = base()
    receipt = {"at": "2026-12-01T08:00:00Z", "quantity": 0}
    data["materials"] = [{"id": "hide-tan", "receipts": [receipt]}]
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: materials[0].receipts[0].quantity: "
        "input should be greater than or equal to 1",
    )


def test_max_wait_below_min_wait(tmp_path: Path) -> None:
    """max_wait_minutes < min_wait_minutes is refused on the operation."""
    data = base()
    op(data, 1)["max_wait_minutes"] = 5
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: products[0].routing[1]: "
        "max_wait_minutes is less than min_wait_minutes",
    )


def test_slack_for_a_term_not_in_the_objective(tmp_path: Path) -> None:
    """Slack on a term that is not listed would silently do nothing."""
    data = base()
    data["objective"] = {"terms": ["flow_time"], "slack": {"weighted_tardiness": 0.1}}
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: objective: slack is given for 'weighted_tardiness', "
        "which is not in terms",
    )


def test_slack_above_one_is_refused(tmp_path: Path) -> None:
    """Slack is a fraction: 0.05 is 5 %, and more than doubling is refused."""
    data = base()
    data["objective"] = {
        "terms": ["weighted_tardiness", "flow_time"],
        "slack": {"weighted_tardiness": 5},
    }
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: objective.slack.weighted_tardiness:",
    )


@pytest.mark.parametrize("both", [True, False], ids=["both", "neither"])
def test_exactly_one_of_product_and_routing(tmp_path: Path, both: bool) -> None:
    """An order needs a product or an inline routing, not both and not neither."""
    data = base()
    if both:
        data["orders"][0]["routing"] = [
            {"id": "x", "machines": ["SAW-1"], "minutes": 5}
        ]
    else:
        del data["orders"][0]["product"]
        del data["orders"][0]["options"]
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[0]: give exactly one of 'product' and 'routing'",
    )


# --- cross-references --------------------------------------------------------------


def test_unknown_machine_in_routing(tmp_path: Path) -> None:
    """A routing naming an unknown machine is refused."""
    data = base()
    op(data, 0)["machines"] = ["SAW-1", "LATHE-9"]
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: products[0].routing[0].machines: unknown machine 'LATHE-9'",
    )


def test_unknown_product(tmp_path: Path) -> None:
    """An order naming an unknown product is refused."""
    data = base()
    data["orders"][1]["product"] = "sedan"
    assert_invalid(
        validate(tmp_path, data), f"{FILE}: orders[1].product: unknown product 'sedan'"
    )


def test_unknown_option_name_on_order(tmp_path: Path) -> None:
    """An order choosing an option the product does not declare is refused."""
    data = base()
    data["orders"][0]["options"]["sunroof"] = "yes"
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[0].options.sunroof: product 'coupe' has no option 'sunroof'",
    )


def test_unknown_option_value_on_order(tmp_path: Path) -> None:
    """An order choosing an undeclared value of an option is refused."""
    data = base()
    data["orders"][0]["options"]["paint"] = "pink"
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[0].options.paint: unknown value 'pink' of option 'paint'",
    )


def test_declared_option_not_chosen(tmp_path: Path) -> None:
    """Every declared option must be chosen (contract rule 9)."""
    data = base()
    del data["orders"][0]["options"]["trim"]
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[0].options: option 'trim' of product 'coupe' is not chosen",
    )


def test_when_with_unknown_option(tmp_path: Path) -> None:
    """A `when` on an option the product does not declare is refused."""
    data = base()
    op(data, 2)["when"] = {"colour": "red"}
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: products[0].routing[2].when.colour: unknown option 'colour'",
    )


def test_unknown_calendar_on_machine(tmp_path: Path) -> None:
    """A machine naming an unknown calendar is refused."""
    data = base()
    data["machines"][0]["calendar"] = "nights"
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: machines[0].calendar: unknown calendar 'nights'",
    )


def test_unknown_changeover_matrix(tmp_path: Path) -> None:
    """A machine naming an unknown changeover matrix is refused."""
    data = base()
    data["machines"][2]["changeovers"] = "paint-matrix"
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: machines[2].changeovers: unknown changeover matrix 'paint-matrix'",
    )


def test_unknown_resource_in_uses(tmp_path: Path) -> None:
    """An operation using an undeclared resource is refused."""
    data = base()
    op(data, 2)["uses"] = {"trim-crew": 2}
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: products[0].routing[2].uses.trim-crew: unknown resource 'trim-crew'",
    )


def test_unknown_material_in_consumes(tmp_path: Path) -> None:
    """An operation consuming an undeclared material is refused."""
    data = base()
    op(data, 2)["consumes"] = {"hide-tan": 4}
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: products[0].routing[2].consumes.hide-tan: "
        "unknown material 'hide-tan'",
    )


def test_duplicate_operation_ids(tmp_path: Path) -> None:
    """Operation ids must be unique within a routing."""
    data = base()
    data["products"][0]["routing"].append(
        {"id": "cut", "after": [], "machines": ["SAW-1"], "minutes": 5}
    )
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: products[0].routing[4].id: duplicate operation id 'cut' "
        "(also at [0])",
    )


def test_cycle_in_after(tmp_path: Path) -> None:
    """A cycle of `after` edges is refused and the message spells out the cycle."""
    data = base()
    op(data, 0)["after"] = ["final"]
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: products[0].routing: cycle in 'after': cut -> paint -> final -> cut",
    )


def test_after_names_unknown_operation(tmp_path: Path) -> None:
    """`after` naming an operation not in the routing is refused."""
    data = base()
    op(data, 3)["after"] = ["paint", "polish"]
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: products[0].routing[3].after[1]: unknown operation 'polish'",
    )


def test_when_leaves_routing_empty(tmp_path: Path) -> None:
    """An order whose options switch off every operation is refused."""
    data = base()
    for operation in data["products"][0]["routing"]:
        operation["when"] = {"trim": "bespoke"}
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[0]: its options leave the routing without operations",
    )


def test_due_before_released(tmp_path: Path) -> None:
    """A due date before the release is refused."""
    data = base()
    data["orders"][1]["due"] = "2026-11-30T07:00:00Z"
    assert_invalid(
        validate(tmp_path, data), f"{FILE}: orders[1].due: is before 'released'"
    )


def test_unknown_time_zone(tmp_path: Path) -> None:
    """A time zone that is not an IANA name is refused."""
    data = base()
    data["timezone"] = "Mars/Olympus_Mons"
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: timezone: unknown IANA time zone 'Mars/Olympus_Mons'",
    )


def test_time_zone_naming_a_region_directory(tmp_path: Path) -> None:
    """`Europe` (a tz database folder, not a zone) is an input error, not a crash."""
    data = base()
    data["timezone"] = "Europe"
    assert_invalid(
        validate(tmp_path, data), f"{FILE}: timezone: unknown IANA time zone 'Europe'"
    )


# --- progress --------------------------------------------------------------------


def test_running_on_non_eligible_machine(tmp_path: Path) -> None:
    """A running operation on a machine not in its `machines` is refused."""
    data = base()
    data["orders"][0]["progress"] = {
        "cut": {"state": "done"},
        "paint": {
            "state": "running",
            "machine": "SAW-1",
            "started": "2026-11-30T05:00:00Z",
        },
    }
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[0].progress.paint.machine: "
        "machine 'SAW-1' is not eligible for 'paint'",
    )


def test_running_started_after_start(tmp_path: Path) -> None:
    """A running operation cannot have started after the planning start."""
    data = base()
    data["orders"][1]["progress"] = {
        "cut": {
            "state": "running",
            "machine": "SAW-2",
            "started": "2026-11-30T07:00:00Z",
        }
    }
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[1].progress.cut.started: "
        "a running operation cannot start after the planning start",
    )


def test_progress_on_unknown_operation(tmp_path: Path) -> None:
    """Progress naming an operation that is not in the routing is refused."""
    data = base()
    data["orders"][0]["progress"] = {"weld": {"state": "done"}}
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[0].progress.weld: unknown operation 'weld'",
    )


# --- compilation (needs the start) ------------------------------------------------


def test_operation_with_zero_duration(tmp_path: Path) -> None:
    """An operation without minutes takes 0 minutes, which is refused."""
    data = base()
    del op(data, 2)["minutes"]
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: products[0].routing[2]: operation 'trim' of order 'SO-2' "
        "takes 0 minutes on 'SAW-2'",
    )


def test_missing_start_without_now(tmp_path: Path) -> None:
    """No `start` and no `--now` is an input error; `--now` fixes it."""
    data = base()
    del data["start"]
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: start: no planning start: set 'start' in a scenario file "
        "or pass --now",
    )
    code, _, err = validate(tmp_path, data, "--now", "2026-11-30T06:00:00Z")
    assert code == 0, err


def test_invalid_now_is_a_usage_error(tmp_path: Path) -> None:
    """A malformed `--now` is a usage error (exit 2), not invalid input."""
    code, out, err = validate(tmp_path, base(), "--now", "tomorrow")
    assert code == 2
    assert "Traceback" not in err + out
    assert "'tomorrow' is not an ISO 8601 instant" in " ".join(err.split())


def with_sections() -> dict[str, Any]:
    """The base scenario declaring a calendar, a matrix, a crew and a material."""
    data = base()
    data["calendars"] = [{"id": "days", "shifts": []}]
    data["changeovers"] = [{"id": "paint", "default_minutes": 30}]
    data["resources"] = [{"id": "crew", "capacity": 2}]
    data["materials"] = [{"id": "hide", "on_hand": 10}]
    return data


def test_changeover_machines_need_families(tmp_path: Path) -> None:
    """On a machine with a matrix every operation needs a family (exit 1)."""
    data = with_sections()
    data["machines"][2]["changeovers"] = "paint"  # PAINT-1: 'paint' has a family
    code, _, err = validate(tmp_path, data)
    assert code == 0, err
    data["machines"][0]["changeovers"] = "paint"  # SAW-1: 'cut' and 'final' have none
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: products[0].routing[0]: machine 'SAW-1' has changeovers, so the "
        "operation needs 'family' or 'family_option'",
    )


def test_crews_and_materials_validate(tmp_path: Path) -> None:
    """`uses` and `consumes` within capacity and stock are accepted."""
    data = with_sections()
    op(data, 2).update(uses={"crew": 1}, consumes={"hide": 1})
    code, _, err = validate(tmp_path, data)
    assert code == 0, err


def test_a_machine_that_never_works_is_infeasible(tmp_path: Path) -> None:
    """A calendar without shifts leaves no time for the operations: exit 3."""
    data = with_sections()
    data["machines"][0]["calendar"] = "days"  # SAW-1 runs 'final' alone
    code, _, err = validate(tmp_path, data)
    assert code == 3, err
    flat = " ".join(err.split())
    assert "operation final" in flat and "SAW-1" in flat
    assert "Traceback" not in err


def test_a_material_shortage_names_material_quantity_and_orders(tmp_path: Path) -> None:
    """Without a lead time, demand beyond stock is infeasible: exit 3."""
    data = with_sections()
    op(data, 1).update(consumes={"hide": 4})  # paint: SO-1 (qty 2) and SO-2
    code, _, err = validate(tmp_path, data)
    assert code == 3, err
    flat = " ".join(err.split())
    assert "material hide: orders need 12" in flat
    assert "2 missing" in flat
    assert "SO-1 (8)" in flat and "SO-2 (4)" in flat


# --- merging several files ---------------------------------------------------------


def split(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Master data (plant.json) and the night's orders (orders.json)."""
    plant = {k: v for k, v in data.items() if k != "orders"}
    return plant, {"orders": data["orders"]}


def test_merged_files_validate(tmp_path: Path) -> None:
    """Plant and orders in two files merge; omitted scalars do not disagree."""
    plant, orders = split(base())
    write(tmp_path, plant, "plant.json")
    write(tmp_path, orders, "orders.json")
    code, _, err = run_cli("validate", "plant.json", "orders.json", cwd=tmp_path)
    assert code == 0, err


def test_errors_in_second_file_keep_its_own_paths(tmp_path: Path) -> None:
    """A reference error in the second file names that file and its own index."""
    plant, orders = split(base())
    orders["orders"][1]["product"] = "sedan"
    write(tmp_path, plant, "plant.json")
    write(tmp_path, orders, "orders.json")
    result = run_cli("validate", "plant.json", "orders.json", cwd=tmp_path)
    assert_invalid(result, "orders.json: orders[1].product: unknown product 'sedan'")


def test_duplicate_order_ids_within_a_file(tmp_path: Path) -> None:
    """Two orders with the same id in one file are refused."""
    data = base()
    data["orders"][1]["id"] = "SO-1"
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[1].id: duplicate id 'SO-1' (also at {FILE}: orders[0])",
    )


def test_duplicate_ids_across_files_name_both(tmp_path: Path) -> None:
    """A duplicate id across merged files names both files."""
    write(tmp_path, base(), "plant.json")
    write(tmp_path, {"orders": [base()["orders"][1]]}, "orders.json")
    result = run_cli("validate", "plant.json", "orders.json", cwd=tmp_path)
    assert_invalid(
        result,
        "orders.json: orders[0].id: duplicate id 'SO-2' (also at plant.json: "
        "orders[1])",
    )


def test_scalars_disagree_across_files(tmp_path: Path) -> None:
    """Two files with different `start` values are refused, naming both."""
    plant, orders = split(base())
    orders["start"] = "2026-11-30T07:00:00Z"
    write(tmp_path, plant, "plant.json")
    write(tmp_path, orders, "orders.json")
    result = run_cli("validate", "plant.json", "orders.json", cwd=tmp_path)
    assert_invalid(
        result,
        "orders.json: start: '2026-11-30T07:00:00+00:00' disagrees with plant.json "
        "('2026-11-30T06:00:00+00:00')",
    )


def test_bad_time_zone_in_second_file_names_that_file(tmp_path: Path) -> None:
    """An unknown time zone set only in the second file is reported there."""
    plant, orders = split(base())
    del plant["timezone"]
    orders["timezone"] = "Mars/Olympus_Mons"
    write(tmp_path, plant, "plant.json")
    write(tmp_path, orders, "orders.json")
    result = run_cli("validate", "plant.json", "orders.json", cwd=tmp_path)
    assert_invalid(
        result, "orders.json: timezone: unknown IANA time zone 'Mars/Olympus_Mons'"
    )


# --- reporting ----------------------------------------------------------------------


def test_all_errors_are_listed(tmp_path: Path) -> None:
    """Two bad orders give two issue lines, not just the first."""
    data = base()
    data["orders"][0]["product"] = "sedan"
    data["orders"][1]["product"] = "roadster"
    result = validate(tmp_path, data)
    assert_invalid(result)
    assert "(2 problem(s))" in result[2]
    assert issue_lines(result[2]) == [
        f"{FILE}: orders[0].product: unknown product 'sedan'",
        f"{FILE}: orders[1].product: unknown product 'roadster'",
    ]


def test_all_field_errors_are_listed(tmp_path: Path) -> None:
    """Field errors in two orders are both reported."""
    data = base()
    data["orders"][0]["quantity"] = 0
    data["orders"][1]["due"] = "soon"
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[0].quantity: input should be greater than or equal to 1",
        f"{FILE}: orders[1].due: 'soon' is not an ISO 8601 instant",
    )


def test_errors_of_every_file_are_listed(tmp_path: Path) -> None:
    """Two broken files are both reported in one run."""
    (tmp_path / "a.json").write_text("{", encoding="utf-8")
    (tmp_path / "b.json").write_text("[]", encoding="utf-8")
    result = run_cli("validate", "a.json", "b.json", cwd=tmp_path)
    assert_invalid(
        result,
        "a.json: line 1, column 2: invalid JSON:",
        "b.json: a scenario must be a JSON object",
    )


def test_each_issue_is_one_unwrapped_line(tmp_path: Path) -> None:
    """A long 'file: path: message' stays on one line (grep-able in CI logs)."""
    data = base()
    data["orders"][1]["product"] = "sedan"
    path = tmp_path / ("long-" * 12 + "orders.json")
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run_cli("validate", path, cwd=tmp_path)
    assert code == 1
    assert f"{path}: orders[1].product: unknown product 'sedan'" in issue_lines(err)


def test_json_format_lists_errors(tmp_path: Path) -> None:
    """`validate --format json` prints {"valid": false, "errors": [...]} on stdout."""
    data = base()
    data["orders"][1]["product"] = "sedan"
    data["orders"][0]["priority"] = 0
    data["orders"][0]["prioirty"] = 3
    code, out, err = validate(tmp_path, data, "--format", "json")
    assert code == 1
    assert "Traceback" not in err
    assert json.loads(out) == {
        "valid": False,
        "errors": [
            {
                "file": FILE,
                "path": "orders[0].priority",
                "message": "input should be greater than or equal to 1",
            },
            {
                "file": FILE,
                "path": "orders[0].prioirty",
                "message": "unknown field (fields starting with 'x-' are ignored)",
            },
        ],
    }
    del data["orders"][0]["prioirty"]
    data["orders"][0]["priority"] = 1
    code, out, _ = validate(tmp_path, data, "--format", "json")
    assert code == 1
    assert json.loads(out)["errors"] == [
        {
            "file": FILE,
            "path": "orders[1].product",
            "message": "unknown product 'sedan'",
        }
    ]


def test_error_path_keeps_user_keys_with_brackets(tmp_path: Path) -> None:
    """A key of the user's file that contains brackets stays in the error path."""
    data = base()
    data["orders"][0]["options"]["length[mm]"] = 1200
    assert_invalid(
        validate(tmp_path, data),
        f"{FILE}: orders[0].options.length[mm]: input should be a valid string",
    )


def test_naive_and_offset_starts_that_mean_the_same_instant_agree(
    tmp_path: Path,
) -> None:
    """A naive 06:00 in a UTC scenario and 06:00Z are the same start: no error."""
    data = base()
    plant = {k: v for k, v in data.items() if k != "orders"}
    orders = {"orders": data["orders"], "start": "2026-11-30T06:00:00"}
    first = write(tmp_path, plant, "plant.json")
    second = write(tmp_path, orders, "orders.json")
    code, _, err = run_cli("validate", first, second, cwd=tmp_path)
    assert code == 0, err
