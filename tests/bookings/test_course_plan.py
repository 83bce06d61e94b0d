"""Planning a course without the database (bookings/booking/course_plan.py): the weeks
stepped on the clinic's clock across both clock changes, the options in the issue's
order, and picks checked against each other."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bookings.booking.course_plan import (
    NEXT_DAY,
    OFF_GRID,
    OTHER_THERAPIST,
    SAME_THERAPIST,
    Diary,
    Pick,
    clashing_picks,
    occurrence_starts,
    off_their_day,
    options_for,
    plan,
)
from bookings.scheduling.availability import Interval, Rules, TherapistSchedule, wall_to_utc
from tests.clock import CLINIC_ZONE

NINE_TO_FIVE = {day: [(time(9), time(17))] for day in range(7)}
NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
STAFF = Rules(buffer=timedelta(minutes=15), min_notice=timedelta(0), horizon_days=400)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return wall_to_utc(day, time(hour, minute), CLINIC_ZONE)


def diary(*schedules: TherapistSchedule, rules: Rules = STAFF) -> Diary:
    return Diary(
        schedules=schedules,
        names={1: "Anna K.", 2: "Ben M.", 3: "Cleo P."},
        rules=rules,
        now=NOW,
        zone=CLINIC_ZONE,
        length=timedelta(hours=1),
    )


@pytest.mark.parametrize(
    ("first", "change"),
    [(date(2026, 10, 14), date(2026, 10, 25)), (date(2026, 3, 18), date(2026, 3, 29))],
    ids=["october-clocks-go-back", "march-clocks-go-forward"],
)
def test_a_weekly_course_across_a_clock_change_keeps_ten_oclock(first, change):
    starts = occurrence_starts(at(first, 10), every_weeks=1, sessions=4, zone=CLINIC_ZONE)

    assert [p for p, _ in starts] == [2, 3, 4]
    assert {s.astimezone(CLINIC_ZONE).time() for _, s in starts} == {time(10)}
    before, after = starts[0][1], starts[1][1]
    assert before.date() < change < after.date()
    assert after - before != timedelta(weeks=1)  # an hour more or less of real time


def test_four_weekly_steps_are_twenty_eight_days():
    starts = occurrence_starts(
        at(date(2026, 1, 7), 9), every_weeks=4, sessions=12, zone=CLINIC_ZONE
    )

    assert len(starts) == 11
    days = [s.astimezone(CLINIC_ZONE).date() for _, s in starts]
    assert days[0] == date(2026, 2, 4)
    assert days[-1] == date(2026, 11, 11)  # 44 weeks after the first


def test_options_come_same_therapist_then_another_then_the_next_day():
    day = date(2026, 10, 14)
    wanted = at(day, 10)
    anna = TherapistSchedule(
        1, NINE_TO_FIVE, busy=(Interval(at(day, 9), at(day, 16)),)
    )  # free only at 16:00 that day
    ben = TherapistSchedule(2, NINE_TO_FIVE, busy=(Interval(at(day, 9), at(day, 11, 15)),))

    options = options_for(diary(anna, ben), therapist_id=1, start=wanted)

    assert [(o.kind, o.therapist_name, o.start) for o in options] == [
        (SAME_THERAPIST, "Anna K.", at(day, 16)),
        (OTHER_THERAPIST, "Ben M.", at(day, 11, 15)),
        (OTHER_THERAPIST, "Ben M.", at(day, 11, 30)),
        (OTHER_THERAPIST, "Ben M.", at(day, 11, 45)),
        (NEXT_DAY, "Anna K.", at(day + timedelta(days=1), 10)),
        (NEXT_DAY, "Anna K.", at(day + timedelta(days=1), 9, 45)),
    ]


def test_a_plan_lists_why_and_the_clients_horizon_offers_nothing_past_it():
    rules = Rules(horizon_days=28, min_notice=timedelta(hours=2))
    anna = TherapistSchedule(
        1, NINE_TO_FIVE, time_off=(Interval(at(date(2026, 10, 21), 0), at(date(2026, 10, 22), 0)),)
    )
    wanted = occurrence_starts(
        at(date(2026, 10, 14), 10), every_weeks=1, sessions=4, zone=CLINIC_ZONE
    )

    found = plan(
        diary(anna, rules=rules),
        wanted=wanted,
        therapist_id=1,
        recheck_after=at(date(2026, 10, 25), 0),
    )

    assert [(o.position, o.free) for o in found] == [(2, False), (3, True), (4, False)]
    assert found[0].problem == "Anna K. is away then."
    assert found[0].options and {o.kind for o in found[0].options} == {NEXT_DAY}
    assert found[2].problem.startswith("That is too far ahead to book online")
    assert found[2].options == ()
    assert [o.recheck_due for o in found] == [False, True, True]


def test_a_time_off_the_step_grid_is_not_free():
    anna = TherapistSchedule(1, NINE_TO_FIVE)
    odd = [(2, at(date(2026, 10, 21), 10, 10))]

    (occurrence,) = plan(diary(anna), wanted=odd, therapist_id=1, recheck_after=None)

    assert occurrence.problem == OFF_GRID
    assert occurrence.options  # the grid's times that day


def test_picks_are_checked_against_each_other_as_well_as_the_diary():
    day = date(2026, 10, 21)
    anna = TherapistSchedule(1, NINE_TO_FIVE, busy=(Interval(at(day, 14), at(day, 15, 15)),))
    picks = [
        Pick(2, at(day, 10), 1),
        Pick(3, at(day, 10, 45), 1),  # inside the first pick's hour and buffer
        Pick(4, at(day, 14, 30), 1),  # over the booking already there
        Pick(5, at(day, 10, 45), 2),  # Ben is unknown to this diary
    ]

    found = clashing_picks(diary(anna), picks)

    assert [(p.position, why) for p, why in found] == [
        (3, "Anna K. already has a session then."),
        (4, "Anna K. already has a session then."),
        (5, "That therapist is not taking bookings."),
    ]


def test_a_pick_keeps_to_its_occurrences_day_or_the_day_after_across_a_clock_change():
    source = at(date(2026, 10, 21), 10)
    picks = [
        Pick(2, at(date(2026, 10, 28), 9), 1),  # its day, after the clocks went back
        Pick(3, at(date(2026, 11, 5), 16), 2),  # the day after, another therapist
        Pick(4, at(date(2026, 11, 13), 10), 1),  # two days late
        Pick(5, at(date(2026, 11, 17), 10), 1),  # a day early
    ]

    assert off_their_day(picks, source_start=source, every_weeks=1, zone=CLINIC_ZONE) == [4, 5]
