"""Courses of care: one session repeated every 1, 2 or 4 weeks, each occurrence checked
on its own and all booked in one transaction or none (docs/booking.md#courses-of-care).

`plan_course` says which occurrences are free and offers the nearest free times for the
others; `book_course` books the ones the user kept; `cancel_in_course` cancels one, this
and the rest, or all. Moving one session is `services.reschedule_booking`, as for any.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bookings.booking import locks, recheck
from bookings.booking.course_plan import (
    COURSE_INTERVALS,
    MAX_SESSIONS,
    MIN_SESSIONS,
    Diary,
    Occurrence,
    Option,
    Pick,
    clashing_picks,
    left_out,
    occurrence_starts,
    off_their_day,
    options_for,
    plan,
    problem_words,
)
from bookings.booking.errors import OVERLAP_CONSTRAINT, InvalidBooking, SlotUnavailable
from bookings.booking.offers import offered_length
from bookings.booking.recheck_rule import answers_last_until
from bookings.booking.selectors import course_mark, course_marks
from bookings.booking.services import STAFF_HORIZON_DAYS, mark_cancelled, require_safe
from bookings.intake.answers import IntakeAnswers
from bookings.messaging import notifications
from bookings.models import (
    DEFAULT_CLIENT_MESSAGE,
    Booking,
    BookingStatus,
    ClinicRules,
    Course,
    PaymentPolicy,
    Therapist,
)
from bookings.scheduling import availability, selectors
from bookings.scheduling.step_cache import diary_changed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "CourseClash",
    "Occurrence",
    "Option",
    "Pick",
    "book_course",
    "cancel_in_course",
    "course_mark",
    "course_marks",
    "online_courses_allowed",
    "plan_course",
]

CALL_TO_BOOK = "Please call the clinic to book a course."
ALREADY_A_COURSE = "This booking is already part of a course."
Scope = Literal["one", "rest", "all"]


class CourseClash(SlotUnavailable):
    """Some picks are no longer free: nothing was booked. `occurrences` lists each, with
    why and fresh options, for the user to choose again."""

    def __init__(self, occurrences: list[Occurrence]) -> None:
        positions = ", ".join(str(o.position) for o in occurrences)
        super().__init__(
            f"Session {positions} is no longer free. Nothing has been booked yet: please "
            "choose another time for it, or leave it out."
            if len(occurrences) == 1
            else f"Sessions {positions} are no longer free. Nothing has been booked yet: "
            "please choose other times for them, or leave them out."
        )
        self.occurrences = occurrences

    @property
    def positions(self) -> list[int]:
        return [o.position for o in self.occurrences]


# Refusals -----------------------------------------------------------------


def _require_course_source(source: Booking, *, staff: bool, now: datetime) -> None:
    """A course is made from one confirmed, upcoming session that is in no course yet."""
    if source.course_id is not None:
        raise InvalidBooking(ALREADY_A_COURSE)
    if source.status == BookingStatus.CANCELLED:
        raise InvalidBooking("This booking was cancelled: a course needs a booked session.")
    if source.status == BookingStatus.AWAITING_PAYMENT:
        raise InvalidBooking("This booking is not paid yet: a course can follow once it is.")
    if source.status != BookingStatus.CONFIRMED or source.end <= now:
        raise InvalidBooking("This session has already taken place: book a new one first.")
    if not source.technique.is_active:
        raise InvalidBooking(f"{source.technique.name} is not offered at the moment.")
    if not staff and not online_courses_allowed(ClinicRules.load()):
        raise InvalidBooking(CALL_TO_BOOK)


def online_courses_allowed(rules: ClinicRules) -> bool:
    """Online payment is per booking (bookings/payments): a course would skip it, so a
    clinic that takes it books courses by phone."""
    return bool(rules.payment_policy == PaymentPolicy.AT_CLINIC)


def _require_shape(every_weeks: int, sessions: int) -> None:
    if every_weeks not in COURSE_INTERVALS:
        raise InvalidBooking("A course repeats every 1, 2 or 4 weeks.")
    if not MIN_SESSIONS <= sessions <= MAX_SESSIONS:
        raise InvalidBooking(
            f"A course has {MIN_SESSIONS} to {MAX_SESSIONS} sessions, this one included."
        )


def _recheck_safety(source: Booking) -> None:
    """The source passed the safety screen when it was booked; rules change (a
    technique ruled out for a condition since): answers it kept are screened again,
    and a course they no longer allow is refused whole (UnsafeBooking)."""
    if source.intake_answers is None:
        return
    require_safe(
        source.technique,
        IntakeAnswers.from_dict(source.intake_answers),
        acknowledged_warning=bool(source.acknowledged_advice),
        clinical_override_reason=source.safety_override_reason,
    )


# Reading the diary ----------------------------------------------------------


def _rules(*, staff: bool, last_start: datetime, now: datetime) -> availability.Rules:
    rules = ClinicRules.load().as_rules()
    # Far enough for the whole course and its next days: a client's first session is
    # within the online horizon already, and the course reaches on from it.
    reach = (last_start - now).days + 2
    if not staff:
        return replace(rules, horizon_days=max(rules.horizon_days, reach, 0))
    # Staff book without notice or the clients' horizon (as book_session's
    # ignore_notice_and_horizon).
    return replace(rules, min_notice=timedelta(0), horizon_days=max(STAFF_HORIZON_DAYS, reach, 0))


def _diary(
    source: Booking,
    *,
    starts: Sequence[datetime],
    extra_therapists: Iterable[int] = (),
    staff: bool,
    now: datetime,
) -> Diary:
    """Who offers the technique (the source's therapist first), their schedules and the
    clinic's closures (named, for the clash words) over the course's days: four queries
    and the rules."""
    offering = {
        t.pk: t.display_name
        for t in Therapist.objects.active().offering(source.technique_id).order_by("pk")
    }
    wanted = {source.therapist_id, *extra_therapists}
    names = {
        t.pk: t.display_name
        for t in Therapist.objects.filter(pk__in=wanted - offering.keys(), is_active=True)
    }
    ids = [pk for pk in [source.therapist_id, *sorted(offering)] if pk in offering]
    ids = list(dict.fromkeys(ids))
    first, last = min(starts) - timedelta(days=1), max(starts) + timedelta(days=2)
    schedules = selectors.schedules_between(ids, first, last)
    closures = [(c.start, c.end, c.reason) for c in selectors.closures_between(first, last)]
    return Diary(
        closures=closures,
        schedules=schedules,
        names=offering | names,
        rules=_rules(staff=staff, last_start=max(starts), now=now),
        now=now,
        zone=selectors.clinic_zone(),
        length=timedelta(minutes=source.length_minutes),
    )


def _recheck_after(source: Booking, rules: ClinicRules) -> datetime:
    # The course's answers are the source's (Course.answers_at): the one rule's end.
    return answers_last_until(source.created_at, rules.safety_recheck_days)


# Planning -------------------------------------------------------------------


def plan_course(
    *,
    source: Booking,
    every_weeks: int,
    sessions: int,
    staff: bool,
    now: datetime | None = None,
) -> list[Occurrence]:
    """Occurrences 2..`sessions` of `source`: each free, or why not with the nearest free
    times instead. Nothing is saved. Raises InvalidBooking with a plain message when no
    course can be made from `source`."""
    now = now or timezone.now()
    _require_shape(every_weeks, sessions)
    _require_course_source(source, staff=staff, now=now)
    offered_length(source.technique, source.length_minutes)
    zone = selectors.clinic_zone()
    wanted = occurrence_starts(source.start, every_weeks=every_weeks, sessions=sessions, zone=zone)
    diary = _diary(source, starts=[s for _, s in wanted], staff=staff, now=now)
    if diary.schedule_of(source.therapist_id) is None:
        raise InvalidBooking(
            f"{source.therapist.display_name} does not offer {source.technique.name} now: "
            "please book the course from a session with another therapist."
        )
    return plan(
        diary,
        wanted=wanted,
        therapist_id=source.therapist_id,
        recheck_after=_recheck_after(source, ClinicRules.load()),
    )


# Booking --------------------------------------------------------------------


def _require_picks(picks: Sequence[Pick]) -> None:
    positions = [p.position for p in picks]
    if not picks:
        raise InvalidBooking("Please keep at least one more session for a course.")
    if len(set(positions)) != len(positions):
        raise InvalidBooking("Each session of the course can be booked once.")
    if not all(MIN_SESSIONS <= p <= MAX_SESSIONS for p in positions):
        raise InvalidBooking(f"A course has at most {MAX_SESSIONS} sessions.")
    if any(timezone.is_naive(p.start) for p in picks):
        raise InvalidBooking("That time is not valid. Please choose one of the times offered.")


@contextmanager
def _overlap_is_clash(pick: Pick, clashes: list[Pick]) -> Iterator[None]:
    """The database has the last word: an insert it refuses for an overlap is a clash of
    this pick (the savepoint keeps the transaction usable to list the others)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if OVERLAP_CONSTRAINT not in str(error):
            raise
        clashes.append(pick)


def _clash(
    diary: Diary, found: Iterable[tuple[Pick, str]], *, recheck_after: datetime
) -> CourseClash:
    return CourseClash(
        [
            Occurrence(
                position=pick.position,
                start=pick.start,
                therapist_id=pick.therapist_id,
                free=False,
                problem=problem,
                options=options_for(diary, therapist_id=pick.therapist_id, start=pick.start),
                recheck_due=pick.start > recheck_after,
            )
            for pick, problem in found
        ]
    )


def _session_from(source: Booking, pick: Pick, *, course: Course, price: Decimal) -> Booking:
    length = timedelta(minutes=source.length_minutes)
    consented = source.intake_answers is not None
    return Booking(
        client_id=source.client_id,
        client_name=source.client_name,
        client_email=source.client_email,
        client_phone=source.client_phone,
        # One address, proven (or not) once: the course shares the source's proof.
        email_confirmed_at=source.email_confirmed_at,
        therapist_id=pick.therapist_id,
        technique_id=source.technique_id,
        length_minutes=source.length_minutes,
        price=price,
        start=pick.start,
        end=pick.start + length,
        intake_answers=source.intake_answers if consented else None,
        health_consent_at=source.health_consent_at if consented else None,
        warning_flags=list(source.warning_flags),
        warning_acknowledged_at=source.warning_acknowledged_at,
        health_conditions=list(source.health_conditions),
        text_checks=list(source.text_checks),
        acknowledged_advice=list(source.acknowledged_advice),
        safety_override_reason=source.safety_override_reason,
        sms_opt_in=source.sms_opt_in,
        booked_by=course.created_by,
        course=course,
        course_position=pick.position,
    )


@locks.retry_on_deadlock
def book_course(
    *,
    source: Booking,
    every_weeks: int,
    picks: Sequence[Pick],
    by: "User | None",
    now: datetime | None = None,
    planned: int | None = None,
) -> Course:
    """Book the picks as a course made from `source`: all in one transaction, or none.
    `planned`: how many the course was planned with, so its email names those left out.

    Each pick is checked again under the therapists' locks (staff rules when `by` is
    staff); any that is no longer free raises CourseClash listing it with fresh options,
    and nothing is saved. Sent again, it books nothing twice: the source is in a course
    by then (InvalidBooking ALREADY_A_COURSE). One email lists every date (messaging's
    `notify_course_booked`); each session keeps its own reminders and outcome question.
    """
    now = now or timezone.now()
    staff = by is not None
    _require_picks(picks)
    _require_shape(every_weeks, len(picks) + 1)
    fresh = Booking.objects.select_related("technique", "therapist").get(pk=source.pk)
    _require_course_source(fresh, staff=staff, now=now)
    strays = off_their_day(
        picks, source_start=fresh.start, every_weeks=every_weeks, zone=selectors.clinic_zone()
    )
    if strays:
        raise InvalidBooking(
            f"Session {strays[0]} is not on its day of the course. Please choose its time again."
        )
    _recheck_safety(fresh)
    price = offered_length(fresh.technique, fresh.length_minutes).price
    picks = sorted(picks, key=lambda p: p.position)
    with transaction.atomic():
        # The lock order (booking/locks.py): therapists, the client, then the bookings.
        locks.lock_therapists([fresh.therapist_id, *(p.therapist_id for p in picks)])
        if fresh.client_id is not None:
            locks.lock_clients(ids=[fresh.client_id])
        locked = Booking.objects.select_for_update().get(pk=fresh.pk)
        locked.technique = fresh.technique
        _require_course_source(locked, staff=staff, now=now)
        diary = _diary(
            locked,
            starts=[p.start for p in picks],
            extra_therapists=[p.therapist_id for p in picks],
            staff=staff,
            now=now,
        )
        recheck_after = _recheck_after(locked, ClinicRules.load())
        found = clashing_picks(diary, picks)
        if found:
            raise _clash(diary, found, recheck_after=recheck_after)
        course = Course.objects.create(
            every_weeks=every_weeks, created_by=by, answers_at=locked.created_at
        )
        locked.course = course
        locked.course_position = 1
        locked.save(update_fields=["course", "course_position", "updated_at"])
        buffer = diary.rules.buffer
        taken: list[Pick] = []
        booked = [locked]
        for pick in picks:
            session = _session_from(locked, pick, course=course, price=price)
            session.blocked_until = session.end + buffer
            with _overlap_is_clash(pick, taken):
                session.save()
                booked.append(session)
        if taken:
            # Only a writer that skipped the lock gets here; the constraint caught it.
            taken_words = availability.Problem.TAKEN
            raise _clash(
                diary,
                [
                    (p, problem_words(taken_words, diary.names.get(p.therapist_id, "")))
                    for p in taken
                ],
                recheck_after=recheck_after,
            )
        notifications.notify_course_booked(
            course, booked, now=now, left_out=left_out(planned or 0, picks)
        )
        recheck.queue_recheck(course, now)
        diary_changed(therapist_ids={s.therapist_id for s in booked})
        return course


# Cancelling -----------------------------------------------------------------


def _to_cancel(booking: Booking, scope: Scope, now: datetime) -> list[Booking]:
    """The sessions the scope names, locked, by start. "one": this one; "rest": this
    and every later confirmed one; "all": every confirmed one still ahead."""
    course_id = booking.course_id or 0
    if scope == "one":
        rows = Booking.objects.filter(pk=booking.pk)
    elif scope == "rest":
        rows = Booking.objects.filter(course_id=course_id).filter(
            Q(pk=booking.pk) | Q(start__gt=booking.start, status=BookingStatus.CONFIRMED)
        )
    else:
        rows = Booking.objects.filter(
            course_id=course_id, status=BookingStatus.CONFIRMED, start__gt=now
        )
    locked = list(rows.select_for_update().order_by("pk"))
    return sorted(locked, key=lambda b: (b.start, b.pk))


@locks.retry_on_deadlock
def cancel_in_course(
    *,
    booking: Booking,
    scope: Scope,
    by: "User | None",
    reason: str = "",
    client_message: str = "",
    now: datetime | None = None,
    by_clinic: bool | None = None,
) -> list[Booking]:
    """Cancel sessions of `booking`'s course; returns the ones cancelled now (none when
    sent again: nothing more is sent either).

    A client (`by=None`) cancels online only sessions whose change window is still open,
    else nothing is cancelled and the message says to phone; staff cancel any time, the
    `reason` kept for the clinic alone. One email (COURSE_CANCELLED) lists the dates with
    a calendar file removing them; "one" sends the ordinary cancellation email.
    `by_clinic=False`: staff cancel because the client asked ("As you asked", no
    message kept); by default staff cancellations are the clinic's.
    """
    if by_clinic is None:
        by_clinic = by is not None
    now = now or timezone.now()
    if scope not in ("one", "rest", "all"):
        raise InvalidBooking("Please choose which sessions to cancel.")
    course_id = booking.course_id
    if course_id is None:
        raise InvalidBooking("This booking is not part of a course.")
    rules = ClinicRules.load()
    with transaction.atomic():
        sessions = _to_cancel(booking, scope, now)
        over = (BookingStatus.COMPLETED, BookingStatus.NO_SHOW)
        if scope == "one" and sessions and sessions[0].status in over:
            raise InvalidBooking("This session has already taken place; it cannot be cancelled.")
        # "This and the rest" from a session that took place cancels the ones after it.
        sessions = [s for s in sessions if s.status == BookingStatus.CONFIRMED]
        if by is None:
            for session in sessions:
                if now >= rules.online_changes_close_at(session.start):
                    when = timezone.localtime(session.start)
                    raise InvalidBooking(
                        f"The session on {when:%A} {when.day} {when:%B} is less than "
                        f"{rules.cancellation_window_hours} hours away, so it can no longer "
                        "be cancelled online. Please phone the clinic."
                    )
        message = (client_message.strip() or DEFAULT_CLIENT_MESSAGE) if by_clinic else ""
        kept_reason = " ".join(reason.split())[:200] if by is not None else ""
        for session in sessions:
            mark_cancelled(session, by=by, reason=kept_reason, client_message=message, now=now)
        if not sessions:
            return []
        if scope == "one":
            notifications.notify_cancelled(sessions[0], now=now, by_clinic=by_clinic)
        else:
            notifications.notify_course_cancelled(sessions, now=now)
        # The first session the answers no longer cover may be gone: its email moves on.
        recheck.queue_recheck(Course.objects.get(pk=course_id), now)
        diary_changed(therapist_ids={s.therapist_id for s in sessions})
        return sessions
