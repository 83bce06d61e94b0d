from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.scheduling.availability import (
    DatedHours,
    Interval,
    Rules,
    TherapistSchedule,
    by_local_day,
    free_slots_for_anyone,
    local_day_interval,
    local_days,
)
from bookings.scheduling.free_runs import counts_from_runs, free_counts_by_day, free_runs_by_day
from tests.bookings.test_availability import LONDON, STEPS, minutes, utc, wall_times

SPRING_FORWARD = date(2026, 3, 29)
FALL_BACK = date(2026, 10, 25)
SUN = 6
HOURLY = Rules(buffer=timedelta(0), min_notice=timedelta(0), horizon_days=3, step=minutes(60))
QUARTERLY = Rules(buffer=timedelta(0), min_notice=timedelta(0), horizon_days=3, step=minutes(15))


def small_hours(*ranges: tuple[int, int]) -> dict[int, list[tuple[time, time]]]:
    return {SUN: [(time(a), time(b)) for a, b in ranges]}


def listed(schedules, **kwargs) -> dict[date, int]:
    slots = free_slots_for_anyone(schedules, zone=LONDON, **kwargs)
    return {
        day: len(starts) for day, starts in by_local_day((s.start for s in slots), LONDON).items()
    }


# 00:00-04:00 on the clock is 3 real hours on 29 March (01:00 GMT jumps to 02:00 BST)
# and 5 on 25 October (02:00 BST falls back to 01:00 GMT).
CASES = [
    pytest.param(
        SPRING_FORWARD,
        [TherapistSchedule(1, small_hours((0, 4)))],
        HOURLY,
        3,
        id="spring forward: 00:00, 02:00 and 03:00",
    ),
    pytest.param(
        SPRING_FORWARD,
        [TherapistSchedule(1, small_hours((0, 4)))],
        QUARTERLY,
        9,
        id="spring forward: 180 minutes by quarter hours",
    ),
    pytest.param(
        SPRING_FORWARD,
        [
            TherapistSchedule(
                1, small_hours((0, 4)), busy=(Interval(utc(2026, 3, 29, 1), utc(2026, 3, 29, 2)),)
            )
        ],
        HOURLY,
        2,
        id="spring forward: the first hour of summer time taken",
    ),
    pytest.param(
        FALL_BACK,
        [TherapistSchedule(1, small_hours((0, 4)))],
        HOURLY,
        5,
        id="fall back: 01:00 twice",
    ),
    pytest.param(
        FALL_BACK,
        [TherapistSchedule(1, small_hours((0, 4)))],
        QUARTERLY,
        17,
        id="fall back: 300 minutes by quarter hours",
    ),
    pytest.param(
        FALL_BACK,
        [
            TherapistSchedule(
                1,
                small_hours((0, 4)),
                time_off=(Interval(utc(2026, 10, 25, 1), utc(2026, 10, 25, 2)),),
            )
        ],
        HOURLY,
        4,
        id="fall back: the second 01:00 off",
    ),
    pytest.param(
        FALL_BACK,
        [TherapistSchedule(1, small_hours((0, 2))), TherapistSchedule(2, small_hours((1, 3)))],
        HOURLY,
        4,
        id="fall back: anyone counts a shared start once",
    ),
]


@pytest.mark.parametrize(("day", "schedules", "rules", "count"), CASES)
def test_counts_on_the_clock_change_days(day, schedules, rules, count):
    now = datetime.combine(day - timedelta(days=1), time(12), UTC)
    kwargs = dict(length=minutes(60), rules=rules, now=now)
    counts = free_counts_by_day(schedules, zone=LONDON, **kwargs)
    assert counts == {day: count}
    assert counts == listed(schedules, **kwargs)


def test_a_day_with_nothing_free_is_left_out():
    schedule = TherapistSchedule(
        1, small_hours((9, 10)), busy=(Interval(utc(2026, 3, 8, 8), utc(2026, 3, 8, 12)),)
    )
    now = utc(2026, 3, 7)
    assert (
        free_counts_by_day([schedule], length=minutes(60), rules=HOURLY, now=now, zone=LONDON) == {}
    )


# Random clinics of one to three therapists, often around a clock change.


