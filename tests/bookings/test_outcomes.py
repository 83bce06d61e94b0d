from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from icalendar import Calendar

from bookings.booking import attendance, services
from bookings.intake.answers import IntakeAnswers
from bookings.messaging import notifications, rendering
from bookings.messaging.notifications import OUTCOME_ASK_DELAY
from bookings.messaging.outbox import Outcome, deliver
from bookings.models import (
    BookingStatus,
    Notification,
    NotificationKind,
    NotificationStatus,
    OutcomeRequest,
)
from bookings.records.services import record_outcome
from tests.factories import INTAKE_ANSWERS, OutcomeRequestFactory


def outcome_asks(booking):
    return Notification.objects.filter(booking=booking, kind=NotificationKind.OUTCOME_ASK)


def url(outcome):
    return reverse("bookings:outcome", args=[outcome.token])


# The email -------------------------------------------------------------------


def test_a_booking_queues_one_outcome_ask_two_days_after_the_session_ends(book):
    booking = book()
    ask = outcome_asks(booking).get()
    assert ask.status == NotificationStatus.PENDING
    assert ask.scheduled_for == booking.end + OUTCOME_ASK_DELAY
    assert ask.recipient == booking.client_email
    assert OutcomeRequest.objects.get(booking=booking).score is None


def test_a_client_without_email_gets_no_outcome_ask(book):
    booking = book(client_email="")
    assert not outcome_asks(booking).exists()
    assert not OutcomeRequest.objects.filter(booking=booking).exists()


