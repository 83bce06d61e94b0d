from datetime import UTC, date, datetime, time, timedelta

import pytest

from bookings.booking.selectors import check_start, free_starts, technique_choices
from bookings.models import BookingStatus
from bookings.scheduling import selectors
from bookings.scheduling.availability import Interval, Problem, Rules, TherapistSchedule
from catalog.models import Technique
from tests.clock import CLINIC_ZONE, clinic_time
from tests.factories import (
    BookingFactory,
    ClinicClosureFactory,
    TherapistFactory,
    TimeOffFactory,
    WorkingHoursFactory,
)

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday; London is on GMT
TUESDAY_TEN = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
NINE_TO_FIVE = {1: [(time(9), time(17))]}


def schedule(therapist_id: int, *, hours=NINE_TO_FIVE, busy=()) -> TherapistSchedule:
    return TherapistSchedule(therapist_id=therapist_id, working_hours=hours, busy=busy)


TAKEN = schedule(1, busy=(Interval(TUESDAY_TEN, TUESDAY_TEN + HOUR),))
FREE = schedule(2)
DAY_OFF = schedule(3, hours={})
LATE = schedule(4, hours={1: [(time(13), time(17))]})


@pytest.mark.parametrize(
    ("schedules", "free", "problem"),
    [
        ([FREE], [2], None),
        ([TAKEN, FREE], [2], None),
        ([DAY_OFF, TAKEN], [], Problem.TAKEN),
        ([DAY_OFF, LATE], [], Problem.DAY_OFF),
        ([LATE, DAY_OFF], [], Problem.OUTSIDE_HOURS),
        ([], [], None),
    ],
)
def test_it_says_who_is_free_or_why_nobody_is(schedules, free, problem):
    check = check_start(schedules, start=TUESDAY_TEN, length=HOUR, rules=Rules(), now=NOW)
    assert [s.therapist_id for s in check.free] == free
    assert check.problem == problem


@pytest.mark.django_db
def test_schedules_come_in_one_query_in_the_order_asked_for(
    therapist, other_therapist, django_assert_num_queries
):
    start = TUESDAY_TEN
    mine = BookingFactory.create(therapist=therapist, start=start)
    BookingFactory(therapist=therapist, start=start + 2 * HOUR, status=BookingStatus.CANCELLED)
    BookingFactory(therapist=other_therapist, start=start + 30 * 24 * HOUR)
    TimeOffFactory(therapist=other_therapist, start=start, end=start + 3 * HOUR)

    # The hours, the closures, the time off and the bookings: one UNION ALL.
    with django_assert_num_queries(1):
        ben, anna = selectors.schedules_between(
            [other_therapist.pk, therapist.pk], start - 24 * HOUR, start + 24 * HOUR
        )

    assert (ben.therapist_id, anna.therapist_id) == (other_therapist.pk, therapist.pk)
    assert anna.busy == (Interval(mine.start, mine.blocked_until),)
    assert ben.busy == ()
    assert ben.time_off == (Interval(start, start + 3 * HOUR),)
    assert anna.working_hours[1] == [(time(9), time(13)), (time(14), time(17))]


@pytest.mark.django_db
def test_a_schedule_can_leave_out_the_clients_own_booking(therapist):
    mine = BookingFactory.create(therapist=therapist, start=TUESDAY_TEN)
    [schedule] = selectors.schedules_between(
        [therapist.pk], NOW, NOW + 7 * 24 * HOUR, leaving_out=mine.pk
    )
    assert schedule.busy == ()


@pytest.mark.django_db
def test_a_schedule_read_for_whether_sessions_fit_reads_no_booking(therapist):
    BookingFactory.create(therapist=therapist, start=TUESDAY_TEN)
    TimeOffFactory(therapist=therapist, start=TUESDAY_TEN, end=TUESDAY_TEN + HOUR)
    [schedule] = selectors.schedules_between(
        [therapist.pk], NOW, NOW + 7 * 24 * HOUR, with_bookings=False
    )
    assert schedule.busy == ()
    assert schedule.time_off == (Interval(TUESDAY_TEN, TUESDAY_TEN + HOUR),)
    assert schedule.working_hours[1] == [(time(9), time(13)), (time(14), time(17))]


@pytest.mark.django_db
def test_nobody_to_ask_needs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.schedules_between([], NOW, NOW + HOUR) == []


@pytest.mark.django_db
def test_a_technique_not_offered_has_no_choices(clinic_rules):
    assert technique_choices("no-such-massage", now=NOW) is None


