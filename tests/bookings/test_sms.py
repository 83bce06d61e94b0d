"""Text reminders: who gets them, what they say, once only, and the backends that send
them (Twilio's against a local server that answers as Twilio's Messages API does)."""

import io
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from bookings.booking import services
from bookings.intake.answers import IntakeAnswers
from bookings.messaging import sms
from bookings.messaging.notifications import send_again
from bookings.messaging.outbox import MAX_ATTEMPTS, Outcome, deliver
from bookings.models import (
    Booking,
    BookingStatus,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
)
from clinic.display import national_phone
from tests.clock import clinic_time
from tests.factories import SCREENED_INTAKE

SUBMIT = reverse("bookings:book_submit", kwargs={"slug": "swedish"})
ACCOUNT = "AC" + "0" * 32
TWILIO = {
    "SMS_BACKEND": "bookings.sms.TwilioBackend",
    "TWILIO_ACCOUNT_SID": ACCOUNT,
    "TWILIO_AUTH_TOKEN": "test-auth-token",
    "TWILIO_FROM": "+441174960999",
    "SMS_TIMEOUT": 1,
}


@pytest.fixture(autouse=True)
def screened(screened_client):
    """The booking pages need the safety screen answered (tests/bookings/test_views_safety.py)."""


def text_reminder(booking: Booking) -> Notification:
    return Notification.objects.get(
        booking=booking, kind=NotificationKind.REMINDER, channel=NotificationChannel.SMS
    )


# Who gets a text, and where it goes.


def test_a_client_who_opts_in_gets_an_email_and_a_text_reminder(book):
    booking = book(sms_opt_in=True)
    reminders = Notification.objects.filter(booking=booking, kind=NotificationKind.REMINDER)
    assert sorted(reminders.values_list("channel", "recipient")) == [
        ("email", "jane@example.org"),
        ("sms", "+447700900123"),
    ]
    assert {r.scheduled_for for r in reminders} == {booking.start - timedelta(hours=24)}
    # Only the reminder goes by text: the confirmation is an email.
    assert Notification.objects.filter(booking=booking, channel="sms").count() == 1


def test_a_client_who_does_not_opt_in_gets_no_text(book):
    booking = book()
    assert not Notification.objects.filter(booking=booking, channel="sms").exists()


def test_a_client_without_email_still_gets_the_text_reminder(book):
    booking = book(client_email="", sms_opt_in=True)
    kinds = set(booking.notifications.values_list("kind", "channel"))
    assert kinds == {("clinic_booked", "email"), ("reminder", "sms")}


def test_the_reminder_text_goes_out_at_its_time_once(book, sms_outbox):
    booking = book(sms_opt_in=True)
    reminder = text_reminder(booking)
    assert deliver(reminder.pk, now=reminder.scheduled_for - timedelta(minutes=1)) == (
        Outcome.NOT_CLAIMED
    )
    assert sms_outbox == []
    assert deliver(reminder.pk, now=reminder.scheduled_for) == Outcome.SENT
    assert deliver(reminder.pk, now=reminder.scheduled_for) == Outcome.NOT_CLAIMED
    (text,) = sms_outbox
    assert text.to == "+447700900123"
    manage = f"https://clinic.example/manage/{booking.manage_token}/"
    assert text.body == (
        f"Hi Jane, a reminder of your massage at {settings.CLINIC_NAME} on Wed 4 Mar at 10:00. "
        f"To change or cancel: {manage}"
    )
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (NotificationStatus.SENT, 1)
    assert reminder.sent_at is not None


def test_a_text_carries_no_surname_technique_or_health_data(book, sms_outbox):
    answers = IntakeAnswers(
        areas=("lower",),
        conditions=("osteoporosis",),
        warning_signs=("night_pain",),
        description="It hurts most after gardening",
        screened=True,
    )
    booking = book(
        client_name="Jane Q. Doe-Smith",
        intake=answers,
        consent=True,
        acknowledged_warning=True,
        sms_opt_in=True,
    )
    reminder = text_reminder(booking)
    deliver(reminder.pk, now=reminder.scheduled_for)
    (text,) = sms_outbox
    for word in (
        "Doe",
        "Smith",
        "Q.",
        "Swedish",
        "Anna",
        "osteoporosis",
        "night",
        "garden",
        "lower back",
        "doctor",
        booking.reference,
    ):
        assert word.lower() not in text.body.lower(), word
    assert text.body.startswith("Hi Jane,")


