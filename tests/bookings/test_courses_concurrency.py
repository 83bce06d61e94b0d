"""A course under concurrency, on PostgreSQL: another client takes occurrence 4 while
the course is being booked, and the course reports it and books nothing; the exclusion
constraint catches a writer that skipped the locks the same way."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction

from bookings.booking import courses
from bookings.booking.errors import SlotUnavailable
from bookings.booking.services import book_session
from bookings.models import Booking, ClinicRules, Course
from tests import races
from tests.clock import NOW, clinic_time
from tests.factories import SCREENED_INTAKE, WEEKDAYS_WITH_LUNCH, BookingFactory, TherapistFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent writers and the exclusion constraint need PostgreSQL; "
    "SQLite serialises writers with IMMEDIATE transactions instead.",
)


def _book(therapist_id: int, start, name: str, **extra) -> Booking:
    return book_session(
        therapist_id=therapist_id,
        technique=extra.pop("technique"),
        length_minutes=60,
        start=start,
        client_name=name,
        client_email=f"{name.split()[0].lower()}@example.org",
        client_phone="07700 900123",
        intake=SCREENED_INTAKE,
        now=NOW,
        notify=False,
        ignore_notice_and_horizon=True,
        **extra,
    )


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        (waiting,) = cursor.fetchone()
    return bool(waiting)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_another_client_taking_occurrence_four_mid_course_books_nothing_of_the_course(
    clinic_rules: ClinicRules, therapist, swedish, front_desk_user
):
    source = _book(
        therapist.pk, clinic_time(NOW + timedelta(days=2), 10), "Jane Doe", technique=swedish
    )
    occurrences = courses.plan_course(source=source, every_weeks=1, sessions=6, staff=True, now=NOW)
    assert all(o.free for o in occurrences)
    fourth = next(o for o in occurrences if o.position == 4)
    picks = [courses.Pick(o.position, o.start, o.therapist_id) for o in occurrences]
    other_holds_the_lock = threading.Event()
    outcome: dict[str, object] = {}

    def other_client() -> None:
        try:
            with transaction.atomic():
                outcome["other"] = _book(therapist.pk, fourth.start, "Sam Roe", technique=swedish)
                other_holds_the_lock.set()
                # Commit only once the course is waiting for Anna's diary: mid-course.
                deadline = time.monotonic() + 20
                while not _waiting_on_a_lock() and time.monotonic() < deadline:
                    time.sleep(0.02)
        finally:
            connection.close()

    def the_course() -> None:
        try:
            other_holds_the_lock.wait(timeout=20)
            courses.book_course(
                source=source, every_weeks=1, picks=picks, by=front_desk_user, now=NOW
            )
            outcome["course"] = "booked"
        except courses.CourseClash as clash:
            outcome["course"] = clash
        finally:
            connection.close()

    threads = [threading.Thread(target=other_client), threading.Thread(target=the_course)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    clash = outcome["course"]
    assert isinstance(clash, courses.CourseClash), clash
    assert clash.positions == [4]
    assert "Session 4 is no longer free" in clash.message
    assert not Course.objects.exists()
    source.refresh_from_db()
    assert source.course_id is None
    other = outcome["other"]
    assert isinstance(other, Booking)
    assert set(Booking.objects.active().values_list("pk", flat=True)) == {source.pk, other.pk}


def _race(source, occurrences, taken, name, user) -> Counter[str]:
    """The desk books the course while a client books `taken`, at the same moment."""
    picks = [courses.Pick(o.position, o.start, o.therapist_id) for o in occurrences]

    def course() -> str:
        try:
            courses.book_course(source=source, every_weeks=1, picks=picks, by=user, now=NOW)
        except courses.CourseClash as clash:
            return f"course clash {clash.positions}"
        return "course booked"

    def client() -> str:
        try:
            _book(source.therapist_id, taken, name, technique=source.technique)
        except SlotUnavailable:
            return "client refused"
        return "client booked"

    return races.fire([course, client])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_course_and_a_client_racing_for_occurrence_four_never_share_it(
    clinic_rules: ClinicRules, swedish, front_desk_user
):
    rounds = 8
    outcomes: Counter[str] = Counter()
    for n in range(rounds):
        therapist = TherapistFactory(techniques=[swedish], hours=WEEKDAYS_WITH_LUNCH)
        source = _book(
            therapist.pk,
            clinic_time(NOW + timedelta(days=2), 10),
            f"Jane Doe{n}",
            technique=swedish,
        )
        occurrences = courses.plan_course(
            source=source, every_weeks=1, sessions=6, staff=True, now=NOW
        )
        fourth = next(o for o in occurrences if o.position == 4)
        found = _race(source, occurrences, fourth.start, f"Sam Roe{n}", front_desk_user)
        outcomes.update(found)
        assert found in (
            Counter({"course booked": 1, "client refused": 1}),
            Counter({"course clash [4]": 1, "client booked": 1}),
        ), found
        sessions = Booking.objects.active().filter(therapist=therapist)
        assert sessions.filter(start=fourth.start).count() == 1
        assert sessions.count() in (6, 2)  # the whole course, or the source and the client
    races.report(f"course vs client for occurrence 4: {rounds} rounds -> {dict(outcomes)}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_constraint_catches_a_writer_that_skipped_the_check_and_nothing_is_saved(
    clinic_rules: ClinicRules, therapist, swedish, front_desk_user, monkeypatch
):
    source = _book(
        therapist.pk, clinic_time(NOW + timedelta(days=2), 10), "Jane Doe", technique=swedish
    )
    occurrences = courses.plan_course(source=source, every_weeks=1, sessions=6, staff=True, now=NOW)
    fourth = next(o for o in occurrences if o.position == 4)
    # Written behind the services' back (no lock, no check), as a buggy import might.
    other = BookingFactory(therapist=therapist, start=fourth.start + timedelta(minutes=30))
    # The friendly check misses it: the database alone stands in the way.
    monkeypatch.setattr(courses, "clashing_picks", lambda diary, picks: [])

    with pytest.raises(courses.CourseClash) as raised:
        courses.book_course(
            source=source,
            every_weeks=1,
            picks=[courses.Pick(o.position, o.start, o.therapist_id) for o in occurrences],
            by=front_desk_user,
            now=NOW,
        )

    assert raised.value.positions == [4]
    assert raised.value.occurrences[0].problem == "Anna K. already has a session then."
    assert not Course.objects.exists()
    assert set(Booking.objects.values_list("pk", flat=True)) == {source.pk, other.pk}
