"""Compile a validated scenario into the index-based `Problem`.

Options are expanded through `when`, predecessors resolved (a skipped one is
skipped through), durations computed exactly, instants turned into minutes
from `start`, and shop-floor progress applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo

from mtosched.collector import paused_collector
from mtosched.errors import InfeasibleError, InputError, Issue
from mtosched.problem.calendar_index import CalendarIndex
from mtosched.problem.floor_work import FloorWork
from mtosched.problem.following import PlanFollower, fixed_conflicts
from mtosched.problem.horizon import MAX_PLAN_MINUTES, earliest_finishes
from mtosched.problem.model import Problem
from mtosched.problem.modes import ModeTable
from mtosched.problem.parts import (
    ChangeoverMatrix,
    MachineInfo,
    Mode,
    OrderInfo,
    Placement,
    Task,
)
from mtosched.problem.previous import PreviousPlan
from mtosched.problem.routing_plans import RoutingPlans
from mtosched.problem.templates import Step, stamp, template_of
from mtosched.problem.timing import attach_working_time
from mtosched.scenario.models import Operation, Order, Scenario
from mtosched.scenario.provenance import Origin
from mtosched.scenario.references import localize, scenario_zone


def floor_minute(moment: datetime) -> datetime:
    """Drop seconds: the schedule's resolution is one minute (contract rule 1)."""
    if moment.second or moment.microsecond:
        return moment.replace(second=0, microsecond=0)
    return moment  # the usual case: `replace` is slow, and runs twice per order


