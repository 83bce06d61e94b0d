"""What the clients' emails say and how they are built: one layout, readable in dark
mode, with the price, the change policy, the old and new times, and an apology when
the clinic cancels."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from icalendar import Calendar

from bookings.booking import services
from bookings.intake.answers import IntakeAnswers
from bookings.messaging.outbox import Outcome, deliver
from bookings.models import Notification, NotificationKind, NotificationStatus
from tests.clock import clinic_time


@pytest.fixture(autouse=True)
def screened(screened_client):
    """The booking pages need the safety screen answered (tests/bookings/test_views_safety.py)."""


def to_jane(subject_part: str = "") -> mail.EmailMultiAlternatives:
    found = [m for m in mail.outbox if "jane@example.org" in m.to and subject_part in m.subject]
    assert len(found) == 1, [m.subject for m in mail.outbox]
    (message,) = found
    assert isinstance(message, mail.EmailMultiAlternatives)
    return message


def html_of(message: mail.EmailMultiAlternatives) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html" and isinstance(html, str)
    return html


def plain(html: str) -> str:
    """The words a reader sees, tags dropped and spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


class Styles(HTMLParser):
    """Each element's inline style by its class, and the document's <meta> tags."""

    def __init__(self) -> None:
        super().__init__()
        self.by_class: dict[str, list[dict[str, str]]] = {}
        self.metas: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta":
            self.metas.append(values)
        declarations = dict(
            (part.split(":", 1)[0].strip(), part.split(":", 1)[1].strip())
            for part in values.get("style", "").split(";")
            if ":" in part
        )
        for name in values.get("class", "").split():
            self.by_class.setdefault(name, []).append(declarations)


def styles(html: str) -> Styles:
    parser = Styles()
    parser.feed(html)
    return parser


def test_the_confirmation_gives_the_price_and_the_day_changes_close(book):
    booking = book()  # Wednesday 4 March, 10:00; changes online close 24 hours before
    message = to_jane("booked")
    for text in (message.body, plain(html_of(message))):
        assert f"£{booking.price}" in text and "paid at the clinic" in text
        assert "You can move or cancel online until Tuesday 3 March, 10:00." in text
        assert f"please phone us on {settings.CLINIC_PHONE}" in text


def test_a_confirmation_for_a_session_inside_the_window_says_to_phone(book, now):
    book(start=clinic_time(now, 14))  # today: online changes closed yesterday
    message = to_jane("booked")
    for text in (message.body, plain(html_of(message))):
        assert "You can move or cancel online" not in text
        assert "too late to move or cancel online: if you need to, please phone us on " in text


def test_the_html_email_is_the_clinics_layout_with_a_button_to_manage(book):
    booking = book()
    html = html_of(to_jane("booked"))
    found = styles(html)
    assert found.by_class["masthead"] and settings.CLINIC_NAME in html
    (masthead,) = found.by_class["masthead"]
    assert masthead["background-color"] == settings.CLINIC_BRAND_COLOUR
    # Manage the booking, and (online) confirm the email address.
    for button in found.by_class["button"]:
        assert button["background-color"] == settings.CLINIC_BRAND_COLOUR
        assert button["display"] == "inline-block" and button["text-decoration"] == "none"
    assert re.search(
        rf'<a class="button" href="https://clinic.example/manage/{booking.manage_token}/"[^>]*>'
        r"Manage your booking</a>",
        html,
    )
    (card,) = found.by_class["card"]
    assert card["max-width"] == "600px"
    assert "sans-serif" in found.by_class["content"][0]["font-family"]
    assert 'role="presentation"' in html


def test_every_main_block_sets_its_background_and_text_colour_for_dark_mode(book):
    book()
    html = html_of(to_jane("booked"))
    found = styles(html)
    assert {"name": "color-scheme", "content": "light dark"} in found.metas
    for block in ("page", "card", "masthead", "content", "details", "notice", "footer"):
        for style in found.by_class[block]:
            assert "background-color" in style and "color" in style, block
    for button in found.by_class["button"]:
        assert button["color"] == "#ffffff"
    # The dark scheme's rules cannot be inlined: they stay in the <style> block.
    assert "@media (prefers-color-scheme: dark)" in html
    dark = html.split("@media (prefers-color-scheme: dark)", 1)[1].split("@media", 1)[0]
    assert ".card, .content, .details { background-color: #1f272c !important; color:" in dark


def test_the_plain_text_part_stays_plain(book):
    booking = book()
    message = to_jane("booked")
    assert "<" not in message.body and "style" not in message.body
    assert booking.reference in message.body
    assert f"https://clinic.example/manage/{booking.manage_token}/" in message.body


