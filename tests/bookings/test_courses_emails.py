"""What a course of care sends: one email for the whole course with one calendar file of
an event per session (each the session's own UID), reminders per session, and for
cancelling one, the rest or all, the emails each sends; sent again, nothing."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from icalendar import Calendar

from bookings.booking import courses
from bookings.booking.errors import InvalidBooking
from bookings.booking.services import reschedule_booking
from bookings.messaging.rendering import calendar_uid
from bookings.models import (
    Booking,
    BookingStatus,
    ClinicRules,
    Course,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
)
from clinic.display import money
from tests.clock import CLINIC_ZONE

Book = Callable[..., Booking]


@pytest.fixture
def course(
    book: Book, clinic_rules: ClinicRules, front_desk_user: User, after_commit, now: datetime
) -> Course:
    """Jane's weekly course of six from Wednesday 4 March, 10:00 with Anna, booked by the
    desk; the outbox emptied of the source's own confirmation."""
    source = book(sms_opt_in=True)
    occurrences = courses.plan_course(source=source, every_weeks=1, sessions=6, staff=True)
    mail.outbox.clear()
    booked: Course = after_commit(
        courses.book_course,
        source=source,
        every_weeks=1,
        picks=[courses.Pick(o.position, o.start, o.therapist_id) for o in occurrences],
        by=front_desk_user,
    )
    return booked


def sessions_of(course: Course) -> list[Booking]:
    return list(course.sessions.order_by("start"))


def to_jane() -> list[mail.EmailMultiAlternatives]:
    found = [m for m in mail.outbox if m.to == ["jane@example.org"]]
    assert all(isinstance(m, mail.EmailMultiAlternatives) for m in found)
    return found  # type: ignore[return-value]


def calendar_of(message: mail.EmailMultiAlternatives) -> Calendar:
    (attachment,) = [a for a in message.attachments if a.mimetype == "text/calendar"]
    return Calendar.from_ical(attachment.content)


def sequence_of(event: Any) -> int:
    return int(event.decoded("sequence"))


def html_of(message: mail.EmailMultiAlternatives) -> str:
    ((html, _),) = message.alternatives
    assert isinstance(html, str)
    return html


def test_one_email_lists_every_date_with_one_event_per_session(course):
    sessions = sessions_of(course)

    (message,) = to_jane()

    assert message.subject == "Your course of 6 massages is booked, from Wednesday 4 March at 10:00"
    for session in sessions:
        wall = session.start.astimezone(CLINIC_ZONE)
        assert f"{wall:%A} {wall.day} {wall:%B} {wall.year}, 10:00 to 11:00" in message.body
        assert session.reference in message.body
    calendar = calendar_of(message)
    assert calendar["method"] == "REQUEST"
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [calendar_uid(s) for s in sessions]
    assert len({str(e["uid"]) for e in events}) == 6
    assert [e.decoded("dtstart") for e in events] == [s.start for s in sessions]
    assert html_of(message).count("Move or cancel this session") == 6


def test_the_course_email_gives_the_price_of_a_session_as_every_page_does(course):
    (message,) = to_jane()

    price = f"Price: {money(sessions_of(course)[0].price)} a session, paid at the clinic."
    assert price in message.body and price in html_of(message)


def test_the_course_email_names_the_sessions_left_out_with_the_phone(
    book: Book, clinic_rules: ClinicRules, after_commit, now: datetime
):
    source = book()
    occurrences = courses.plan_course(source=source, every_weeks=1, sessions=4, staff=False)
    mail.outbox.clear()

    after_commit(
        courses.book_course,
        source=source,
        every_weeks=1,
        picks=[courses.Pick(o.position, o.start, o.therapist_id) for o in occurrences[:1]],
        by=None,
        planned=4,
    )

    (message,) = to_jane()
    words = "Sessions 3 and 4 were not booked: please phone us on"
    assert words in message.body and words in html_of(message)
    assert "Your course of 2 massages is booked" in message.body


def test_no_confirmation_per_session_but_reminders_and_outcome_asks_for_each(course):
    added = sessions_of(course)[1:]

    kinds = [
        (n.booking_id, n.kind, n.channel)
        for n in Notification.objects.filter(booking__in=added).order_by("pk")
    ]

    assert not [k for k in kinds if k[1] == NotificationKind.CONFIRMATION]
    for session in added:
        mine = [(kind, channel) for booking, kind, channel in kinds if booking == session.pk]
        assert (NotificationKind.REMINDER, NotificationChannel.EMAIL) in mine
        assert (NotificationKind.REMINDER, NotificationChannel.SMS) in mine
        assert (NotificationKind.OUTCOME_ASK, NotificationChannel.EMAIL) in mine
    assert Notification.objects.filter(kind=NotificationKind.COURSE_BOOKED).count() == 1


