"""A property over random diaries: a course never double-books and every clash is listed
before anything is saved.

Random working hours, sessions, time off and a closure around a weekly, fortnightly or
four-weekly course, planned by staff or by the client: `plan_course` calls an occurrence
free exactly when `book_session` (the same rules, a client's horizon reaching the
course's length, the same moment) would book it, every
option it offers books, and `book_course` with the free occurrences and a chosen option
for each clash books them with no two active sessions of a therapist overlapping (the
buffer counted), while picks that keep a clash book nothing and name it."""

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.booking import courses
from bookings.booking.errors import InvalidBooking, SlotUnavailable
from bookings.booking.services import book_session
from bookings.models import Booking, ClinicRules, Course, Therapist
from bookings.scheduling.availability import wall_to_utc
from catalog.models import Technique
from tests.clock import CLINIC_ZONE, NOW
from tests.factories import (
    SCREENED_INTAKE,
    BookingFactory,
    ClinicClosureFactory,
    TherapistFactory,
    TimeOffFactory,
)

SOURCE_DAY = date(2026, 3, 4)  # a Wednesday; the course starts at 10:00
HOURS = [(), ((9, 17),), ((9, 13), (14, 17)), ((12, 20),)]

# Most days worked, so free occurrences and clashes both come up often.
weeks = st.fixed_dictionaries(
    {day: st.sampled_from([HOURS[1], HOURS[1], HOURS[2], HOURS[3], HOURS[0]]) for day in range(7)}
)
busy = st.lists(
    st.tuples(
        st.integers(1, 7),  # the occurrence it falls near
        st.integers(-1, 1),  # that day, or the day either side
        st.integers(8 * 4, 12 * 4),  # quarter hours from midnight, around the course's 10:00
        st.sampled_from([30, 60, 90]),
        st.booleans(),  # Anna's, else Ben's
    ),
    max_size=8,
)
away = st.lists(
    st.tuples(
        st.integers(1, 7),
        st.integers(-1, 1),
        st.integers(8 * 4, 12 * 4),
        st.integers(1, 40),
        st.booleans(),
    ),
    max_size=3,
)


class Rollback(Exception):
    pass


