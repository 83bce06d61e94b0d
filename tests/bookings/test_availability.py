from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.scheduling.availability import (
    Interval,
    Problem,
    Rules,
    Slot,
    TherapistSchedule,
    by_local_day,
    check_slot,
    free_slots,
    free_slots_for_anyone,
    nearest,
    on_step_grid,
    parse_start,
    wall_to_utc,
)

LONDON = ZoneInfo("Europe/London")
MON, TUE, SAT, SUN = 0, 1, 5, 6
# Monday 2 March 2026, 07:00 in London (GMT, so UTC too).
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
NO_RULES = Rules(
    buffer=timedelta(0), min_notice=timedelta(0), horizon_days=0, step=timedelta(minutes=60)
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def london(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON, fold=fold).astimezone(UTC)


def hours(*ranges: tuple[int, int]) -> list[tuple[time, time]]:
    return [(time(a), time(b)) for a, b in ranges]


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


CASES = [
    pytest.param(
        TherapistSchedule(1, {MON: hours((9, 12))}),
        dict(length=minutes(60), rules=NO_RULES),
        [utc(2026, 3, 2, 9), utc(2026, 3, 2, 10), utc(2026, 3, 2, 11)],
        id="a plain morning in hourly steps",
    ),
    pytest.param(
        TherapistSchedule(1, {MON: hours((9, 12), (13, 15))}),
        dict(length=minutes(60), rules=NO_RULES),
        [utc(2026, 3, 2, h) for h in (9, 10, 11, 13, 14)],
        id="a lunch break is a gap",
    ),
    pytest.param(
        TherapistSchedule(1, {MON: hours((9, 11))}),
        dict(length=minutes(90), rules=Rules(minutes(0), minutes(0), 0, minutes(30))),
        [utc(2026, 3, 2, 9), utc(2026, 3, 2, 9, 30)],
        id="a long session must end by the end of the range",
    ),
    pytest.param(
        TherapistSchedule(
            1,
            {MON: hours((9, 13))},
            time_off=[Interval(utc(2026, 3, 2, 10), utc(2026, 3, 2, 11))],
        ),
        dict(length=minutes(60), rules=NO_RULES),
        [utc(2026, 3, 2, 9), utc(2026, 3, 2, 11), utc(2026, 3, 2, 12)],
        id="time off blocks only its own hours",
    ),
    pytest.param(
        TherapistSchedule(
            1,
            {MON: hours((9, 17)), TUE: hours((9, 10))},
            time_off=[Interval(utc(2026, 3, 1, 12), utc(2026, 3, 3, 0))],
        ),
        dict(length=minutes(60), rules=Rules(minutes(0), minutes(0), 1, minutes(60))),
        [utc(2026, 3, 3, 9)],
        id="a day of holiday empties the day",
    ),
    pytest.param(
        TherapistSchedule(
            1,
            {MON: hours((9, 13))},
            # A booking 10:00-11:00 plus its 15-minute buffer.
            busy=[Interval(utc(2026, 3, 2, 10), utc(2026, 3, 2, 11, 15))],
        ),
        dict(length=minutes(60), rules=Rules(minutes(15), minutes(0), 0, minutes(15))),
        [
            utc(2026, 3, 2, 11, 15),
            utc(2026, 3, 2, 11, 30),
            utc(2026, 3, 2, 11, 45),
            utc(2026, 3, 2, 12),
        ],
        id="the buffer applies before and after an existing booking",
    ),
    pytest.param(
        TherapistSchedule(1, {MON: hours((9, 13))}),
        dict(
            length=minutes(60),
            rules=Rules(minutes(0), minutes(100), 0, minutes(15)),
            now=utc(2026, 3, 2, 9, 10),
        ),
        [
            utc(2026, 3, 2, 11),
            utc(2026, 3, 2, 11, 15),
            utc(2026, 3, 2, 11, 30),
            utc(2026, 3, 2, 11, 45),
            utc(2026, 3, 2, 12),
        ],
        id="minimum notice rounds up to the next step",
    ),
    pytest.param(
        TherapistSchedule(1, {d: hours((9, 10)) for d in range(7)}),
        dict(length=minutes(60), rules=Rules(minutes(0), minutes(0), 2, minutes(60))),
        [utc(2026, 3, 2, 9), utc(2026, 3, 3, 9), utc(2026, 3, 4, 9)],
        id="the horizon counts days from today",
    ),
    pytest.param(
        TherapistSchedule(1, {SUN: hours((0, 3), (9, 10))}),
        dict(
            length=minutes(60),
            rules=Rules(minutes(0), minutes(0), 1, minutes(60)),
            now=utc(2026, 3, 28, 23),
        ),
        # 00:00 GMT, then the clocks jump 01:00 -> 02:00: 02:00 BST; 09:00 BST.
        [utc(2026, 3, 29, 0), utc(2026, 3, 29, 1), utc(2026, 3, 29, 8)],
        id="spring forward: the skipped hour has no slots",
    ),
    pytest.param(
        TherapistSchedule(1, {SUN: [(time(1, 30), time(3, 0))]}),
        dict(
            length=minutes(60),
            rules=Rules(minutes(0), minutes(0), 1, minutes(30)),
            now=utc(2026, 3, 28, 23),
        ),
        # 01:30 does not exist that night: work starts when the clocks jump (02:00 BST).
        [utc(2026, 3, 29, 1)],
        id="spring forward: a range starting in the gap starts at the jump",
    ),
    pytest.param(
        TherapistSchedule(1, {SUN: hours((0, 3), (9, 10))}),
        dict(
            length=minutes(60),
            rules=Rules(minutes(0), minutes(0), 1, minutes(60)),
            now=utc(2026, 10, 24, 20),
        ),
        # 00:00 and 01:00 BST, 01:00 (again) and 02:00 GMT: four real hours, each once.
        [
            utc(2026, 10, 24, 23),
            utc(2026, 10, 25, 0),
            utc(2026, 10, 25, 1),
            utc(2026, 10, 25, 2),
            utc(2026, 10, 25, 9),
        ],
        id="fall back: the repeated hour is two real hours",
    ),
    pytest.param(
        TherapistSchedule(1, {SUN: hours((9, 12))}),
        dict(
            length=minutes(90),
            rules=Rules(minutes(0), minutes(0), 1, minutes(90)),
            now=utc(2026, 10, 24, 20),
        ),
        [utc(2026, 10, 25, 9), utc(2026, 10, 25, 10, 30)],
        id="fall back: daytime hours are in GMT",
    ),
]


@pytest.mark.parametrize(("schedule", "kwargs", "expected"), CASES)
def test_free_slots_table(schedule, kwargs, expected):
    kwargs = {"now": NOW, "zone": LONDON} | kwargs
    assert free_slots(schedule, **kwargs) == expected


def test_a_session_across_the_fall_back_lasts_its_real_minutes():
    schedule = TherapistSchedule(1, {SUN: hours((0, 3))})
    slots = free_slots(
        schedule,
        length=minutes(180),
        rules=Rules(minutes(0), minutes(0), 1, minutes(60)),
        now=utc(2026, 10, 24, 20),
        zone=LONDON,
    )
    # 00:00 BST to 03:00 GMT is four hours: a three-hour session fits twice.
    assert slots == [utc(2026, 10, 24, 23), utc(2026, 10, 25, 0)]


def test_slots_are_aligned_to_the_wall_clock_on_both_sides_of_a_clock_change():
    schedule = TherapistSchedule(1, {SAT: hours((9, 11)), SUN: hours((9, 11))})
    slots = free_slots(
        schedule,
        length=minutes(30),
        rules=Rules(minutes(0), minutes(0), 1, minutes(30)),
        now=utc(2026, 3, 28, 0),
        zone=LONDON,
    )
    local = [s.astimezone(LONDON).strftime("%a %H:%M") for s in slots]
    assert local == [
        f"{d} {t}" for d in ("Sat", "Sun") for t in ("09:00", "09:30", "10:00", "10:30")
    ]


@pytest.mark.parametrize(
    ("day", "wall", "expected"),
    [
        (date(2026, 3, 29), time(0, 30), utc(2026, 3, 29, 0, 30)),
        (date(2026, 3, 29), time(1, 0), utc(2026, 3, 29, 1)),
        (date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1)),
        (date(2026, 3, 29), time(2, 0), utc(2026, 3, 29, 1)),
        (date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30)),
        (date(2026, 10, 25), time(0, 30), utc(2026, 10, 24, 23, 30)),
        (date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),
        (date(2026, 10, 25), time(2, 0), utc(2026, 10, 25, 2)),
        (date(2026, 7, 1), time(9, 0), utc(2026, 7, 1, 8)),
    ],
)
def test_a_wall_clock_time_is_the_first_moment_the_clock_shows_it(day, wall, expected):
    assert wall_to_utc(day, wall, LONDON) == expected


