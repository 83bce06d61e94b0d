"""Courses of care (bookings/booking/courses.py): planning the occurrences, booking them
all or none, refusing what cannot be a course, the safety facts every session keeps,
moving one session, and the "3 of 6" marks."""

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from bookings.booking import courses, recheck
from bookings.booking.course_plan import NEXT_DAY, OTHER_THERAPIST, SAME_THERAPIST
from bookings.booking.errors import InvalidBooking, UnsafeBooking
from bookings.booking.services import cancel_booking, reschedule_booking
from bookings.intake.answers import IntakeAnswers
from bookings.intake.gate import Stop
from bookings.models import (
    Booking,
    BookingStatus,
    ClinicRules,
    Course,
    PaymentPolicy,
)
from catalog.models import SessionLength, Technique
from tests.clock import CLINIC_ZONE, clinic_time
from tests.factories import SCREENED_INTAKE, BookingFactory, TherapistFactory, TimeOffFactory

Book = Callable[..., Booking]


@pytest.fixture
def source(book: Book, clinic_rules: ClinicRules, now: datetime) -> Booking:
    """Jane's Wednesday 4 March, 10:00 with Anna: the session a course is made from."""
    return book()


def weekly(source: Booking, sessions: int = 6, *, staff: bool = True) -> list[courses.Occurrence]:
    return courses.plan_course(source=source, every_weeks=1, sessions=sessions, staff=staff)


def picks_of(occurrences: list[courses.Occurrence]) -> list[courses.Pick]:
    return [courses.Pick(o.position, o.start, o.therapist_id) for o in occurrences if o.free]


def local(moment: datetime) -> tuple[int, int]:
    wall = moment.astimezone(CLINIC_ZONE)
    return wall.hour, wall.minute


# Planning


def test_a_weekly_course_is_planned_at_the_same_local_time_each_week(source):
    occurrences = weekly(source)

    assert [o.position for o in occurrences] == [2, 3, 4, 5, 6]
    assert all(o.free and o.problem == "" and o.options == () for o in occurrences)
    assert [o.start.astimezone(CLINIC_ZONE).date().isoformat() for o in occurrences] == [
        "2026-03-11",
        "2026-03-18",
        "2026-03-25",
        "2026-04-01",
        "2026-04-08",
    ]
    # British Summer Time begins on 29 March: still 10:00 on the clinic's clock.
    assert {local(o.start) for o in occurrences} == {(10, 0)}
    assert occurrences[3].start - occurrences[2].start == timedelta(days=7, hours=-1)


def test_a_fortnightly_course_steps_two_weeks(source):
    occurrences = courses.plan_course(source=source, every_weeks=2, sessions=3, staff=True)

    assert [o.start for o in occurrences] == [
        clinic_time(source.start + timedelta(days=14), 10),
        clinic_time(source.start + timedelta(days=28), 10),
    ]


def test_a_clash_is_listed_with_the_nearest_free_times_in_the_issues_order(
    source, other_therapist, swedish
):
    taken = clinic_time(source.start + timedelta(days=14), 10)
    BookingFactory(therapist=source.therapist, start=taken)

    occurrences = weekly(source, 4)

    clash = next(o for o in occurrences if o.position == 3)
    assert not clash.free
    assert clash.problem == "Anna K. already has a session then."
    assert [o.kind for o in clash.options] == [
        SAME_THERAPIST,
        SAME_THERAPIST,
        SAME_THERAPIST,
        OTHER_THERAPIST,
        OTHER_THERAPIST,
        OTHER_THERAPIST,
    ]
    # Anna is free again after the hour and its buffer; Ben at the very time.
    assert local(clash.options[0].start) in {(8, 45), (11, 15)}
    assert clash.options[3].start == taken
    assert clash.options[3].therapist_name == "Ben M."
    assert all(o.free for o in occurrences if o.position != 3)


def test_a_therapists_day_off_offers_the_next_day_when_nobody_else_works(source):
    away = clinic_time(source.start + timedelta(days=7), 0)
    TimeOffFactory(therapist=source.therapist, start=away, end=away + timedelta(days=1))

    (second, _) = weekly(source, 3)

    assert not second.free
    assert second.problem == "Anna K. is away then."
    assert second.options and {o.kind for o in second.options} == {NEXT_DAY}
    assert local(second.options[0].start) == (10, 0)


