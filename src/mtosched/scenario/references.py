"""Cross-reference checks on a merged scenario.

Single-file checks live on the pydantic models; these need the whole scenario
(an order naming a product from another file, a machine naming a calendar).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mtosched.errors import Issue
from mtosched.scenario.models import Operation, Order, Scenario
from mtosched.scenario.provenance import Origin
from mtosched.scenario.routing import operation_exists, predecessor_ids


def scenario_zone(scenario: Scenario) -> ZoneInfo | None:
    """The scenario's time zone, or None when its name is unknown."""
    name = "UTC" if scenario.timezone is None else scenario.timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a tzdata folder such as "Europe" is not a zone.
        return None


def localize(moment: datetime, zone: ZoneInfo) -> datetime:
    """Read a naive instant in the scenario's zone (``fold=0``, as contracted)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


class _Checker:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.issues: list[Issue] = []
        self.zone = scenario_zone(scenario) or ZoneInfo("UTC")
        self.machines = {m.id: m for m in scenario.machines}
        self.calendars = {c.id for c in scenario.calendars}
        self.changeovers = {c.id for c in scenario.changeovers}
        self.resources = {r.id for r in scenario.resources}
        self.materials = {m.id for m in scenario.materials}
        self.products = {p.id: p for p in scenario.products}
        self.active_ids: dict[
            tuple[str, tuple[tuple[str, str], ...]], frozenset[str]
        ] = {}

    def add(self, origin: Origin, message: str) -> None:
        self.issues.append(Issue(origin.file, origin.path, message))

    def run(self) -> list[Issue]:
        self.check_timezone()
        self.check_calendars()
        self.check_downtime()
        self.check_machines()
        self.check_resources()
        for index, product in enumerate(self.scenario.products):
            origin = self.scenario.origin("products", index)
            for option, values in product.options.items():
                if not values:
                    self.add(
                        origin.child(f"options.{option}"), "an option needs values"
                    )
                elif len(set(values)) != len(values):
                    self.add(origin.child(f"options.{option}"), "a value is repeated")
            self.check_routing(
                product.routing, origin.child("routing"), product.options
            )
        order_origin = self.scenario.origins("orders")
        for index, order in enumerate(self.scenario.orders):
            self.check_order(order, order_origin(index))
        return self.issues

    def check_timezone(self) -> None:
        if scenario_zone(self.scenario) is None:
            origin = Origin(self.scenario.scalar_file("timezone"), "timezone")
            self.add(origin, f"unknown IANA time zone '{self.scenario.timezone}'")

    def check_calendars(self) -> None:
        for index, calendar in enumerate(self.scenario.calendars):
            origin = self.scenario.origin("calendars", index)
            for k, closure in enumerate(calendar.closures):
                begin = localize(closure.from_, self.zone)
                if localize(closure.to, self.zone) <= begin:
                    self.add(origin.child(f"closures[{k}].to"), "is not after 'from'")

    def check_downtime(self) -> None:
        machines = {m.id for m in self.scenario.machines}
        for index, down in enumerate(self.scenario.downtime):
            origin = self.scenario.origin("downtime", index)
            if down.machine not in machines:
                self.add(origin.child("machine"), f"unknown machine '{down.machine}'")
            begin = localize(down.from_, self.zone)
            if localize(down.to, self.zone) <= begin:
                self.add(origin.child("to"), "is not after 'from'")

    def check_machines(self) -> None:
        for index, machine in enumerate(self.scenario.machines):
            origin = self.scenario.origin("machines", index)
            if machine.calendar is not None and machine.calendar not in self.calendars:
                self.add(
                    origin.child("calendar"), f"unknown calendar '{machine.calendar}'"
                )
            if (
                machine.changeovers is not None
                and machine.changeovers not in self.changeovers
            ):
                self.add(
                    origin.child("changeovers"),
                    f"unknown changeover matrix '{machine.changeovers}'",
                )

    def check_resources(self) -> None:
        for index, resource in enumerate(self.scenario.resources):
            origin = self.scenario.origin("resources", index)
            if (
                resource.calendar is not None
                and resource.calendar not in self.calendars
            ):
                self.add(
                    origin.child("calendar"), f"unknown calendar '{resource.calendar}'"
                )

    def check_routing(
        self,
        routing: Sequence[Operation],
        origin: Origin,
        options: Mapping[str, Sequence[str]],
    ) -> None:
        ids: dict[str, int] = {}
        for k, op in enumerate(routing):
            where = origin.child(f"[{k}]")
            if op.id in ids:
                self.add(
                    where.child("id"),
                    f"duplicate operation id '{op.id}' (also at [{ids[op.id]}])",
                )
            ids.setdefault(op.id, k)
            self.check_operation(op, where, options)
        for k, op in enumerate(routing):
            for j, pred in enumerate(op.after or []):
                if pred not in ids:
                    self.add(
                        origin.child(f"[{k}].after[{j}]"), f"unknown operation '{pred}'"
                    )
                elif pred == op.id:
                    self.add(
                        origin.child(f"[{k}].after[{j}]"), "an operation after itself"
                    )
        cycle = _find_cycle(routing, set(ids))
        if cycle:
            self.add(origin, "cycle in 'after': " + " -> ".join(cycle))

    def check_operation(
        self, op: Operation, where: Origin, options: Mapping[str, Sequence[str]]
    ) -> None:
        for machine_id in op.machines:
            machine = self.machines.get(machine_id)
            if machine is None:
                self.add(where.child("machines"), f"unknown machine '{machine_id}'")
                continue
            if machine.batch is not None and op.transfer_quantity is not None:
                self.add(
                    where.child("transfer_quantity"),
                    f"machine '{machine_id}' is a batch machine: an operation "
                    "with 'transfer_quantity' cannot run on it (rule 21)",
                )
            if machine.changeovers is not None and (
                op.family is None and op.family_option is None
            ):
                self.add(
                    where,
                    f"machine '{machine_id}' has changeovers, so the operation "
                    "needs 'family' or 'family_option'",
                )
        for option, wanted in (op.when or {}).items():
            if option not in options:
                self.add(where.child(f"when.{option}"), f"unknown option '{option}'")
                continue
            for value in [wanted] if isinstance(wanted, str) else wanted:
                if value not in options[option]:
                    self.add(
                        where.child(f"when.{option}"),
                        f"unknown value '{value}' of option '{option}'",
                    )
        if op.family_option is not None and op.family_option not in options:
            self.add(
                where.child("family_option"), f"unknown option '{op.family_option}'"
            )
        for resource in op.uses or {}:
            if resource not in self.resources:
                self.add(
                    where.child(f"uses.{resource}"), f"unknown resource '{resource}'"
                )
        for material in op.consumes or {}:
            if material not in self.materials:
                self.add(
                    where.child(f"consumes.{material}"),
                    f"unknown material '{material}'",
                )

    def check_order(self, order: Order, origin: Origin) -> None:
        routing: Sequence[Operation]
        if order.product is not None:
            product = self.products.get(order.product)
            if product is None:
                self.add(origin.child("product"), f"unknown product '{order.product}'")
                return
            routing = product.routing
            for option, values in product.options.items():
                if option not in order.options:
                    self.add(
                        origin.child("options"),
                        f"option '{option}' of product '{product.id}' is not chosen",
                    )
                elif order.options[option] not in values:
                    self.add(
                        origin.child(f"options.{option}"),
                        f"unknown value '{order.options[option]}' of option '{option}'",
                    )
            for option in order.options:
                if option not in product.options:
                    self.add(
                        origin.child(f"options.{option}"),
                        f"product '{product.id}' has no option '{option}'",
                    )
        else:
            routing = order.routing or []
            chosen = {name: [value] for name, value in order.options.items()}
            self.check_routing(routing, origin.child("routing"), chosen)
        self.check_dates(order, origin)
        active = self.active(routing, order)
        if not active:
            self.add(origin, "its options leave the routing without operations")
        if order.progress:
            self.check_progress(order, origin, routing, active)

    def active(self, routing: Sequence[Operation], order: Order) -> frozenset[str]:
        """Ids of the operations `order`'s options keep, once per product and options.

        Thousands of orders share both (issue 16: 250,000 orders).
        """
        if order.product is None:
            return frozenset(
                op.id for op in routing if operation_exists(op, order.options)
            )
        key = (order.product, tuple(order.options.items()))
        known = self.active_ids.get(key)
        if known is None:
            known = frozenset(
                op.id for op in routing if operation_exists(op, order.options)
            )
            self.active_ids[key] = known
        return known

    def check_dates(self, order: Order, origin: Origin) -> None:
        due = localize(order.due, self.zone)
        if order.released is not None:
            released = localize(order.released, self.zone)
            if due < released:
                self.add(origin.child("due"), "is before 'released'")
            if order.deadline is not None and localize(order.deadline, self.zone) < (
                released
            ):
                self.add(origin.child("deadline"), "is before 'released'")

    def check_progress(
        self,
        order: Order,
        origin: Origin,
        routing: Sequence[Operation],
        active: frozenset[str],
    ) -> None:
        by_id = {op.id: op for op in routing}
        for op_id, entry in order.progress.items():
            where = origin.child(f"progress.{op_id}")
            op = by_id.get(op_id)
            if op is None:
                self.add(where, f"unknown operation '{op_id}'")
                continue
            if op_id not in active:
                self.add(where, f"operation '{op_id}' does not exist for these options")
                continue
            if entry.state == "running" and entry.machine not in op.machines:
                self.add(
                    where.child("machine"),
                    f"machine '{entry.machine}' is not eligible for '{op_id}'",
                )


def _find_cycle(routing: Sequence[Operation], known: set[str]) -> list[str]:
    """A cycle of `after` edges as a list of ids (first repeated last), or []."""
    edges = {
        op.id: [p for p in predecessor_ids(routing, k) if p in known and p != op.id]
        for k, op in enumerate(routing)
    }
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for pred in edges.get(node, []):
            if state.get(pred) == 1:
                return [*stack[stack.index(pred) :], pred]
            if pred not in state:
                found = visit(pred)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for op in routing:
        if op.id not in state:
            found = visit(op.id)
            if found:
                return list(reversed(found))
    return []


def check_references(scenario: Scenario) -> list[Issue]:
    """Every cross-reference problem of a merged scenario (empty when fine)."""
    return _Checker(scenario).run()
