from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bookings.frontdesk.week_grid import Entry, Kind, build_week, monday_of, week_bounds
from bookings.scheduling.availability import DatedHours, TherapistSchedule

LONDON = ZoneInfo("Europe/London")
NO_HOURS = TherapistSchedule(therapist_id=1, working_hours={})
NINE_TO_FIVE_WITH_LUNCH = TherapistSchedule(
    therapist_id=1, working_hours={0: [(time(13), time(17)), (time(9), time(12))]}
)


def session(start: datetime, end: datetime, booking_id: int = 1) -> Entry:
    return Entry(Kind.SESSION, start, end, "Client", booking_id=booking_id)


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 10, 19), date(2026, 10, 19)),
        (date(2026, 10, 25), date(2026, 10, 19)),
        (date(2026, 1, 1), date(2025, 12, 29)),
    ],
)
def test_any_day_belongs_to_the_week_starting_that_monday(day, monday):
    assert monday_of(day) == monday


@pytest.mark.parametrize(
    ("monday", "hours"),
    [
        (date(2026, 10, 19), [24] * 6 + [25]),  # clocks go back on Sunday 25 October
        (date(2026, 3, 23), [24] * 6 + [23]),  # clocks go forward on Sunday 29 March
        (date(2026, 7, 6), [24] * 7),
    ],
)
def test_days_are_as_long_as_the_clinics_clock_makes_them(monday, hours):
    days = build_week(monday=monday, zone=LONDON, schedule=NO_HOURS, time_off=[], sessions=[])
    assert [day.hours for day in days] == hours
    assert [day.clock_change for day in days] == [h != 24 for h in hours]


def test_the_week_runs_from_local_midnight_to_local_midnight():
    start, end = week_bounds(date(2026, 10, 19), LONDON)
    assert start == datetime(2026, 10, 18, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)


def test_a_break_is_the_gap_between_working_ranges():
    days = build_week(
        monday=date(2026, 7, 6),
        zone=LONDON,
        schedule=NINE_TO_FIVE_WITH_LUNCH,
        time_off=[],
        sessions=[],
    )
    monday = days[0]
    assert monday.working == ("09:00 to 12:00", "13:00 to 17:00")
    assert [(e.kind, e.when) for e in monday.entries] == [(Kind.BREAK, "12:00 to 13:00")]
    assert all(not day.working and not day.entries for day in days[1:])


def test_each_day_shows_the_hours_its_schedule_holds_on_that_date():
    # Mondays and Wednesdays every week; a new Friday rota from Friday 10 July on.
    schedule = TherapistSchedule(
        therapist_id=1,
        working_hours={0: [(time(9), time(12))], 2: [(time(14), time(18))]},
        dated_hours=(
            DatedHours(4, time(8), time(11), valid_from=date(2026, 7, 10)),
            DatedHours(4, time(12), time(16), valid_until=date(2026, 7, 3)),
        ),
    )
    this_week = build_week(
        monday=date(2026, 7, 6), zone=LONDON, schedule=schedule, time_off=[], sessions=[]
    )
    last_week = build_week(
        monday=date(2026, 6, 29), zone=LONDON, schedule=schedule, time_off=[], sessions=[]
    )
    working = {day.date.weekday(): day.working for day in this_week if day.working}
    assert working == {0: ("09:00 to 12:00",), 2: ("14:00 to 18:00",), 4: ("08:00 to 11:00",)}
    assert last_week[4].working == ("12:00 to 16:00",)


def test_time_off_over_several_days_is_clipped_to_each_day():
    off = Entry(
        Kind.TIME_OFF,
        datetime(2026, 7, 7, 15, 0, tzinfo=UTC),  # Tuesday 16:00 local
        datetime(2026, 7, 9, 8, 0, tzinfo=UTC),  # Thursday 09:00 local
        "Holiday",
    )
    days = build_week(
        monday=date(2026, 7, 6), zone=LONDON, schedule=NO_HOURS, time_off=[off], sessions=[]
    )
    assert [[e.when for e in day.entries] for day in days[1:4]] == [
        ["16:00 to 00:00"],
        ["00:00 to 00:00"],
        ["00:00 to 09:00"],
    ]


def test_sessions_sit_on_their_local_day_in_real_time_order_across_the_autumn_change():
    first_0130 = session(
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 0, 50, tzinfo=UTC), 1
    )
    second_0115 = session(
        datetime(2026, 10, 25, 1, 15, tzinfo=UTC), datetime(2026, 10, 25, 1, 25, tzinfo=UTC), 2
    )
    late_sunday = session(
        datetime(2026, 10, 25, 23, 30, tzinfo=UTC), datetime(2026, 10, 25, 23, 50, tzinfo=UTC), 3
    )
    saturday_night = session(
        datetime(2026, 10, 24, 23, 30, tzinfo=UTC), datetime(2026, 10, 24, 23, 50, tzinfo=UTC), 4
    )
    days = build_week(
        monday=date(2026, 10, 19),
        zone=LONDON,
        schedule=NO_HOURS,
        time_off=[],
        sessions=[late_sunday, second_0115, first_0130, saturday_night],
    )
    sunday = days[6]
    # 01:15 GMT comes after 01:30 BST: the clocks went back in between.
    assert [(e.booking_id, e.when) for e in sunday.entries] == [
        (4, "00:30 BST to 00:50 BST"),
        (1, "01:30 BST to 01:50 BST"),
        (2, "01:15 GMT to 01:25 GMT"),
        (3, "23:30 GMT to 23:50 GMT"),
    ]
    assert not days[5].entries


def test_the_spring_change_hides_no_session():
    days = build_week(
        monday=date(2026, 3, 23),
        zone=LONDON,
        schedule=TherapistSchedule(1, {6: [(time(0, 30), time(3))]}),
        time_off=[],
        sessions=[
            session(
                datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
            )
        ],
    )
    sunday = days[6]
    assert sunday.working == ("00:30 GMT to 03:00 BST",)
    assert [e.when for e in sunday.entries] == ["00:30 GMT to 02:30 BST"]
