"""What front desk may do that clients may not: book and move past the notice and the
horizon, outside working hours with a reason, for a client without an email. Never over
another session."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bookings.booking.errors import InvalidBooking, SlotUnavailable
from bookings.booking.services import book_session, cancel_booking, reschedule_booking
from bookings.intake.answers import IntakeAnswers
from bookings.models import Booking, BookingStatus, Notification, NotificationKind, Therapist
from catalog.models import Technique
from tests.clock import NOW
from tests.factories import SCREENED_INTAKE, TimeOffFactory

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def book(therapist: Therapist, **overrides: Any) -> Booking:
    kwargs: dict[str, Any] = dict(
        therapist_id=therapist.pk,
        technique=Technique.objects.get(slug="swedish"),
        length_minutes=60,
        start=at(3, 10),
        client_name="Pat Phone",
        client_email="",
        client_phone="07700 900456",
        intake=SCREENED_INTAKE,
        now=NOW,
    )
    return book_session(**(kwargs | overrides))


@pytest.mark.parametrize(
    ("start", "refusal"),
    [
        pytest.param(at(2, 9), "too soon", id="an hour from now, inside the notice"),
        pytest.param(at(1, 10, month=4), "too far ahead", id="a month ahead, past the horizon"),
    ],
)
def test_front_desk_may_book_inside_the_notice_and_past_the_horizon(
    clinic_rules, therapist, front_desk_user, start, refusal
):
    with pytest.raises(InvalidBooking, match=refusal):
        book(therapist, start=start)
    booking = book(therapist, start=start, by=front_desk_user, ignore_notice_and_horizon=True)
    assert booking.start == start
    assert booking.booked_by == front_desk_user
    assert booking.override_reason == ""


def test_a_time_already_past_is_refused_even_to_front_desk(clinic_rules, therapist):
    with pytest.raises(InvalidBooking, match="already passed"):
        book(therapist, start=at(2, 7), ignore_notice_and_horizon=True)


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(at(3, 18), id="after hours"),
        pytest.param(at(3, 13), id="in the lunch break"),
        pytest.param(at(8, 11), id="on a Sunday"),
    ],
)
def test_outside_working_hours_needs_a_reason_and_keeps_it(
    clinic_rules, therapist, front_desk_user, start
):
    with pytest.raises(InvalidBooking):
        book(therapist, start=start, by=front_desk_user)
    booking = book(
        therapist,
        start=start,
        by=front_desk_user,
        outside_hours_reason="  Regular client,   only free after work ",
    )
    assert booking.override_reason == "Regular client, only free after work"
    assert booking.booked_by == front_desk_user


def test_outside_hours_still_respects_time_off(clinic_rules, therapist):
    TimeOffFactory(therapist=therapist, start=at(3, 17), end=at(3, 20))
    with pytest.raises(InvalidBooking, match="away"):
        book(therapist, start=at(3, 18), outside_hours_reason="Late client")


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({}, id="no override"),
        pytest.param(
            {"ignore_notice_and_horizon": True, "outside_hours_reason": "Squeeze in"},
            id="every override",
        ),
    ],
)
def test_an_overlap_is_refused_whatever_the_overrides(clinic_rules, therapist, overrides):
    book(therapist, start=at(3, 10))
    with pytest.raises(SlotUnavailable):
        book(therapist, start=at(3, 10, 30), **overrides)
    # The buffer after a session counts too.
    with pytest.raises(SlotUnavailable):
        book(therapist, start=at(3, 11, 0), **overrides)
    assert Booking.objects.count() == 1


def test_urgent_signs_are_refused_even_when_staff_ask(clinic_rules, therapist, front_desk_user):
    with pytest.raises(InvalidBooking, match="urgent medical care"):
        book(
            therapist,
            by=front_desk_user,
            ignore_notice_and_horizon=True,
            intake=IntakeAnswers(warning_signs=("bladder_bowel",), screened=True),
        )
    assert not Booking.objects.exists()


def test_a_client_without_an_email_gets_no_emails_but_the_clinic_is_told(clinic_rules, therapist):
    booking = book(therapist, client_email="")
    kinds = set(Notification.objects.for_booking(booking).values_list("kind", flat=True))
    assert kinds == {NotificationKind.CLINIC_BOOKED}
    cancel_booking(booking=booking, now=NOW)
    kinds = set(Notification.objects.for_booking(booking).values_list("kind", flat=True))
    assert kinds == {NotificationKind.CLINIC_BOOKED, NotificationKind.CLINIC_CANCELLED}


def test_cancelling_keeps_when_why_and_who(clinic_rules, therapist, front_desk_user):
    booking = book(therapist)
    cancelled = cancel_booking(
        booking=booking, now=NOW, reason="Client phoned: flu", by=front_desk_user
    )
    cancelled.refresh_from_db()
    assert cancelled.status == BookingStatus.CANCELLED
    assert (cancelled.cancelled_at, cancelled.cancelled_by, cancelled.cancel_reason) == (
        NOW,
        front_desk_user,
        "Client phoned: flu",
    )
    # Cancelling again changes nothing: the first reason stays.
    cancel_booking(booking=booking, now=NOW + timedelta(hours=1), reason="Again")
    cancelled.refresh_from_db()
    assert (cancelled.cancelled_at, cancelled.cancel_reason) == (NOW, "Client phoned: flu")


def test_front_desk_may_move_a_session_to_a_time_inside_the_notice(clinic_rules, therapist):
    booking = book(therapist, start=at(4, 10))
    with pytest.raises(InvalidBooking, match="too soon"):
        reschedule_booking(booking=booking, start=at(2, 9), now=NOW)
    moved = reschedule_booking(
        booking=booking, start=at(2, 9), now=NOW, ignore_notice_and_horizon=True
    )
    assert moved.start == at(2, 9)


def test_moving_never_lands_on_another_session(clinic_rules, therapist, other_therapist):
    booking = book(therapist, start=at(4, 10))
    book(other_therapist, start=at(4, 15))
    with pytest.raises(SlotUnavailable):
        reschedule_booking(
            booking=booking,
            start=at(4, 15),
            therapist_id=other_therapist.pk,
            now=NOW,
            ignore_notice_and_horizon=True,
        )
    booking.refresh_from_db()
    assert (booking.therapist_id, booking.start) == (therapist.pk, at(4, 10))
