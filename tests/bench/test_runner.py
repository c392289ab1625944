"""The benchmark runner's pure parts: set names, readers, gaps, tables, peer check.

`benchmarks/run.py` itself solves for minutes and is not part of the suite;
these tests run its parsing, reference look-up, arithmetic and writers on
tiny inputs, without solving. The data folder is faked in `tmp_path`; the
tests that read the real `shared/benchmarks` skip when it is absent.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mtosched import Problem, Scenario, build_problem, check, load_scenario
from mtosched.importers import parse_jsplib
from tests.helpers import INSTANCES, ROOT

BENCHMARKS = ROOT / "benchmarks"
sys.path.append(str(BENCHMARKS))  # its modules import each other by bare name

import bench_peer  # noqa: E402
import bench_replay  # noqa: E402
import bench_sets  # noqa: E402
import bench_table  # noqa: E402
from bench_sets import SetError, expand  # noqa: E402
from bench_table import PeerResult, Row  # noqa: E402

#: CI clones the repository beside `shared/`; locally it may be absent.
SHARED = ROOT.parent / "shared" / "benchmarks"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="shared/benchmarks not available"
)


def _runner() -> ModuleType:
    """benchmarks/run.py as a module (its file name is too generic to import)."""
    spec = importlib.util.spec_from_file_location("bench_run", BENCHMARKS / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Two jobs, two machines, machines listed first as the tardiness files do.
# Durations are by machine: J0 takes 3 on M1 and 5 on M2, and visits M2 first.
TINY_TARDINESS = (
    "2\t2\nProcessing times: \n3\t5\n4\t2\n"
    "Routes of jobs: \n2\t1\n1\t2\nDue dates: \n8\t\n7\t\n"
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A fake shared/benchmarks with empty files where only names matter."""
    jsplib = tmp_path / "jsplib" / "instances"
    jsplib.mkdir(parents=True)
    for k in range(1, 13):
        (jsplib / f"la{k:02d}").write_text("1 1\n0 5\n")
    (jsplib / "ft06").write_text("1 1\n0 5\n")
    brandimarte = tmp_path / "fjsp-brandimarte"
    brandimarte.mkdir()
    for k in range(1, 12):
        (brandimarte / f"mk{k:02d}.txt").write_text("1 1\n1 1 1 5\n")
    root = tmp_path / "jssp-total-tardiness" / "Instances"
    for folder, names in {
        "Lawrence": ["gla01", "gla02", "gla03"],
        "Prata, Fernandez-Viagas, and Talens": ["P1", "P2", "P10"],
    }.items():
        (root / folder).mkdir(parents=True)
        for name in names:
            (root / folder / f"{name}.txt").write_text(TINY_TARDINESS)
    return tmp_path


def _names(spec: str, data: Path) -> list[str]:
    return [i.name for i in expand(spec, data)]


def test_a_family_name_is_every_instance_of_it_in_natural_order(data: Path) -> None:
    """`la` is la01..la12 here (la10 after la09), and each keeps its csv key."""
    instances = expand("la", data)
    assert [i.name for i in instances] == [f"la{k:02d}" for k in range(1, 13)]
    assert instances[0].known == ("jsplib", "la01")
    assert instances[0].kind == "jsplib"


def test_ranges_are_padded_like_their_first_number(data: Path) -> None:
    """la01-03 pads to two digits; P1-2 pads to none."""
    assert _names("la01-03", data) == ["la01", "la02", "la03"]
    assert _names("P1-2", data) == ["P1", "P2"]
    assert expand("P1-2", data)[0].known == ("jssp-tt-prata", "P1")


def test_mk_is_brandimartes_first_ten(data: Path) -> None:
    """mk11 exists in the folder but `mk` stops at mk10, the classic set."""
    assert _names("mk", data) == [f"mk{k:02d}" for k in range(1, 11)]
    assert expand("mk01", data)[0].known == ("fjsp-brandimarte", "mk01")


def test_tardiness_sets_read_their_folder(data: Path) -> None:
    """tardiness-prata lists P1, P2, P10 in natural order, with the csv set."""
    assert _names("tardiness-prata", data) == ["P1", "P2", "P10"]
    lawrence = expand("tardiness-lawrence", data)
    assert lawrence[0].known == ("jssp-tt-lawrence", "gla01")
    assert {i.kind for i in lawrence} == {"tardiness"}


