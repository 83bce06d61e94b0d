"""The safety re-check of a course (bookings/booking/recheck.py, recheck_rule.py): which
sessions need the questions asked again, the one email and when it is skipped, the
client's answers, the desk's view, and checking in refused until it is done."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

from bookings.booking import courses, recheck, services
from bookings.booking.attendance import mark_arrived, record_safety_check
from bookings.booking.errors import InvalidBooking
from bookings.booking.recheck_rule import Need, email_still_needed, email_time, is_due, session_need
from bookings.messaging import outbox, rendering
from bookings.models import (
    Booking,
    ClinicRules,
    Course,
    Notification,
    NotificationKind,
    NotificationStatus,
    RecheckResult,
)
from tests.clock import NOW
from tests.factories import EVERY_DAY_NINE_TO_FIVE

DAYS = 30
T0 = NOW


@pytest.fixture
def therapist_hours():
    return EVERY_DAY_NINE_TO_FIVE


@pytest.fixture
def rules(clinic_rules: ClinicRules) -> ClinicRules:
    clinic_rules.booking_horizon_days = 120
    clinic_rules.save()
    return clinic_rules


@pytest.fixture
def course_of(book, rules, now) -> Callable[..., list[Booking]]:
    """A client's course from Jane's Wednesday 4 March 10:00 with Anna: its sessions by
    start, the re-check email queued as booking a course queues it."""

    def make(every_weeks: int = 2, sessions: int = 4) -> list[Booking]:
        source = book()
        plan = courses.plan_course(
            source=source, every_weeks=every_weeks, sessions=sessions, staff=False, now=now
        )
        picks = [courses.Pick(o.position, o.start, o.therapist_id) for o in plan if o.free]
        course = courses.book_course(
            source=source, every_weeks=every_weeks, picks=picks, by=None, now=now
        )
        recheck.queue_recheck(course, now)
        return list(course.sessions.order_by("start"))

    return make


def rechecks() -> list[Notification]:
    return list(Notification.objects.filter(kind=NotificationKind.SAFETY_RECHECK).order_by("pk"))


# The rule, without the database


@pytest.mark.parametrize(
    ("after", "due"),
    [
        (timedelta(days=DAYS - 1), False),
        (timedelta(days=DAYS), False),
        (timedelta(days=DAYS, minutes=1), True),
        (timedelta(days=DAYS * 3), True),
    ],
)
def test_a_session_is_due_only_once_it_starts_more_than_the_interval_after_the_answers(after, due):
    assert is_due(T0 + after, T0, DAYS) is due


def test_the_email_goes_three_days_before_the_session_or_at_once_when_that_has_passed():
    start = T0 + timedelta(days=40)
    assert email_time(start, T0) == start - timedelta(days=3)
    assert email_time(start, start - timedelta(days=1)) == start - timedelta(days=1)


START = T0 + timedelta(days=45)
REPORT = T0 + timedelta(days=40)


@pytest.mark.parametrize(
    ("start", "result", "reported_at", "checked_at", "need"),
    [
        # Covered by the answers, nothing reported.
        (T0 + timedelta(days=20), "", None, None, Need.NOTHING),
        # Too old for the session: due until the desk asks within the interval before it.
        (START, "", None, None, Need.DUE),
        (START, "", None, START - timedelta(hours=1), Need.NOTHING),
        (START, "", None, START - timedelta(days=DAYS + 1), Need.DUE),
        # A change or an emergency sign stands until the desk asks after it was reported.
        (START, "changed", REPORT, None, Need.CHANGED),
        (START, "changed", REPORT, REPORT - timedelta(hours=1), Need.CHANGED),
        (START, "changed", REPORT, REPORT + timedelta(hours=1), Need.NOTHING),
        (START, "emergency", REPORT, None, Need.EMERGENCY),
        # Even for a session the answers still cover.
        (T0 + timedelta(days=20), "emergency", T0 + timedelta(days=10), None, Need.EMERGENCY),
    ],
)
def test_what_a_session_needs(start, result, reported_at, checked_at, need):
    found = session_need(
        start=start,
        answers_at=T0,
        interval_days=DAYS,
        result=result,
        reported_at=reported_at,
        checked_at=checked_at,
    )
    assert found == need


def test_a_clear_answer_renews_the_answers_so_it_flags_nothing():
    # record_recheck moves answers_at to the clear answer's time.
    found = session_need(
        start=REPORT + timedelta(days=5),
        answers_at=REPORT,
        interval_days=DAYS,
        result="clear",
        reported_at=REPORT,
        checked_at=None,
    )
    assert found == Need.NOTHING


@pytest.mark.parametrize(
    ("changes", "needed"),
    [
        ({}, True),
        ({"confirmed": False}, False),
        ({"now": START}, False),
        ({"reported_at": T0 + timedelta(days=2)}, False),
        ({"reported_at": T0 + timedelta(days=1)}, True),
        ({"answers_at": START - timedelta(days=DAYS)}, False),
        ({"checked_at": START - timedelta(days=1)}, False),
        ({"checked_at": T0}, True),
    ],
)
def test_the_email_at_send_time(changes, needed):
    facts = {
        "confirmed": True,
        "start": START,
        "now": START - timedelta(days=3),
        "answers_at": T0,
        "interval_days": DAYS,
        "reported_at": None,
        "queued_at": T0 + timedelta(days=1),
        "checked_at": None,
    } | changes
    assert email_still_needed(**facts) is needed


# Queueing the email


def test_booking_a_course_queues_one_email_for_the_first_session_its_answers_do_not_cover(
    course_of,
):
    sessions = course_of(every_weeks=2, sessions=4)

    # 4 and 18 March are within 30 days of the answers; 1 April (10:00 BST) is not.
    (email,) = rechecks()
    assert email.booking == sessions[2]
    assert email.scheduled_for == sessions[2].start - timedelta(days=3)
    assert email.status == NotificationStatus.PENDING
    assert [recheck.recheck_due(s) for s in sessions] == [False, False, True, True]


def test_a_course_within_the_interval_queues_no_email(course_of):
    sessions = course_of(every_weeks=1, sessions=3)

    assert rechecks() == []
    assert not any(recheck.recheck_due(s) for s in sessions)


def test_queueing_again_keeps_one_email(course_of, now):
    sessions = course_of()
    course = sessions[0].course

    assert recheck.queue_recheck(course, now) == rechecks()[0]
    assert len(rechecks()) == 1


def test_the_email_goes_at_once_when_the_session_is_less_than_three_days_away(
    course_of, clock, after_commit
):
    sessions = course_of()
    Notification.objects.all().delete()
    clock.move_to(sessions[2].start - timedelta(days=1))
    mail.outbox.clear()

    soon = sessions[2].start - timedelta(days=1)
    email = after_commit(recheck.queue_recheck, course=sessions[0].course, now=soon)

    assert email is not None
    email.refresh_from_db()
    assert email.status == NotificationStatus.SENT
    assert len(mail.outbox) == 1


HEALTH_WORDS = (
    "health",
    "safety",
    "emergency",
    "pain",
    "medical",
    "doctor",
    "symptom",
    "pregnan",
    "diagnos",
    "medicine",
)


def test_the_email_is_a_link_with_no_health_words(course_of, now):
    course_of()
    message = rendering.build_message(rechecks()[0], now=now)
    html = message.alternatives[0][0]

    assert "/safety-check/" in message.body and "/safety-check/" in str(html)
    for text in (message.subject.lower(), message.body.lower()):
        for word in HEALTH_WORDS:
            assert word not in text.replace("/safety-check/", ""), word
    assert message.attachments == []


def test_the_email_is_sent_when_due_and_nothing_was_answered(course_of, clock):
    course_of()
    email = rechecks()[0]
    clock.move_to(email.scheduled_for)
    mail.outbox.clear()

    assert outbox.deliver(email.pk, now=email.scheduled_for) == outbox.Outcome.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jane@example.org"]


@pytest.mark.parametrize("answer", ["clear", "changed", "emergency"])
def test_the_email_is_skipped_once_the_client_answered_since(course_of, clock, answer):
    sessions = course_of()
    email = rechecks()[0]
    clock.shift(timedelta(days=20))
    recheck.record_recheck(
        booking=sessions[0],
        emergency_signs=("both_legs",) if answer == "emergency" else (),
        health_changed=answer == "changed",
        now=NOW + timedelta(days=20),
    )
    clock.move_to(email.scheduled_for)
    mail.outbox.clear()

    # A clear answer drops it at once (the next interval's email replaces it).
    outbox.deliver(email.pk, now=email.scheduled_for)
    email.refresh_from_db()
    assert email.status == NotificationStatus.SKIPPED
    assert mail.outbox == []


def test_the_email_is_skipped_once_the_desk_asked_the_questions(course_of, clock, therapist_user):
    sessions = course_of()
    email = rechecks()[0]
    clock.move_to(email.scheduled_for - timedelta(hours=1))
    record_safety_check(booking=sessions[2], by=therapist_user, now=email.scheduled_for)

    assert outbox.deliver(email.pk, now=email.scheduled_for) == outbox.Outcome.SKIPPED


def test_cancelling_the_session_drops_its_email_and_the_next_due_session_gets_one(
    course_of, clock, now
):
    sessions = course_of()
    email = rechecks()[0]
    assert email.booking_id == sessions[2].pk
    courses.cancel_in_course(booking=sessions[2], scope="one", by=None, now=now)
    clock.move_to(email.scheduled_for)

    # cancel_in_course asks queue_recheck again: the email moves to the next due session.
    assert outbox.deliver(email.pk, now=email.scheduled_for) == outbox.Outcome.NOT_CLAIMED
    dropped, moved = rechecks()
    assert dropped.status == NotificationStatus.SKIPPED
    assert (moved.booking_id, moved.status) == (sessions[3].pk, NotificationStatus.PENDING)


def test_the_desk_cancelling_the_session_alone_moves_the_email_on_too(
    course_of, now, front_desk_user
):
    sessions = course_of()
    email = rechecks()[0]
    services.cancel_booking(booking=sessions[2], by=front_desk_user, now=now)

    dropped, moved = rechecks()
    assert (dropped.pk, dropped.status) == (email.pk, NotificationStatus.SKIPPED)
    assert (moved.booking_id, moved.status) == (sessions[3].pk, NotificationStatus.PENDING)


# The client's answers


def test_clear_answers_renew_the_course_and_queue_the_next_interval(course_of, clock):
    sessions = course_of(every_weeks=2, sessions=6)
    answered = NOW + timedelta(days=27)
    clock.move_to(answered)

    result = recheck.record_recheck(
        booking=sessions[2], emergency_signs=(), health_changed=False, now=answered
    )

    course = Course.objects.get(pk=sessions[0].course_id)
    assert result == RecheckResult.CLEAR
    assert (course.recheck_result, course.answers_at, course.recheck_reported_at) == (
        RecheckResult.CLEAR,
        answered,
        answered,
    )
    # 1 and 15 April are covered now; 29 April is more than 30 days after 29 March.
    fresh = [Booking.objects.get(pk=s.pk) for s in sessions]
    assert [recheck.recheck_due(s) for s in fresh] == [False] * 4 + [True, True]
    waiting = [n for n in rechecks() if n.status == NotificationStatus.PENDING]
    assert [n.booking_id for n in waiting] == [sessions[4].pk]


def test_a_change_is_kept_and_leaves_the_answers_as_they_were(course_of, clock):
    sessions = course_of()
    clock.shift(timedelta(days=27))

    result = recheck.record_recheck(
        booking=sessions[2], emergency_signs=(), health_changed=True, now=NOW + timedelta(days=27)
    )

    course = Course.objects.get(pk=sessions[0].course_id)
    assert result == RecheckResult.CHANGED
    assert course.answers_at == sessions[0].created_at
    assert recheck.need_of(Booking.objects.get(pk=sessions[2].pk)) == Need.CHANGED


def test_an_emergency_sign_wins_over_everything_else(course_of, now):
    sessions = course_of()

    result = recheck.record_recheck(
        booking=sessions[1], emergency_signs=("chest_pain",), health_changed=False, now=now
    )

    assert result == RecheckResult.EMERGENCY
    # Every session still ahead waits for the clinic, even one the answers covered.
    fresh = [Booking.objects.get(pk=s.pk) for s in sessions]
    assert {recheck.need_of(s) for s in fresh} == {Need.EMERGENCY}


def test_the_same_answers_sent_twice_leave_the_same_result_and_one_email(course_of, clock):
    sessions = course_of(every_weeks=2, sessions=6)
    answered = NOW + timedelta(days=27)
    clock.move_to(answered)
    for _ in range(2):
        recheck.record_recheck(
            booking=sessions[2], emergency_signs=(), health_changed=False, now=answered
        )

    assert Course.objects.get(pk=sessions[0].course_id).answers_at == answered
    assert len([n for n in rechecks() if n.status == NotificationStatus.PENDING]) == 1


def test_a_booking_in_no_course_has_nothing_to_recheck(book, rules, now):
    booking = book()
    with pytest.raises(InvalidBooking):
        recheck.record_recheck(booking=booking, emergency_signs=(), health_changed=False, now=now)
    assert recheck.desk_recheck(booking) is None
    assert not recheck.recheck_due(booking)


# At the desk


def _day_of(session: Booking, clock) -> datetime:
    moment = session.start - timedelta(hours=1)
    clock.move_to(moment)
    return moment


def test_checking_in_is_refused_while_the_questions_are_due_again(course_of, clock):
    sessions = course_of()
    moment = _day_of(sessions[2], clock)

    with pytest.raises(InvalidBooking) as refused:
        mark_arrived(booking=sessions[2], now=moment)

    assert refused.value.message.startswith("Ask the safety questions again before this session: ")
    assert "more than 30 days" in refused.value.message
    assert Booking.objects.get(pk=sessions[2].pk).arrived_at is None


def test_the_desks_safety_check_counts_as_the_recheck(course_of, clock, therapist_user):
    sessions = course_of()
    moment = _day_of(sessions[2], clock)
    record_safety_check(booking=sessions[2], by=therapist_user, now=moment)

    arrived = mark_arrived(booking=sessions[2], now=moment)

    assert arrived.arrived_at == moment
    shown = recheck.desk_recheck(Booking.objects.get(pk=sessions[2].pk))
    assert shown is not None and not shown.needs_action
    assert shown.headline.startswith("Safety questions asked again at the desk on ")


def test_a_clear_recheck_lets_the_client_check_in(course_of, clock):
    sessions = course_of()
    answered = sessions[2].start - timedelta(days=2)
    clock.move_to(answered)
    recheck.record_recheck(
        booking=sessions[2], emergency_signs=(), health_changed=False, now=answered
    )
    moment = _day_of(sessions[2], clock)

    assert mark_arrived(booking=sessions[2], now=moment).arrived_at == moment


def test_a_change_reported_needs_the_desks_check_after_it(course_of, clock, therapist_user):
    sessions = course_of()
    moment = _day_of(sessions[2], clock)
    record_safety_check(booking=sessions[2], by=therapist_user, now=moment - timedelta(minutes=5))
    recheck.record_recheck(booking=sessions[2], emergency_signs=(), health_changed=True, now=moment)
    clock.shift(timedelta(minutes=1))

    with pytest.raises(InvalidBooking) as refused:
        mark_arrived(booking=sessions[2], now=moment + timedelta(minutes=1))
    assert "their health has changed" in refused.value.message

    record_safety_check(booking=sessions[2], by=therapist_user, now=moment + timedelta(minutes=2))
    assert mark_arrived(booking=sessions[2], now=moment + timedelta(minutes=2)).arrived_at


def test_a_session_the_answers_cover_checks_in_as_ever(course_of, clock):
    sessions = course_of()
    moment = _day_of(sessions[1], clock)

    assert mark_arrived(booking=sessions[1], now=moment).arrived_at == moment


def test_the_desk_reads_each_state_in_plain_words(course_of, clock, now):
    sessions = course_of()
    third = Booking.objects.get(pk=sessions[2].pk)

    due = recheck.desk_recheck(third)
    assert due is not None and due.needs_action
    assert due.headline == "Safety questions due again"

    recheck.record_recheck(booking=third, emergency_signs=(), health_changed=True, now=now)
    changed = recheck.desk_recheck(Booking.objects.get(pk=third.pk))
    assert changed is not None
    assert changed.headline == "Client's health has changed: ask before starting"

    recheck.record_recheck(
        booking=third, emergency_signs=("chest_pain",), health_changed=False, now=now
    )
    emergency = recheck.desk_recheck(Booking.objects.get(pk=third.pk))
    assert emergency is not None
    assert emergency.headline == "Client reported an emergency sign on Mon 2 Mar 2026: call them"

    covered = recheck.desk_recheck(Booking.objects.get(pk=sessions[0].pk))
    assert covered is not None and covered.need == Need.EMERGENCY


def test_the_desks_partial_shows_the_headline_and_nothing_for_none(course_of):
    sessions = course_of()
    due = recheck.desk_recheck(Booking.objects.get(pk=sessions[2].pk))

    shown = render_to_string("admin/bookings/_course_recheck.html", {"recheck": due})

    assert "⚠ Safety questions due again" in shown and "Checked with the client" in shown
    assert render_to_string("admin/bookings/_course_recheck.html", {"recheck": None}).strip() == ""


def test_the_desks_arrived_button_says_why_it_is_refused(client, front_desk_user, course_of, clock):
    sessions = course_of()
    _day_of(sessions[2], clock)
    client.force_login(front_desk_user)

    response = client.post(
        reverse("admin:bookings_booking_checkin", args=[sessions[2].pk, "arrived"]), follow=True
    )

    shown = [str(m) for m in response.context["messages"]]
    assert any(
        m.startswith(f"{sessions[2].reference}: Ask the safety questions again") for m in shown
    )
    assert Booking.objects.get(pk=sessions[2].pk).arrived_at is None


def test_the_desks_booking_page_shows_the_recheck(client, front_desk_user, course_of, now):
    sessions = course_of()
    client.force_login(front_desk_user)
    page = reverse("admin:bookings_booking_change", args=[sessions[2].pk])

    assert "Safety questions due again" in client.get(page).text

    recheck.record_recheck(
        booking=sessions[2], emergency_signs=("chest_pain",), health_changed=False, now=now
    )
    assert "Client reported an emergency sign on Mon 2 Mar 2026: call them" in client.get(page).text
