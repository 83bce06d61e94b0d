"""A therapist's week as the admin schedule page shows it. No database.

Days are the clinic's calendar days, bounded by local midnights, so a day with a
clock change is 23 or 25 real hours long and every entry sits at its local time.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from . import availability


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


@dataclass(frozen=True)
class Day:
    date: date
    start: datetime
    end: datetime
    working: tuple[availability.Interval, ...] = ()
    entries: tuple[Entry, ...] = field(default=())

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def clock_change(self) -> bool:
        return self.start.utcoffset() != self.end.utcoffset()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return availability.wall_to_utc(day, time(0), zone).astimezone(zone)


def week_bounds(monday: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return local_midnight(monday, zone), local_midnight(monday + timedelta(days=7), zone)


def build_week(
    *,
    monday: date,
    zone: ZoneInfo,
    working_hours: Mapping[int, Sequence[tuple[time, time]]],
    time_off: Sequence[Entry],
    sessions: Sequence[Entry],
) -> list[Day]:
    """Seven days of working ranges, breaks (the gaps), time off and sessions.

    Time off spanning several days is clipped to each day it covers.
    """
    schedule = availability.TherapistSchedule(therapist_id=0, working_hours=working_hours)
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        start, end = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
        working = availability.working_intervals(schedule, day, zone)
        breaks = [
            Entry(Kind.BREAK, before.end.astimezone(zone), after.start.astimezone(zone), "Break")
            for before, after in pairwise(working)
        ]
        away = [
            Entry(
                Kind.TIME_OFF,
                max(off.start, start).astimezone(zone),
                min(off.end, end).astimezone(zone),
                off.label,
            )
            for off in time_off
            if off.start < end and start < off.end
        ]
        booked = [
            replace(s, start=s.start.astimezone(zone), end=s.end.astimezone(zone))
            for s in sessions
            if start <= s.start < end
        ]
        entries = sorted(breaks + away + booked, key=lambda e: (e.start, e.end, e.kind))
        days.append(
            Day(
                date=day,
                start=start,
                end=end,
                working=tuple(
                    availability.Interval(w.start.astimezone(zone), w.end.astimezone(zone))
                    for w in working
                ),
                entries=tuple(entries),
            )
        )
    return days
