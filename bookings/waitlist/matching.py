"""Which free times suit a waitlist entry. Pure: plain values in, plain values out.

Parts of the day are read on the clinic's wall clock, so a 09:00 session is "morning"
on both sides of a clock change.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
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