@pytest.mark.django_db
def test_choices_for_one_day_read_that_days_bookings_alone(clinic_rules, therapist):
    swedish = Technique.objects.get(slug="swedish")
    on_the_day = BookingFactory(
        therapist=therapist, technique=swedish, start=clinic_time(NOW + timedelta(days=3), 10)
    )
    BookingFactory(
        therapist=therapist, technique=swedish, start=clinic_time(NOW + timedelta(days=4), 10)
    )
    day = (NOW + timedelta(days=3)).astimezone(CLINIC_ZONE).date()
    choices = technique_choices("swedish", now=NOW, day=day)
    assert choices is not None and choices.day == day
    [schedule] = choices.schedules_for(therapist.pk)
    assert [b.start for b in schedule.busy] == [on_the_day.start]
    starts = free_starts(choices, length_minutes=60, therapist_id=therapist.pk)
    assert {s.start.astimezone(CLINIC_ZONE).date() for s in starts} == {day}


# Closures, dated hours and bookings that need attention.

TUESDAY = date(2026, 3, 3)


@pytest.mark.django_db
def test_a_closure_is_time_off_for_every_therapist(therapist, other_therapist):
    ClinicClosureFactory(start_date=TUESDAY, end_date=TUESDAY, reason="Bank holiday")
    schedules = selectors.schedules_between(
        [therapist.pk, other_therapist.pk], NOW, NOW + 7 * 24 * HOUR
    )
    closed = Interval(clinic_time(TUESDAY_TEN, 0), clinic_time(TUESDAY_TEN + 24 * HOUR, 0))
    assert [s.time_off for s in schedules] == [(closed,), (closed,)]


@pytest.mark.django_db
def test_closures_outside_the_window_are_not_read(therapist):
    ClinicClosureFactory(start_date=TUESDAY + timedelta(days=30))
    [schedule] = selectors.schedules_between([therapist.pk], NOW, NOW + 7 * 24 * HOUR)
    assert schedule.time_off == ()


@pytest.mark.django_db
def test_closures_between_gives_the_days_and_the_reason_in_one_query(django_assert_num_queries):
    ClinicClosureFactory(start_date=TUESDAY, end_date=TUESDAY + timedelta(days=1), reason="Strike")
    ClinicClosureFactory(start_date=TUESDAY + timedelta(days=20), reason="Bank holiday")
    with django_assert_num_queries(1):
        found = selectors.closures_between(TUESDAY + timedelta(days=1), TUESDAY + timedelta(days=7))
    assert found == [selectors.Closure(TUESDAY, TUESDAY + timedelta(days=1), "Strike")]


@pytest.mark.django_db
def test_hours_dated_over_the_whole_window_read_as_weekly_hours(therapist_user):
    anna = TherapistFactory(user=therapist_user)
    WorkingHoursFactory(therapist=anna, weekday=1, valid_until=TUESDAY + timedelta(days=60))
    [schedule] = selectors.schedules_between([anna.pk], NOW, NOW + 7 * 24 * HOUR)
    assert schedule.working_hours == {1: [(time(9), time(17))]}
    assert schedule.dated_hours == ()


@pytest.mark.django_db
def test_a_rota_changing_inside_the_window_comes_as_dated_hours(therapist_user):
    anna = TherapistFactory(user=therapist_user)
    switch = TUESDAY + timedelta(days=7)
    WorkingHoursFactory(
        therapist=anna, weekday=1, valid_from=TUESDAY, valid_until=switch - timedelta(days=1)
    )
    WorkingHoursFactory(therapist=anna, weekday=1, start_time=time(12), valid_from=switch)
    # Over before the window: not read at all.
    WorkingHoursFactory(therapist=anna, weekday=1, valid_until=TUESDAY - timedelta(days=8))
    [schedule] = selectors.schedules_between([anna.pk], NOW, NOW + 14 * 24 * HOUR)
    assert schedule.working_hours == {}
    assert schedule.hours_on(TUESDAY) == ((time(9), time(17)),)
    assert schedule.hours_on(switch) == ((time(12), time(17)),)


@pytest.mark.django_db
def test_hours_between_answers_each_days_hours_in_one_query(
    therapist, other_therapist, django_assert_num_queries
):
    switch = TUESDAY + timedelta(days=7)
    WorkingHoursFactory(
        therapist=other_therapist, weekday=1, start_time=time(18), end_time=time(20)
    )
    WorkingHoursFactory(
        therapist=other_therapist,
        weekday=1,
        start_time=time(7),
        end_time=time(8),
        valid_from=switch,
    )
    with django_assert_num_queries(1):
        hours = selectors.hours_between([therapist.pk, other_therapist.pk], TUESDAY, switch)
    assert hours[therapist.pk].hours_on(TUESDAY) == ((time(9), time(13)), (time(14), time(17)))
    assert hours[other_therapist.pk].hours_on(TUESDAY) == (
        (time(9), time(13)),
        (time(14), time(17)),
        (time(18), time(20)),
    )
    assert hours[other_therapist.pk].hours_on(switch)[0] == (time(7), time(8))
    assert (hours[therapist.pk].time_off, hours[therapist.pk].busy) == ((), ())
    with django_assert_num_queries(0):
        assert selectors.hours_between([], TUESDAY, switch) == {}