def test_the_outcome_email_carries_the_link_and_no_health_data(book):
    booking = book()
    booking.intake_answers = INTAKE_ANSWERS
    booking.save()
    ask = outcome_asks(booking).get()
    outcome = OutcomeRequest.objects.get(booking=booking)
    mail.outbox.clear()
    assert deliver(ask.pk, now=ask.scheduled_for) == Outcome.SENT
    (message,) = mail.outbox
    assert isinstance(message, mail.EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    assert rendering.outcome_url(outcome) in message.body
    assert rendering.outcome_url(outcome) in html
    assert message.subject == "How is your back today?"
    assert not message.attachments
    for text in (str(message.body), html, str(message.subject)):
        assert "knots" not in text.lower()
        assert "lower back" not in text.lower()
        assert booking.technique.name not in text


def test_the_outcome_email_goes_once_however_often_the_task_runs(book):
    booking = book()
    ask = outcome_asks(booking).get()
    mail.outbox.clear()
    assert deliver(ask.pk, now=ask.scheduled_for) == Outcome.SENT
    assert deliver(ask.pk, now=ask.scheduled_for) == Outcome.NOT_CLAIMED
    assert len(mail.outbox) == 1


def test_the_outcome_email_waits_until_it_is_due(book):
    booking = book()
    ask = outcome_asks(booking).get()
    assert deliver(ask.pk, now=ask.scheduled_for - timedelta(minutes=1)) == Outcome.NOT_CLAIMED


def test_a_cancelled_booking_gets_no_outcome_ask(book, after_commit):
    booking = book()
    after_commit(services.cancel_booking, booking=booking)
    ask = outcome_asks(booking).get()
    assert ask.status == NotificationStatus.SKIPPED
    assert deliver(ask.pk, now=ask.scheduled_for) == Outcome.NOT_CLAIMED


def send_due_asks(booking) -> list[Outcome]:
    """Run the task of every outcome ask of the booking once it is due, as the worker would."""
    return [deliver(ask.pk, now=ask.scheduled_for) for ask in outcome_asks(booking)]


def test_a_reinstated_booking_gets_one_outcome_ask_two_days_after_the_session(book, after_commit):
    booking = book()
    after_commit(services.cancel_booking, booking=booking)
    after_commit(services.reinstate_booking, booking=booking)

    pending = outcome_asks(booking).filter(status=NotificationStatus.PENDING).get()
    assert pending.scheduled_for == booking.end + OUTCOME_ASK_DELAY
    assert OutcomeRequest.objects.filter(booking=booking).count() == 1
    mail.outbox.clear()
    assert sorted(send_due_asks(booking)) == sorted([Outcome.NOT_CLAIMED, Outcome.SENT])
    (message,) = mail.outbox
    assert message.subject == "How is your back today?"


def test_cancelling_and_reinstating_again_and_again_leaves_one_ask(book, after_commit):
    booking = book()
    for _ in range(3):
        after_commit(services.cancel_booking, booking=booking)
        after_commit(services.reinstate_booking, booking=booking)
    # Reinstating a confirmed booking changes nothing.
    after_commit(services.reinstate_booking, booking=booking)

    assert outcome_asks(booking).filter(status=NotificationStatus.PENDING).count() == 1
    mail.outbox.clear()
    assert send_due_asks(booking).count(Outcome.SENT) == 1
    assert len(mail.outbox) == 1


def test_a_reinstated_booking_cancelled_again_gets_no_outcome_ask(book, after_commit):
    booking = book()
    after_commit(services.cancel_booking, booking=booking)
    after_commit(services.reinstate_booking, booking=booking)
    after_commit(services.cancel_booking, booking=booking)

    assert not outcome_asks(booking).filter(status=NotificationStatus.PENDING).exists()
    mail.outbox.clear()
    assert Outcome.SENT not in send_due_asks(booking)
    assert not mail.outbox


def test_a_session_asked_about_before_its_cancellation_is_not_asked_again(
    book, after_commit, clock
):
    booking = book()
    ask = outcome_asks(booking).get()
    clock.move_to(ask.scheduled_for)
    assert deliver(ask.pk, now=ask.scheduled_for) == Outcome.SENT
    # Nobody marked it completed, so front desk can still cancel it, by mistake.
    after_commit(services.cancel_booking, booking=booking)
    after_commit(services.reinstate_booking, booking=booking)
    assert list(outcome_asks(booking).values_list("status", flat=True)) == [NotificationStatus.SENT]


def test_an_answered_session_is_not_asked_again_when_reinstated(book, after_commit):
    booking = book()
    OutcomeRequest.objects.filter(booking=booking).update(score=4, answered_at=booking.end)
    after_commit(services.cancel_booking, booking=booking)
    after_commit(services.reinstate_booking, booking=booking)
    assert not outcome_asks(booking).filter(status=NotificationStatus.PENDING).exists()


def test_a_session_reinstated_after_its_link_would_have_expired_is_not_asked(
    book, after_commit, clock
):
    booking = book()
    after_commit(services.cancel_booking, booking=booking)
    clock.move_to(booking.end + OUTCOME_ASK_DELAY + notifications.OUTCOME_ANSWER_WINDOW)
    after_commit(services.reinstate_booking, booking=booking)
    assert not outcome_asks(booking).filter(status=NotificationStatus.PENDING).exists()


def test_a_no_show_gets_no_outcome_ask(book, clock):
    booking = book()
    clock.move_to(booking.end)
    attendance.mark_no_show(booking=booking)
    ask = outcome_asks(booking).get()
    mail.outbox.clear()
    assert deliver(ask.pk, now=ask.scheduled_for) == Outcome.SKIPPED
    assert not mail.outbox


def test_a_completed_session_gets_its_outcome_ask(book, clock):
    booking = book()
    clock.move_to(booking.end)
    attendance.mark_completed(booking=booking)
    ask = outcome_asks(booking).get()
    mail.outbox.clear()
    assert deliver(ask.pk, now=ask.scheduled_for) == Outcome.SENT


def test_a_moved_session_is_asked_about_two_days_after_its_new_time(book, after_commit):
    booking = book()
    first = outcome_asks(booking).get()
    moved = after_commit(
        services.reschedule_booking,
        booking=booking,
        start=booking.start + timedelta(days=1),
        now=booking.start - timedelta(days=2),
    )
    first.refresh_from_db()
    assert first.status == NotificationStatus.SKIPPED
    pending = outcome_asks(booking).filter(status=NotificationStatus.PENDING).get()
    assert pending.scheduled_for == moved.end + OUTCOME_ASK_DELAY
    assert OutcomeRequest.objects.filter(booking=booking).count() == 1


# The intake baseline --------------------------------------------------------------

ANSWERED_INTAKE = IntakeAnswers(
    areas=("upper", "lower"), intensity=7, feelings=("knots",), screened=True
)


def baseline(outcome):
    return outcome.intake_score, outcome.intake_areas, outcome.intake_feelings


def test_a_consented_booking_keeps_its_pain_score_areas_and_feelings_with_its_outcome(book):
    booking = book(intake=ANSWERED_INTAKE, consent=True)
    outcome = OutcomeRequest.objects.get(booking=booking)
    assert baseline(outcome) == (7, ["upper", "lower"], ["knots"])


def test_without_consent_the_outcome_keeps_no_baseline(book):
    booking = book(intake=ANSWERED_INTAKE, consent=False)
    assert booking.intake_answers is None
    assert baseline(OutcomeRequest.objects.get(booking=booking)) == (None, [], [])


def test_an_intake_without_a_pain_score_keeps_only_its_areas_and_feelings(book):
    intake = IntakeAnswers(areas=("neck_shoulders",), screened=True)
    booking = book(intake=intake, consent=True)
    assert baseline(OutcomeRequest.objects.get(booking=booking)) == (None, ["neck_shoulders"], [])


def test_a_moved_session_keeps_the_baseline_it_was_booked_with(book, after_commit):
    booking = book(intake=ANSWERED_INTAKE, consent=True)
    booking.intake_answers = None  # as if purged: the move must not wipe the baseline
    booking.save()
    after_commit(
        services.reschedule_booking,
        booking=booking,
        start=booking.start + timedelta(days=1),
        now=booking.start - timedelta(days=2),
    )
    assert baseline(OutcomeRequest.objects.get(booking=booking)) == (
        7,
        ["upper", "lower"],
        ["knots"],
    )


def test_the_database_refuses_a_baseline_pain_score_above_10(db):
    outcome = OutcomeRequestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeRequest.objects.filter(pk=outcome.pk).update(intake_score=11)


def test_the_factory_copies_the_baseline_as_booking_does(db):
    outcome = OutcomeRequestFactory(booking__with_intake=True)
    assert baseline(outcome) == (5, ["lower"], ["knots"])
    assert baseline(OutcomeRequestFactory()) == (None, [], [])


def test_an_answered_outcome_is_not_asked_again(book):
    booking = book()
    ask = outcome_asks(booking).get()
    OutcomeRequest.objects.filter(booking=booking).update(score=4, answered_at=ask.scheduled_for)
    assert deliver(ask.pk, now=ask.scheduled_for) == Outcome.SKIPPED


# The page ----------------------------------------------------------------------


@pytest.fixture
def outcome(db, clock):
    return OutcomeRequestFactory()


def test_the_outcome_page_asks_one_question_from_0_to_10(client, outcome):
    response = client.get(url(outcome))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "How is your back today, 0 to 10?" in html
    assert [f'name="score" id="score-{n}" value="{n}"' in html for n in range(11)] == [True] * 11


def test_an_answer_is_stored_once_and_the_link_then_thanks_the_client_with_it(client, outcome, now):
    response = client.post(url(outcome), {"score": "2"})
    # Post, redirect, get: a reload asks for the page, never sends the answer again.
    assert (response.status_code, response["Location"]) == (303, url(outcome))
    outcome.refresh_from_db()
    assert (outcome.score, outcome.answered_at) == (2, now)
    thanks = client.get(url(outcome))
    assert thanks.status_code == 200
    assert "no-store" in thanks["Cache-Control"]
    assert "Thank you, we have your answer" in thanks.content.decode()
    assert "2 out of 10" in thanks.content.decode()
    # Back and send again (another number): the first answer stands.
    again = client.post(url(outcome), {"score": "9"}, follow=True)
    assert again.status_code == 200
    assert "2 out of 10" in again.content.decode()
    outcome.refresh_from_db()
    assert outcome.score == 2


def test_the_answered_link_closes_when_it_expires(client, outcome, now, time_machine):
    client.post(url(outcome), {"score": "4"})
    time_machine.move_to(outcome.expires + timedelta(seconds=1))
    assert client.get(url(outcome)).status_code == 404


@pytest.mark.parametrize("score", ["", "11", "-1", "seven", "2.5"])
def test_a_missing_or_impossible_answer_is_asked_again_with_a_message(client, outcome, score):
    response = client.post(url(outcome), {"score": score})
    assert response.status_code == 400
    assert "Please choose a number from 0 to 10." in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.score is None


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "short", "a" * 44, "%00" * 5],
)
def test_a_wrong_token_is_a_plain_404(client, outcome, token):
    assert client.get(f"/how-is-your-back/{token}/").status_code == 404