def test_anyone_merges_therapists_and_says_who_is_free():
    anna = TherapistSchedule(1, {MON: hours((9, 11))})
    ben = TherapistSchedule(
        2, {MON: hours((10, 12))}, busy=[Interval(utc(2026, 3, 2, 11), utc(2026, 3, 2, 12))]
    )
    slots = free_slots_for_anyone(
        [anna, ben], length=minutes(60), rules=NO_RULES, now=NOW, zone=LONDON
    )
    assert slots == [
        Slot(utc(2026, 3, 2, 9), (1,)),
        Slot(utc(2026, 3, 2, 10), (1, 2)),
    ]


def test_anyone_with_nobody_offering_has_no_slots():
    assert free_slots_for_anyone([], length=minutes(60), rules=NO_RULES, now=NOW, zone=LONDON) == []


def test_slots_can_be_limited_to_some_days():
    schedule = TherapistSchedule(1, {d: hours((9, 10)) for d in range(7)})
    rules = Rules(minutes(0), minutes(0), 5, minutes(60))
    slots = free_slots(
        schedule, length=minutes(60), rules=rules, now=NOW, zone=LONDON, days=[date(2026, 3, 4)]
    )
    assert slots == [utc(2026, 3, 4, 9)]


@pytest.mark.parametrize(
    ("start", "problem"),
    [
        (utc(2026, 3, 2, 6), Problem.PAST),
        (utc(2026, 3, 2, 8), Problem.TOO_SOON),
        (utc(2026, 4, 20, 10), Problem.TOO_FAR),
        (utc(2026, 3, 4, 10), Problem.DAY_OFF),
        (utc(2026, 3, 3, 8), Problem.OUTSIDE_HOURS),
        (utc(2026, 3, 3, 11, 30), Problem.OUTSIDE_HOURS),
        (utc(2026, 3, 3, 12, 30), Problem.OUTSIDE_HOURS),
        (utc(2026, 3, 3, 14), Problem.TIME_OFF),
        (utc(2026, 3, 3, 15, 30), Problem.TAKEN),
        (utc(2026, 3, 3, 9, 5), None),
        (utc(2026, 3, 3, 16, 15), None),
    ],
)
def test_check_slot_says_why_a_time_cannot_be_booked(start, problem):
    schedule = TherapistSchedule(
        1,
        {MON: hours((9, 17)), TUE: hours((9, 12), (13, 18))},
        time_off=[Interval(utc(2026, 3, 3, 14), utc(2026, 3, 3, 15))],
        busy=[Interval(utc(2026, 3, 3, 16), utc(2026, 3, 3, 16, 15))],
    )
    rules = Rules(minutes(15), minutes(120), 28, minutes(15))
    assert (
        check_slot(schedule, start=start, length=minutes(60), rules=rules, now=NOW, zone=LONDON)
        == problem
    )


