"""Turn a `Chain` in minutes into an `OrderExplanation` in a planner's words.

Each step's pieces merge into causes (`merging.py`), which get their
sentence and their share of the tardiness here; the order's `causes` merge
them again across steps, and `story` says it all in three sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from mtosched.explain.attribution import Key
from mtosched.explain.chain import Chain, Step
from mtosched.explain.loads import member_ready
from mtosched.explain.merging import Item, merge, share_tardiness
from mtosched.explain.occupancy import Occupancy, is_frozen, is_running
from mtosched.explain.report import Blocker, Cause, ChainStep, OrderExplanation
from mtosched.explain.words import (
    CAUSE_KINDS,
    CAUSE_LABELS,
    CauseKind,
    duration,
    listing,
    when,
    window,
)
from mtosched.verify.evaluate import OrderOutcome

#: Reasons of dated closures: (owner ids, first minute, end minute) -> texts.
ClosureLookup = Callable[[list[str], int, int], list[str]]


class Describer:
    """Words and models for the chains of one solution."""

    def __init__(self, occ: Occupancy, closures: ClosureLookup | None = None) -> None:
        self.occ = occ
        self.problem = occ.problem
        self.closures = closures

    def blocker(self, t: int, *, member: bool = False) -> Blocker:
        """Another task that held a machine or resource, as a model.

        A `member` of the waiting task's own load also says when it was ready.
        """
        occ, problem = self.occ, self.problem
        place = occ.solution.placements[t]
        task = problem.tasks[t]
        return Blocker(
            order=problem.orders[task.order].id,
            operation=task.operation,
            machine=problem.machines[place.machine].id,
            busy_from=problem.instant(occ.setup_start.get(t, place.start)),
            end=problem.instant(place.end),
            running=is_running(task),
            frozen=is_frozen(task),
            batch=occ.batch_ids.get(t),
            ready=problem.instant(member_ready(occ, t)) if member else None,
        )

    def unit(self, t: int) -> str:
        """`B/op`, or on a batch machine its load: `load OVEN/2 (A/bake and B/bake)`."""
        occ = self.occ
        batch = occ.batch_ids.get(t)
        if batch is None:
            return occ.name(t)
        members = [occ.name(j) for j in occ.unit[t].members]
        return f"load {batch} ({listing(members)})"

    def text(self, item: Item, own: int) -> tuple[str, list[str]]:
        """The sentence for a cause of task `own`, and closure reasons."""
        occ, problem = self.occ, self.problem
        machine = problem.machines[item.machine].id
        key, at = item.key, problem.instant
        if item.kind == "release":
            return f"not released until {when(at(item.last))}", []
        if item.kind == "min_wait":
            return f"required wait after {problem.tasks[_int(key[1])].operation}", []
        if item.kind == "material":
            return self._material(_int(key[1]), _int(key[2])), []
        if item.kind == "non_working":
            return self._closed(item, own)
        if item.kind == "changeover":
            target = _int(key[1])
            if target == own:
                before = occ.setup_after.get(own)
                after = "" if before is None else f" after {self.unit(before)}"
                batch = occ.batch_ids.get(own)
                it = "it" if batch is None else f"its load {batch}"
                return f"{machine} changed over for {it}{after}", []
            return f"{machine} changed over for {self.unit(target)}", []
        if item.kind == "batch_wait":
            return self._batch_wait(own, item.holders), []
        if item.kind == "resource":
            resource = problem.resources[_int(key[1])].id
            names = sorted(occ.name(t) for t in item.holders)
            return f"{resource} at capacity, held by {listing(names)}", []
        if key[0] == "task":
            target = _int(key[1])
            if target == own:
                return "kept where the frozen plan put it", []
            busy = occ.unit[target]
            tag = {"running_work": " (running)", "frozen_plan": " (frozen plan)"}
            return (
                f"{machine} busy with {self.unit(target)}{tag.get(item.kind, '')} "
                f"{window(at(busy.since), at(busy.end))}",
                [],
            )
        return "could have started earlier: no constraint held it", []

    def _batch_wait(self, own: int, waited: set[int]) -> str:
        """`load OVEN/2 waited for A/bake, ready Mon 30 Nov 08:00`, last-ready first."""
        occ = self.occ
        ready = {j: member_ready(occ, j) for j in waited}
        late = sorted(waited, key=lambda j: (-ready[j], occ.name(j)))
        text = (
            f"load {occ.batch_ids.get(own, '')} waited for {occ.name(late[0])}, "
            f"ready {when(self.instant(ready[late[0]]))}"
        )
        if len(late) > 1:
            text += f", and for {listing([occ.name(j) for j in late[1:]])}"
        return text

    def _material(self, material: int, arrival: int) -> str:
        info = self.problem.materials[material]
        how = "stock taken by earlier orders"
        for a in self.occ.arrivals(material):
            if a.minute == arrival:
                unit = f" {info.unit}" if info.unit else ""
                how = (
                    "bought with its lead time"
                    if a.quantity is None
                    else f"receipt of {a.quantity}{unit}"
                )
        return f"{info.id} not available until {when(self.instant(arrival))} ({how})"

    def _closed(self, item: Item, own: int) -> tuple[str, list[str]]:
        before, after = _opt(item.key[2]), _opt(item.key[3])
        first = before if before is not None else item.first
        last = after if after is not None else item.last
        owners = sorted(item.closed) or [self.problem.machines[item.machine].id]
        reasons = self.closures(owners, first, last) if self.closures else []
        why = f" ({'; '.join(reasons)})" if reasons else ""
        if item.last <= first:
            return (
                f"the working period up to {when(self.instant(first))} was too short "
                f"to run it without a break{why}",
                reasons,
            )
        span = window(self.instant(first), self.instant(last))
        return f"{listing(owners)} not working {span}{why}", reasons

    def instant(self, minute: int) -> datetime:
        """The wall-clock instant of a minute."""
        return self.problem.instant(minute)

    def cause(self, item: Item, own: int) -> Cause:
        """The model of one merged item."""
        problem = self.problem
        text, reasons = self.text(item, own)
        key = item.key
        return Cause(
            kind=item.kind,
            minutes=item.minutes,
            from_=self.instant(item.first),
            to=self.instant(item.last),
            text=text,
            machine=problem.machines[item.machine].id,
            blockers=[
                self.blocker(t, member=item.kind == "batch_wait")
                for t in sorted(item.holders)
            ],
            resource=problem.resources[_int(key[1])].id
            if item.kind == "resource"
            else None,
            material=problem.materials[_int(key[1])].id
            if item.kind == "material"
            else None,
            arrival=self.instant(_int(key[2])) if item.kind == "material" else None,
            closed=sorted(item.closed),
            closures=reasons,
            lateness_share=item.share,
        )

    def order(self, chain: Chain, outcome: OrderOutcome) -> OrderExplanation:
        """Everything about one order's chain."""
        problem, occ = self.problem, self.occ
        info = problem.orders[chain.order]
        per_step: list[list[Item]] = []
        for step in chain.steps:
            machine = occ.solution.placements[step.task].machine
            waits = [(p, machine) for p in step.pieces if p.kind != "processing"]
            per_step.append(merge(waits))
        flat = [item for items in per_step for item in items]
        kept = share_tardiness(flat, outcome.tardiness)
        minutes = dict.fromkeys(CAUSE_KINDS, 0)
        share = dict.fromkeys(CAUSE_KINDS, 0)
        for step in chain.steps:
            for piece in step.pieces:
                minutes[piece.kind] += piece.end - piece.start
        for item in flat:
            share[item.kind] += item.share
        share["processing"] += kept
        steps = [
            self.step(step, items)
            for step, items in zip(chain.steps, per_step, strict=True)
        ]
        causes = self.order_causes(chain, per_step)
        waiting = chain.completion - minutes["processing"]
        return OrderExplanation(
            order=info.id,
            customer=info.customer,
            priority=info.priority,
            released=self.instant(info.released),
            due=self.instant(info.due),
            completion=self.instant(chain.completion),
            lateness_minutes=outcome.lateness,
            tardiness_minutes=outcome.tardiness,
            span_minutes=chain.completion,
            processing_minutes=minutes["processing"],
            waiting_minutes=waiting,
            minutes=minutes,
            lateness_share=share,
            story=self.story(chain, outcome, minutes, causes),
            chain=steps,
            causes=causes,
        )

    def step(self, step: Step, items: list[Item]) -> ChainStep:
        """The model of one chain step, its causes largest first."""
        occ, problem = self.occ, self.problem
        task = problem.tasks[step.task]
        place = occ.solution.placements[step.task]
        processing = sum(p.end - p.start for p in step.pieces if p.kind == "processing")
        setup = occ.setup_start.get(step.task)
        ordered = sorted(items, key=lambda i: (-i.minutes, i.first))
        return ChainStep(
            operation=task.operation,
            machine=problem.machines[place.machine].id,
            ready=self.instant(step.ready),
            binding=step.binding,
            predecessor=problem.tasks[step.predecessor].operation
            if step.predecessor is not None
            else None,
            setup_start=self.instant(setup) if setup is not None else None,
            start=self.instant(place.start),
            end=self.instant(place.end),
            batch=occ.batch_ids.get(step.task),
            running=is_running(task),
            frozen=is_frozen(task),
            processing_minutes=processing,
            waiting_minutes=step.minutes - processing,
            causes=[self.cause(item, step.task) for item in ordered],
        )

    def order_causes(self, chain: Chain, per_step: list[list[Item]]) -> list[Cause]:
        """The chain's causes merged across steps, largest first."""
        merged: dict[Key, tuple[Item, int]] = {}
        for step, items in zip(chain.steps, per_step, strict=True):
            for item in items:
                if item.key in merged:
                    total = merged[item.key][0]
                    total.minutes += item.minutes
                    total.first = min(total.first, item.first)
                    total.last = max(total.last, item.last)
                    total.closed |= item.closed
                    total.holders |= item.holders
                    total.share += item.share
                else:
                    copy = Item(
                        item.kind,
                        item.key,
                        item.machine,
                        item.minutes,
                        item.first,
                        item.last,
                        set(item.closed),
                        set(item.holders),
                        item.share,
                    )
                    merged[item.key] = (copy, step.task)
        ordered = sorted(merged.values(), key=lambda e: (-e[0].minutes, e[0].first))
        return [self.cause(item, own) for item, own in ordered]

    def story(
        self,
        chain: Chain,
        outcome: OrderOutcome,
        minutes: dict[CauseKind, int],
        causes: list[Cause],
    ) -> str:
        """Three sentences: verdict, where the time went, what it would take."""
        info = self.problem.orders[chain.order]
        at = self.instant
        if outcome.lateness > 0:
            verdict = f"{info.id} is late by {duration(outcome.lateness)}"
        else:
            verdict = (
                f"{info.id} is on time with {duration(-outcome.lateness)} to spare"
            )
        waiting = chain.completion - minutes["processing"]
        kinds = sorted(
            (k for k in CAUSE_KINDS if k != "processing" and minutes[k] > 0),
            key=lambda k: -minutes[k],
        )
        parts = [f"{CAUSE_LABELS[k]} {duration(minutes[k])}" for k in kinds[:3]]
        mostly = f" ({listing(parts)})" if parts else ""
        steps = len(chain.steps)
        text = (
            f"{verdict}: it completes {when(at(chain.completion))}, due "
            f"{when(at(info.due))}. From the planning start {when(at(0))} that is "
            f"{duration(chain.completion)}: {duration(minutes['processing'])} of its "
            f"own work on a critical chain of {steps} operation"
            f"{'s' if steps != 1 else ''} and {duration(waiting)} of waiting{mostly}."
        )
        if outcome.lateness <= 0:
            return text
        if waiting < outcome.lateness:
            return text + (
                f" Even without any waiting, its own work would end "
                f"{duration(outcome.lateness - waiting)} after the due date."
            )
        top = causes[0].text if causes else ""
        return text + (
            f" {duration(outcome.lateness)} less waiting on this chain would have "
            f"made it on time; the largest single wait: {top}."
        )


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def _opt(value: object) -> int | None:
    assert value is None or isinstance(value, int)
    return value
