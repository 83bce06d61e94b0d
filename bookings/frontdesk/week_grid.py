"""A therapist's week as the admin schedule page shows it. No database.

Days are the clinic's calendar days, bounded by local midnights, so a day with a
clock change is 23 or 25 real hours long and every entry sits at its local time.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from bookings.scheduling import availability


class Kind(StrEnum):
    SESSION = "session"
    BREAK = "break"
    TIME_OFF = "time-off"


@dataclass(frozen=True)
class Entry:
    kind: Kind
    start: datetime
    end: datetime
    label: str
    booking_id: int | None = None
    status: str = ""
    warning: bool = False
    # A confirmed session the schedule no longer holds, as the day view and list mark it.
    needs_attention: bool = False
    # The local times as shown, e.g. "01:30 BST to 01:00 GMT"; filled in by build_week.
    when: str = ""


@dataclass(frozen=True)
class Day:
    date: date
    start: datetime
    end: datetime
    clock_change: bool
    working: tuple[str, ...] = ()
    entries: tuple[Entry, ...] = field(default=())

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant (UTC) the clinic's day starts."""
    return availability.wall_to_utc(day, time(0), zone)


def week_bounds(monday: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return local_midnight(monday, zone), local_midnight(monday + timedelta(days=7), zone)


def clock(instant: datetime, zone: ZoneInfo, *, with_zone: bool) -> str:
    # strftime's %Z honours `fold`, so the two 01:30s of the autumn change read
    # "01:30 BST" and "01:30 GMT"; Django's "T" format leaves ambiguous times blank.
    return instant.astimezone(zone).strftime("%H:%M %Z" if with_zone else "%H:%M")


def span(start: datetime, end: datetime, zone: ZoneInfo, *, with_zone: bool) -> str:
    return f"{clock(start, zone, with_zone=with_zone)} to {clock(end, zone, with_zone=with_zone)}"


def build_week(
    *,
    monday: date,
    zone: ZoneInfo,
    schedule: availability.TherapistSchedule,
    time_off: Sequence[Entry],
    sessions: Sequence[Entry],
) -> list[Day]:
    """Seven days of working ranges (the schedule's `hours_on` each day), breaks (the
    gaps), time off and sessions.

    Everything is compared in UTC: Python compares datetimes sharing one tzinfo by
    wall clock, which would merge the two 01:30s of the autumn change. Time off
    spanning several days is clipped to each day it covers.
    """
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        start, end = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
        change = start.astimezone(zone).utcoffset() != end.astimezone(zone).utcoffset()
        working = availability.working_intervals(schedule, day, zone)
        breaks = [
            Entry(Kind.BREAK, before.end, after.start, "Break")
            for before, after in pairwise(working)
        ]
        away = [
            replace(off, start=max(off.start, start), end=min(off.end, end))
            for off in time_off
            if off.start < end and start < off.end
        ]
        booked = [s for s in sessions if start <= s.start < end]
        entries = sorted(
            (
                replace(
                    e,
                    start=e.start.astimezone(UTC),
                    end=e.end.astimezone(UTC),
                    when=span(e.start, e.end, zone, with_zone=change),
                )
                for e in breaks + away + booked
            ),
            key=lambda e: (e.start, e.end, e.kind),
        )
        days.append(
            Day(
                date=day,
                start=start,
                end=end,
                clock_change=change,
                working=tuple(span(w.start, w.end, zone, with_zone=change) for w in working),
                entries=tuple(entries),
            )
        )
    return days