def test_a_clients_course_reaches_past_the_online_horizon_to_its_own_length(source):
    occurrences = weekly(source, 4, staff=False)

    # The online horizon is 14 days (to Monday 16 March): sessions 3 and 4 go past it.
    assert [o.position for o in occurrences if o.free] == [2, 3, 4]
    assert all(o.problem == "" for o in occurrences)


def test_occurrences_after_the_answers_grow_old_are_due_a_safety_recheck(source, clinic_rules):
    clinic_rules.safety_recheck_days = 20
    clinic_rules.save()

    occurrences = weekly(source)

    assert [o.position for o in occurrences if o.recheck_due] == [4, 5, 6]


@pytest.mark.parametrize(
    ("every_weeks", "sessions"),
    [(3, 4), (1, 1), (1, 13), (0, 4)],
    ids=["three-weekly", "one-session", "thirteen", "zero-weeks"],
)
def test_a_course_of_the_wrong_shape_is_refused_in_plain_words(source, every_weeks, sessions):
    with pytest.raises(InvalidBooking, match="A course"):
        courses.plan_course(source=source, every_weeks=every_weeks, sessions=sessions, staff=True)


def test_a_cancelled_past_or_unpaid_session_cannot_start_a_course(source, now, after_commit):
    past = BookingFactory(past=True, status=BookingStatus.COMPLETED)
    unpaid = BookingFactory(status=BookingStatus.AWAITING_PAYMENT, start=now + timedelta(days=3))
    after_commit(cancel_booking, booking=source, now=now)
    source.refresh_from_db()

    for booking, words in [(source, "cancelled"), (past, "taken place"), (unpaid, "not paid")]:
        with pytest.raises(InvalidBooking, match=words):
            weekly(booking)


def test_an_online_course_is_refused_when_the_clinic_takes_payment_online(source, clinic_rules):
    ClinicRules.objects.filter(pk=1).update(payment_policy=PaymentPolicy.FULL)

    with pytest.raises(InvalidBooking, match="Please call the clinic to book a course"):
        weekly(source, staff=False)
    assert weekly(source, staff=True)  # the desk books it, paid at the clinic


# Booking


def test_a_course_books_every_kept_occurrence_and_marks_the_source_first(
    source, front_desk_user: User, after_commit
):
    occurrences = weekly(source)

    course = after_commit(
        courses.book_course,
        source=source,
        every_weeks=1,
        picks=picks_of(occurrences),
        by=front_desk_user,
    )

    sessions = list(course.sessions.order_by("start"))
    assert [s.course_position for s in sessions] == [1, 2, 3, 4, 5, 6]
    assert sessions[0].pk == source.pk
    assert [s.start for s in sessions[1:]] == [o.start for o in occurrences]
    assert {s.client_id for s in sessions} == {source.client_id}
    assert {
        (s.client_name, s.client_email, s.technique_id, s.length_minutes) for s in sessions
    } == {("Jane Doe", "jane@example.org", source.technique_id, 60)}
    assert all(s.status == BookingStatus.CONFIRMED for s in sessions)
    assert course.created_by == front_desk_user
    assert course.answers_at == source.created_at
    assert course.every_weeks == 1


def test_sessions_are_priced_at_todays_price(source, front_desk_user, after_commit, swedish):
    SessionLength.objects.filter(technique=swedish, minutes=60).update(price=Decimal("72.50"))
    (second,) = weekly(source, 2)

    course = after_commit(
        courses.book_course,
        source=source,
        every_weeks=1,
        picks=picks_of([second]),
        by=front_desk_user,
    )

    assert course.sessions.get(course_position=2).price == Decimal("72.50")


def test_a_dropped_occurrence_is_left_out_and_a_chosen_option_is_booked(
    source, other_therapist, front_desk_user, after_commit
):
    taken = clinic_time(source.start + timedelta(days=14), 10)
    BookingFactory(therapist=source.therapist, start=taken)
    occurrences = weekly(source, 5)
    clash = next(o for o in occurrences if o.position == 3)
    ben = next(o for o in clash.options if o.kind == OTHER_THERAPIST)
    picks = [
        courses.Pick(o.position, o.start, o.therapist_id)
        for o in occurrences
        if o.free and o.position != 5
    ] + [courses.Pick(3, ben.start, ben.therapist_id)]

    course = after_commit(
        courses.book_course, source=source, every_weeks=1, picks=picks, by=front_desk_user
    )

    positions = dict(course.sessions.values_list("course_position", "therapist_id"))
    assert positions == {
        1: source.therapist_id,
        2: source.therapist_id,
        3: other_therapist.pk,
        4: source.therapist_id,
    }


