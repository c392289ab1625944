"""Readers of the classic benchmark formats and the `import` command.

Small hand-written files pin down the mapping (machines, orders, minutes);
ft06 and mk01 (copied unchanged into tests/data) prove that an imported
classic solves to its known optimum and passes the independent checker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtosched import SolveParams, build_problem, load_scenario, solve
from mtosched.errors import InputError
from mtosched.importers import parse_fjsp, parse_jsplib, read_fjsp, read_jsplib
from tests.helpers import DATA, ROOT, assert_checked, run_cli

#: CI clones the repository beside `shared/`; locally it may be absent.
SHARED = ROOT.parent / "shared" / "benchmarks"
COPIES = {
    "ft06": "jsplib/instances/ft06",
    "mk01.txt": "fjsp-brandimarte/mk01.txt",
}

# Two jobs on two machines, with a comment block as in JSPLIB files.
# J0: M0 for 3, then M1 for 2; J1: M1 for 4, then M0 for 1.
# J1 first on M1 (0-4) lets J0 use M0 at 0-3, then M1 at 4-6 while J1 uses
# M0 at 4-5: makespan 6. J0 first on M1 (3-5) delays J1 to 5-9, then 9-10.
# So the optimum is 6.
TINY_JSPLIB = """\
#+++++
# instance tiny
#+++++
2 2
0 3 1 2
1 4 0 1
"""

# Brandimarte style: two jobs, three machines, average flexibility 1.5.
# J0: o0 on M1 (5) or M2 (3), then o1 on M3 (2). J1: o0 on M2 (4).
TINY_FJSP = """\
2   3   1.5
2  2 1 5 2 3  1 3 2
1  1 2 4

