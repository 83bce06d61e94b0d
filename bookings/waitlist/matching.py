"""Which free times suit a waitlist entry. Pure: plain values in, plain values out.

Parts of the day are read on the clinic's wall clock, so a 09:00 session is "morning"
on both sides of a clock change.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookings.scheduling.availability import Slot

MORNING = "morning"
AFTERNOON = "afternoon"
EVENING = "evening"
# Where each part of the day begins, on the clinic's wall clock; it ends where the next begins.
PART_STARTS: tuple[tuple[time, str], ...] = (
    (time(0), MORNING),
    (time(12), AFTERNOON),
    (time(17), EVENING),
)
PARTS = frozenset(part for _, part in PART_STARTS)


@dataclass(frozen=True)
class Wish:
    """What one waiting client asked for; technique and length are matched by the caller."""

    first_day: date
    last_day: date
    parts: frozenset[str]
    therapist_id: int | None = None


def part_of_day(start: datetime, zone: ZoneInfo) -> str:
    wall = start.astimezone(zone).time()
    part = MORNING
    for begins, name in PART_STARTS:
        if wall >= begins:
            part = name
    return part


def suits(wish: Wish, slot: Slot, zone: ZoneInfo) -> bool:
    if wish.therapist_id is not None and wish.therapist_id not in slot.therapist_ids:
        return False
    if not wish.first_day <= slot.start.astimezone(zone).date() <= wish.last_day:
        return False
    return part_of_day(slot.start, zone) in wish.parts


def suitable_starts(
    wish: Wish, slots: Iterable[Slot], zone: ZoneInfo, *, leaving_out: Iterable[datetime] = ()
) -> list[datetime]:
    """The starts that suit, earliest first, without those already offered."""
    offered = set(leaving_out)
    return sorted(
        slot.start for slot in slots if slot.start not in offered and suits(wish, slot, zone)
    )


def in_day_order(parts: Iterable[str]) -> list[str]:
    """Parts of the day as the day runs (morning, afternoon, evening), not alphabetically."""
    chosen = set(parts)
    return [part for _, part in PART_STARTS if part in chosen]


def gaps(starts: Iterable[datetime], step: timedelta) -> list[list[datetime]]:
    """Suitable starts grouped into gaps: runs one step apart. One freed gap (a cancelled
    hour, an afternoon of new hours) is one chance, whatever number of starts fit in it."""
    runs: list[list[datetime]] = []
    for start in sorted(set(starts)):
        if runs and start - runs[-1][-1] == step:
            runs[-1].append(start)
        else:
            runs.append([start])
    return runs


def unoffered_gaps(
    starts: Iterable[datetime], step: timedelta, *, offered: Iterable[datetime] = ()
) -> list[datetime]:
    """The best start (the earliest) of each gap no start of which was offered or shown
    to the entry before, earliest gap first."""
    known = set(offered)
    return [run[0] for run in gaps(starts, step) if not known.intersection(run)]


def gap_ends(starts: Iterable[datetime], step: timedelta) -> list[datetime]:
    """The first and last start of each gap: marking both as seen keeps a gap that is
    later cut in two by a booking from counting as freed on either side."""
    ends: list[datetime] = []
    for run in gaps(starts, step):
        ends.extend(dict.fromkeys((run[0], run[-1])))
    return ends