def test_a_pick_taken_since_the_plan_raises_a_clash_and_books_nothing(
    source, front_desk_user, after_commit, book
):
    occurrences = weekly(source)
    fourth = next(o for o in occurrences if o.position == 4)
    other = book(
        fourth.start,
        client_name="Sam Roe",
        client_email="sam@example.org",
        by=front_desk_user,
        ignore_notice_and_horizon=True,
    )

    with pytest.raises(courses.CourseClash) as raised:
        after_commit(
            courses.book_course,
            source=source,
            every_weeks=1,
            picks=picks_of(occurrences),
            by=front_desk_user,
        )

    assert raised.value.positions == [4]
    (clash,) = raised.value.occurrences
    assert clash.problem == "Anna K. already has a session then."
    assert clash.options and all(o.start != fourth.start for o in clash.options)
    assert "Session 4 is no longer free. Nothing has been booked yet" in raised.value.message
    assert not Course.objects.exists()
    source.refresh_from_db()
    assert source.course_id is None
    assert set(Booking.objects.active().values_list("pk", flat=True)) == {source.pk, other.pk}


def test_a_pick_moved_off_its_day_is_refused_whatever_the_post_says(
    source, front_desk_user, after_commit
):
    (second, _) = weekly(source, 3)
    picks = [
        courses.Pick(2, second.start, second.therapist_id),
        # Session 3 crafted onto session 2's day, half an hour later.
        courses.Pick(3, second.start + timedelta(minutes=30), second.therapist_id),
    ]

    with pytest.raises(InvalidBooking, match="Session 3 is not on its day of the course"):
        after_commit(
            courses.book_course, source=source, every_weeks=1, picks=picks, by=front_desk_user
        )

    assert Booking.objects.count() == 1


def test_sending_the_course_again_books_nothing_twice(source, front_desk_user, after_commit):
    picks = picks_of(weekly(source))
    after_commit(courses.book_course, source=source, every_weeks=1, picks=picks, by=front_desk_user)

    with pytest.raises(InvalidBooking, match="already part of a course"):
        after_commit(
            courses.book_course, source=source, every_weeks=1, picks=picks, by=front_desk_user
        )

    assert Booking.objects.count() == 6
    assert Course.objects.count() == 1


@pytest.mark.parametrize(
    "picks",
    [
        [],
        [(2, 7), (2, 7)],
        [(13, 84)],
        [(2, 9)],
        [(3, 7)],
    ],
    ids=["none-kept", "position-twice", "past-twelve", "two-days-late", "a-week-early"],
)
def test_nonsense_picks_are_refused_in_plain_words(source, front_desk_user, picks):
    chosen = [
        courses.Pick(p, source.start + timedelta(days=d), source.therapist_id) for p, d in picks
    ]

    with pytest.raises(InvalidBooking) as refused:
        courses.book_course(source=source, every_weeks=1, picks=chosen, by=front_desk_user)

    assert refused.value.message.endswith(".")
    assert "course" in refused.value.message
    assert not Course.objects.exists()


def test_a_client_books_a_course_online_within_the_horizon(source, after_commit):
    occurrences = weekly(source, 2, staff=False)

    course = after_commit(
        courses.book_course, source=source, every_weeks=1, picks=picks_of(occurrences), by=None
    )

    assert course.created_by is None
    assert course.sessions.filter(booked_by=None).count() == 2


def test_a_client_books_a_course_past_the_online_horizon(source, after_commit):
    occurrences = weekly(source, 4, staff=True)

    course = after_commit(
        courses.book_course, source=source, every_weeks=1, picks=picks_of(occurrences), by=None
    )

    assert course.sessions.count() == 4


# Safety


def _kept_answers(booking: Booking, answers: IntakeAnswers) -> None:
    Booking.objects.filter(pk=booking.pk).update(
        intake_answers=answers.to_dict(), health_consent_at=booking.created_at
    )
    booking.refresh_from_db()