@pytest.mark.django_db
def test_schedule_clashes_read_a_stored_rota_on_the_days_it_holds(therapist_user):
    anna = TherapistFactory(user=therapist_user)
    switch = TUESDAY + timedelta(days=7)
    WorkingHoursFactory(therapist=anna, weekday=1, valid_until=switch - timedelta(days=1))
    WorkingHoursFactory(therapist=anna, weekday=1, start_time=time(12), valid_from=switch)
    held = BookingFactory(therapist=anna, start=TUESDAY_TEN + 7 * 24 * HOUR + 3 * HOUR)
    already_out = BookingFactory(therapist=anna, start=TUESDAY_TEN + 7 * 24 * HOUR)
    off = Interval(TUESDAY_TEN, TUESDAY_TEN + 8 * 24 * HOUR)
    found = selectors.schedule_clashes(now=NOW, therapist_id=anna.pk, time_off=[off])
    assert [c.pk for c in found] == [held.pk]
    assert already_out.pk not in {c.pk for c in found}


@pytest.mark.django_db
def test_schedules_with_closures_and_dated_hours_still_take_one_query(
    therapist, other_therapist, django_assert_num_queries
):
    ClinicClosureFactory()
    WorkingHoursFactory(therapist=therapist, weekday=6, valid_from=TUESDAY)
    with django_assert_num_queries(1):
        selectors.schedules_between([therapist.pk, other_therapist.pk], NOW, NOW + 30 * 24 * HOUR)


@pytest.mark.django_db
def test_bookings_under_time_off_or_a_closure_or_outside_hours_need_attention(
    therapist, other_therapist, django_assert_num_queries
):
    # Both work Monday to Saturday 09-13 and 14-17 (London is on GMT in March).
    fine = BookingFactory(therapist=therapist, start=TUESDAY_TEN)
    under_time_off = BookingFactory(therapist=other_therapist, start=TUESDAY_TEN)
    TimeOffFactory(therapist=other_therapist, start=TUESDAY_TEN, end=TUESDAY_TEN + HOUR)
    in_lunch = BookingFactory(therapist=therapist, start=TUESDAY_TEN + 3 * HOUR)
    closed_day = TUESDAY_TEN + 2 * 24 * HOUR
    on_closure = BookingFactory(therapist=therapist, start=closed_day)
    ClinicClosureFactory(start_date=TUESDAY + timedelta(days=2))
    BookingFactory(therapist=therapist, start=closed_day + 2 * HOUR, cancelled=True)
    with django_assert_num_queries(2):
        found = selectors.bookings_needing_attention(NOW, NOW + 7 * 24 * HOUR)
    assert found == {under_time_off.pk, in_lunch.pk, on_closure.pk}
    assert fine.pk not in found


@pytest.mark.django_db
def test_no_bookings_in_the_window_need_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.bookings_needing_attention(NOW, NOW + HOUR) == set()


@pytest.mark.django_db
def test_schedule_clashes_lists_only_what_the_change_newly_leaves_out_in_four_queries(
    therapist, other_therapist, django_assert_num_queries
):
    morning = BookingFactory(therapist=therapist, start=TUESDAY_TEN, client_name="Jane Q. Doe")
    BookingFactory(therapist=other_therapist, start=TUESDAY_TEN)
    already_out = BookingFactory(therapist=therapist, start=TUESDAY_TEN + 3 * HOUR)  # lunch
    off = Interval(TUESDAY_TEN - HOUR, TUESDAY_TEN + 5 * HOUR)
    with django_assert_num_queries(4):
        found = selectors.schedule_clashes(now=NOW, therapist_id=therapist.pk, time_off=[off])
    assert [(c.pk, c.client_first_name, c.technique) for c in found] == [
        (morning.pk, "Jane", "Swedish Massage")
    ]
    assert already_out.pk not in {c.pk for c in found}


@pytest.mark.django_db
def test_a_proposed_closure_reaches_every_therapist(therapist, other_therapist):
    mine = BookingFactory(therapist=therapist, start=TUESDAY_TEN)
    his = BookingFactory(therapist=other_therapist, start=TUESDAY_TEN + 2 * HOUR)
    found = selectors.schedule_clashes(now=NOW, therapist_id=None, closures=[(TUESDAY, TUESDAY)])
    assert [c.pk for c in found] == [mine.pk, his.pk]
    assert selectors.schedule_clashes(now=NOW, therapist_id=None, closures=[]) == []