def test_a_cancelled_booking_sends_no_text(book, after_commit, sms_outbox):
    booking = book(sms_opt_in=True)
    after_commit(services.cancel_booking, booking=booking)
    reminder = text_reminder(booking)
    assert reminder.status == NotificationStatus.SKIPPED
    assert deliver(reminder.pk, now=reminder.scheduled_for) == Outcome.NOT_CLAIMED
    assert sms_outbox == []


def test_a_moved_booking_texts_about_the_new_time_only(book, after_commit, now, sms_outbox):
    booking = book(sms_opt_in=True)
    old = text_reminder(booking)
    after_commit(
        services.reschedule_booking,
        booking=booking,
        start=booking.start + timedelta(days=1),
        now=now,
    )
    old.refresh_from_db()
    assert old.status == NotificationStatus.SKIPPED
    new = Notification.objects.get(
        booking=booking, channel="sms", status=NotificationStatus.PENDING
    )
    assert deliver(new.pk, now=new.scheduled_for) == Outcome.SENT
    (text,) = sms_outbox
    assert "on Thu 5 Mar at 10:00" in text.body


def test_erasing_a_client_removes_their_number_from_the_message_history(book, now):
    from bookings.privacy.services import erase_client_data

    booking = book(sms_opt_in=True)
    erase_client_data(email="jane@example.org", now=now)
    reminder = text_reminder(booking)
    assert reminder.recipient == "erased" and reminder.status == NotificationStatus.SKIPPED
    assert not Notification.objects.filter(recipient__contains="7700900123").exists()


# The booking form: the opt-in, and numbers in E.164.


@pytest.fixture
def details(clinic_rules, therapist):
    def post(client, **overrides):
        return client.post(
            SUBMIT,
            {
                "length": 60,
                "therapist": therapist.pk,
                "start": "2026-03-04T10:00Z",
                "client_name": "Sam Client",
                "client_email": "sam@example.com",
                "client_phone": "07700 900123",
            }
            | overrides,
        )

    return post


def test_the_form_stores_the_number_in_e164_and_the_opt_in(client, details, now):
    response = details(client, client_phone="07700-900 123", sms_opt_in="on")
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.client_phone == "+447700900123"
    assert booking.sms_opt_in is True
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_a_number_from_abroad_keeps_its_country(client, details, now):
    assert details(client, client_phone="+1 (202) 555-0143").status_code == 302
    assert Booking.objects.get().client_phone == "+12025550143"
    assert Booking.objects.get().sms_opt_in is False


def test_the_details_form_offers_the_text_reminder(client, therapist, now):
    response = client.get(
        reverse("bookings:book", args=["swedish"]),
        {"length": 60, "therapist": therapist.pk, "start": "2026-03-04T10:00Z"},
    )
    assert 'name="sms_opt_in"' in response.text
    assert "Text me a reminder" in response.text


@pytest.mark.parametrize("phone", ["call me maybe", "123", "07700 9001234567", "+44"])
def test_a_number_nobody_could_dial_is_refused_with_a_clear_message(client, details, now, phone):
    response = details(client, client_phone=phone)
    assert response.status_code == 200
    assert "Please enter a phone number we can reach, e.g. 07700 900123." in response.text
    assert not Booking.objects.exists()


def test_a_landline_cannot_take_the_text_reminder(client, details, now):
    response = details(client, client_phone="0117 496 0000", sms_opt_in="on")
    assert response.status_code == 200
    assert "Please enter a phone number we can text, e.g. 07700 900123" in response.text
    assert not Booking.objects.exists()
    # Without the reminder a landline is fine: the clinic can call it.
    assert details(client, client_phone="0117 496 0000").status_code == 302
    assert Booking.objects.get().client_phone == "+441174960000"