def test_a_move_says_from_when_to_when(book, after_commit, now):
    booking = book()
    mail.outbox.clear()
    after_commit(
        services.reschedule_booking,
        booking=booking,
        start=booking.start + timedelta(days=1, hours=2),
        now=now,
    )
    message = to_jane("moved")
    expected = (
        "Your massage has moved from Wednesday 4 March at 10:00 to Thursday 5 March at 12:00."
    )
    assert expected in message.body
    assert expected in plain(html_of(message))
    assert "You can move or cancel online until Wednesday 4 March, 12:00." in message.body
    note = [m for m in mail.outbox if settings.FRONT_DESK_EMAIL in m.to]
    assert len(note) == 1 and "moved from Wednesday 4 March at 10:00" in note[0].body


@override_settings(NOTIFICATION_SEND_ON_COMMIT=False)
def test_the_old_time_is_kept_on_the_message_until_the_worker_sends_it(book, after_commit, now):
    booking = book()
    first = booking.start
    after_commit(
        services.reschedule_booking, booking=booking, start=first + timedelta(hours=2), now=now
    )
    moved = Notification.objects.get(booking=booking, kind=NotificationKind.RESCHEDULE)
    assert moved.previous_start == first
    # Moved again before the worker came round: each notice keeps its own "from".
    after_commit(
        services.reschedule_booking, booking=booking, start=first + timedelta(hours=4), now=now
    )
    mail.outbox.clear()
    latest = Notification.objects.filter(booking=booking, kind=NotificationKind.RESCHEDULE).last()
    assert latest is not None and latest.previous_start == first + timedelta(hours=2)
    assert deliver(latest.pk, now=now) == Outcome.SENT
    assert "moved from Wednesday 4 March at 12:00 to Wednesday 4 March at 14:00" in to_jane().body
    # The first notice describes a time the booking no longer has: not sent.
    assert deliver(moved.pk, now=now) == Outcome.SKIPPED


def test_the_clinics_cancellation_apologises_and_links_to_book_again(book, after_commit):
    booking = book()
    mail.outbox.clear()
    after_commit(services.cancel_booking, booking=booking)
    message = to_jane("cancelled")
    assert "we are sorry" in message.subject
    book_again = "https://clinic.example" + reverse("bookings:book", args=["swedish"])
    html = html_of(message)
    for text in (message.body, plain(html)):
        assert "We are sorry: we have had to cancel your massage" in text
        assert "We apologise" in text
    assert book_again in message.body
    assert re.search(rf'<a class="button" href="{book_again}"[^>]*>Book again</a>', html)
    assert Calendar.from_ical(message.attachments[0].content)["method"] == "CANCEL"
    assert Notification.objects.get(booking=booking, kind="cancelled_by_clinic").status == "sent"


def test_a_cancellation_of_a_technique_no_longer_offered_links_to_the_home_page(
    book, after_commit, swedish
):
    booking = book()
    swedish.is_active = False
    swedish.save()
    mail.outbox.clear()
    after_commit(services.cancel_booking, booking=booking)
    assert "Book again: https://clinic.example/\n" in to_jane("cancelled").body


def test_the_clients_own_cancellation_just_confirms(
    client, book, django_capture_on_commit_callbacks
):
    booking = book()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bookings:manage_cancel", args=[booking.manage_token]))
    assert response.status_code == 302
    message = to_jane("cancelled")
    assert "sorry" not in message.subject.lower()
    assert "As you asked, your massage is cancelled." in message.body
    assert "apologise" not in message.body and "sorry" not in message.body
    kinds = set(booking.notifications.values_list("kind", flat=True))
    assert NotificationKind.CANCELLATION in kinds
    assert NotificationKind.CANCELLED_BY_CLINIC not in kinds


# The booking pages: the policy before booking, and after it with a calendar link.


def test_the_details_step_shows_until_when_the_booking_can_be_changed_online(
    client, therapist, now
):
    start = "2026-03-04T10:00Z"  # Wednesday 4 March, 10:00 in London (GMT)
    response = client.get(
        reverse("bookings:book", args=["swedish"]),
        {"length": 60, "therapist": therapist.pk, "start": start},
    )
    assert response.status_code == 200
    assert "You can move or cancel online until <strong>Tuesday 3 March, 10:00</strong>" in (
        response.text
    )


