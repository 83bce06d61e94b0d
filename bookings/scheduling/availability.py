"""Free start times from working hours, time off and busy intervals. No database.

Working hours are wall-clock times in the clinic's zone; everything else is an
aware instant. Slots are aware UTC datetimes stepped in real elapsed minutes, so a
day with a clock change has exactly the slots that really exist, once each.

A wall-clock time means the first moment the clock shows it: on the spring-forward
day a range starting inside the skipped hour starts when the clocks jump, and on
the fall-back day 01:30 is the first 01:30.
"""

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import accumulate
from zoneinfo import ZoneInfo


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class DatedHours:
    """A wall-clock working range on a weekday that holds only between two days (both
    included; None leaves that end open): a rota that starts or ends on a date."""

    weekday: int
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None

    def holds_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def overlaps(self, other: "DatedHours") -> bool:
        """Whether both hold at one moment of some day: merged, they would hide a break."""
        if self.weekday != other.weekday:
            return False
        if not (self.start < other.end and other.start < self.end):
            return False
        return (
            self.valid_from is None
            or other.valid_until is None
            or self.valid_from <= other.valid_until
        ) and (
            other.valid_from is None
            or self.valid_until is None
            or other.valid_from <= self.valid_until
        )


def overlapping_pairs(rows: Sequence[DatedHours]) -> list[tuple[int, int]]:
    """The pairs of rows (by index, the earlier first) that overlap each other."""
    return [
        (i, j)
        for i, row in enumerate(rows)
        for j in range(i + 1, len(rows))
        if row.overlaps(rows[j])
    ]


@dataclass(frozen=True)
class TherapistSchedule:
    therapist_id: int
    # weekday (0 = Monday) -> (start, end) wall-clock ranges; breaks are the gaps.
    working_hours: Mapping[int, Sequence[tuple[time, time]]]
    # Time off, and the clinic's closures as whole local days.
    time_off: Sequence[Interval] = ()
    # Existing active bookings as (start, blocked_until): the buffer is already inside.
    busy: Sequence[Interval] = ()
    # Hours that hold from or until a date, on top of `working_hours` (which always hold).
    dated_hours: Sequence[DatedHours] = ()

    def hours_on(self, day: date) -> tuple[tuple[time, time], ...]:
        """The wall-clock working ranges on the clinic's `day`, by start."""
        weekly = tuple(self.working_hours.get(day.weekday(), ()))
        if not self.dated_hours:
            return weekly
        weekday = day.weekday()
        dated = tuple(
            (h.start, h.end) for h in self.dated_hours if h.weekday == weekday and h.holds_on(day)
        )
        return tuple(sorted(weekly + dated)) if dated else weekly


@dataclass(frozen=True)
class Rules:
    buffer: timedelta = timedelta(minutes=15)
    min_notice: timedelta = timedelta(hours=2)
    horizon_days: int = 28
    step: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Slot:
    start: datetime
    therapist_ids: tuple[int, ...] = field(default=())


class Problem(StrEnum):
    PAST = "past"
    TOO_SOON = "too_soon"
    TOO_FAR = "too_far"
    DAY_OFF = "day_off"
    OUTSIDE_HOURS = "outside_hours"
    TIME_OFF = "time_off"
    TAKEN = "taken"


def wall_to_utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The first instant at which the clinic's clock shows `wall` on `day`."""
    local = datetime.combine(day, wall, tzinfo=zone)
    utc = local.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return utc
    # `wall` falls in the skipped hour: the answer is the instant the clocks jump,
    # between the two readings of it with the offsets before and after.
    low = local.replace(fold=1).astimezone(UTC)
    high = utc
    if high < low:
        low, high = high, low
    before = low.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def local_days(now: datetime, horizon_days: int, zone: ZoneInfo) -> list[date]:
    """The clinic's dates clients may book on: today and the next `horizon_days` days."""
    today = now.astimezone(zone).date()
    return [today + timedelta(days=n) for n in range(horizon_days + 1)]


def working_intervals(schedule: TherapistSchedule, day: date, zone: ZoneInfo) -> list[Interval]:
    return intervals_of_hours(schedule.hours_on(day), day, zone)


def local_day_interval(first: date, last: date, zone: ZoneInfo) -> Interval:
    """The instants from `first` to `last` (both included) in the clinic's zone: whole
    days, 23 or 25 hours on a clock change."""
    return Interval(
        wall_to_utc(first, time(0), zone), wall_to_utc(last + timedelta(days=1), time(0), zone)
    )


