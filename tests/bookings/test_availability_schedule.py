"""Dated hours, the clinic's closures and the sessions a changed schedule no longer holds."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bookings.scheduling.availability import (
    DatedHours,
    Interval,
    Problem,
    Rules,
    TherapistSchedule,
    check_slot,
    clashes,
    free_slots,
    local_day_interval,
)
from tests.bookings.test_availability import LONDON, hours, london, minutes

MON, SUN = 0, 6
# Monday 2 March 2026: the old rota ends on Sunday 8 March, the new one starts on Monday 9.
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
OLD_ROTA = DatedHours(MON, time(9), time(12), valid_until=date(2026, 3, 8))
NEW_ROTA = DatedHours(MON, time(13), time(16), valid_from=date(2026, 3, 9))
ONE_MONDAY = DatedHours(MON, time(18), time(19), date(2026, 3, 16), date(2026, 3, 16))
BANK_HOLIDAY = local_day_interval(date(2026, 3, 9), date(2026, 3, 9), LONDON)
A_WEEK = Rules(buffer=timedelta(0), min_notice=timedelta(0), horizon_days=21, step=minutes(60))


def starts_on(schedule: TherapistSchedule, day: date) -> list[int]:
    slots = free_slots(schedule, length=minutes(60), rules=A_WEEK, now=NOW, zone=LONDON, days=[day])
    return [s.astimezone(LONDON).hour for s in slots]


@pytest.mark.parametrize(
    ("schedule", "day", "expected"),
    [
        pytest.param(
            TherapistSchedule(1, {}, dated_hours=(OLD_ROTA, NEW_ROTA)),
            date(2026, 3, 2),
            [9, 10, 11],
            id="old rota before its last day",
        ),
        pytest.param(
            TherapistSchedule(1, {}, dated_hours=(OLD_ROTA, NEW_ROTA)),
            date(2026, 3, 9),
            [13, 14, 15],
            id="new rota from its first day",
        ),
        pytest.param(
            TherapistSchedule(1, {}, dated_hours=(OLD_ROTA, NEW_ROTA)),
            date(2026, 3, 23),
            [13, 14, 15],
            id="new rota stays open",
        ),
        pytest.param(
            TherapistSchedule(1, {}, dated_hours=(ONE_MONDAY,)),
            date(2026, 3, 16),
            [18],
            id="one day only",
        ),
        pytest.param(
            TherapistSchedule(1, {}, dated_hours=(ONE_MONDAY,)),
            date(2026, 3, 9),
            [],
            id="not the week before",
        ),
        pytest.param(
            TherapistSchedule(1, {}, dated_hours=(ONE_MONDAY,)),
            date(2026, 3, 23),
            [],
            id="nor the week after",
        ),
        pytest.param(
            TherapistSchedule(1, {MON: hours((9, 11))}, dated_hours=(ONE_MONDAY,)),
            date(2026, 3, 16),
            [9, 10, 18],
            id="on top of weekly hours",
        ),
        pytest.param(
            TherapistSchedule(1, {MON: hours((9, 11))}, time_off=(BANK_HOLIDAY,)),
            date(2026, 3, 9),
            [],
            id="closed all day",
        ),
        pytest.param(
            TherapistSchedule(1, {MON: hours((9, 11))}, time_off=(BANK_HOLIDAY,)),
            date(2026, 3, 16),
            [9, 10],
            id="open the week after",
        ),
    ],
)
def test_dated_hours_and_closures_decide_the_free_starts(schedule, day, expected):
    assert starts_on(schedule, day) == expected


@pytest.mark.parametrize(
    ("first", "last", "start", "end", "hours_long"),
    [
        (date(2026, 3, 9), date(2026, 3, 9), london(2026, 3, 9), london(2026, 3, 10), 24),
        (date(2026, 3, 29), date(2026, 3, 29), london(2026, 3, 29), london(2026, 3, 30), 23),
        (date(2026, 10, 25), date(2026, 10, 25), london(2026, 10, 25), london(2026, 10, 26), 25),
        (date(2026, 12, 25), date(2026, 12, 28), london(2026, 12, 25), london(2026, 12, 29), 96),
    ],
)
def test_a_closure_covers_whole_local_days_even_on_a_clock_change(
    first, last, start, end, hours_long
):
    closed = local_day_interval(first, last, LONDON)
    assert closed == Interval(start, end)
    assert closed.end - closed.start == timedelta(hours=hours_long)


def test_a_closure_on_the_spring_forward_day_leaves_no_start_that_day_only():
    schedule = TherapistSchedule(
        1,
        {SUN: hours((0, 4), (9, 11))},
        time_off=(local_day_interval(date(2026, 3, 29), date(2026, 3, 29), LONDON),),
    )
    now = datetime(2026, 3, 28, 12, tzinfo=UTC)
    rules = Rules(timedelta(0), timedelta(0), 14, minutes(60))
    slots = free_slots(schedule, length=minutes(60), rules=rules, now=now, zone=LONDON)
    assert {s.astimezone(LONDON).date() for s in slots} == {date(2026, 4, 5)}


def test_a_closed_day_says_time_off_when_a_start_is_checked():
    schedule = TherapistSchedule(1, {MON: hours((9, 17))}, time_off=(BANK_HOLIDAY,))
    problem = check_slot(
        schedule,
        start=london(2026, 3, 9, 10),
        length=minutes(60),
        rules=A_WEEK,
        now=NOW,
        zone=LONDON,
    )
    assert problem == Problem.TIME_OFF


def test_dated_hours_on_the_fall_back_day_keep_their_real_length():
    rota = DatedHours(SUN, time(0), time(3), valid_from=date(2026, 10, 25))
    schedule = TherapistSchedule(1, {}, dated_hours=(rota,))
    now = datetime(2026, 10, 24, 12, tzinfo=UTC)
    rules = Rules(timedelta(0), timedelta(0), 3, minutes(60))
    slots = free_slots(schedule, length=minutes(60), rules=rules, now=now, zone=LONDON)
    # 00:00 to 03:00 on the clock is four real hours that night.
    assert len(slots) == 4


# Which sessions a schedule no longer holds. Sessions are (id, start to end).

MONDAY_10 = (1, Interval(london(2026, 3, 9, 10), london(2026, 3, 9, 11)))
MONDAY_12 = (2, Interval(london(2026, 3, 9, 12), london(2026, 3, 9, 13)))
MONDAY_16 = (3, Interval(london(2026, 3, 9, 16), london(2026, 3, 9, 17)))
SESSIONS = [MONDAY_10, MONDAY_12, MONDAY_16]


@pytest.mark.parametrize(
    ("schedule", "clashing"),
    [
        pytest.param(TherapistSchedule(1, {MON: hours((9, 17))}), [], id="all inside the day"),
        pytest.param(TherapistSchedule(1, {MON: hours((9, 13))}), [3], id="day shortened"),
        pytest.param(
            TherapistSchedule(1, {MON: hours((9, 12), (13, 17))}), [2], id="a break added"
        ),
        pytest.param(
            TherapistSchedule(1, {MON: hours((9, 12), (12, 17))}), [], id="rows that touch"
        ),
        pytest.param(TherapistSchedule(1, {}), [1, 2, 3], id="day off"),
        pytest.param(
            TherapistSchedule(
                1,
                {MON: hours((9, 17))},
                time_off=(Interval(london(2026, 3, 9, 10, 30), london(2026, 3, 9, 12, 30)),),
            ),
            [1, 2],
            id="time off over two",
        ),
        pytest.param(
            TherapistSchedule(
                1,
                {MON: hours((9, 17))},
                time_off=(Interval(london(2026, 3, 9, 11), london(2026, 3, 9, 12)),),
            ),
            [],
            id="time off between",
        ),
        pytest.param(
            TherapistSchedule(1, {MON: hours((9, 17))}, time_off=(BANK_HOLIDAY,)),
            [1, 2, 3],
            id="closure",
        ),
        pytest.param(
            TherapistSchedule(1, {MON: hours((9, 17))}, dated_hours=(NEW_ROTA,)),
            [],
            id="weekly still holds",
        ),
        pytest.param(
            TherapistSchedule(
                1,
                {},
                dated_hours=(
                    OLD_ROTA,
                    DatedHours(MON, time(10), time(13), valid_from=date(2026, 3, 9)),
                ),
            ),
            [3],
            id="new rota from that day",
        ),
    ],
)
def test_it_finds_the_sessions_a_schedule_no_longer_holds(schedule, clashing):
    assert clashes(schedule, SESSIONS, LONDON) == clashing


def test_a_session_may_end_exactly_when_the_day_does():
    schedule = TherapistSchedule(1, {MON: hours((9, 17))})
    assert clashes(schedule, [MONDAY_16], LONDON) == []