def test_twt_wraps_jsplib_instances(data: Path) -> None:
    """twt:la01-02 are the weighted-tardiness versions, with their own csv set."""
    instances = expand("twt:la01-02", data)
    assert [i.name for i in instances] == ["twt:la01", "twt:la02"]
    assert instances[1].known == ("jsptwt-lawrence-f1.3", "la02")
    assert _names("twt-lawrence", data)[-1] == "twt:la12"


def test_plants_are_generated_by_order_count(data: Path) -> None:
    """plants:40,200 are two generated plants; 200 orders get 20 machines."""
    plants = expand("plants:40,200", data)
    assert [(p.name, p.orders, p.kind) for p in plants] == [
        ("plant-40", 40, "plant"),
        ("plant-200", 200, "plant"),
    ]
    arguments = " ".join(bench_sets.plant_arguments(200))
    note = (BENCHMARKS / "data" / "plant-200x6.json").read_text()
    assert f"({arguments})" in note  # the committed plant, byte for byte


@pytest.mark.parametrize(
    "spec", ["nope", "plants:x", "plants:0", "la05-01", "tardiness-foo", "twt:mk01"]
)
def test_names_that_name_nothing_are_set_errors(data: Path, spec: str) -> None:
    """Unknown names, bad plant counts, backward ranges: one SetError each."""
    with pytest.raises(SetError, match=spec.split(":")[0].split("-")[0]):
        expand(spec, data)


def test_the_runner_lists_each_instance_once(data: Path) -> None:
    """Overlapping set names keep the first occurrence only."""
    runner = _runner()
    instances = runner.instances_of(["la01-02", "la02", "ft06"], data)
    assert [i.name for i in instances] == ["la01", "la02", "ft06"]


def test_a_tardiness_file_becomes_a_scenario_with_durations_by_machine(
    tmp_path: Path,
) -> None:
    """J0 visits M2 (5 min, its column 2) then M1 (3); due dates in minutes."""
    path = tmp_path / "g1.txt"
    path.write_text(TINY_TARDINESS)
    data = bench_sets.read_tardiness(path)
    scenario = Scenario.model_validate(data)
    assert scenario.objective_terms == ("weighted_tardiness",)
    first = data["orders"][0]
    assert [(op["machines"], op["minutes"]) for op in first["routing"]] == [
        (["M2"], 5),
        (["M1"], 3),
    ]
    assert first["due"] == "2026-01-01T00:08:00Z"
    assert data["orders"][1]["due"] == "2026-01-01T00:07:00Z"
    # Priorities default to 1: weighted tardiness is the total tardiness.
    assert all(o.priority == 1 for o in scenario.orders or [])


def test_a_broken_tardiness_file_names_itself(tmp_path: Path) -> None:
    """A missing due-date line is reported with the file, not a traceback."""
    path = tmp_path / "cut.txt"
    path.write_text(TINY_TARDINESS.rsplit("7", 1)[0])
    with pytest.raises(ValueError, match=r"cut\.txt"):
        bench_sets.read_tardiness(path)


def test_singer_pinedo_weights_and_floored_due_dates() -> None:
    """Five jobs: weight 4 for the first (j <= 1), 2 for j <= 4, 1 for the last.

    Job 1 works 7 min: due floor(1.3 * 7) = floor(9.1) = 9; job 2 works 10:
    due 13 exactly.
    """
    text = "5 1\n0 7\n0 10\n0 1\n0 1\n0 1\n"
    data = bench_sets._dump(parse_jsplib(text, file="t", name="t"))
    twt = bench_sets.singer_pinedo(data)
    assert [o["priority"] for o in twt["orders"]] == [4, 2, 2, 2, 1]
    assert twt["orders"][0]["due"] == "2026-01-01T00:09:00Z"
    assert twt["orders"][1]["due"] == "2026-01-01T00:13:00Z"
    assert twt["objective"] == {"terms": ["weighted_tardiness"]}


def test_known_values_are_read_with_their_term(tmp_path: Path) -> None:
    """Empty cells are None; total tardiness is measured by weighted_tardiness."""
    path = tmp_path / "known.csv"
    path.write_text(
        "set,instance,jobs,machines,objective,best_known,lower_bound,optimal,source\n"
        'jsplib,la01,10,5,makespan,666,666,yes,"a, b"\n'
        "jssp-tt-prata,P24,15,5,total_tardiness,5930,3364,no,x\n"
        "jsptwt-lawrence-f1.3,la04,10,5,total_weighted_tardiness,1917,,no,y\n"
    )
    known = bench_sets.read_known_values(path)
    assert known[("jsplib", "la01")].optimal
    assert known[("jsplib", "la01")].term == "makespan"
    assert known[("jssp-tt-prata", "P24")].best_known == 5930
    twt = known[("jsptwt-lawrence-f1.3", "la04")]
    assert twt.lower_bound is None
    assert not twt.optimal
    assert twt.term == "weighted_tardiness"