def clashes(
    schedule: TherapistSchedule,
    sessions: Iterable[tuple[int, Interval]],
    zone: ZoneInfo,
) -> list[int]:
    """The sessions (id, start to end) the schedule no longer holds, in the order given:
    not inside one working range of their day, or overlapping time off or a closure.

    The buffer after a session may run past the end of the day; the session itself may not.
    """
    time_off = _Blocked(schedule.time_off)
    working_by_day: dict[date, list[Interval]] = {}
    found = []
    for session_id, session in sessions:
        day = session.start.astimezone(zone).date()
        if day not in working_by_day:
            working_by_day[day] = working_intervals(schedule, day, zone)
        inside = any(w.start <= session.start and session.end <= w.end for w in working_by_day[day])
        if not inside or time_off.overlaps(session.start, session.end):
            found.append(session_id)
    return found


def intervals_of_hours(
    ranges: tuple[tuple[time, time], ...], day: date, zone: ZoneInfo
) -> list[Interval]:
    intervals = []
    for start, end in ranges:
        utc_start, utc_end = wall_to_utc(day, start, zone), wall_to_utc(day, end, zone)
        if utc_start < utc_end:
            intervals.append(Interval(utc_start, utc_end))
    return _merge(intervals)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in sorted(intervals):
        if merged and interval.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Interval(last.start, max(last.end, interval.end))
        else:
            merged.append(interval)
    return merged


def first_aligned(instant: datetime, step: timedelta, zone: ZoneInfo) -> datetime:
    """Round up to the next wall-clock multiple of `step` (09:00, 09:15...)."""
    local = instant.astimezone(zone)
    since_midnight = timedelta(hours=local.hour, minutes=local.minute, seconds=local.second)
    since_midnight += timedelta(microseconds=local.microsecond)
    remainder = since_midnight % step
    return instant if not remainder else instant + (step - remainder)


class _Blocked:
    """Intervals asked "does any of you overlap [a, b)?" once per candidate slot.

    Sorted by start, with the latest end among the first n: only intervals that start
    before `b` can overlap, and one of them does exactly when the latest of their ends
    is after `a`. Two lookups per slot, however long the horizon (time off may overlap
    itself, so the running maximum matters).
    """

    def __init__(self, intervals: Iterable[Interval]) -> None:
        ordered = sorted(intervals)
        self.starts = [i.start for i in ordered]
        self.latest_ends = list(accumulate((i.end for i in ordered), max))

    def overlaps(self, a: datetime, b: datetime) -> bool:
        before_b = bisect_left(self.starts, b)
        return before_b > 0 and self.latest_ends[before_b - 1] > a


def free_slots(
    schedule: TherapistSchedule,
    *,
    length: timedelta,
    rules: Rules,
    now: datetime,
    zone: ZoneInfo,
    days: Iterable[date] | None = None,
) -> list[datetime]:
    """Start times (aware, UTC) at which a session of `length` can be booked."""
    earliest = now + rules.min_notice
    if days is None:
        wanted_days = local_days(now, rules.horizon_days, zone)
    else:
        # One asked day must not cost a walk over the whole horizon: compare the ends.
        first = now.astimezone(zone).date()
        last = first + timedelta(days=rules.horizon_days)
        wanted_days = sorted({day for day in days if first <= day <= last})
    time_off = _Blocked(schedule.time_off)
    busy = _Blocked(schedule.busy)
    slots: list[datetime] = []
    for day in wanted_days:
        for working in working_intervals(schedule, day, zone):
            start = first_aligned(max(working.start, earliest), rules.step, zone)
            while start + length <= working.end:
                end = start + length
                if not time_off.overlaps(start, end) and not busy.overlaps(
                    start, end + rules.buffer
                ):
                    slots.append(start.astimezone(UTC))
                start += rules.step
    return sorted(set(slots))


def free_slots_for_anyone(
    schedules: Iterable[TherapistSchedule],
    *,
    length: timedelta,
    rules: Rules,
    now: datetime,
    zone: ZoneInfo,
    days: Iterable[date] | None = None,
) -> list[Slot]:
    """Every start time at which at least one of the therapists is free, and who is."""
    free: dict[datetime, list[int]] = {}
    wanted = None if days is None else list(days)
    for schedule in schedules:
        for start in free_slots(
            schedule, length=length, rules=rules, now=now, zone=zone, days=wanted
        ):
            free.setdefault(start, []).append(schedule.therapist_id)
    return [Slot(start, tuple(sorted(ids))) for start, ids in sorted(free.items())]


