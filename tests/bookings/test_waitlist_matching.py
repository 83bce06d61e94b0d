from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookings.scheduling.availability import Slot
from bookings.waitlist.matching import (
    Wish,
    gap_ends,
    gaps,
    in_day_order,
    part_of_day,
    suitable_starts,
    suits,
    unoffered_gaps,
)

LONDON = ZoneInfo("Europe/London")
# Sunday 29 March 2026: London's clocks go forward at 01:00 GMT.
BEFORE_CHANGE = date(2026, 3, 28)
AFTER_CHANGE = date(2026, 3, 30)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(UTC)


ANY_PART = frozenset({"morning", "afternoon", "evening"})


@pytest.mark.parametrize(
    ("hour", "minute", "part"),
    [
        (9, 0, "morning"),
        (11, 45, "morning"),
        (12, 0, "afternoon"),
        (16, 59, "afternoon"),
        (17, 0, "evening"),
        (20, 30, "evening"),
    ],
)
@pytest.mark.parametrize("day", [BEFORE_CHANGE, AFTER_CHANGE])
def test_parts_of_the_day_follow_the_clinics_wall_clock_across_a_clock_change(
    day, hour, minute, part
):
    assert part_of_day(at(day, hour, minute), LONDON) == part


def test_a_summer_afternoon_at_noon_is_11_utc_and_still_afternoon():
    noon = at(AFTER_CHANGE, 12)
    assert noon.hour == 11
    assert suits(
        Wish(AFTER_CHANGE, AFTER_CHANGE, frozenset({"afternoon"})), Slot(noon, (1,)), LONDON
    )


@pytest.mark.parametrize(
    ("wish", "slot", "expected"),
    [
        (Wish(AFTER_CHANGE, AFTER_CHANGE, ANY_PART), Slot(at(AFTER_CHANGE, 10), (1,)), True),
        (Wish(AFTER_CHANGE, AFTER_CHANGE, ANY_PART, 2), Slot(at(AFTER_CHANGE, 10), (1,)), False),
        (Wish(AFTER_CHANGE, AFTER_CHANGE, ANY_PART, 2), Slot(at(AFTER_CHANGE, 10), (1, 2)), True),
        (Wish(BEFORE_CHANGE, BEFORE_CHANGE, ANY_PART), Slot(at(AFTER_CHANGE, 10), (1,)), False),
        # 00:30 in London the day after is 23:30 UTC on the last day: outside all the same.
        (
            Wish(AFTER_CHANGE, AFTER_CHANGE, ANY_PART),
            Slot(at(date(2026, 3, 31), 0, 30), (1,)),
            False,
        ),
        (
            Wish(AFTER_CHANGE, AFTER_CHANGE, frozenset({"morning"})),
            Slot(at(AFTER_CHANGE, 12), (1,)),
            False,
        ),
    ],
)
def test_a_slot_suits_a_wish_by_therapist_days_and_part_of_day(wish, slot, expected):
    assert suits(wish, slot, LONDON) is expected


def test_suitable_starts_are_earliest_first_without_those_offered_before():
    wish = Wish(AFTER_CHANGE, AFTER_CHANGE, ANY_PART)
    slots = [Slot(at(AFTER_CHANGE, h), (1,)) for h in (15, 9, 11)]

    starts = suitable_starts(wish, slots, LONDON, leaving_out=[at(AFTER_CHANGE, 9)])

    assert starts == [at(AFTER_CHANGE, 11), at(AFTER_CHANGE, 15)]


STEP = timedelta(minutes=15)
NINE = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def past_nine(*minutes: int) -> list[datetime]:
    return [NINE + timedelta(minutes=m) for m in minutes]


def test_starts_one_step_apart_are_one_gap():
    assert gaps(past_nine(0, 15, 30, 120, 135, 300), STEP) == [
        past_nine(0, 15, 30),
        past_nine(120, 135),
        past_nine(300),
    ]


def test_each_gap_offers_its_earliest_start_unless_the_entry_knows_it():
    starts = past_nine(0, 15, 30, 120, 135, 300)
    assert unoffered_gaps(starts, STEP) == past_nine(0, 120, 300)
    assert unoffered_gaps(starts, STEP, offered=past_nine(30, 300)) == past_nine(120)


def test_the_ends_of_each_gap_are_kept_as_seen():
    assert gap_ends(past_nine(0, 15, 30, 120), STEP) == past_nine(0, 30, 120)


def test_parts_of_the_day_read_in_the_order_of_the_day():
    assert in_day_order(["evening", "afternoon", "morning"]) == ["morning", "afternoon", "evening"]
    assert in_day_order(["evening", "morning"]) == ["morning", "evening"]