def test_gaps_and_ratios() -> None:
    """Gaps in percent of best-known and of the objective; ratio to the peer."""
    assert bench_table.gap_to_best(666, 666) == 0.0
    assert bench_table.gap_to_best(700, 500) == pytest.approx(40.0)
    assert bench_table.gap_to_best(5, 0) is None
    assert bench_table.gap_to_best(0, 0) == 0.0
    assert bench_table.gap_to_best(None, 5) is None
    assert bench_table.gap_to_bound(200, 150) == pytest.approx(25.0)
    assert bench_table.gap_to_bound(0, 0) == 0.0
    assert bench_table.gap_to_bound(10, None) is None
    assert bench_table.ratio(10, 8) == pytest.approx(1.25)
    assert bench_table.ratio(0, 0) == 1.0
    assert bench_table.ratio(3, 0) is None


ROWS = [
    Row("la01", "10x5", "makespan", 666, 666, 666, True, 870, 0.5, 112.0,
        "optimal", "ok", PeerResult(666, 666, "optimal", 0.1, 102.0, "ok")),
    Row("la02", "10x5", "makespan", 700, 600, 655, True, 900, 10.0, 120.0,
        "feasible", "ok", PeerResult(690, 655, "feasible", 10.0, 110.0, "ok")),
    Row("plant-40", "40x5, 240 ops", "weighted_tardiness", dispatch=10,
        status="no schedule", check="—", notes=("generated", "x | y")),
]  # fmt: skip


def test_the_summary_counts_and_averages_rows_with_values() -> None:
    """Mean gap over la01 (0 %) and la02 (100*45/655); ratio over both peers."""
    summary = bench_table.summarize(ROWS)
    assert summary.instances == 3
    assert (summary.at_best, summary.with_best) == (1, 2)
    assert summary.mean_gap_best == pytest.approx((0 + 100 * 45 / 655) / 2)
    assert summary.mean_ratio == pytest.approx((1 + 700 / 690) / 2)
    assert (summary.optimal, summary.checks_ok, summary.peer_optimal) == (1, 2, 1)
    assert summary.max_peak_mb == 120.0


def test_markdown_rows_line_up_with_the_header() -> None:
    """Every line has as many cells as the header; '*' marks proven optima."""
    text = bench_table.markdown(["# title", "command"], ROWS, with_peer=True)
    lines = text.splitlines()
    assert lines[:2] == ["# title", "command"]
    table = [line for line in lines if line.startswith("|")]
    widths = {line.count("|") for line in table}
    assert widths == {len(bench_table.columns(True)) + 1}
    assert "| 666* |" in table[2]
    assert table[-1].startswith("| **summary (3)**")
    assert "x / y" in table[4]  # a '|' inside a cell would split it
    without = bench_table.markdown([], ROWS, with_peer=False).splitlines()
    assert "peer" not in without[1]


def test_csv_has_one_record_per_row_and_a_summary(tmp_path: Path) -> None:
    """PREFIX.csv reads back with the documented fields; PREFIX.md is beside it."""
    written = bench_table.write_tables(tmp_path / "out" / "t-10s", ["# t"], ROWS, True)
    assert [p.name for p in written] == ["t-10s.csv", "t-10s.md"]
    records = list(csv.DictReader(io.StringIO(written[0].read_text())))
    assert list(records[0]) == list(bench_table.CSV_FIELDS)
    assert [r["instance"] for r in records] == ["la01", "la02", "plant-40", "summary"]
    assert records[1]["gap_best_pct"] == f"{100 * 45 / 655:.3f}"
    assert records[1]["ratio"] == f"{700 / 690:.4f}"
    assert records[2]["objective"] == ""
    assert records[3]["best_known"] == "1/2 at best-known"