def test_the_course_email_carries_no_health_data_nor_staff_words(
    book, clinic_rules, front_desk_user, after_commit
):
    source = book()
    Booking.objects.filter(pk=source.pk).update(
        warning_flags=["night_pain"],
        health_conditions=["osteoporosis"],
        safety_override_reason="Confidential GP letter",
    )
    source.refresh_from_db()
    occurrences = courses.plan_course(source=source, every_weeks=2, sessions=3, staff=True)
    mail.outbox.clear()
    after_commit(
        courses.book_course,
        source=source,
        every_weeks=2,
        picks=[courses.Pick(o.position, o.start, o.therapist_id) for o in occurrences],
        by=front_desk_user,
    )

    (message,) = to_jane()
    everything = message.body + html_of(message) + calendar_of(message).to_ical().decode()
    for words in ["night", "osteoporosis", "Confidential", "GP letter"]:
        assert words not in everything


def test_moving_one_session_later_updates_its_own_event(course, after_commit, now):
    third = sessions_of(course)[2]
    mail.outbox.clear()

    after_commit(
        reschedule_booking,
        booking=third,
        start=third.start + timedelta(hours=1),
        now=now,
        ignore_notice_and_horizon=True,
    )

    (message,) = to_jane()
    (event,) = calendar_of(message).walk("VEVENT")
    assert str(event["uid"]) == calendar_uid(third)
    assert sequence_of(event) > 0  # above the course email's event for it


