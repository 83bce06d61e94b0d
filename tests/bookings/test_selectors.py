from datetime import UTC, datetime, time, timedelta

import pytest

from bookings import selectors
from bookings.availability import Interval, Problem, Rules, TherapistSchedule
from bookings.models import BookingStatus
from catalog.models import Technique
from tests.clock import CLINIC_ZONE, clinic_time
from tests.factories import BookingFactory, TimeOffFactory

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
    check = selectors.check_start(schedules, start=TUESDAY_TEN, length=HOUR, rules=Rules(), now=NOW)
    assert [s.therapist_id for s in check.free] == free
    assert check.problem == problem


@pytest.mark.django_db
def test_schedules_come_in_three_queries_in_the_order_asked_for(
    therapist, other_therapist, django_assert_num_queries
):
    start = TUESDAY_TEN
    mine = BookingFactory.create(therapist=therapist, start=start)
    BookingFactory(therapist=therapist, start=start + 2 * HOUR, status=BookingStatus.CANCELLED)
    BookingFactory(therapist=other_therapist, start=start + 30 * 24 * HOUR)
    TimeOffFactory(therapist=other_therapist, start=start, end=start + 3 * HOUR)

    with django_assert_num_queries(3):
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
def test_nobody_to_ask_needs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.schedules_between([], NOW, NOW + HOUR) == []


@pytest.mark.django_db
def test_a_technique_not_offered_has_no_choices(clinic_rules):
    assert selectors.technique_choices("no-such-massage", now=NOW) is None


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
    choices = selectors.technique_choices("swedish", now=NOW, day=day)
    assert choices is not None and choices.day == day
    [schedule] = choices.schedules_for(therapist.pk)
    assert [b.start for b in schedule.busy] == [on_the_day.start]
    starts = selectors.free_starts(choices, length_minutes=60, therapist_id=therapist.pk)
    assert {s.start.astimezone(CLINIC_ZONE).date() for s in starts} == {day}