# Job 0: task 0 on machine 0 (3 min, or 5 on machine 1), then task 1 on
# machine 1 (2 min) at most 1 min later. Job 1: task 2 on machine 1 (4 min).
# Weights 2 and 1, due 4 and 4.
SHOP = {
    "name": "tiny",
    "objective": "weighted_tardiness",
    "machines": ["A", "B"],
    "jobs": [
        {"id": "J0", "weight": 2, "release": 0, "due": 4},
        {"id": "J1", "weight": 1, "release": 0, "due": 4},
    ],
    "tasks": [
        {"name": "J0/o0", "job": 0, "modes": [[0, 3], [1, 5]]},
        {"name": "J0/o1", "job": 0, "modes": [[1, 2]]},
        {"name": "J1/o0", "job": 1, "modes": [[1, 4]]},
    ],
    "precedences": [[0, 1, 0]],
    "max_waits": [[0, 1, 1]],
}


def test_a_feasible_peer_schedule_gets_its_objective_recomputed() -> None:
    """J1 on B 0-4 (on time), J0 on A 0-3 then B 4-6: 2 late by 2 = 4."""
    value, problems = bench_peer.check_shop(SHOP, [[0, 0, 3], [1, 4, 6], [1, 0, 4]])
    assert problems == []
    assert value == 4
    makespan = {**SHOP, "objective": "makespan"}
    assert bench_peer.shop_objective(makespan, [[0, 0, 3], [1, 4, 6], [1, 0, 4]]) == 6


def test_a_broken_peer_schedule_is_caught() -> None:
    """Overlap, wrong duration, precedence, ineligible machine, too long a wait."""
    _, problems = bench_peer.check_shop(SHOP, [[0, 0, 4], [1, 2, 4], [1, 0, 4]])
    text = " ".join(problems)
    assert "runs 4 min, needs 3" in text
    assert "J0/o1: starts before J0/o0 ends" in text
    assert "overlap" in text
    _, problems = bench_peer.check_shop(SHOP, [[1, 0, 2], [0, 3, 5], [1, 5, 9]])
    assert any("not eligible" in p for p in problems)
    _, problems = bench_peer.check_shop(SHOP, [[0, 0, 3], [1, 5, 7], [1, 0, 4]])
    assert problems == ["J0/o1: waits more than 1 min after J0/o0"]
    assert bench_peer.check_shop(SHOP, [])[1] == ["0 placements for 3 tasks"]


def test_the_peer_is_compared_by_what_its_schedule_gives() -> None:
    """An over-reported objective is noted; the ratio uses the schedule's value.

    The tiny job shop: J0 = (M0 3, M1 2), J1 = (M1 4, M0 1); the placements
    below end at 6, which the peer reports as 9 (as PyJobShop's tardiness
    can be, when a solve stops early). Replayed under the contract's rules
    they stay as they are: makespan 6, passing mtosched's checker.
    """
    problem = build_problem(parse_jsplib("2 2\n0 3 1 2\n1 4 0 1\n", file="t", name="t"))
    shop = bench_peer.shop_from_problem(problem)
    placements = [[0, 0, 3], [1, 4, 6], [1, 0, 4], [0, 4, 5]]
    runner = _runner()
    verdict = runner.peer_verdict
    assert verdict(shop, {"objective": 6, "placements": placements}) == ("ok", 6)
    assert verdict(shop, {"objective": 9, "placements": placements}) == (
        "ok (reported 9, schedule gives 6)",
        6,
    )
    assert runner.replay_verdict(problem, placements) == ("ok", 6)
    overlapping = [[0, 0, 3], [1, 4, 6], [1, 3, 7], [0, 7, 8]]
    text, objective = verdict(shop, {"objective": 8, "placements": overlapping})
    assert text.startswith("FAILED") and objective == 8
    assert verdict(shop, {"objective": 5}) == ("—", 5)
    assert runner.replay_verdict(problem, []) == ("—", None)


def test_the_peer_gets_the_compiled_problem() -> None:
    """The tiny JSPLIB job shop: a chain per job, one mode per task, makespan."""
    text = "2 2\n0 3 1 2\n1 4 0 1\n"
    problem = build_problem(parse_jsplib(text, file="t", name="t"))
    shop = bench_peer.shop_from_problem(problem)
    assert shop["objective"] == "makespan"
    assert shop["machines"] == ["M0", "M1"]
    modes = [t["modes"] for t in shop["tasks"]]
    assert modes == [[[0, 3]], [[1, 2]], [[1, 4]], [[0, 1]]]
    assert shop["precedences"] == [[0, 1, 0], [2, 3, 0]]
    assert shop["max_waits"] == []