def test_a_source_whose_kept_answers_are_now_ruled_out_refuses_the_whole_course(
    therapist, clinic_rules, front_desk_user, after_commit, now
):
    # Booked (with consent) before the clinic's rules said blood thinners rule deep
    # tissue out: the course is screened against today's rules.
    deep = Technique.objects.get(slug="deep-tissue")
    therapist.techniques.add(deep)
    thinners = IntakeAnswers(areas=("lower",), conditions=("blood_thinners",), screened=True)
    source = BookingFactory(
        therapist=therapist,
        technique=deep,
        length_minutes=60,
        start=clinic_time(now + timedelta(days=2), 10),
        intake_answers=thinners.to_dict(),
        health_consent_at=now,
    )
    picks = picks_of(weekly(source, 4))

    with pytest.raises(UnsafeBooking) as refused:
        after_commit(
            courses.book_course, source=source, every_weeks=1, picks=picks, by=front_desk_user
        )

    assert refused.value.stop == Stop.RULED_OUT
    assert Booking.objects.count() == 1
    assert not Course.objects.exists()


def test_kept_answers_still_allowed_book_the_course_and_travel_with_consent(
    source, front_desk_user, after_commit
):
    _kept_answers(source, SCREENED_INTAKE)
    picks = picks_of(weekly(source, 2))

    course = after_commit(
        courses.book_course, source=source, every_weeks=1, picks=picks, by=front_desk_user
    )

    assert course.sessions.get(course_position=2).intake_answers == source.intake_answers


def test_unscreened_kept_answers_refuse_the_course(source, front_desk_user, after_commit):
    _kept_answers(source, IntakeAnswers(screened=False))
    picks = picks_of(weekly(source, 2))

    with pytest.raises(UnsafeBooking):
        after_commit(
            courses.book_course, source=source, every_weeks=1, picks=picks, by=front_desk_user
        )
    assert Booking.objects.count() == 1


def test_every_session_keeps_the_sources_safety_facts(source, front_desk_user, after_commit):
    Booking.objects.filter(pk=source.pk).update(
        warning_flags=["night_pain"],
        health_conditions=["osteoporosis"],
        text_checks=[{"sign": "leg_numbness", "quote": "leg goes numb"}],
        acknowledged_advice=["You said it hurts constantly at night or at rest."],
        safety_override_reason="GP letter seen",
    )
    source.refresh_from_db()
    picks = picks_of(weekly(source, 4))

    course = after_commit(
        courses.book_course, source=source, every_weeks=1, picks=picks, by=front_desk_user
    )

    for session in course.sessions.all():
        assert session.warning_flags == ["night_pain"]
        assert session.health_conditions == ["osteoporosis"]
        assert session.text_checks == [{"sign": "leg_numbness", "quote": "leg goes numb"}]
        assert session.acknowledged_advice == ["You said it hurts constantly at night or at rest."]
        assert session.safety_override_reason == "GP letter seen"
        # No consent on the source: no answers kept on any session.
        assert session.intake_answers is None


# Moving one session, marks


def test_one_session_of_a_course_moves_like_any_booking(source, front_desk_user, after_commit, now):
    course = after_commit(
        courses.book_course,
        source=source,
        every_weeks=1,
        picks=picks_of(weekly(source, 4)),
        by=front_desk_user,
    )
    third = course.sessions.get(course_position=3)
    later = third.start + timedelta(hours=1)

    moved = after_commit(
        reschedule_booking, booking=third, start=later, now=now, ignore_notice_and_horizon=True
    )

    assert moved.start == later
    assert (moved.course_id, moved.course_position) == (course.pk, 3)
    assert courses.course_mark(moved) == "3 of 4"


def test_marks_count_the_active_sessions_by_start_in_one_query(
    source, front_desk_user, after_commit, now, django_assert_num_queries
):
    course = after_commit(
        courses.book_course,
        source=source,
        every_weeks=1,
        picks=picks_of(weekly(source, 6)),
        by=front_desk_user,
    )
    sessions = list(course.sessions.order_by("start"))
    after_commit(cancel_booking, booking=sessions[1], now=now)
    loose = BookingFactory(start=now + timedelta(days=3))
    everyone = [*sessions, loose]

    with django_assert_num_queries(1):
        marks = courses.course_marks(everyone)

    assert marks == {
        sessions[0].pk: "1 of 5",
        sessions[2].pk: "2 of 5",
        sessions[3].pk: "3 of 5",
        sessions[4].pk: "4 of 5",
        sessions[5].pk: "5 of 5",
    }
    assert courses.course_mark(loose) is None
    assert courses.course_mark(sessions[1]) is None