def test_an_expired_link_is_a_plain_404(client, outcome, clock):
    clock.move_to(outcome.expires)
    assert client.get(url(outcome)).status_code == 404
    assert client.post(url(outcome), {"score": "3"}).status_code == 404


@pytest.mark.parametrize("status", [BookingStatus.CANCELLED, BookingStatus.NO_SHOW])
def test_a_session_that_did_not_happen_has_no_outcome_page(client, outcome, status):
    outcome.booking.status = status
    outcome.booking.save()
    assert client.get(url(outcome)).status_code == 404


def test_the_link_opens_only_after_the_session(client, outcome, clock):
    clock.move_to(outcome.booking.end - timedelta(minutes=1))
    assert client.get(url(outcome)).status_code == 404


def test_an_answer_posted_twice_at_once_is_stored_once(outcome, now):
    assert record_outcome(outcome=outcome, score=1, now=now)
    assert not record_outcome(outcome=outcome, score=8, now=now)
    outcome.refresh_from_db()
    assert outcome.score == 1


def test_a_reinstated_upcoming_booking_is_confirmed_again_with_a_newer_calendar_entry(
    book, after_commit
):
    booking = book()
    after_commit(services.cancel_booking, booking=booking)
    after_commit(services.reinstate_booking, booking=booking)

    sent = Notification.objects.for_booking(booking)
    cancellation = sent.get(kind=NotificationKind.CANCELLED_BY_CLINIC)
    again = sent.filter(kind=NotificationKind.CONFIRMATION).order_by("pk").last()
    # The tests' immediate task backend sends it at once.
    assert again is not None and again.status == NotificationStatus.SENT
    invitations = [m for m in mail.outbox if m.to == ["jane@example.org"] and m.attachments]
    calendar = Calendar.from_ical(invitations[-1].attachments[0].content)
    assert calendar["method"] == "REQUEST"
    assert calendar.walk("VEVENT")[0]["sequence"] == again.calendar_sequence
    # Calendars drop an update whose sequence is not above the cancellation's.
    assert again.calendar_sequence > cancellation.calendar_sequence
    reminders = sent.filter(kind=NotificationKind.REMINDER, status=NotificationStatus.PENDING)
    assert [r.calendar_sequence for r in reminders] == [again.calendar_sequence]
    assert sent.filter(kind=NotificationKind.CLINIC_BOOKED).count() == 2


def test_a_booking_reinstated_after_its_time_gets_no_confirmation_or_reminder(
    book, after_commit, clock
):
    booking = book()
    after_commit(services.cancel_booking, booking=booking)
    clock.move_to(booking.end)
    after_commit(services.reinstate_booking, booking=booking)
    sent = Notification.objects.for_booking(booking)
    assert sent.filter(kind=NotificationKind.CONFIRMATION).count() == 1
    assert not sent.filter(kind=NotificationKind.REMINDER, status=NotificationStatus.PENDING)