def test_slots_group_by_the_clinics_day_not_utc():
    late = utc(2026, 7, 1, 23, 30)  # 00:30 on 2 July in London
    assert by_local_day([late], LONDON) == {date(2026, 7, 2): [late]}


def test_nearest_alternatives_are_the_closest_in_time_in_order():
    starts = [utc(2026, 3, 2, h) for h in (9, 10, 11, 14, 16)]
    assert nearest(starts, utc(2026, 3, 2, 12), count=3) == [
        utc(2026, 3, 2, 10),
        utc(2026, 3, 2, 11),
        utc(2026, 3, 2, 14),
    ]


# Properties, over random schedules in a year with both clock changes.

STEPS = st.sampled_from([5, 10, 15, 20, 30, 60])
wall_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 10, 15, 30, 45]))


@st.composite
def schedules(draw: st.DrawFn) -> tuple[TherapistSchedule, datetime]:
    # Hypothesis takes naive bounds; the zone comes after.
    now = draw(
        st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 20))  # noqa: DTZ001
    ).replace(tzinfo=UTC)
    working: dict[int, list[tuple[time, time]]] = {}
    for weekday in range(7):
        for a, b in draw(st.lists(st.tuples(wall_times, wall_times), max_size=3)):
            if a != b:
                working.setdefault(weekday, []).append((min(a, b), max(a, b)))

    def intervals(max_size: int) -> st.SearchStrategy[list[Interval]]:
        return st.lists(
            st.tuples(st.integers(0, 6 * 24 * 60), st.integers(5, 300)).map(
                lambda p: Interval(now + minutes(p[0]), now + minutes(p[0] + p[1]))
            ),
            max_size=max_size,
        )

    return (
        TherapistSchedule(1, working, time_off=draw(intervals(3)), busy=draw(intervals(8))),
        now,
    )