def test_no_marks_cost_no_query(django_assert_num_queries, db):
    loose = BookingFactory()

    with django_assert_num_queries(0):
        assert courses.course_marks([loose]) == {}


def test_recheck_is_due_for_sessions_after_the_answers_interval(
    source, front_desk_user, after_commit, clinic_rules
):
    course = after_commit(
        courses.book_course,
        source=source,
        every_weeks=2,
        picks=[
            courses.Pick(o.position, o.start, o.therapist_id)
            for o in courses.plan_course(source=source, every_weeks=2, sessions=4, staff=True)
        ],
        by=front_desk_user,
    )

    due = [
        s.course_position
        for s in course.sessions.order_by("start")
        if recheck.recheck_due(s, clinic_rules)
    ]

    assert due == [3, 4]  # four and six weeks on: past the 30 days
    assert not recheck.recheck_due(BookingFactory(), clinic_rules)


def test_a_therapist_who_no_longer_offers_the_technique_cannot_take_a_pick(
    source, front_desk_user, after_commit, swedish
):
    elsewhere = TherapistFactory(display_name="Cleo P.", techniques=[], works_weekdays=True)
    (second,) = weekly(source, 2)

    with pytest.raises(courses.CourseClash) as raised:
        after_commit(
            courses.book_course,
            source=source,
            every_weeks=1,
            picks=[courses.Pick(2, second.start, elsewhere.pk)],
            by=front_desk_user,
        )

    assert raised.value.occurrences[0].problem == "That therapist is not taking bookings."
    assert Technique.objects.filter(pk=swedish.pk).exists()


def test_a_course_booked_across_the_end_of_summer_time_stays_at_ten(
    book, clinic_rules, front_desk_user, after_commit
):
    # Wednesday 21 October 2026; the clocks go back on Sunday 25 October.
    october = datetime(2026, 10, 21, 9, 0, tzinfo=CLINIC_ZONE)
    source = book(clinic_time(october, 10), by=front_desk_user, ignore_notice_and_horizon=True)
    occurrences = weekly(source, 3)

    course = after_commit(
        courses.book_course,
        source=source,
        every_weeks=1,
        picks=picks_of(occurrences),
        by=front_desk_user,
    )

    sessions = list(course.sessions.order_by("start"))
    assert [s.start.astimezone(CLINIC_ZONE).date().isoformat() for s in sessions] == [
        "2026-10-21",
        "2026-10-28",
        "2026-11-04",
    ]
    assert {local(s.start) for s in sessions} == {(10, 0)}
    assert sessions[1].start - sessions[0].start == timedelta(days=7, hours=1)


def test_confirming_the_email_of_an_online_course_proves_every_session(
    book, clinic_rules, after_commit, now
):
    from bookings.records.identity import confirm_email

    source = book()  # online: the address is only typed until the link is tapped
    assert source.email_confirmed_at is None and source.email_token
    course = after_commit(
        courses.book_course,
        source=source,
        every_weeks=1,
        picks=picks_of(weekly(source, 2, staff=False)),
        by=None,
    )
    assert course.sessions.filter(email_confirmed_at__isnull=False).count() == 0

    assert confirm_email(booking=source, now=now)

    assert course.sessions.filter(email_confirmed_at=now).count() == 2


def test_a_course_from_a_therapist_who_stopped_offering_the_technique_says_so(source, swedish):
    source.therapist.techniques.remove(swedish)

    with pytest.raises(InvalidBooking, match=r"Anna K\. does not offer Swedish Massage now"):
        weekly(source)


def test_a_source_already_in_a_course_cannot_start_another(source, front_desk_user, after_commit):
    after_commit(
        courses.book_course,
        source=source,
        every_weeks=2,
        picks=picks_of(courses.plan_course(source=source, every_weeks=2, sessions=2, staff=True)),
        by=front_desk_user,
    )
    source.refresh_from_db()

    with pytest.raises(InvalidBooking, match="already part of a course"):
        weekly(source)