def test_the_migration_rewrites_earlier_numbers_in_e164(book):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("bookings.migrations.0008_phone_numbers_in_e164")
    typed = book()
    odd = book(start=typed.start + timedelta(hours=2))
    Booking.objects.filter(pk=odd.pk).update(client_phone="ask at desk")
    migration.phones_to_e164(apps, None)
    typed.refresh_from_db()
    odd.refresh_from_db()
    assert (typed.client_phone, odd.client_phone) == ("+447700900123", "ask at desk")


# The backends.


def test_the_console_backend_prints_the_text():
    stream = io.StringIO()
    sms.ConsoleBackend(stream=stream).send(sms.TextMessage(to="+447700900123", body="Hi Jane"))
    assert stream.getvalue() == "SMS to +447700900123\nHi Jane\n" + "-" * 40 + "\n"


@override_settings(SMS_BACKEND="bookings.sms.ConsoleBackend")
def test_the_default_backend_is_chosen_in_settings(capsys):
    assert isinstance(sms.get_backend(), sms.ConsoleBackend)
    sms.send_text(to="+447700900123", body="Hi")
    assert capsys.readouterr().out.startswith("SMS to +447700900123\nHi\n")


class FakeTwilio(BaseHTTPRequestHandler):
    """Answers POST .../Accounts/<sid>/Messages.json as Twilio does, per `mode`."""

    mode = "ok"
    received: list[dict[str, object]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        form = parse_qs(self.rfile.read(length).decode())
        FakeTwilio.received.append(
            {"path": self.path, "auth": self.headers["Authorization"], "form": form}
        )
        if FakeTwilio.mode == "slow":
            time.sleep(2.5)
            return
        if FakeTwilio.mode == "bad_number":
            status, body = (
                400,
                {
                    "code": 21211,
                    "message": "The 'To' number +447700900123 is not a valid phone number.",
                    "more_info": "https://www.twilio.com/docs/errors/21211",
                    "status": 400,
                },
            )
        elif FakeTwilio.mode == "down":
            status, body = 503, {"code": 20503, "message": "Service unavailable", "status": 503}
        else:
            status, body = (
                201,
                {
                    "sid": "SM" + "1" * 32,
                    "account_sid": ACCOUNT,
                    "to": form["To"][0],
                    "from": form["From"][0],
                    "body": form["Body"][0],
                    "status": "queued",
                    "num_segments": "1",
                    "direction": "outbound-api",
                    "api_version": "2010-04-01",
                    "date_created": "Mon, 02 Mar 2026 08:00:00 +0000",
                    "uri": f"/2010-04-01/Accounts/{ACCOUNT}/Messages/SM{'1' * 32}.json",
                },
            )
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def twilio_server(settings) -> Iterator[type[FakeTwilio]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeTwilio.mode = "ok"
    FakeTwilio.received = []
    for name, value in TWILIO.items():
        setattr(settings, name, value)
    settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield FakeTwilio
    server.shutdown()
    server.server_close()


def test_twilio_takes_the_text_through_its_messages_api(twilio_server):
    sid = sms.send_text(to="+447700900123", body="Hi Jane, a reminder")
    assert sid == "SM" + "1" * 32
    (request,) = twilio_server.received
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert request["form"] == {
        "To": ["+447700900123"],
        "From": ["+441174960999"],
        "Body": ["Hi Jane, a reminder"],
    }
    assert str(request["auth"]).startswith("Basic ")


def test_a_number_twilio_refuses_fails_at_once_with_its_code(book, twilio_server):
    booking = book(sms_opt_in=True)
    twilio_server.mode = "bad_number"
    reminder = text_reminder(booking)
    assert deliver(reminder.pk, now=reminder.scheduled_for) == Outcome.FAILED
    reminder.refresh_from_db()
    assert reminder.status == NotificationStatus.FAILED and reminder.attempts == 1
    assert reminder.last_error.startswith("SmsRejected: Twilio answered 400, error 21211:")
    assert "Hi Jane" not in reminder.last_error


def test_twilio_being_down_is_retried_later(book, twilio_server):
    booking = book(sms_opt_in=True)
    twilio_server.mode = "down"
    reminder = text_reminder(booking)
    due = reminder.scheduled_for
    assert deliver(reminder.pk, now=due) == Outcome.RETRY
    reminder.refresh_from_db()
    assert reminder.status == NotificationStatus.PENDING
    assert reminder.last_error.startswith("SmsFailed: Twilio answered 503, error 20503")
    twilio_server.mode = "ok"
    assert reminder.scheduled_for == due + timedelta(minutes=1)
    assert deliver(reminder.pk, now=due) == Outcome.NOT_CLAIMED
    assert deliver(reminder.pk, now=due + timedelta(minutes=1)) == Outcome.SENT
    assert len(twilio_server.received) == 2


def test_a_silent_twilio_times_out_and_is_retried(book, twilio_server):
    booking = book(sms_opt_in=True)
    twilio_server.mode = "slow"
    reminder = text_reminder(booking)
    assert deliver(reminder.pk, now=reminder.scheduled_for) == Outcome.RETRY
    reminder.refresh_from_db()
    assert reminder.status == NotificationStatus.PENDING and reminder.attempts == 1
    assert "Timeout" in reminder.last_error


def test_after_the_last_attempt_a_text_fails_and_staff_can_send_it_again(book, sms_outbox):
    booking = book(sms_opt_in=True)
    reminder = text_reminder(booking)
    with override_settings(SMS_BACKEND="tests.bookings.test_sms.BrokenBackend"):
        when = reminder.scheduled_for
        for _ in range(MAX_ATTEMPTS):
            deliver(reminder.pk, now=when)
            reminder.refresh_from_db()
            when = reminder.scheduled_for
    assert reminder.status == NotificationStatus.FAILED
    again = send_again(reminder, now=booking.start - timedelta(hours=3))
    assert again is not None
    assert (again.channel, again.recipient) == ("sms", "+447700900123")
    assert deliver(again.pk, now=booking.start - timedelta(hours=3)) == Outcome.SENT
    assert len(sms_outbox) == 1


class BrokenBackend(sms.BaseBackend):
    def send(self, message: sms.TextMessage) -> str:
        raise sms.SmsFailed("provider down")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers, so there is no race to test; PostgreSQL runs it",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_racing_for_one_text_send_one(therapist, swedish, now, sms_outbox):
    booking = services.book_session(
        therapist_id=therapist.pk,
        technique=swedish,
        length_minutes=60,
        start=clinic_time(now + timedelta(days=2), 11),
        client_name="Sam Race",
        client_email="sam@example.org",
        client_phone="+447700900456",
        intake=SCREENED_INTAKE,
        sms_opt_in=True,
        now=now,
    )
    reminder = text_reminder(booking)
    workers = 4
    barrier = threading.Barrier(workers)
    outcomes: list[Outcome] = []

    def worker() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes.append(deliver(reminder.pk, now=reminder.scheduled_for))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted([Outcome.SENT] + [Outcome.NOT_CLAIMED] * (workers - 1))
    assert [t.to for t in sms_outbox] == ["+447700900456"]
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (NotificationStatus.SENT, 1)
    assert mail.outbox == [] or all("+447700900456" not in m.to for m in mail.outbox)
    assert booking.status == BookingStatus.CONFIRMED


def test_sending_a_text_costs_the_same_few_queries_as_an_email(book, django_assert_num_queries):
    booking = book(sms_opt_in=True)
    text = text_reminder(booking)
    email = Notification.objects.get(booking=booking, kind="reminder", channel="email")
    # Claim (pick and mark, in a savepoint), load with the booking, finish. The email
    # also reads the clinic rules for its "until when" line.
    with django_assert_num_queries(6):
        assert deliver(text.pk, now=text.scheduled_for) == Outcome.SENT
    with django_assert_num_queries(7):
        assert deliver(email.pk, now=email.scheduled_for) == Outcome.SENT


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+447700900456", "07700 900456"),
        ("+441174960000", "0117 496 0000"),
        ("+33612345678", "+33 6 12 34 56 78"),
        ("not a number", "not a number"),
    ],
)
def test_staff_read_numbers_in_the_national_format_and_others_in_the_international(
    e164: str, shown: str
) -> None:
    assert national_phone(e164) == shown