def _covered(schedule: TherapistSchedule, day: date, start: datetime, end: datetime) -> bool:
    # Adjacent ranges (09-12, 12-13) join up, so walk the ranges from `start`.
    ranges = sorted(
        (wall_to_utc(day, a, LONDON), wall_to_utc(day, b, LONDON))
        for a, b in schedule.working_hours.get(day.weekday(), [])
    )
    reached = start
    for a, b in ranges:
        if a <= reached < b:
            reached = b
    return reached >= end


@settings(max_examples=150, deadline=None)
@given(
    data=schedules(),
    step=STEPS,
    length=st.sampled_from([30, 45, 60, 90]),
    buffer=st.sampled_from([0, 10, 15]),
    notice=st.integers(0, 600),
)
def test_free_slots_properties(data, step, length, buffer, notice):
    schedule, now = data
    rules = Rules(minutes(buffer), minutes(notice), 6, minutes(step))
    slots = free_slots(schedule, length=minutes(length), rules=rules, now=now, zone=LONDON)

    assert slots == sorted(set(slots)), "each slot once, in order"
    for slot in slots:
        assert slot.tzinfo == UTC
        assert slot >= now + rules.min_notice
        local = slot.astimezone(LONDON)
        assert (local.hour * 60 + local.minute) % step == 0 and local.second == 0
        end = slot + minutes(length)
        assert _covered(schedule, local.date(), slot, end), "inside working hours"
        assert not any(b.overlaps(slot, end + rules.buffer) for b in schedule.busy)
        assert not any(off.overlaps(slot, end) for off in schedule.time_off)
        assert (
            check_slot(
                schedule, start=slot, length=minutes(length), rules=rules, now=now, zone=LONDON
            )
            is None
        )


@settings(max_examples=40, deadline=None)
@given(
    data=schedules(),
    step=STEPS,
    length=st.sampled_from([30, 60, 90]),
    buffer=st.sampled_from([0, 15]),
    notice=st.integers(0, 600),
)
def test_every_bookable_time_on_the_grid_is_offered(data, step, length, buffer, notice):
    schedule, now = data
    rules = Rules(minutes(buffer), minutes(notice), 6, minutes(step))
    slots = free_slots(schedule, length=minutes(length), rules=rules, now=now, zone=LONDON)

    first = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    candidates = (first + minutes(5 * n) for n in range(9 * 24 * 12))
    on_grid = (
        c
        for c in candidates
        if (c.astimezone(LONDON).hour * 60 + c.astimezone(LONDON).minute) % step == 0
    )
    bookable = [
        c
        for c in on_grid
        if check_slot(schedule, start=c, length=minutes(length), rules=rules, now=now, zone=LONDON)
        is None
    ]
    assert slots == bookable


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59Z",
        "0001-01-01T00:00Z",
        "2026-03-03T10:00-23:59",
        "2026-03-03T10:00+16:00",
        "2026-03-03T10:00",
        "tomorrow",
        "",
    ],
)
def test_parse_start_refuses_times_the_site_never_offers(value):
    with pytest.raises(ValueError):
        parse_start(value)


def test_parse_start_gives_utc_for_any_real_offset():
    assert parse_start("2026-03-03T19:00+09:00") == datetime(2026, 3, 3, 10, tzinfo=UTC)
    assert parse_start("2026-03-03T10:00Z").tzinfo == UTC


@pytest.mark.parametrize(
    ("wall", "on_grid"),
    [(time(9, 0), True), (time(9, 15), True), (time(9, 7), False), (time(13, 45), True)],
)
def test_on_step_grid_follows_the_clinics_wall_clock(wall, on_grid):
    # Summer time in London: the grid is in wall-clock minutes, not UTC.
    start = datetime.combine(date(2026, 7, 1), wall, LONDON)
    assert on_step_grid(start, timedelta(minutes=15), LONDON) is on_grid
