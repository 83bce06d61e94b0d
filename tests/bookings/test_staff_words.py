"""Staff words stay with staff: the cancel reason, the clinical override reason, the
outside-hours reason and the client record's staff notes never reach anything a client
reads (every client email and text, every client page). The desk's "message to the
client" does, word for word."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from bookings.booking import services
from bookings.messaging import rendering
from bookings.models import (
    DEFAULT_CLIENT_MESSAGE,
    Booking,
    Client,
    Notification,
    NotificationChannel,
    NotificationKind,
    OutcomeRequest,
)
from bookings.waitlist import offers
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import fill_wednesday_afternoon, join

pytestmark = pytest.mark.django_db

STAFF_ONLY = {
    "cancel_reason": "Marker-cancel-reason-client-phoned-unwell",
    "safety_override_reason": "Marker-override-reason-GP-letter-seen",
    "override_reason": "Marker-hours-reason-stayed-late",
}
STAFF_NOTES = "Marker-staff-notes-difficult-on-the-phone"
MARKERS = [*STAFF_ONLY.values(), STAFF_NOTES]
CLIENT_KINDS = sorted(
    set(NotificationKind)
    - rendering.CLINIC_KINDS
    # Neither is about a booking: the offer's own email is checked below, and the
    # sign-in link's email holds a link and nothing of any booking (account/links.py).
    - {NotificationKind.WAITLIST_OFFER, NotificationKind.SIGN_IN_LINK}
)
SMS_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "sms"
TEXT_KINDS = [kind for kind in CLIENT_KINDS if (SMS_TEMPLATES / f"{kind}.txt").exists()]


@pytest.fixture
def marked(book, now) -> Booking:
    booking = book()
    Booking.objects.filter(pk=booking.pk).update(**STAFF_ONLY)
    Client.objects.filter(pk=booking.client_id).update(staff_notes=STAFF_NOTES)
    OutcomeRequest.objects.get_or_create(
        booking=booking, defaults={"expires": booking.end + timedelta(days=16)}
    )
    booking.refresh_from_db()
    return booking


def everything_in(message: Any) -> str:
    parts = [message.subject, message.body]
    parts += [str(content) for content, _ in getattr(message, "alternatives", [])]
    for attachment in message.attachments:
        content = attachment[1] if isinstance(attachment, tuple) else attachment
        parts.append(content.decode() if isinstance(content, bytes) else str(content))
    return "\n".join(parts)


def assert_no_staff_words(text: str, where: str) -> None:
    for marker in MARKERS:
        assert marker.lower() not in text.lower(), f"{marker} reached the client in {where}"


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_no_client_email_carries_staff_words(marked, now, kind):
    notification = Notification(
        booking=marked,
        kind=kind,
        channel=NotificationChannel.EMAIL,
        recipient=marked.client_email,
        session_start=marked.start,
        previous_start=marked.start - timedelta(days=1),
        scheduled_for=now,
    )
    message = rendering.build_message(notification, now=now)
    assert_no_staff_words(everything_in(message), f"the {kind} email")


def test_texts_are_scanned_for_every_kind_that_has_one():
    assert NotificationKind.REMINDER in TEXT_KINDS


@pytest.mark.parametrize("kind", TEXT_KINDS)
def test_no_client_text_carries_staff_words(marked, now, kind):
    notification = Notification(
        booking=marked,
        kind=kind,
        channel=NotificationChannel.SMS,
        recipient="+447700900123",
        session_start=marked.start,
        scheduled_for=now,
    )
    assert_no_staff_words(rendering.text_body(notification), f"the {kind} text")


def test_the_waitlist_offer_email_and_text_carry_no_staff_words(clinic_rules, therapist, book, now):
    fill = fill_wednesday_afternoon(book)
    for booking in fill:
        Booking.objects.filter(pk=booking.pk).update(**STAFF_ONLY)
    join(sms_opt_in=True)
    services.cancel_booking(booking=fill[2], now=now, reason=STAFF_ONLY["cancel_reason"])
    (offer,) = waitlist.offer_freed_times(now=now)
    assert_no_staff_words(everything_in(offers.offer_email([offer], "jane@example.org")), "offer")
    assert_no_staff_words(offers.offer_text([offer]), "the offer text")


def client_pages(booking: Booking) -> list[str]:
    token = booking.manage_token
    names = ["booking_detail", "manage", "manage_cancel", "manage_reschedule", "booking_calendar"]
    return [reverse(f"bookings:{name}", args=[token]) for name in names]


def test_no_client_page_shows_staff_words_before_or_after_the_clinic_cancels(
    client, marked, front_desk_user, now, after_commit
):
    pages = client_pages(marked)
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_no_staff_words(response.content.decode(), url)

    mail.outbox.clear()
    after_commit(
        services.cancel_booking,
        booking=marked,
        reason=STAFF_ONLY["cancel_reason"],
        client_message="We are so sorry: Anna is unwell today.",
        by=front_desk_user,
        now=now,
    )

    for url in pages:
        response = client.get(url, follow=True)
        assert_no_staff_words(response.content.decode(), url)
    (to_client,) = [m for m in mail.outbox if m.to == [marked.client_email]]
    words = everything_in(to_client)
    assert_no_staff_words(words, "the clinic's cancellation email")
    assert "We are so sorry: Anna is unwell today." in words


def test_the_desk_cancel_form_shows_what_the_client_reads_and_keeps_the_reason_apart(
    client, front_desk_user, book, after_commit
):
    booking = book()
    client.force_login(front_desk_user)
    url = reverse("admin:bookings_booking_cancel", args=[booking.pk])

    page = client.get(url).text
    assert "Message to the client (optional)" in page
    assert "What the client reads" in page
    assert DEFAULT_CLIENT_MESSAGE in page
    assert "The client never sees it." in page

    mail.outbox.clear()
    after_commit(
        client.post,
        path=url,
        data={"reason": STAFF_ONLY["cancel_reason"], "client_message": DEFAULT_CLIENT_MESSAGE},
    )
    booking.refresh_from_db()
    assert booking.cancel_reason == STAFF_ONLY["cancel_reason"]
    assert booking.client_message == DEFAULT_CLIENT_MESSAGE
    (to_client,) = [m for m in mail.outbox if m.to == ["jane@example.org"]]
    assert DEFAULT_CLIENT_MESSAGE in to_client.body
    assert STAFF_ONLY["cancel_reason"] not in everything_in(to_client)


def test_an_empty_message_to_the_client_adds_nothing_to_the_email(
    client, front_desk_user, book, after_commit
):
    booking = book()
    client.force_login(front_desk_user)
    mail.outbox.clear()
    after_commit(
        client.post,
        path=reverse("admin:bookings_booking_cancel", args=[booking.pk]),
        data={"reason": "Room flooded", "client_message": ""},
    )
    (to_client,) = [m for m in mail.outbox if m.to == ["jane@example.org"]]
    assert DEFAULT_CLIENT_MESSAGE not in to_client.body
    assert "Room flooded" not in to_client.body
    assert "We are sorry: we have had to cancel your massage below." in to_client.body
