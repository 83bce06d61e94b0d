import threading
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from bookings.booking.errors import SlotUnavailable
from bookings.booking.services import book_session
from bookings.intake import cookie as intake
from bookings.models import Booking, BookingStatus
from bookings.models import Client as ClientRecord
from catalog.models import Technique
from tests.clock import NOW
from tests.factories import SCREENED_INTAKE, BookingFactory, TherapistFactory
from tests.test_privacy_flow import DETAILS

ATTEMPTS = 24
SLOT = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent writers and the exclusion constraint need PostgreSQL; "
    "SQLite serialises writers with IMMEDIATE transactions instead.",
)


def fire(attempt, attempts: int = ATTEMPTS) -> Counter:
    """Run `attempt(n)` from `attempts` threads at once, each on its own connection."""
    outcomes: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(attempts)

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = attempt(n)
        except Exception as error:  # the test reports any unexpected failure
            outcome = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_bookings_of_one_slot_make_exactly_one_booking(clinic_rules, therapist):
    technique = Technique.objects.get(slug="swedish")

    def attempt(n: int) -> str:
        try:
            book_session(
                intake=SCREENED_INTAKE,
                therapist_id=therapist.pk,
                technique=technique,
                length_minutes=60,
                # Overlapping starts too, not only the same one: the buffer counts.
                start=SLOT + timedelta(minutes=15 * (n % 3)),
                client_name=f"Client {n}",
                client_email=f"client{n}@example.com",
                client_phone="07700 900123",
                now=NOW,
            )
        except SlotUnavailable:
            return "conflict"
        return "booked"

    outcomes = fire(attempt)
    print(f"\nservice: {ATTEMPTS} attempts -> {dict(outcomes)}")

    assert outcomes == Counter(booked=1, conflict=ATTEMPTS - 1)
    assert Booking.objects.active().count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_posts_for_one_slot_give_one_booking_and_no_error_page(
    clinic_rules, therapist, other_therapist, now
):
    url = reverse("bookings:book_submit", kwargs={"slug": "swedish"})
    cookie = HttpResponse()
    intake.remember(cookie, SCREENED_INTAKE)  # every client answered the safety screen
    screened = cookie.cookies[intake.COOKIE_NAME].value

    def attempt(n: int) -> str:
        client = Client()
        client.cookies[intake.COOKIE_NAME] = screened
        response = client.post(
            url,
            {
                "length": 60,
                # Anyone: both therapists are free, so exactly two can win.
                "therapist": "any",
                "start": "2026-03-03T10:00Z",
                "client_name": f"Client {n}",
                "client_email": f"client{n}@example.com",
                "client_phone": "07700 900123",
            },
        )
        if response.status_code == 302:
            return "booked"
        if response.status_code == 409 and b"just been taken" in response.content:
            return "conflict"
        return f"status {response.status_code}"

    outcomes = fire(attempt)
    print(f"\nPOST (anyone, 2 therapists): {ATTEMPTS} attempts -> {dict(outcomes)}")

    assert outcomes == Counter(booked=2, conflict=ATTEMPTS - 2)
    assert set(Booking.objects.values_list("therapist", flat=True)) == {
        therapist.pk,
        other_therapist.pk,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_post_sent_at_once_books_anyone_once(
    clinic_rules, therapist, other_therapist, now
):
    # A double tap or a network retry: identical posts at the same moment, "anyone" with
    # two therapists free. Found by hand: the second booked the other therapist.
    url = reverse("bookings:book_submit", kwargs={"slug": "swedish"})
    cookie = HttpResponse()
    intake.remember(cookie, SCREENED_INTAKE)
    screened = cookie.cookies[intake.COOKIE_NAME].value

    def attempt(n: int) -> str:
        client = Client()
        client.cookies[intake.COOKIE_NAME] = screened
        # Sam's post for "anyone" at 10:00 (its consent boxes unused: nothing to consent to).
        response = client.post(url, DETAILS)
        if response.status_code == 302:
            return "booked"
        if response.status_code == 409 and b"already booked this session" in response.content:
            return "told it is booked"
        return f"status {response.status_code}"

    outcomes = fire(attempt, attempts=6)
    print(f"\nthe same POST 6 times at once (anyone, 2 therapists) -> {dict(outcomes)}")

    assert outcomes == Counter({"booked": 1, "told it is booked": 5})
    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_first_bookings_at_once_with_one_new_email_make_one_record_the_rest_point_at(
    clinic_rules, swedish
):
    # A therapist each: no therapist's row is a lock they share, only the address.
    therapists = [TherapistFactory(techniques=[swedish], works_weekdays=True) for _ in range(8)]
    spellings = ["sam@example.com", "  Sam@Example.com", "SAM@EXAMPLE.COM ", "sam@example.COM"]

    def attempt(n: int) -> str:
        book_session(
            intake=SCREENED_INTAKE,
            therapist_id=therapists[n].pk,
            technique=swedish,
            length_minutes=60,
            start=SLOT + timedelta(minutes=15 * (n % 2)),
            client_name=f"Sam {n}",
            client_email=spellings[n % len(spellings)],
            client_phone="07700 900123",
            now=NOW,
        )
        return "booked"

    outcomes = fire(attempt, attempts=len(therapists))
    print(f"\none new email, {len(therapists)} therapists at once -> {dict(outcomes)}")

    assert outcomes == Counter(booked=len(therapists))
    # One record for the address; an unproven email never joins it, so every later
    # booking waits on a provisional record pointing at that one for the desk.
    settled = ClientRecord.objects.get(same_email_as__isnull=True)
    provisional = ClientRecord.objects.exclude(pk=settled.pk)
    assert set(provisional.values_list("same_email_as", flat=True)) == {settled.pk}
    assert Booking.objects.filter(client__in=[settled, *provisional]).count() == len(therapists)


@pytest.mark.django_db
def test_the_exclusion_constraint_itself_rejects_an_overlap_made_behind_the_services_back(
    therapist,
):
    BookingFactory(therapist=therapist, start=SLOT)
    overlapping = BookingFactory.build(
        therapist=therapist,
        start=SLOT + timedelta(minutes=65),  # inside the first one's buffer
        technique=Technique.objects.get(slug="swedish"),
        client=None,
    )
    with (
        pytest.raises(IntegrityError, match="booking_no_overlap_per_therapist"),
        transaction.atomic(),
    ):
        Booking.objects.bulk_create([overlapping])
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_the_exclusion_constraint_ignores_cancelled_bookings_and_other_therapists(
    therapist, other_therapist
):
    BookingFactory(therapist=therapist, start=SLOT, status=BookingStatus.CANCELLED)
    BookingFactory(therapist=therapist, start=SLOT)
    BookingFactory(therapist=other_therapist, start=SLOT)
    assert Booking.objects.count() == 3


@pytest.mark.django_db
def test_when_the_friendly_check_misses_an_overlap_the_constraint_still_says_slot_unavailable(
    clinic_rules, therapist, monkeypatch
):
    BookingFactory(therapist=therapist, start=SLOT)
    monkeypatch.setattr("bookings.scheduling.availability.check_slot", lambda *a, **k: None)
    with pytest.raises(SlotUnavailable):
        book_session(
            intake=SCREENED_INTAKE,
            therapist_id=therapist.pk,
            technique=Technique.objects.get(slug="swedish"),
            length_minutes=60,
            start=SLOT,
            client_name="Late",
            client_email="late@example.com",
            client_phone="07700 900123",
            now=NOW,
        )
    assert Booking.objects.count() == 1
