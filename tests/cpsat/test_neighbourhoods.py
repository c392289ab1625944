"""Neighbourhood choice: whole orders, costly ones first, and learning which kind helps."""

from __future__ import annotations

import random

from mtosched import build_problem, load_scenario
from mtosched.cpsat.neighbourhoods import (
    MAX_SIZE,
    MIN_SIZE,
    START_SIZE,
    Chooser,
    costly_orders,
    late_with_blockers,
    order_costs,
    time_window,
)
from mtosched.heuristic.dispatch import dispatch
from mtosched.verify.evaluate import order_outcomes
from tests.helpers import ROOT

PLANT = ROOT / "benchmarks/data/plant-40x5.json"


def test_order_costs_follow_the_term() -> None:
    """Tardiness times priority; late orders count their priority once."""
    problem = build_problem(load_scenario(PLANT))
    schedule = dispatch(problem)
    outcomes = order_outcomes(problem, schedule)
    costs = order_costs(problem, schedule, "weighted_tardiness")
    late = order_costs(problem, schedule, "late_orders")
    for order, outcome, cost, flag in zip(
        problem.orders, outcomes, costs, late, strict=True
    ):
        assert cost == order.priority * outcome.tardiness
        assert flag == (order.priority if outcome.lateness > 0 else 0)
    assert any(costs), "the EDD schedule of this plant has late orders"
    assert order_costs(problem, schedule, "changeover_minutes") == [0.0] * len(costs)


def test_costly_orders_frees_whole_orders_and_favours_the_costly() -> None:
    """Every drawn order is freed entirely; the only costly order is nearly always in."""
    problem = build_problem(load_scenario(PLANT))
    costs = [0.0] * len(problem.orders)
    costs[7] = 100.0
    rng = random.Random(0)
    hits = 0
    for _ in range(50):
        chosen = costly_orders(rng, problem, costs, 20)
        orders = {problem.tasks[t].order for t in chosen}
        for j in orders:
            assert set(problem.orders[j].tasks) <= chosen
        assert len(chosen) >= 20
        hits += 7 in orders
    assert hits == 50  # the first draw is weighted by cost, so it is order 7


def test_costly_orders_stops_when_every_order_is_in() -> None:
    problem = build_problem(load_scenario(PLANT))
    chosen = costly_orders(
        random.Random(1), problem, [0.0] * len(problem.orders), 10**6
    )
    assert chosen == set(problem.free_tasks)


def test_blockers_free_a_late_order_and_the_work_just_ahead_of_it() -> None:
    """The only costly order is in, with tasks that precede its own on each machine."""
    problem = build_problem(load_scenario(PLANT))
    schedule = dispatch(problem)
    costs = [0.0] * len(problem.orders)
    costs[7] = 100.0
    chosen = late_with_blockers(random.Random(2), problem, schedule, costs, 30)
    own = set(problem.orders[7].tasks)
    assert own <= chosen
    others = chosen - own
    assert others, "something runs ahead of the order on its machines"
    place = schedule.placements
    for t in others:
        ahead_of = [
            u
            for u in own
            if place[u].machine == place[t].machine and place[t].start <= place[u].start
        ]
        assert ahead_of, f"task {t} is not ahead of the order on its machine"


def test_time_window_is_consecutive_by_start() -> None:
    problem = build_problem(load_scenario(PLANT))
    schedule = dispatch(problem)
    chosen = time_window(random.Random(3), problem, schedule, 25)
    by_start = sorted(problem.free_tasks, key=lambda t: schedule.placements[t].start)
    positions = sorted(by_start.index(t) for t in chosen)
    assert len(chosen) == 25
    assert positions == list(range(positions[0], positions[0] + 25))


def test_chooser_tries_each_kind_then_prefers_the_faster_gainer() -> None:
    chooser = Chooser(random.Random(0))
    first, size = chooser.pick()
    assert (first, size) == ("window", START_SIZE)
    chooser.learn("window", 10.0, 1.0, solved=False)
    assert chooser.pick()[0] == "orders"
    chooser.learn("orders", 1000.0, 1.0, solved=True)
    assert chooser.pick()[0] == "blockers"
    chooser.learn("blockers", 0.0, 1.0, solved=True)
    picks = [chooser.pick()[0] for _ in range(200)]
    # window keeps the floor share: 10 % of the leader's rate, about 1 in 11
    assert 5 <= picks.count("window") <= 40
    assert chooser.records["orders"].size == int(START_SIZE * 1.3)
    assert chooser.records["window"].size == int(START_SIZE / 1.2)


def test_chooser_sizes_stay_within_bounds() -> None:
    chooser = Chooser(random.Random(0))
    for _ in range(40):
        chooser.learn("orders", 0.0, 1.0, solved=True)
        chooser.learn("window", 0.0, 1.0, solved=False)
        chooser.learn("blockers", 0.0, 1.0, solved=False)
    assert chooser.records["orders"].size == MAX_SIZE
    assert chooser.records["window"].size == MIN_SIZE
    # no kind has gained anything: the choice is uniform, not stuck
    picks = {chooser.pick()[0] for _ in range(50)}
    assert picks == {"window", "orders", "blockers"}
