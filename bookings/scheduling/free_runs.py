from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bookings.scheduling.availability import (
    Interval,
    Rules,
    Run,
    TherapistSchedule,
    Workings,
    first_aligned,
    intervals_of_hours,
    local_days,
)


class _Sorted:
    """Intervals by start, asked which of them reach into [a, b)."""

    def __init__(self, intervals: Iterable[Interval]) -> None:
        self.ordered = sorted(intervals)
        self.starts = [i.start for i in self.ordered]
        self.longest = max((i.end - i.start for i in self.ordered), default=timedelta(0))

    def reaching(self, a: datetime, b: datetime) -> list[Interval]:
        low = bisect_left(self.starts, a - self.longest)
        high = bisect_left(self.starts, b)
        return [i for i in self.ordered[low:high] if i.end > a]


def _free_runs(
    working: Interval,
    first: datetime,
    blockers: Sequence[tuple[timedelta, _Sorted]],
    *,
    length: timedelta,
    step: timedelta,
) -> Iterable[tuple[datetime, int, int]]:
    """The working interval's free grid starts, from its first one, as runs (first, k0,
    k1): the starts first + k * step for k0 <= k <= k1, exactly those `free_slots` lists.

    Found by subtracting what blocks a start instead of testing each one: an interval
    paired with `before` blocks the starts in the open range (its start - before, its end).
    """
    if first + length > working.end:
        return
    last = (working.end - length - first) // step
    last_start = first + last * step
    blocked: list[tuple[int, int]] = []
    for before, intervals in blockers:
        for interval in intervals.reaching(first, last_start + before):
            low, high = interval.start - before, interval.end
            # The first k above low and the last below high.
            k_low = (low - first) // step + 1
            k_high = -((first - high) // step) - 1
            if k_low <= k_high:
                blocked.append((max(k_low, 0), min(k_high, last)))
    k = 0
    for k_low, k_high in sorted(blocked):
        if k_low > k:
            yield first, k, min(k_low - 1, last)
        k = max(k, k_high + 1)
        if k > last:
            return
    yield first, k, last


def free_counts_by_day(
    schedules: Iterable[TherapistSchedule],
    *,
    length: timedelta,
    rules: Rules,
    now: datetime,
    zone: ZoneInfo,
) -> dict[date, int]:
    """How many distinct starts `free_slots_for_anyone` offers on each local day (days
    with none left out), counted from runs of free starts without listing them."""
    earliest = now + rules.min_notice
    days = local_days(now, rules.horizon_days, zone)
    runs_by_day: dict[date, list[Run]] = {}
    # Therapists mostly share a few patterns of hours: each day's instants (and first
    # grid start) are worked out once per pattern, not once per therapist.
    workings: Workings = {}
    for schedule in schedules:
        therapist_runs = free_runs_by_day(
            schedule,
            length=length,
            rules=rules,
            days=days,
            zone=zone,
            workings=workings,
            earliest=earliest,
        )
        for day, runs in therapist_runs.items():
            runs_by_day.setdefault(day, []).extend(runs)
    return {
        day: count
        for day, runs in runs_by_day.items()
        if (count := _distinct_starts(runs, rules.step))
    }


def free_runs_by_day(
    schedule: TherapistSchedule,
    *,
    length: timedelta,
    rules: Rules,
    days: Sequence[date],
    zone: ZoneInfo,
    workings: Workings | None = None,
    earliest: datetime | None = None,
) -> dict[date, list[Run]]:
    """One therapist's free starts on each of `days` as runs (see `_free_runs`), from
    `earliest` on. Without `earliest` (before the minimum notice) they hold all day, so a
    cache can keep each therapist's and `counts_from_runs` applies the notice of the
    moment. Days without any left out.

    `workings`, shared between calls, works each day's hours pattern out once for
    several therapists."""
    blockers = (
        (length, _Sorted(schedule.time_off)),
        (length + rules.buffer, _Sorted(schedule.busy)),
    )
    workings = {} if workings is None else workings
    runs_by_day: dict[date, list[Run]] = {}
    for day in days:
        ranges = schedule.hours_on(day)
        if not ranges:
            continue
        key = (day, ranges, earliest)
        if key not in workings:
            workings[key] = [
                (working, first_aligned(_later(working.start, earliest), rules.step, zone))
                for working in intervals_of_hours(ranges, day, zone)
            ]
        runs = [
            run
            for working, first in workings[key]
            for run in _free_runs(working, first, blockers, length=length, step=rules.step)
        ]
        if runs:
            runs_by_day[day] = runs
    return runs_by_day


def _later(start: datetime, earliest: datetime | None) -> datetime:
    return start if earliest is None else max(start, earliest)


def counts_from_runs(
    runs_by_therapist: Iterable[Mapping[date, Sequence[Run]]],
    *,
    earliest: datetime,
    step: timedelta,
    zone: ZoneInfo,
) -> dict[date, int] | None:
    """What `free_counts_by_day` counts, from each therapist's `free_runs_by_day`: the
    starts before `earliest` (now plus the notice) left out, then distinct starts per day.

    None in the one case runs cannot be cut exactly: a clock change between a working
    interval's start and `earliest` that moves the wall-clock grid off the steps (a
    45-minute step across a one-hour change); then count from the schedules.
    """
    aligned = first_aligned(earliest, step, zone)
    runs_by_day: dict[date, list[Run]] = {}
    for therapist_runs in runs_by_therapist:
        for day, runs in therapist_runs.items():
            kept = runs_by_day.setdefault(day, [])
            for first, k_low, k_high in runs:
                if first + k_low * step >= earliest:
                    kept.append((first, k_low, k_high))
                elif first + k_high * step >= earliest:
                    k_first, off_grid = divmod(aligned - first, step)
                    if off_grid:
                        return None
                    kept.append((first, max(k_low, k_first), k_high))
    return {
        day: count for day, runs in runs_by_day.items() if (count := _distinct_starts(runs, step))
    }


def starts_from_runs(
    runs_by_therapist: Iterable[Mapping[date, Sequence[Run]]],
    *,
    day: date,
    earliest: datetime,
    step: timedelta,
    zone: ZoneInfo,
) -> list[datetime] | None:
    """The distinct starts `free_slots_for_anyone` lists on `day` (in UTC, in order),
    from each therapist's `free_runs_by_day`, cut at `earliest` as `counts_from_runs`
    cuts them; None in the same one case it cannot cut exactly."""
    aligned = first_aligned(earliest, step, zone)
    starts: set[datetime] = set()
    for therapist_runs in runs_by_therapist:
        for first, k_low, k_high in therapist_runs.get(day, ()):
            if first + k_high * step < earliest:
                continue
            if first + k_low * step < earliest:
                k_first, off_grid = divmod(aligned - first, step)
                if off_grid:
                    return None
                k_low = max(k_low, k_first)
            starts.update((first + k * step).astimezone(UTC) for k in range(k_low, k_high + 1))
    return sorted(starts)


def _distinct_starts(runs: Iterable[tuple[datetime, int, int]], step: timedelta) -> int:
    """How many distinct instants the runs hold. Runs are placed as whole steps from an
    epoch, one phase at a time, so overlapping runs (several therapists free at once)
    count once; runs off each other's grid cannot share an instant."""
    spans_by_phase: dict[timedelta, list[tuple[int, int]]] = {}
    for first, k_low, k_high in runs:
        offset, phase = divmod(first - _EPOCH, step)
        spans_by_phase.setdefault(phase, []).append((offset + k_low, offset + k_high))
    total = 0
    for spans in spans_by_phase.values():
        upto: int | None = None
        for low, high in sorted(spans):
            if upto is not None:
                low = max(low, upto + 1)
            total += max(high - low + 1, 0)
            upto = high if upto is None else max(upto, high)
    return total


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