@st.composite
def clinics(draw: st.DrawFn) -> tuple[list[TherapistSchedule], datetime]:
    around = draw(
        st.sampled_from(
            [
                datetime(2026, 3, 26, tzinfo=UTC),
                datetime(2026, 10, 22, tzinfo=UTC),
                datetime(2026, 6, 1, tzinfo=UTC),
            ]
        )
    )
    now = around + minutes(draw(st.integers(0, 4 * 24 * 60)))

    def intervals(max_size: int) -> st.SearchStrategy[list[Interval]]:
        return st.lists(
            st.tuples(st.integers(-300, 6 * 24 * 60), st.integers(5, 600)).map(
                lambda p: Interval(now + minutes(p[0]), now + minutes(p[0] + p[1]))
            ),
            max_size=max_size,
        )

    schedules = []
    for therapist_id in range(1, draw(st.integers(1, 3)) + 1):
        working: dict[int, list[tuple[time, time]]] = {}
        for weekday in range(7):
            for a, b in draw(st.lists(st.tuples(wall_times, wall_times), max_size=3)):
                if a != b:
                    working.setdefault(weekday, []).append((min(a, b), max(a, b)))
        busy = sorted(draw(intervals(8)))
        # Rotas that start or end on a day of the horizon, and whole days closed.
        today = now.date()
        dated = [
            DatedHours(
                weekday,
                min(a, b),
                max(a, b),
                None if first is None else today + timedelta(days=first),
                None if length is None else today + timedelta(days=(first or 0) + length),
            )
            for weekday, a, b, first, length in draw(
                st.lists(
                    st.tuples(
                        st.integers(0, 6),
                        wall_times,
                        wall_times,
                        st.none() | st.integers(-1, 6),
                        st.none() | st.integers(0, 3),
                    ),
                    max_size=3,
                )
            )
            if a != b
        ]
        closed = [
            local_day_interval(today + timedelta(days=d), today + timedelta(days=d), LONDON)
            for d in draw(st.lists(st.integers(0, 6), max_size=1))
        ]
        schedules.append(
            TherapistSchedule(
                therapist_id, working, [*draw(intervals(3)), *closed], busy, dated_hours=dated
            )
        )
    return schedules, now


@settings(max_examples=200, deadline=None)
@given(
    data=clinics(),
    step=STEPS,
    length=st.sampled_from([30, 45, 60, 90]),
    buffer=st.sampled_from([0, 10, 15]),
    notice=st.integers(0, 600),
)
def test_counts_match_the_listed_starts_day_by_day(data, step, length, buffer, notice):
    schedules, now = data
    kwargs = dict(
        length=minutes(length),
        rules=Rules(minutes(buffer), minutes(notice), 6, minutes(step)),
        now=now,
    )
    assert free_counts_by_day(schedules, zone=LONDON, **kwargs) == listed(schedules, **kwargs)
    for schedule in schedules:
        assert free_counts_by_day([schedule], zone=LONDON, **kwargs) == listed([schedule], **kwargs)


@settings(max_examples=200, deadline=None)
@given(
    data=clinics(),
    step=STEPS,
    length=st.sampled_from([30, 45, 60, 90]),
    buffer=st.sampled_from([0, 10, 15]),
    notice=st.integers(0, 600),
    later=st.integers(0, 24 * 60),
)
def test_runs_kept_from_earlier_in_the_day_count_as_the_schedules_do(
    data, step, length, buffer, notice, later
):
    schedules, computed_at = data
    rules = Rules(minutes(buffer), minutes(notice), 6, minutes(step))
    days = local_days(computed_at, rules.horizon_days, LONDON)
    now = computed_at + minutes(later)
    if local_days(now, rules.horizon_days, LONDON) != days:
        now = computed_at  # the runs are kept for one clinic day
    kept = [
        free_runs_by_day(s, length=minutes(length), rules=rules, days=days, zone=LONDON)
        for s in schedules
    ]
    counts = counts_from_runs(kept, earliest=now + rules.min_notice, step=rules.step, zone=LONDON)
    expected = free_counts_by_day(
        schedules, length=minutes(length), rules=rules, now=now, zone=LONDON
    )
    # None only when a clock change moved the grid off the steps: then the view counts
    # from the schedules.
    assert counts == expected or (counts is None and 60 % step != 0)


def test_runs_cut_across_a_clock_change_off_the_steps_are_not_counted():
    # 45-minute steps from 00:00 on 29 March: after the jump the grid is 45 minutes off.
    rules = Rules(timedelta(0), minutes(150), 3, minutes(45))
    now = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # 23:00 GMT, notice ends after the jump
    schedule = TherapistSchedule(1, small_hours((0, 8)))
    days = local_days(now, rules.horizon_days, LONDON)
    kept = [free_runs_by_day(schedule, length=minutes(60), rules=rules, days=days, zone=LONDON)]
    assert (
        counts_from_runs(kept, earliest=now + rules.min_notice, step=rules.step, zone=LONDON)
        is None
    )
    # Before the notice reaches the clock change, the runs cut as the schedules count.
    earlier = now - minutes(120)
    assert counts_from_runs(
        kept, earliest=earlier + rules.min_notice, step=rules.step, zone=LONDON
    ) == free_counts_by_day([schedule], length=minutes(60), rules=rules, now=earlier, zone=LONDON)