class _Compiler:
    def __init__(
        self, scenario: Scenario, start: datetime, previous: PreviousPlan | None
    ) -> None:
        self.scenario = scenario
        self.previous = previous
        self.zone = scenario_zone(scenario) or ZoneInfo("UTC")
        # UTC, so that differences are elapsed minutes even across DST changes
        self.start = floor_minute(localize(start, self.zone)).astimezone(UTC)
        self.machine_ids = {m.id: i for i, m in enumerate(scenario.machines)}
        self.products = {p.id: p for p in scenario.products}
        self.product_index = {p.id: i for i, p in enumerate(scenario.products)}
        self.resource_ids = {r.id: i for i, r in enumerate(scenario.resources)}
        self.material_ids = {m.id: i for i, m in enumerate(scenario.materials)}
        self.calendars = CalendarIndex(scenario)
        self.issues: list[Issue] = []
        self.tasks: list[Task] = []
        self.orders: list[OrderInfo] = []
        self.order_origins: list[Origin] = []
        self.mode_table = ModeTable(scenario.machines, self.machine_ids, self.issues)
        self.routing_plans = RoutingPlans()
        #: Order templates by (product routing, options as written, quantity);
        #: the scenario outlives the compiler, so the ids stay unique.
        self.templates: dict[
            tuple[int, tuple[tuple[str, str], ...], int], tuple[Step, ...]
        ] = {}
        self.task_index: dict[tuple[str, str], int] = {}
        self.running_origin: dict[int, Origin] = {}
        self.plan = PlanFollower(previous, self.machine_ids, self.minutes)

    def minutes(self, moment: datetime) -> int:
        # Aware instants subtract in UTC (as if converted), so no astimezone:
        # two calls per order, 250,000 orders (issue 16).
        delta = floor_minute(localize(moment, self.zone)) - self.start
        return int(delta.total_seconds() // 60)

    def compile_order(self, order: Order, origin: Origin) -> None:
        routing: Sequence[Operation]
        if order.product is not None:
            routing = self.products[order.product].routing
        else:
            routing = order.routing or []
        # Only the order, its release and its first task set it apart from
        # another order of the same product, options and quantity. An inline
        # routing is the order's own: a template of it would serve no other.
        plain = (
            order.product is not None and not order.progress and self.previous is None
        )
        key = (id(routing), tuple(order.options.items()), order.quantity)
        template = self.templates.get(key) if plain else None
        first_task = len(self.tasks)
        if template is None:
            issues = len(self.issues)
            self.compile_tasks(order, origin, routing)
            if plain and len(self.issues) == issues:
                # an order with issues is compiled anew each time: each names it
                self.templates[key] = template_of(self.tasks[first_task:], first_task)
            return
        if not template:
            return  # contract rule 12: a finished order is not scheduled
        released = self.minutes(order.released) if order.released else 0
        tasks = stamp(template, len(self.orders), max(0, released), first_task)
        for t, step in enumerate(template, first_task):
            self.task_index[(order.id, step.operation)] = t
        self.tasks.extend(tasks)
        self.add_order(order, origin, released, first_task)

    def compile_tasks(
        self, order: Order, origin: Origin, routing: Sequence[Operation]
    ) -> None:
        """`order`'s tasks from its routing, with progress and the previous plan."""

        def routing_origin(where: str) -> Origin:
            """Where an operation of this routing is: only wanted in issues."""
            base = (
                origin.child("routing")
                if order.routing is not None
                else self.scenario.origin(
                    "products", self.product_index[order.product or ""]
                ).child("routing")
            )
            return base.child(where)

        plan = self.routing_plans.plan(routing, order.options)
        done = {i for i, p in order.progress.items() if p.state == "done"}
        remaining = [op for op in routing if plan.exists[op.id] and op.id not in done]
        if not remaining:
            return  # contract rule 12: a finished order is not scheduled

        released = self.minutes(order.released) if order.released else 0
        order_index = len(self.orders)
        first_task = len(self.tasks)
        local: dict[str, int] = {}
        for offset, op in enumerate(remaining):
            local[op.id] = first_task + offset

        for op in remaining:
            k = plan.position[op.id]
            preds = plan.predecessors[op.id]
            if done:
                preds = [p for p in preds if p not in done]
            modes = self.mode_table.modes(op, order, partial(routing_origin, f"[{k}]"))
            fixed = self.running(op, order, modes, origin)
            consumes = tuple(
                (self.material_ids[m], per_unit * order.quantity)
                for m, per_unit in (op.consumes or {}).items()
            )
            frozen = False
            if fixed is not None:
                preds = []  # already started: what came before is history
                consumes = ()  # rule 11: its material was taken before start
            else:
                modes, fixed = self.plan.follow(order.id, op.id, modes, local[op.id])
                frozen = fixed is not None
            setup_under_way = frozen and self.plan.setup_began(order.id, op.id)
            uses = tuple(
                (self.resource_ids[r], amount) for r, amount in (op.uses or {}).items()
            )
            has_wait = bool(preds)
            task = Task(
                order=order_index,
                operation=op.id,
                modes=self.calendars.modes(modes, uses),
                predecessors=tuple(local[p] for p in preds),
                release=max(0, released),
                min_wait=(op.min_wait_minutes or 0) if has_wait else 0,
                max_wait=op.max_wait_minutes if has_wait else None,
                family=self.family(op, order),
                fixed=fixed,
                interruptible=op.interruptible,
                uses=uses,
                consumes=consumes,
                frozen=frozen,
                setup_under_way=setup_under_way,
                quantity=order.quantity,
                transfer=(
                    op.transfer_quantity
                    if op.transfer_quantity is not None
                    and op.transfer_quantity < order.quantity
                    and preds
                    else None
                ),
            )
            if fixed is not None and not frozen:
                self.running_origin[len(self.tasks)] = origin.child(f"progress.{op.id}")
            self.task_index[(order.id, op.id)] = len(self.tasks)
            self.tasks.append(task)
        self.add_order(order, origin, released, first_task)

    def add_order(
        self, order: Order, origin: Origin, released: int, first_task: int
    ) -> None:
        """Record `order`, whose tasks are those from `first_task` on."""
        self.order_origins.append(origin)
        self.orders.append(
            OrderInfo(  # positional: a quarter of a million orders (issue 16)
                order.id,
                order.customer,
                order.product,
                order.priority,
                released,
                self.minutes(order.due),
                self.minutes(order.deadline) if order.deadline else None,
                tuple(range(first_task, len(self.tasks))),
            )
        )

    def orders_by_task(self, t: int) -> str:
        """The id of the order a compiled task belongs to."""
        order = self.tasks[t].order
        return self.orders[order].id if order < len(self.orders) else "?"

    @staticmethod
    def family(op: Operation, order: Order) -> str | None:
        if op.family_option is not None:
            return order.options.get(op.family_option)
        return op.family

    def running(
        self, op: Operation, order: Order, modes: tuple[Mode, ...], origin: Origin
    ) -> Placement | None:
        entry = order.progress.get(op.id)
        if entry is None or entry.state != "running":
            return None
        assert entry.machine is not None and entry.started is not None
        started = self.minutes(entry.started)
        if started > 0:
            self.issues.append(
                Issue(
                    origin.file,
                    f"{origin.path}.progress.{op.id}.started",
                    "a running operation cannot start after the planning start",
                )
            )
        machine = self.machine_ids[entry.machine]
        duration = next((m.duration for m in modes if m.machine == machine), None)
        if duration is None:
            # a batch machine whose capacity is below the order's quantity
            self.issues.append(
                Issue(
                    origin.file,
                    f"{origin.path}.progress.{op.id}.machine",
                    f"'{entry.machine}' cannot hold order '{order.id}' "
                    f"(quantity {order.quantity}) in one batch (rule 19)",
                )
            )
            return None
        # Contract rule 11: work that should be over already ends just after start.
        end = max(started + duration, 1)
        return Placement(machine, started, end)


def _reach(compiler: _Compiler) -> int:
    """The latest minute some order cannot end before, even alone.

    Past `MAX_PLAN_MINUTES` that is an input error naming the order: the
    limit is ours, so saying "infeasible" would blame the plant (issue 16).
    """
    finishes = earliest_finishes(compiler.tasks)
    reach = max(finishes, default=0)
    if reach <= MAX_PLAN_MINUTES:
        return reach  # no order to name: skip the look at each one
    issues = []
    for index, info in enumerate(compiler.orders):
        end = max((finishes[t] for t in info.tasks), default=0)
        if end > MAX_PLAN_MINUTES:
            origin = compiler.order_origins[index]
            issues.append(
                Issue(
                    origin.file,
                    origin.path,
                    f"order '{info.id}' cannot end before {end} minutes after "
                    f"the planning start, even alone: the furthest a plan may "
                    f"reach is {MAX_PLAN_MINUTES} minutes (two centuries)",
                )
            )
    if issues:
        raise InputError(issues)
    return reach


@paused_collector()
def build_problem(
    scenario: Scenario,
    *,
    now: datetime | None = None,
    previous: PreviousPlan | None = None,
) -> Problem:
    """Compile a scenario (validated by `load_scenario`) into a `Problem`.

    `now` overrides the scenario's `start`; `previous` is last night's plan
    (frozen horizon, stability reference). Raises `InputError` for what only
    shows once the start is known (a running operation started in the future)
    and `InfeasibleError` for what no schedule can satisfy (work that fits in
    no working time, a material shortage, a crew too small, frozen work that
    cannot keep its place).
    """
    start = now or scenario.start
    if start is None:
        raise InputError(
            [
                Issue(
                    scenario.origin_file,
                    "start",
                    "no planning start: set 'start' in a scenario file or pass --now",
                )
            ]
        )
    compiler = _Compiler(scenario, start, previous)
    order_origin = scenario.origins("orders")
    for index, order in enumerate(scenario.orders):
        if order.status == "confirmed":
            compiler.compile_order(order, order_origin(index))
    if compiler.issues:
        raise InputError(compiler.issues)
    reach = _reach(compiler)
    matrices = [
        ChangeoverMatrix(
            c.id,
            c.default_minutes,
            c.same_minutes,
            {(p.from_, p.to): p.minutes for p in c.pairs},
        )
        for c in scenario.changeovers
    ]
    timed = attach_working_time(
        scenario,
        compiler.zone,
        compiler.start,
        compiler.tasks,
        compiler.orders,
        compiler.minutes,
        index=compiler.calendars,
        changeovers=matrices,
        earliness="earliness" in scenario.objective_terms,
        anchor=compiler.plan.latest_start(),
        reach=reach,
    )
    compiler.tasks = timed.tasks
    floor = FloorWork(scenario, compiler.tasks, compiler.running_origin)
    compiler.issues.extend(floor.settle_batches())
    compiler.issues.extend(floor.overlaps(compiler.orders_by_task))
    compiler.issues.extend(floor.over_capacity())
    if compiler.issues:
        raise InputError(compiler.issues)
    impossible = timed.impossible + fixed_conflicts(
        compiler.tasks,
        compiler.orders,
        [m.id for m in scenario.machines],
        frozenset(i for i, m in enumerate(scenario.machines) if m.batch is not None),
    )
    if impossible:
        raise InfeasibleError(impossible)
    matrix_index = {c.id: i for i, c in enumerate(scenario.changeovers)}
    successors: list[list[int]] = [[] for _ in compiler.tasks]
    for t, task in enumerate(compiler.tasks):
        for p in task.predecessors:
            successors[p].append(t)
    return Problem(
        name=scenario.name,
        timezone=scenario.timezone or "UTC",
        start=compiler.start,
        machines=tuple(
            MachineInfo(
                m.id,
                m.name,
                m.work_center,
                timed.machine_calendars[i],
                matrix_index.get(m.changeovers or ""),
                m.initial_family,
                m.batch.capacity if m.batch is not None else None,
                m.batch is None or m.batch.size == "quantity",
            )
            for i, m in enumerate(scenario.machines)
        ),
        orders=tuple(compiler.orders),
        tasks=tuple(compiler.tasks),
        objective=(
            previous.objective(scenario.objective_terms)
            if previous is not None
            else scenario.objective_terms
        ),
        slack=scenario.objective_slack,
        successors=tuple(tuple(s) for s in successors),
        task_index=compiler.task_index,
        calendars=tuple(timed.calendars),
        resources=tuple(timed.resources),
        materials=tuple(timed.materials),
        changeovers=tuple(matrices),
        horizon=timed.horizon,
        longest_step=timed.longest_step,
        baseline=compiler.plan.baseline(compiler.tasks),
    )