def test_cancelling_one_session_sends_the_ordinary_cancellation(course, after_commit, now):
    fourth = sessions_of(course)[3]
    mail.outbox.clear()

    cancelled = after_commit(
        courses.cancel_in_course, booking=fourth, scope="one", by=None, now=now
    )

    assert [b.pk for b in cancelled] == [fourth.pk]
    (message,) = to_jane()
    assert message.subject.startswith("Your massage on Wednesday 25 March at 10:00 is cancelled")
    calendar = calendar_of(message)
    assert calendar["method"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == calendar_uid(fourth)
    assert course.sessions.filter(status=BookingStatus.CANCELLED).count() == 1


def test_cancelling_this_and_the_rest_sends_one_email_cancelling_each_event(
    course, after_commit, now
):
    sessions = sessions_of(course)
    mail.outbox.clear()

    cancelled = after_commit(
        courses.cancel_in_course, booking=sessions[3], scope="rest", by=None, now=now
    )

    assert [b.pk for b in cancelled] == [s.pk for s in sessions[3:]]
    (message,) = to_jane()
    assert message.subject == "3 massages of your course are cancelled"
    assert "As you asked" in message.body
    calendar = calendar_of(message)
    assert calendar["method"] == "CANCEL"
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [calendar_uid(s) for s in sessions[3:]]
    assert {str(e["status"]) for e in events} == {"CANCELLED"}
    assert all(sequence_of(e) > 0 for e in events)
    # Their reminders stop; the earlier sessions keep theirs.
    waiting = Notification.objects.filter(
        kind=NotificationKind.REMINDER, status=NotificationStatus.PENDING
    ).values_list("booking_id", flat=True)
    assert set(waiting) == {s.pk for s in sessions[:3]}


def test_the_clinic_cancelling_all_says_sorry_without_its_reason(
    course, after_commit, now, front_desk_user
):
    sessions = sessions_of(course)
    mail.outbox.clear()

    cancelled = after_commit(
        courses.cancel_in_course,
        booking=sessions[2],
        scope="all",
        by=front_desk_user,
        reason="Anna leaves the clinic (confidential)",
        client_message="Anna is no longer with us; we will call you to rebook.",
        now=now,
    )

    assert [b.pk for b in cancelled] == [s.pk for s in sessions]
    assert {b.cancel_reason for b in cancelled} == {"Anna leaves the clinic (confidential)"}
    (message,) = to_jane()
    assert message.subject == "6 massages of your course are cancelled"
    everything = message.body + html_of(message)
    assert "We are sorry" in message.body
    assert "Anna is no longer with us; we will call you to rebook." in everything
    assert "confidential" not in everything
    assert len(calendar_of(message).walk("VEVENT")) == 6
    clinic_notes = [m for m in mail.outbox if m.to != ["jane@example.org"]]
    assert len(clinic_notes) == 1  # one note to the desk listing the six sessions


@pytest.mark.parametrize("scope", ["one", "rest", "all"])
def test_cancelling_again_sends_nothing(course, after_commit, now, scope):
    third = sessions_of(course)[2]
    after_commit(courses.cancel_in_course, booking=third, scope=scope, by=None, now=now)
    mail.outbox.clear()
    before = Notification.objects.count()

    again = after_commit(courses.cancel_in_course, booking=third, scope=scope, by=None, now=now)

    assert again == []
    assert mail.outbox == []
    assert Notification.objects.count() == before


def test_a_client_cannot_cancel_online_a_session_inside_the_change_window(
    course, after_commit, now
):
    sessions = sessions_of(course)
    late = sessions[0].start - timedelta(hours=3)
    mail.outbox.clear()

    with pytest.raises(InvalidBooking, match="can no longer be cancelled online"):
        after_commit(courses.cancel_in_course, booking=sessions[0], scope="all", by=None, now=late)

    assert course.sessions.filter(status=BookingStatus.CANCELLED).count() == 0
    assert mail.outbox == []


def test_a_cancelled_session_reinstated_later_gets_a_newer_calendar_sequence(
    course, after_commit, now
):
    from bookings.booking.services import reinstate_booking

    sessions = sessions_of(course)
    after_commit(courses.cancel_in_course, booking=sessions[4], scope="rest", by=None, now=now)
    cancel = Notification.objects.get(kind=NotificationKind.COURSE_CANCELLED)
    cancelled_sequence = dict(cancel.course_sessions)[sessions[5].pk]
    mail.outbox.clear()

    after_commit(reinstate_booking, booking=sessions[5], now=now)

    (message,) = to_jane()
    (event,) = calendar_of(message).walk("VEVENT")
    assert str(event["uid"]) == calendar_uid(sessions[5])
    assert sequence_of(event) > cancelled_sequence


def test_the_rest_after_a_session_that_took_place_are_cancelled_but_not_it(
    course, after_commit, now
):
    sessions = sessions_of(course)
    Booking.objects.filter(pk=sessions[0].pk).update(status=BookingStatus.COMPLETED)

    with pytest.raises(InvalidBooking, match="already taken place"):
        courses.cancel_in_course(booking=sessions[0], scope="one", by=None, now=now)
    cancelled = after_commit(
        courses.cancel_in_course, booking=sessions[0], scope="rest", by=None, now=now
    )

    assert [b.pk for b in cancelled] == [s.pk for s in sessions[1:]]
    assert Booking.objects.get(pk=sessions[0].pk).status == BookingStatus.COMPLETED


def test_a_booking_in_no_course_has_no_course_to_cancel(book, clinic_rules, now):
    with pytest.raises(InvalidBooking, match="not part of a course"):
        courses.cancel_in_course(booking=book(), scope="all", by=None, now=now)


# The front desk's inbox hears of a course once: one note when it is booked, listing its
# new sessions, and one when several of its sessions are cancelled together.


def to_desk() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if settings.FRONT_DESK_EMAIL in m.to]


def test_the_desk_gets_one_note_listing_the_sessions_a_course_booked(
    book, clinic_rules, front_desk_user, after_commit, now
):
    source = book()
    occurrences = courses.plan_course(source=source, every_weeks=1, sessions=6, staff=True)
    mail.outbox.clear()
    booked = after_commit(
        courses.book_course,
        source=source,
        every_weeks=1,
        picks=[courses.Pick(o.position, o.start, o.therapist_id) for o in occurrences],
        by=front_desk_user,
    )

    (note,) = to_desk()
    assert note.subject == f"New course {source.reference}: 5 more sessions"
    assert "The booking below was repeated as a course." in note.body
    for session in sessions_of(booked)[1:]:
        assert session.reference in note.body
    assert "Wed 11 Mar 2026, 10:00" in note.body


def test_the_desk_gets_one_note_for_sessions_cancelled_together(course, after_commit, now):
    sessions = sessions_of(course)
    mail.outbox.clear()

    after_commit(courses.cancel_in_course, booking=sessions[3], scope="rest", by=None, now=now)

    (note,) = to_desk()
    assert note.subject == f"Course {sessions[3].reference}: 3 sessions cancelled"
    assert "Sessions of a course were cancelled; their times are free again." in note.body
    listed = note.body.split("free again.")[1].split("When:")[0]
    assert [s.reference in listed for s in sessions] == [False] * 3 + [True] * 3