def at(day: date, quarters: int) -> datetime:
    """`quarters` quarter hours after midnight on the clinic's `day`, in UTC."""
    return wall_to_utc(day, time(quarters // 4, 15 * (quarters % 4)), CLINIC_ZONE)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    every_weeks=st.sampled_from([1, 2, 4]),
    sessions=st.integers(2, 8),
    staff=st.booleans(),
    buffer=st.sampled_from([0, 15]),
    horizon=st.sampled_from([14, 90]),
    anna_hours=weeks,
    ben_hours=weeks,
    booked=busy,
    time_off=away,
    closed=st.one_of(st.none(), st.integers(1, 7)),
)
def test_a_course_never_double_books_and_lists_every_clash_before_saving(
    front_desk_user, clock, every_weeks, sessions, staff, buffer, horizon, **diary
):
    try:
        with transaction.atomic():
            _check(front_desk_user, every_weeks, sessions, staff, buffer, horizon, **diary)
            raise Rollback
    except Rollback:
        pass


def _diary(
    every_weeks: int, buffer: int, anna_hours, ben_hours, booked, time_off, closed
) -> tuple[Therapist, Therapist, Technique]:
    swedish = Technique.objects.get(slug="swedish")

    def week(hours):
        return {day: [(time(a), time(b)) for a, b in ranges] for day, ranges in hours.items()}

    anna = TherapistFactory(display_name="Anna K.", techniques=[swedish], hours=week(anna_hours))
    ben = TherapistFactory(display_name="Ben M.", techniques=[swedish], hours=week(ben_hours))

    def near(k: int, shift: int) -> date:
        return SOURCE_DAY + timedelta(weeks=every_weeks * k, days=shift)

    for k, shift, quarters, minutes, annas in booked:
        therapist = anna if annas else ben
        start = at(near(k, shift), quarters)
        end = start + timedelta(minutes=minutes)
        if not Booking.objects.filter(
            therapist=therapist, start__lt=end + timedelta(minutes=buffer), blocked_until__gt=start
        ).exists():
            BookingFactory(
                therapist=therapist,
                start=start,
                end=end,
                length_minutes=minutes,
                blocked_until=end + timedelta(minutes=buffer),
            )
    for k, shift, quarters, length, annas in time_off:
        start = at(near(k, shift), quarters)
        TimeOffFactory(
            therapist=anna if annas else ben,
            start=start,
            end=start + timedelta(minutes=15 * length),
        )
    if closed is not None:
        ClinicClosureFactory(start_date=near(closed, 0))
    return anna, ben, swedish


def _books(
    *, therapist_id: int, start: datetime, staff: bool, user: User, technique: Technique
) -> bool:
    """Whether book_session takes this time now (rolled back either way)."""
    try:
        with transaction.atomic():
            book_session(
                therapist_id=therapist_id,
                technique=technique,
                length_minutes=60,
                start=start,
                client_name="Pat Probe",
                client_email="",
                client_phone="07700 900456",
                intake=SCREENED_INTAKE,
                now=NOW,
                notify=False,
                by=user if staff else None,
                ignore_notice_and_horizon=staff,
            )
            raise Rollback
    except Rollback:
        return True
    except (InvalidBooking, SlotUnavailable):
        return False


def _check(user, every_weeks, sessions, staff, buffer, horizon, **diary) -> None:
    rules = ClinicRules.load()
    rules.buffer_minutes = buffer
    rules.booking_horizon_days = horizon
    rules.min_notice_minutes = 120
    rules.slot_step_minutes = 15
    rules.save()
    cache.clear()  # the rules cached by the example before, rolled back since
    anna, _, swedish = _diary(every_weeks, buffer, **diary)
    source_start = at(SOURCE_DAY, 40)
    source = BookingFactory(
        therapist=anna,
        start=source_start,
        end=source_start + timedelta(hours=1),
        blocked_until=source_start + timedelta(hours=1, minutes=buffer),
    )

    occurrences = courses.plan_course(
        source=source, every_weeks=every_weeks, sessions=sessions, staff=staff, now=NOW
    )

    assert [o.position for o in occurrences] == list(range(2, sessions + 1))
    if not staff:
        # A client's course reaches past the online horizon to its own length (with the
        # client's notice): book_session is asked with that horizon.
        rules.booking_horizon_days = max(horizon, (occurrences[-1].start - NOW).days + 2)
        rules.save()
        cache.clear()
    for occurrence in occurrences:
        assert {occurrence.start.astimezone(CLINIC_ZONE).time()} == {time(10)}
        books = _books(
            therapist_id=anna.pk, start=occurrence.start, staff=staff, user=user, technique=swedish
        )
        assert occurrence.free == books, occurrence
        assert occurrence.free == (occurrence.problem == "")
        for option in occurrence.options:
            assert _books(
                therapist_id=option.therapist_id,
                start=option.start,
                staff=staff,
                user=user,
                technique=swedish,
            ), option

    clashes = [o for o in occurrences if not o.free]
    kept = [courses.Pick(o.position, o.start, o.therapist_id) for o in occurrences]
    if clashes:
        # Keeping a clash books nothing, and the clash says which.
        before = Booking.objects.count()
        with pytest.raises(courses.CourseClash) as raised:
            courses.book_course(
                source=source, every_weeks=every_weeks, picks=kept, by=user if staff else None
            )
        assert raised.value.positions == [o.position for o in clashes]
        assert Booking.objects.count() == before
        assert not Course.objects.exists()

    resolved = [
        courses.Pick(o.position, o.start, o.therapist_id)
        if o.free
        else courses.Pick(o.position, o.options[0].start, o.options[0].therapist_id)
        for o in occurrences
        if o.free or o.options
    ]
    if not resolved:
        return
    course = courses.book_course(
        source=source, every_weeks=every_weeks, picks=resolved, by=user if staff else None
    )
    assert course.sessions.count() == len(resolved) + 1
    rows = list(Booking.objects.active().values_list("therapist_id", "start", "blocked_until"))
    for i, (therapist, start, until) in enumerate(rows):
        for other_therapist, other_start, other_until in rows[i + 1 :]:
            if therapist == other_therapist:
                assert not (start < other_until and other_start < until), "double-booked"