def test_the_peer_is_not_given_what_it_would_model_differently() -> None:
    """Materials and running work: no peer model rather than a wrong one."""
    problem = build_problem(load_scenario(INSTANCES / "shopfloor-small.json"))
    with pytest.raises(bench_peer.NotModelled, match="materials"):
        bench_peer.shop_from_problem(problem)


def test_peer_without_pyjobshop_exits_2_telling_how_to_install(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--peer pyjobshop on a machine without it: exit 2, naming the bench extra."""
    runner = _runner()
    monkeypatch.setattr(runner.importlib.util, "find_spec", lambda name: None)
    code = runner.main(["ft06", "--peer", "pyjobshop", "--data", str(data)])
    assert code == 2
    assert ".[bench]" in capsys.readouterr().err


@needs_shared
def test_the_named_sets_resolve_in_shared_benchmarks() -> None:
    """la is 40 instances, ta01-10 ten, ft three, mk ten, the tardiness sets 40/60."""
    assert len(expand("la", SHARED)) == 40
    assert _names("ta01-10", SHARED)[-1] == "ta10"
    assert _names("ft", SHARED) == ["ft06", "ft10", "ft20"]
    assert len(expand("mk", SHARED)) == 10
    assert len(expand("tardiness-lawrence", SHARED)) == 40
    assert len(expand("tardiness-prata", SHARED)) == 60
    known = bench_sets.read_known_values(SHARED / "known-values.csv")
    for instance in expand("la", SHARED) + expand("mk", SHARED):
        assert instance.known is not None
        assert known[instance.known].best_known is not None


@needs_shared
def test_gla01_is_la01_with_due_dates() -> None:
    """Shared README: gla01 job 1 routes 2 1 5 4 3 with la01 job 0's minutes."""
    data = bench_sets.scenario_data(expand("gla01", SHARED)[0])
    first = data["orders"][0]["routing"]
    assert [(op["machines"][0], op["minutes"]) for op in first] == [
        ("M2", 21), ("M1", 53), ("M5", 95), ("M4", 55), ("M3", 34),
    ]  # fmt: skip
    twt = bench_sets.scenario_data(expand("twt:la01", SHARED)[0])
    # la01 job 0 works 21 + 53 + 95 + 55 + 34 = 258 min: due floor(335.4).
    assert twt["orders"][0]["due"] == "2026-01-01T05:35:00Z"
    assert [o["priority"] for o in twt["orders"]] == [4, 4, 2, 2, 2, 2, 2, 2, 1, 1]


# --- the peer on plant features: changeovers, calendars, crews ----------------

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
MONDAY = "2026-11-30T06:00:00Z"  # minute 0; the "days" calendar works 06-10


def _minute(minutes: int) -> str:
    """An instant `minutes` after Monday 06:00 UTC."""
    return (datetime.fromisoformat(MONDAY) + timedelta(minutes=minutes)).isoformat()


def _plant(
    machines: list[dict[str, Any]],
    orders: list[tuple[str, dict[str, Any], int, int]],
    **extra: Any,
) -> Problem:
    """Orders (id, operation, due minute, priority) of one operation each."""
    scenario = Scenario.model_validate(
        {
            "start": MONDAY,
            "calendars": [
                {
                    "id": "days",
                    "shifts": [{"days": WEEKDAYS, "from": "06:00", "to": "10:00"}],
                }
            ],
            "changeovers": [{"id": "paint", "default_minutes": 60}],
            "machines": machines,
            "orders": [
                {
                    "id": name,
                    "routing": [{"id": "op", **op}],
                    "due": _minute(due),
                    "priority": priority,
                }
                for name, op, due, priority in orders
            ],
            "objective": {"terms": ["weighted_tardiness"]},
            **extra,
        }
    )
    return build_problem(scenario)


def _peer(problem: Problem) -> tuple[dict[str, Any], dict[str, Any]]:
    """The runner's shop (with its hint) and the peer's solve: 1 worker, 3 s."""
    pytest.importorskip("pyjobshop")
    shop, _ = _runner().peer_shop(problem)
    return shop, bench_peer.solve_shop(shop, time_limit=3, workers=1, seed=0)


def test_changeovers_and_the_initial_family_become_setup_times() -> None:
    """One booth around the clock, set up for red; 60 min per job and change.

    White (due 60) and black (due 240), 60 min each. White first: set-up
    0-60, white 60-120 (60 late), change, black 180-240 (on time): 60.
    Black first: black 60-120, white 180-240 (180 late): 180. Optimum 60;
    without the initial set-up it would be 0.
    """
    booth = {"id": "BOOTH", "changeovers": "paint", "initial_family": "red"}
    problem = _plant(
        [booth],
        [
            ("white", {"machines": ["BOOTH"], "minutes": 60, "family": "white"}, 60, 1),
            (
                "black",
                {"machines": ["BOOTH"], "minutes": 60, "family": "black"},
                240,
                1,
            ),
        ],
    )
    shop, result = _peer(problem)
    assert shop["initial_setups"] == [[0, 0, 60], [0, 1, 60]]
    assert sorted(shop["setups"]) == [[0, 0, 1, 60], [0, 1, 0, 60]]
    assert result["status"] == "optimal"
    assert result["objective"] == 60
    assert bench_peer.check_shop(shop, result["placements"]) == (60, [])
    assert _runner().replay_verdict(problem, result["placements"]) == ("ok", 60)


def test_calendars_pause_interruptible_work_and_crews_share() -> None:
    """Machines A and B work 06-10 (minutes [0, 240), [1440, 1680)...); one crew.

    Weld (A, 300 min, due Tue 08:00 = 1560) and test (B, 120 min without
    pausing, due 240) both need the crew. Test first 0-120, weld 120-240
    then pauses to Tue 06:00 for 180 more: ends 1620, 60 late. Weld first
    ends 1500, test then 1500-1620: 1380 late. Optimum 60; without the
    crew or the calendar it would be 0.
    """
    machines = [{"id": "A", "calendar": "days"}, {"id": "B", "calendar": "days"}]
    crew = {"crew": 1}
    problem = _plant(
        machines,
        [
            ("weld", {"machines": ["A"], "minutes": 300, "uses": crew}, 1560, 1),
            (
                "test",
                {
                    "machines": ["B"],
                    "minutes": 120,
                    "uses": crew,
                    "interruptible": False,
                },
                240,
                1,
            ),
        ],
        resources=[{"id": "crew", "capacity": 1}],
    )
    shop, result = _peer(problem)
    assert shop["machine_breaks"][0][0] == [240, 1440]
    assert [t["interruptible"] for t in shop["tasks"]] == [True, False]
    assert shop["resources"] == [{"id": "crew", "capacity": 1, "breaks": []}]
    assert result["objective"] == 60
    assert result["placements"] == [[0, 120, 1620], [1, 0, 120]]
    assert bench_peer.check_shop(shop, result["placements"]) == (60, [])
    assert _runner().replay_verdict(problem, result["placements"]) == ("ok", 60)


def test_the_replay_moves_a_changeover_out_of_a_break() -> None:
    """The booth works 06-10; white 240 min (due 240), then black 120 (due 1560).

    The peer changes over during the night (elapsed minutes): black Tue
    1440-1560, on time: 0. The contract wants the 60 min in working time:
    Tue 06-07, black 1500-1620, 60 late. The replay gives that, checked.
    """
    booth = {"id": "BOOTH", "calendar": "days", "changeovers": "paint"}
    problem = _plant(
        [booth],
        [
            (
                "white",
                {"machines": ["BOOTH"], "minutes": 240, "family": "white"},
                240,
                1,
            ),
            (
                "black",
                {"machines": ["BOOTH"], "minutes": 120, "family": "black"},
                1560,
                1,
            ),
        ],
    )
    shop, result = _peer(problem)
    assert result["placements"] == [[0, 0, 240], [0, 1440, 1560]]
    assert bench_peer.check_shop(shop, result["placements"]) == (0, [])
    solution = bench_replay.replay(problem, result["placements"])
    assert [(p.start, p.end) for p in solution.placements] == [(0, 240), (1500, 1620)]
    assert _runner().replay_verdict(problem, result["placements"]) == ("ok", 60)


def test_the_serial_edd_hint_keeps_the_contract() -> None:
    """Every serial EDD schedule of the plants above passes mtosched's checker."""
    booth = {"id": "BOOTH", "calendar": "days", "changeovers": "paint"}
    problem = _plant(
        [booth],
        [
            (f"O{k}", {"machines": ["BOOTH"], "minutes": 90, "family": f"f{k % 2}"},
             100 * k, 1 + k % 3)
            for k in range(5)
        ],
    )  # fmt: skip
    for pause in (True, False):
        solution = bench_replay.serial_edd(problem, pause=pause)
        assert check(problem, solution).ok