def test_the_details_step_says_to_phone_once_the_change_window_has_closed(client, therapist, now):
    response = client.get(
        reverse("bookings:book", args=["swedish"]),
        {"length": 60, "therapist": therapist.pk, "start": "2026-03-03T10:00Z"},
    )
    assert "You can move or cancel online until <strong>Monday 2 March, 10:00</strong>" in (
        response.text
    )
    response = client.get(
        reverse("bookings:book", args=["swedish"]),
        {"length": 60, "therapist": therapist.pk, "start": "2026-03-02T14:00Z"},
    )
    assert "too close to move or cancel online" in response.text
    assert settings.CLINIC_PHONE in response.text


def test_the_confirmation_page_shows_the_policy_and_adds_to_the_calendar(client, book):
    booking = book()
    page = client.get(reverse("bookings:booking_detail", args=[booking.manage_token]))
    assert "You can move or cancel online until <strong>Tuesday 3 March, 10:00</strong>" in (
        page.text
    )
    link = reverse("bookings:booking_calendar", args=[booking.manage_token])
    assert f'href="{link}" download>Add to calendar</a>' in page.text

    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    emailed = Calendar.from_ical(to_jane("booked").attachments[0].content)
    (emailed_event,) = emailed.walk("VEVENT")
    assert str(event["uid"]) == str(emailed_event["uid"])
    assert event["sequence"] == emailed_event["sequence"]
    assert event.decoded("dtstart") == booking.start
    assert str(event["summary"]) == "Swedish Massage with Anna K."


def test_the_calendar_file_carries_no_health_data_and_follows_moves(
    client, book, after_commit, now
):
    # "Sciatica" reads as numbness down a leg, asked and answered "no": kept for the therapist.
    answers = IntakeAnswers(
        areas=("lower",),
        description="my sciatica flares at night",
        screened=True,
        text_checked=("leg_numbness",),
    )
    booking = book(intake=answers, consent=True)
    after_commit(
        services.reschedule_booking,
        booking=booking,
        start=booking.start + timedelta(hours=2),
        now=now,
    )
    response = client.get(reverse("bookings:booking_calendar", args=[booking.manage_token]))
    assert booking.text_checks
    assert b"sciatica" not in response.content and b"Lower back" not in response.content
    assert b"numb" not in response.content.lower()
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == booking.start + timedelta(hours=2)
    assert event["sequence"] == 1


def test_a_cancelled_or_unknown_booking_has_no_calendar_file(client, book, after_commit):
    booking = book()
    after_commit(services.cancel_booking, booking=booking)
    assert (
        client.get(reverse("bookings:booking_calendar", args=[booking.manage_token])).status_code
        == 404
    )
    assert client.get(reverse("bookings:booking_calendar", args=["x" * 43])).status_code == 404
    assert (
        client.post(reverse("bookings:booking_calendar", args=[booking.manage_token])).status_code
        == 405
    )


def test_the_messages_list_in_admin_shows_each_channel(client, book, superuser):
    book(sms_opt_in=True)
    client.force_login(superuser)
    response = client.get(reverse("admin:bookings_notification_changelist"))
    assert response.status_code == 200
    assert "Text message" in response.text and "+447700900123" in response.text
    pending = Notification.objects.filter(channel="sms", status=NotificationStatus.PENDING)
    assert pending.count() == 1


@pytest.mark.parametrize(
    ("rows", "line"),
    [
        ([], "paid at the clinic"),
        ([("payment", 2000)], "£20.00 paid by card, £{rest} to pay at the clinic"),
        ([("payment", 2000), ("refund", 2000)], "paid at the clinic"),
        ([("payment", "all")], "paid by card"),
        ([("fee", 1500)], "paid at the clinic"),
    ],
)
def test_the_price_line_says_what_was_paid_by_card_and_what_is_left(book, rows, line, now):
    """A deposit paid on Stripe's page shows in every later email, never "paid at the
    clinic" for money already taken; a fee is not a payment towards the price."""
    from bookings.models import BookingCheckout, Payment
    from bookings.payments.selectors import price_line

    booking = book()
    price_minor = int(booking.price * 100)
    if rows:
        BookingCheckout.objects.create(
            booking=booking, policy="deposit", currency="gbp", due_now_minor=2000, hold_until=now
        )
        booking.refresh_from_db()
    for kind, amount in rows:
        Payment.objects.create(
            booking=booking,
            kind=kind,
            amount_minor=price_minor if amount == "all" else amount,
            currency="gbp",
            at=now,
        )
    rest = f"{(price_minor - 2000) / 100:.2f}"
    assert price_line(booking) == f"£{booking.price:.2f}" + (
        ", " + line if not line.startswith("£") else ": " + line.format(rest=rest)
    )