def check_slot(
    schedule: TherapistSchedule,
    *,
    start: datetime,
    length: timedelta,
    rules: Rules,
    now: datetime,
    zone: ZoneInfo,
) -> Problem | None:
    """Why a session of `length` at `start` cannot be booked, or None when it can.

    Unlike `free_slots` this does not insist on the step grid: the services check
    `on_step_grid` first, with its own message.
    """
    if start < now:
        return Problem.PAST
    if start < now + rules.min_notice:
        return Problem.TOO_SOON
    day = start.astimezone(zone).date()
    if day not in local_days(now, rules.horizon_days, zone):
        return Problem.TOO_FAR
    return fits(schedule, start=start, length=length, buffer=rules.buffer, zone=zone)


def fits(
    schedule: TherapistSchedule,
    *,
    start: datetime,
    length: timedelta,
    buffer: timedelta,
    zone: ZoneInfo,
) -> Problem | None:
    """Why a session of `length` at `start`, with the buffer after it, does not fit the
    therapist's day (hours, time off, other sessions), or None when it does. Notice and
    horizon aside: `check_slot` adds them for clients; the desk books without them."""
    end = start + length
    working = working_intervals(schedule, start.astimezone(zone).date(), zone)
    if not working:
        return Problem.DAY_OFF
    if not any(w.start <= start and end <= w.end for w in working):
        return Problem.OUTSIDE_HOURS
    if any(off.overlaps(start, end) for off in schedule.time_off):
        return Problem.TIME_OFF
    if any(busy.overlaps(start, end + buffer) for busy in schedule.busy):
        return Problem.TAKEN
    return None


# A time a client sends back must be one the site could have offered: years far
# outside these overflow date arithmetic, and offsets beyond real-world ones (-12:00
# to +14:00) are refused by PostgreSQL (it stops at 15:59).
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
MAX_OFFSET = timedelta(hours=14)


def parse_start(value: str) -> datetime:
    """An ISO 8601 time with an offset, as aware UTC; ValueError for anything else."""
    parsed = datetime.fromisoformat(value.strip())
    offset = parsed.utcoffset()
    if offset is None:
        raise ValueError("a start time needs an offset")
    if abs(offset) > MAX_OFFSET:
        raise ValueError("offset out of range")
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise ValueError("year out of range")
    return parsed.astimezone(UTC)


EARLIEST_DAY = date(EARLIEST_YEAR, 1, 1)
LATEST_DAY = date(LATEST_YEAR, 12, 31)


def day_in_range(day: date) -> bool:
    """Whether a day is one the site could show: any day a query or a form carries is
    checked here before it is added to, turned into a time or looked up, as years near
    1 or 9999 overflow that arithmetic."""
    return EARLIEST_DAY <= day <= LATEST_DAY


def parse_day(value: str) -> date | None:
    """A YYYY-MM-DD day within the site's years; None for anything else."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return day if day_in_range(day) else None


def on_step_grid(start: datetime, step: timedelta, zone: ZoneInfo) -> bool:
    """Whether `start` is a wall-clock multiple of `step` (09:00, 09:15...), as offered."""
    local = start.astimezone(zone)
    since_midnight = timedelta(
        hours=local.hour, minutes=local.minute, seconds=local.second, microseconds=local.microsecond
    )
    return since_midnight % step == timedelta(0)


def by_local_day(starts: Iterable[datetime], zone: ZoneInfo) -> dict[date, list[datetime]]:
    days: dict[date, list[datetime]] = {}
    for start in sorted(starts):
        days.setdefault(start.astimezone(zone).date(), []).append(start)
    return days


def nearest(starts: Sequence[datetime], target: datetime, count: int = 3) -> list[datetime]:
    """The `count` free starts closest in time to the one the client wanted."""
    return sorted(sorted(starts, key=lambda s: (abs(s - target), s))[:count])


Run = tuple[datetime, int, int]
# A day, its wall-clock hours and the earliest start -> its working intervals with their
# first grid start.
Workings = dict[
    tuple[date, tuple[tuple[time, time], ...], datetime | None], list[tuple[Interval, datetime]]
]