"""


def benchmark(name: str) -> Path:
    """The tests/data copy of a benchmark file, else the shared one, else skip."""
    copy = DATA / name
    if copy.exists():
        return copy
    shared = SHARED / COPIES[name]
    if not shared.exists():
        pytest.skip(f"benchmark file {name} not available")
    return shared


def test_jsplib_maps_jobs_to_orders_and_machines_from_zero() -> None:
    """Comments skipped; machine k is Mk; each job is a chain of list-form ops."""
    scenario = parse_jsplib(TINY_JSPLIB, file="tiny", name="tiny")
    assert scenario.name == "tiny"
    assert [m.id for m in scenario.machines] == ["M0", "M1"]
    assert [o.id for o in scenario.orders] == ["J0", "J1"]
    assert scenario.objective_terms == ("makespan",)
    routing = scenario.orders[1].routing
    assert routing is not None
    assert [(op.id, op.machines, op.minutes) for op in routing] == [
        ("o0", ["M1"], 4),
        ("o1", ["M0"], 1),
    ]
    assert all(o.released == scenario.start == o.due for o in scenario.orders)


def test_tiny_jsplib_solves_to_its_hand_worked_optimum() -> None:
    """Makespan 6, as worked out beside TINY_JSPLIB."""
    scenario = parse_jsplib(TINY_JSPLIB, file="tiny", name="tiny")
    schedule = solve(scenario, SolveParams(time_limit=10, workers=1, seed=0))
    assert schedule.status == "optimal"
    assert schedule.objective["makespan"] == 6
    assert_checked(build_problem(scenario), schedule)


def test_fjsp_maps_alternatives_to_the_object_form() -> None:
    """Machines from 1; several machines → {machine: minutes}, one → list form."""
    scenario = parse_fjsp(TINY_FJSP, file="tiny.txt", name="tiny")
    assert [m.id for m in scenario.machines] == ["M1", "M2", "M3"]
    first, second = scenario.orders
    assert first.routing is not None and second.routing is not None
    assert first.routing[0].machines == {"M1": 5, "M2": 3}
    assert first.routing[0].minutes is None
    assert (first.routing[1].machines, first.routing[1].minutes) == (["M3"], 2)
    assert (second.routing[0].machines, second.routing[0].minutes) == (["M2"], 4)


def test_zero_minute_operations_are_dropped_keeping_their_ids() -> None:
    """The contract needs >= 1 minute; a zero-minute op cannot change makespan."""
    text = "2 2\n0 0 1 5\n1 0 0 0\n"
    scenario = parse_jsplib(text, file="zeros", name="zeros")
    assert [o.id for o in scenario.orders] == ["J0"]  # J1 had only zeros
    routing = scenario.orders[0].routing
    assert routing is not None
    assert [op.id for op in routing] == ["o1"]
    flexible = parse_fjsp("1 2\n2  2 1 0 2 7  1 2 3\n", file="z", name="z")
    only = flexible.orders[0].routing
    assert only is not None
    assert [op.id for op in only] == ["o1"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", "line 1", "no header"),
        ("2 2\n0 3 1 2\n", "line 2", "truncated"),
        ("1 2\n0 3 1\n", "line 2", "the line ends"),
        ("1 2\n0 3 1 x\n", "line 2", "'x' is not a whole number"),
        ("1 2\n0 3 2 2\n", "line 2", "machine 2 is out of range"),
        ("1 2\n0 3 1 -2\n", "line 2", "less than 0"),
        ("1 2\n0 3 1 2 5\n", "line 2", "unexpected value"),
        ("1 2\n0 3 1 2\n1 1 0 1\n", "line 3", "one too many"),
        ("1 2 3\n0 3 1 2\n", "line 1", "unexpected value"),
    ],
)
def test_broken_jsplib_names_the_line(text: str, line: str, message: str) -> None:
    """Every broken file is one located input error, never a crash."""
    with pytest.raises(InputError) as caught:
        parse_jsplib(text, file="bad", name="bad")
    (issue,) = caught.value.issues
    assert (issue.file, issue.path) == ("bad", line)
    assert message in issue.message


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("1 2 x\n1 1 1 5\n", "line 1", "not a number"),
        ("1 2\n1 0\n", "line 2", "less than 1"),
        ("1 2\n1 1 0 5\n", "line 2", "machine 0 is out of range"),
        ("1 2\n1 2 1 5 1 6\n", "line 2", "machine 1 twice"),
        ("1 2\n2 1 1 5\n", "line 2", "the line ends"),
    ],
)
def test_broken_fjsp_names_the_line(text: str, line: str, message: str) -> None:
    """FJSP errors name the line too; machine numbers start at 1."""
    with pytest.raises(InputError) as caught:
        parse_fjsp(text, file="bad", name="bad")
    (issue,) = caught.value.issues
    assert (issue.file, issue.path) == ("bad", line)
    assert message in issue.message


@pytest.mark.cli
def test_import_round_trip_validates(tmp_path: Path) -> None:
    """import → JSON file → `validate` through the real CLI, for both formats."""
    for source, text, name in (
        ("jsplib", TINY_JSPLIB, "tiny"),
        ("fjsp", TINY_FJSP, "tiny.txt"),
    ):
        given = tmp_path / name
        given.write_text(text, encoding="utf-8")
        out = tmp_path / f"{source}.json"
        imported = run_cli("import", source, given, "-o", out)
        assert imported.returncode == 0, imported.stderr
        assert imported.stdout == ""
        validated = run_cli("validate", out)
        assert validated.returncode == 0, validated.stdout + validated.stderr
        assert "2 orders" in validated.stdout
        reread = read_jsplib(given) if source == "jsplib" else read_fjsp(given)
        assert load_scenario(out).model_dump() == reread.model_dump()


@pytest.mark.cli
def test_import_writes_stdout_without_o(tmp_path: Path) -> None:
    """No -o (or -o -) prints the scenario JSON on stdout for pipes."""
    given = tmp_path / "tiny"
    given.write_text(TINY_JSPLIB, encoding="utf-8")
    for extra in ((), ("-o", "-")):
        result = run_cli("import", "jsplib", given, *extra)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["name"] == "tiny"


@pytest.mark.cli
def test_import_of_a_broken_file_exits_1_with_file_and_line(tmp_path: Path) -> None:
    """Letters where numbers belong, or a truncated file: exit 1, no traceback."""
    letters = tmp_path / "letters.txt"
    letters.write_text("2 2 1\n1 1 1 5\n1 1 two 5\n", encoding="utf-8")
    truncated = tmp_path / "ft06-cut"
    truncated.write_text(
        "\n".join(benchmark("ft06").read_text().splitlines()[:7]), encoding="utf-8"
    )
    for source, broken, line in (
        ("fjsp", letters, "line 3"),
        ("jsplib", truncated, "line 7"),
    ):
        result = run_cli("import", source, broken, "-o", tmp_path / "out.json")
        assert result.returncode == 1
        assert f"{broken}: {line}:" in result.stderr.replace("\n", "")
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "out.json").exists()


@pytest.mark.cli
def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    """The format is a fixed choice: anything else exits 2."""
    result = run_cli("import", "taillard", tmp_path / "x")
    assert result.returncode == 2


def test_ft06_imports_and_solves_to_its_optimum_55() -> None:
    """Fisher & Thompson 6x6: the proven optimal makespan is 55."""
    scenario = read_jsplib(benchmark("ft06"))
    assert (len(scenario.orders), len(scenario.machines)) == (6, 6)
    schedule = solve(scenario, SolveParams(time_limit=30, workers=2, seed=0))
    assert schedule.status == "optimal"
    assert schedule.objective["makespan"] == 55
    assert_checked(build_problem(scenario), schedule)


@pytest.mark.cli
def test_mk01_imports_validates_and_solves_checked(tmp_path: Path) -> None:
    """Brandimarte mk01 (optimum 40): valid via the CLI, a short solve is checked."""
    source = benchmark("mk01.txt")
    out = tmp_path / "mk01.json"
    assert run_cli("import", "fjsp", source, "-o", out).returncode == 0
    validated = run_cli("validate", out)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "10 orders to schedule, 55 operations on 6 machines" in validated.stdout
    scenario = read_fjsp(source)
    schedule = solve(scenario, SolveParams(time_limit=5, workers=2, seed=0))
    assert schedule.objective["makespan"] >= 40
    assert_checked(build_problem(scenario), schedule)


@pytest.mark.parametrize("name", sorted(COPIES))
def test_data_copies_match_the_shared_benchmarks(name: str) -> None:
    """tests/data holds the public files unchanged, when shared/ is there to compare."""
    shared = SHARED / COPIES[name]
    if not shared.exists():
        pytest.skip("shared/benchmarks not available")
    assert (DATA / name).read_bytes() == shared.read_bytes()


def test_tests_data_lives_in_the_repository() -> None:
    """The key tests must run in a fresh clone, without shared/."""
    assert (DATA / "ft06").exists()
    assert (DATA / "mk01.txt").exists()
