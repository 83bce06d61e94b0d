"""The safety re-check of a course of care: a course cannot outlive its answers.

Sessions later than the course's answers plus the clinic's interval
(`ClinicRules.safety_recheck_days`) need the safety questions asked again: the client
gets one email (a link, nothing about their health) a few days before the first such
session and answers behind the booking's manage link, or the therapist asks them at the
desk and records the booking's safety check. Checking the client in refuses a session
still waiting for either (`require_rechecked`, called by `attendance.mark_arrived`).
The rule itself is pure (`recheck_rule`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from bookings.booking.errors import InvalidBooking
from bookings.booking.recheck_rule import Need, flagged, is_due, session_need
from bookings.booking.recheck_rule import email_time as recheck_email_time
from bookings.messaging import notifications
from bookings.models import (
    Booking,
    BookingStatus,
    ClinicRules,
    Course,
    Notification,
    NotificationKind,
    NotificationStatus,
    RecheckResult,
)
from bookings.scheduling.selectors import clinic_zone
from clinic.display import clinic_date

ASK_AGAIN = "Ask the safety questions again before this session"
CHECKED_BUTTON = "Once the therapist has asked them, they press “Checked with the client”."


def interval_days(rules: ClinicRules | None = None) -> int:
    return (rules or ClinicRules.load()).safety_recheck_days


def need_of(booking: Booking, rules: ClinicRules | None = None) -> Need:
    """What a session needs before it starts; NOTHING for a booking in no course."""
    course = booking.course
    if course is None:
        return Need.NOTHING
    return session_need(
        start=booking.start,
        answers_at=course.answers_at,
        interval_days=interval_days(rules),
        result=course.recheck_result,
        reported_at=course.recheck_reported_at,
        checked_at=booking.safety_checked_at,
    )


def recheck_due(booking: Booking, rules: ClinicRules | None = None) -> bool:
    """The session waits for the safety questions to be asked again (by the client's
    re-check or the desk's safety check), or for what the client reported to be gone
    through."""
    return need_of(booking, rules) != Need.NOTHING


def due_sessions(
    course: Course, *, now: datetime, rules: ClinicRules | None = None
) -> list[Booking]:
    """The course's confirmed sessions still to come that its answers no longer cover."""
    days = interval_days(rules)
    upcoming = (
        course.sessions.filter(status=BookingStatus.CONFIRMED, start__gt=now)
        .select_related("technique", "therapist")
        .order_by("start", "pk")
    )
    return [b for b in upcoming if is_due(b.start, course.answers_at, days)]


def asks_now(course: Course, *, now: datetime, rules: ClinicRules | None = None) -> bool:
    """Whether the booking's page asks the client for the re-check: from when its email
    goes (a few days before the first session the answers do not cover), not the moment
    the course is booked, when answering again would renew nothing."""
    sessions = due_sessions(course, now=now, rules=rules)
    return bool(sessions) and now >= recheck_email_time(sessions[0].start, now)


def queue_recheck(course: Course, now: datetime) -> Notification | None:
    """Queue the re-check email for the first session the course's answers do not cover:
    a few days before it, or at once when that is sooner. One such email waits per
    course (an older one for another session is dropped); none without an email
    address. Called when a course is booked, and after each clear re-check for the
    next interval. Safe to repeat."""
    sessions = due_sessions(course, now=now)
    waiting = Notification.objects.pending().filter(
        kind=NotificationKind.SAFETY_RECHECK, booking__course=course
    )
    first = sessions[0] if sessions else None
    waiting.exclude(booking=first).update(status=NotificationStatus.SKIPPED)
    if first is None or not first.client_email:
        return None
    already: Notification | None = waiting.filter(booking=first).first()
    if already is not None:
        return already
    return notifications.notify_safety_recheck(
        first, scheduled_for=recheck_email_time(first.start, now)
    )


def result_of(*, emergency_signs: Sequence[str], health_changed: bool) -> RecheckResult:
    if emergency_signs:
        return RecheckResult.EMERGENCY
    if health_changed:
        return RecheckResult.CHANGED
    return RecheckResult.CLEAR


def record_recheck(
    *, booking: Booking, emergency_signs: Sequence[str], health_changed: bool, now: datetime
) -> RecheckResult:
    """The client's answers to the re-check, on the course of `booking`. Only the
    result and its time are kept (what the client said is the therapist's to ask).
    Clear answers renew the course's answers, so later sessions are covered for another
    interval (and the next re-check email is queued); a change or an emergency sign
    stays until the therapist's safety check or a later clear answer. Safe to repeat:
    the same answers leave the same result."""
    if booking.course_id is None:
        raise InvalidBooking("This session is not part of a course.")
    result = result_of(emergency_signs=emergency_signs, health_changed=health_changed)
    with transaction.atomic():
        # The course's own row only: nothing else is locked (docs/architecture.md).
        course = Course.objects.select_for_update().get(pk=booking.course_id)
        course.recheck_result = result
        course.recheck_reported_at = now
        fields = ["recheck_result", "recheck_reported_at"]
        if result == RecheckResult.CLEAR:
            course.answers_at = now
            fields.append("answers_at")
        course.save(update_fields=fields)
        queue_recheck(course, now)
    return result


def _day(moment: datetime | None) -> str:
    return clinic_date(moment, clinic_zone()) if moment else ""


def staff_words(need: Need, course: Course, days: int) -> str:
    """What the need says on a staff screen, after "Ask the safety questions again..."."""
    if need == Need.EMERGENCY:
        return (
            f"the client reported an emergency sign on {_day(course.recheck_reported_at)}: "
            f"call them. {CHECKED_BUTTON}"
        )
    if need == Need.CHANGED:
        return (
            f"the client said on {_day(course.recheck_reported_at)} that their health has "
            f"changed: go through it with them. {CHECKED_BUTTON}"
        )
    return (
        f"the client's answers are from {_day(course.answers_at)}, more than {days} days "
        f"before it. {CHECKED_BUTTON}"
    )


def require_rechecked(booking: Booking, rules: ClinicRules | None = None) -> None:
    """Refuse a course session whose safety questions are due again and not yet asked
    (`attendance.mark_arrived` calls it: the check at the door)."""
    need = need_of(booking, rules)
    if need == Need.NOTHING or booking.course is None:
        return
    raise InvalidBooking(f"{ASK_AGAIN}: {staff_words(need, booking.course, interval_days(rules))}")


@dataclass(frozen=True)
class DeskRecheck:
    """The re-check as the desk's booking page shows it (templates/admin/bookings/
    _course_recheck.html): a headline, a line of detail, and whether it needs doing."""

    need: Need
    headline: str
    detail: str

    @property
    def needs_action(self) -> bool:
        return self.need != Need.NOTHING


HEADLINES = {
    Need.DUE: "Safety questions due again",
    Need.CHANGED: "Client's health has changed: ask before starting",
}


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def desk_recheck(booking: Booking, rules: ClinicRules | None = None) -> DeskRecheck | None:
    """The course session's re-check for staff; None for a booking in no course, or a
    course session its answers still cover with nothing reported."""
    course = booking.course
    if course is None:
        return None
    days = interval_days(rules)
    need = need_of(booking, rules)
    # Staff words continue "Ask the safety questions again: ..."; alone, a sentence.
    detail = _sentence(staff_words(need, course, days))
    if need == Need.EMERGENCY:
        headline = f"Client reported an emergency sign on {_day(course.recheck_reported_at)}: "
        return DeskRecheck(need, headline + "call them", detail)
    if need != Need.NOTHING:
        return DeskRecheck(need, HEADLINES[need], detail)
    checked = booking.safety_checked_at
    asked_for = is_due(booking.start, course.answers_at, days) or flagged(
        course.recheck_result, course.recheck_reported_at, course.answers_at
    )
    if checked is not None and asked_for:
        return DeskRecheck(need, f"Safety questions asked again at the desk on {_day(checked)}", "")
    if course.recheck_result == RecheckResult.CLEAR and course.recheck_reported_at:
        return DeskRecheck(
            need,
            f"Client answered the safety questions again on {_day(course.recheck_reported_at)}",
            "No emergency signs, and nothing about their health has changed.",
        )
    return None


@dataclass(frozen=True)
class ClientRecheck:
    """What the client's re-check page reads."""

    course: Course
    answers_at: datetime
    due: list[Booking]
    last_result: str


def client_recheck(booking: Booking, now: datetime) -> ClientRecheck | None:
    """The re-check of the booking's course, or None when it is in no course."""
    course = booking.course
    if course is None:
        return None
    return ClientRecheck(
        course=course,
        answers_at=course.answers_at,
        due=due_sessions(course, now=now),
        last_result=course.recheck_result,
    )
