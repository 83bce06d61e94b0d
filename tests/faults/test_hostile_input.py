"""Faults 5-8: times a client can send, off-grid bookings, the 429 page, no-store."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.urls import resolve, reverse
from django_ratelimit.core import get_usage

from bookings.booking.errors import InvalidBooking
from bookings.booking.services import book_session, reschedule_booking
from bookings.models import Booking
from tests.factories import SCREENED_INTAKE, BookingFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

LONDON = ZoneInfo("Europe/London")
BOOK = reverse("bookings:book", kwargs={"slug": "swedish"})
SUBMIT = reverse("bookings:book_submit", kwargs={"slug": "swedish"})
DETAILS = {"client_name": "Sam Client", "client_email": "sam@example.com"}
DETAILS |= {"client_phone": "07700 900123"}
HOSTILE_STARTS = [
    "9999-12-31T23:59Z",
    "0001-01-01T00:00Z",
    "2026-03-03T10:00-23:59",
    "2026-03-03T10:00+16:00",
    "2026-03-03T10:00+15:59",
    "2026-03-03T10:00",
    "2026-03-03T10:00:00.000001Z",
    "+002026-03-03T10:00Z",
    "2026-03-03T10:00Z" + "0" * 200,
]


@pytest.fixture
def clinic(clinic_rules, therapist, other_therapist, now):
    return therapist


@pytest.fixture
def booking(clinic, now):
    return BookingFactory(therapist=clinic, start=datetime(2026, 3, 5, 10, tzinfo=LONDON))


def test_no_time_a_client_can_send_gets_a_500(client, booking, fault_row):
    client.raise_request_exception = False
    row = fault_row("5 Hostile start times (steps GET, confirm POST, reschedule POST)")
    reschedule = reverse("bookings:manage_reschedule", args=[booking.manage_token])
    before = Booking.objects.count()
    for value in HOSTILE_STARTS:
        responses = [
            client.get(BOOK, {"length": 60, "therapist": "any", "start": value}),
            client.post(SUBMIT, {"length": 60, "therapist": "any", "start": value} | DETAILS),
            client.post(reschedule, {"start": value}),
        ]
        row.requests += len(responses)
        row.responses_500 += sum(r.status_code >= 500 for r in responses)
    assert row.responses_500 == 0
    assert Booking.objects.count() == before
    booking.refresh_from_db()
    assert booking.start == datetime(2026, 3, 5, 10, tzinfo=LONDON)


def test_a_far_future_start_is_refused_with_a_clear_message(screened_client, clinic):
    # The booking steps need the safety screen answered first (issue 11).
    client = screened_client
    page = client.get(BOOK, {"length": 60, "therapist": "any", "start": "9999-12-31T23:59Z"})
    assert page.status_code == 200
    assert "not one we understand" in page.content.decode().replace("&#x27;", "'")


def test_an_off_grid_start_is_refused_by_the_booking_and_reschedule_services(
    client, booking, clinic, swedish, now, fault_row
):
    row = fault_row("6 Off-grid start 09:07 (confirm POST, reschedule POST)")
    off_grid = datetime(2026, 3, 3, 9, 7, tzinfo=LONDON)
    response = client.post(
        SUBMIT, {"length": 60, "therapist": "any", "start": "2026-03-03T09:07Z"} | DETAILS
    )
    moved = client.post(
        reverse("bookings:manage_reschedule", args=[booking.manage_token]),
        {"start": off_grid.isoformat()},
    )
    row.requests += 2
    row.responses_500 += (response.status_code >= 500) + (moved.status_code >= 500)
    assert not Booking.objects.filter(start=off_grid).exists()
    booking.refresh_from_db()
    assert booking.start == datetime(2026, 3, 5, 10, tzinfo=LONDON)
    with pytest.raises(InvalidBooking, match="times offered"):
        book_session(
            intake=SCREENED_INTAKE,
            therapist_id=clinic.pk,
            technique=swedish,
            length_minutes=60,
            start=off_grid,
            now=now,
            client_name="Sam Client",
            client_email="sam@example.com",
            client_phone="07700 900123",
        )
    with pytest.raises(InvalidBooking, match="times offered"):
        reschedule_booking(booking=booking, start=off_grid + timedelta(days=1), now=now)


def test_the_429_page_and_retry_after_match_the_limiters_window(client, settings, fault_row):
    settings.FORM_RATE_LIMIT = "2/h"
    row = fault_row("7 Over the form rate limit (429)")
    intake = reverse("bookings:intake")
    responses = [client.post(intake, {}) for _ in range(3)]
    row.requests += 3
    row.responses_500 += sum(r.status_code >= 500 for r in responses)
    limited = responses[-1]
    assert limited.status_code == 429
    # The limiter's own count of the same client's posts to the same view, not added to.
    usage = get_usage(
        RequestFactory().post(intake, REMOTE_ADDR="127.0.0.1"),
        fn=resolve(intake).func,
        key="ip",
        rate=settings.FORM_RATE_LIMIT,
        method="POST",
    )
    assert usage is not None
    assert usage["should_limit"]
    assert abs(int(limited["Retry-After"]) - usage["time_left"]) <= 2
    text = limited.content.decode()
    assert "a few minutes" not in text
    assert "in an hour" in text


def test_the_details_step_is_never_stored_by_a_cache(screened_client, clinic, fault_row):
    # The booking steps need the safety screen answered first (issue 11).
    client = screened_client
    row = fault_row("8 Details step caching (no-store)")
    page = client.get(BOOK, {"length": 60, "therapist": "any", "start": "2026-03-03T10:00Z"})
    row.requests += 1
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "private" in page["Cache-Control"]
