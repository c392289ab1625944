"""Working time as sorted, disjoint minute intervals, and arithmetic on it.

A calendar becomes a tuple of half-open working periods `[a, b)` in minutes
from the planning start. Operations count their duration in working minutes
(contract rules 3-5), so the questions asked here are "when does work of N
minutes started at s end?" and "which starts fit?", answered with bisection.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


def merge_periods(periods: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sort and merge periods; touching ones merge too (contract rule 3)."""
    merged: list[list[int]] = []
    for start, end in sorted(p for p in periods if p[1] > p[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


def subtract_periods(
    periods: Sequence[tuple[int, int]], holes: Sequence[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    """Working periods with the closures cut out."""
    result: list[tuple[int, int]] = []
    holes = merge_periods(holes)
    for start, end in periods:
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end <= cursor or hole_start >= end:
                continue
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
        if cursor < end:
            result.append((cursor, end))
    return merge_periods(result)


def intersect_periods(
    first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    """Minutes working in both (an operation needs its machine and crew)."""
    result: list[tuple[int, int]] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start < end:
            result.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return merge_periods(result)


@dataclass(frozen=True)
class WorkingTime:
    """Working periods of one calendar over the modelled span.

    Outside `periods` nothing works, including past the span's end: the
    problem builder makes the span long enough for every schedule.
    """

    periods: tuple[tuple[int, int], ...]
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _ends: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _before: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = tuple(a for a, _ in self.periods)
        ends = tuple(b for _, b in self.periods)
        before: list[int] = []
        total = 0
        for a, b in self.periods:
            before.append(total)
            total += b - a
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_ends", ends)
        object.__setattr__(self, "_before", tuple(before))

    @property
    def total(self) -> int:
        """Working minutes in the whole span."""
        return sum(b - a for a, b in self.periods)

    def is_working(self, minute: int) -> bool:
        """Whether the minute `[minute, minute + 1)` is working time."""
        k = bisect.bisect_right(self._starts, minute) - 1
        return k >= 0 and minute < self._ends[k]

    def worked(self, start: int, end: int) -> int:
        """Working minutes in `[start, end)`."""
        return max(0, self._cumulative(end) - self._cumulative(start))

    def _cumulative(self, minute: int) -> int:
        k = bisect.bisect_right(self._starts, minute) - 1
        if k < 0:
            return 0
        return self._before[k] + min(minute, self._ends[k]) - self._starts[k]

    def next_working(self, minute: int) -> int | None:
        """The first working minute at or after `minute` (None past the span)."""
        k = bisect.bisect_right(self._starts, minute) - 1
        if k >= 0 and minute < self._ends[k]:
            return minute
        if k + 1 < len(self._starts):
            return self._starts[k + 1]
        return None

    def finish(self, start: int, work: int) -> int | None:
        """End of `work` working minutes begun at `start`, pausing over breaks.

        The end is right after the last working minute (rule 4). None when
        the span runs out first.
        """
        k = self._period_reaching(self._cumulative(start) + work)
        if k is None:
            return None
        return self._starts[k] + self._cumulative(start) + work - self._before[k]

    def _period_reaching(self, target: int) -> int | None:
        """The period in which the cumulative working count reaches `target`."""
        k = bisect.bisect_left(self._before, target) - 1
        if k < 0:
            return None
        if target > self._before[k] + self._ends[k] - self._starts[k]:
            return None
        return k

    def rewind(self, end: int, work: int) -> int:
        """The latest start from which `work` working minutes end by `end`."""
        target = self._cumulative(end) - work
        k = bisect.bisect_right(self._before, target) - 1
        k = max(k, 0)
        # the working minute number `target` (0-based) lies in period k
        return self._starts[k] + target - self._before[k]

    def first_run(
        self, minute: int, work: int, interruptible: bool
    ) -> tuple[int, int] | None:
        """The earliest `(start, end)` from `minute` on of `work` working minutes.

        Interruptible work starts at the first working minute and pauses over
        breaks; uninterruptible work needs one period that holds it all. One
        call instead of a start search and an end computation: the list
        schedule asks this for every gap it tries.
        """
        k = max(bisect.bisect_right(self._starts, minute) - 1, 0)
        starts, ends = self._starts, self._ends
        if not interruptible:
            while k < len(starts):
                start = max(minute, starts[k])
                if start + work <= ends[k]:
                    return start, start + work
                k += 1
            return None
        if k < len(starts) and minute >= ends[k]:
            k += 1
        if k >= len(starts):
            return None
        start = max(minute, starts[k])
        if start + work <= ends[k]:
            return start, start + work
        target = self._before[k] + start - starts[k] + work
        j = self._period_reaching(target)
        if j is None:
            return None
        return start, starts[j] + target - self._before[j]

    def fitting_period(self, start: int, work: int) -> bool:
        """Whether `[start, start + work)` lies inside one working period."""
        k = bisect.bisect_right(self._starts, start) - 1
        return k >= 0 and start + work <= self._ends[k]

    def next_fit(self, minute: int, work: int) -> int | None:
        """Earliest start >= minute of an uninterrupted run of `work` minutes."""
        k = max(bisect.bisect_right(self._starts, minute) - 1, 0)
        while k < len(self.periods):
            start = max(minute, self._starts[k])
            if start + work <= self._ends[k]:
                return start
            k += 1
        return None

    def start_segments(
        self, work: int, low: int, high: int
    ) -> list[tuple[int, int, int]]:
        """Feasible starts in `[low, high]` of interruptible work, as segments.

        Each `(elapsed, s1, s2)`: every start in `[s1, s2]` ends `elapsed`
        minutes later, in the same period. Within a period the elapsed time
        changes only where the end crosses into another period.
        """
        segments: list[tuple[int, int, int]] = []
        first = max(bisect.bisect_right(self._starts, low) - 1, 0)
        for i in range(first, len(self.periods)):
            a, b = self._starts[i], self._ends[i]
            if a > high:
                break
            lo, hi = max(a, low), min(b - 1, high)
            s = lo
            while s <= hi:
                # the working count reached at the end, for a start at s
                target = self._before[i] + (s - a) + work
                j = self._period_reaching(target)
                if j is None:
                    break
                last_target = self._before[j] + self._ends[j] - self._starts[j]
                s_last = min(hi, s + (last_target - target))
                gap = (self._starts[j] - self._before[j]) - (a - self._before[i])
                segments.append((work + gap, s, s_last))
                s = s_last + 1
        return segments

    def start_groups(
        self, work: int, low: int, high: int
    ) -> dict[int, list[tuple[int, int]]]:
        """The same starts grouped by elapsed time: elapsed -> ranges.

        There are few groups: one per distinct amount of non-working time an
        operation can span (a night, a weekend, a holiday).
        """
        groups: dict[int, list[tuple[int, int]]] = {}
        for elapsed, first, last in self.start_segments(work, low, high):
            groups.setdefault(elapsed, []).append((first, last))
        return groups

    def worst_elapsed(self, work: int, interruptible: bool, upto: int) -> int | None:
        """The longest wait-plus-run of `work` begun as soon as possible after x.

        The maximum over every moment x in `[0, upto]` of (end - x) when the
        work starts at the first start allowed after x. None when the span
        ends before some x gets its work done: the span must grow.
        """
        candidates = {0}
        for a, b in self.periods:
            if a > upto:
                break
            candidates.update((a, b))
            if not interruptible:
                candidates.add(b - work + 1)
        if interruptible:
            candidates.update(s for _, s, _ in self.start_segments(work, 0, upto))
        worst = 0
        for x in candidates:
            if not 0 <= x <= upto:
                continue
            if interruptible:
                begin = self.next_working(x)
                end = None if begin is None else self.finish(begin, work)
            else:
                begin = self.next_fit(x, work)
                end = None if begin is None else begin + work
            if end is None:
                return None
            worst = max(worst, end - x)
        return worst

    def fit_ranges(self, work: int, low: int, high: int) -> list[tuple[int, int]]:
        """Starts in `[low, high]` of uninterrupted work inside one period."""
        ranges = []
        first = max(bisect.bisect_right(self._starts, low) - 1, 0)
        for i in range(first, len(self.periods)):
            a, b = self._starts[i], self._ends[i]
            if a > high:
                break
            lo, hi = max(a, low), min(b - work, high)
            if lo <= hi:
                ranges.append((lo, hi))
        return ranges
