from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.booking import locks, offers, recheck
from bookings.booking.errors import (
    ALREADY_BOOKED,
    OVERLAP_CONSTRAINT,
    PROBLEM_MESSAGES,
    SAFETY_MESSAGES,
    AlreadyBooked,
    InvalidBooking,
    SlotUnavailable,
    UnsafeBooking,
)
from bookings.booking.selectors import check_start
from bookings.intake import gate
from bookings.intake.answers import IntakeAnswers
from bookings.intake.gate import SafetyFacts, Stop
from bookings.intake.selectors import load_safety_profiles
from bookings.messaging import notifications
from bookings.models import (
    DEFAULT_CLIENT_MESSAGE,
    Booking,
    BookingStatus,
    Client,
    ClinicRules,
    Therapist,
    new_calendar_token,
    new_email_token,
)
from bookings.scheduling import availability, selectors
from bookings.scheduling.step_cache import diary_changed as _diary_changed
from catalog.models import Technique

if TYPE_CHECKING:
    from django.contrib.auth.models import User
# Front desk may book past the clients' horizon, but not into another decade by a typo.
STAFF_HORIZON_DAYS = 400
REASON_MAX_LENGTH = 200


def _lock_therapists(therapist_ids: list[int]) -> dict[int, Therapist]:
    """Lock the therapists' rows before their schedules are read (booking/locks.py).

    The lock makes concurrent bookings for one therapist queue up, so the second
    one reads the first one's booking and gets a friendly answer; the exclusion
    constraint stays the guarantee.
    """
    return locks.lock_therapists(therapist_ids)


def _pick_therapist(
    therapists: dict[int, Therapist],
    *,
    start: datetime,
    length: timedelta,
    rules: availability.Rules,
    now: datetime,
    leaving_out: int | None = None,
    any_hours: bool = False,
    booked_already: Callable[[], bool] | None = None,
) -> Therapist:
    """Choose one of the candidates, locked already, who is free at `start`, or raise
    why nobody is.

    `any_hours`: staff book outside working hours on purpose; time off and other
    sessions still stand in the way. `booked_already`: asked, only when one of the
    candidates has a session starting then, whether it is this very request's; then
    `AlreadyBooked` is raised instead of booking "anyone" again or "just taken".
    """
    end = start + length + rules.buffer
    schedules = selectors.schedules_between(
        list(therapists),
        start - timedelta(days=1),
        end + timedelta(days=1),
        leaving_out=leaving_out,
    )
    if any_hours:
        schedules = [replace(s, working_hours=ALL_DAY) for s in schedules]
    starting_then = any(i.start == start for s in schedules for i in s.busy)
    if booked_already is not None and starting_then and booked_already():
        raise AlreadyBooked(ALREADY_BOOKED)
    check = check_start(schedules, start=start, length=length, rules=rules, now=now)
    if check.free:
        # "Anyone": spread the work to whoever has the fewest sessions around then.
        chosen = min(check.free, key=lambda s: (len(s.busy), s.therapist_id))
        return therapists[chosen.therapist_id]
    if check.problem is None:  # nobody left to ask: removed since the request began
        raise InvalidBooking(offers.NOT_TAKING_BOOKINGS)
    if check.problem == availability.Problem.TAKEN:
        raise SlotUnavailable(PROBLEM_MESSAGES[availability.Problem.TAKEN])
    raise InvalidBooking(PROBLEM_MESSAGES[check.problem])


ALL_DAY = {weekday: [(time.min, time.max)] for weekday in range(7)}


def _booked_already(technique: Technique, start: datetime, name: str, email: str) -> bool:
    """Whether this client (the same name and address, any case) is booked for this
    technique at this start: one person cannot have two sessions at once, so it is the
    same request. Another name with the same address is another person (a couple, a
    family). A time held for payment is left out: only its own page leads to paying, so
    the second post holds another time (or hears "just taken") as before, and the hold
    not paid is released."""
    return (
        Booking.objects.filter(status=BookingStatus.CONFIRMED)
        .filter(
            start=start,
            technique=technique,
            client_email__iexact=email.strip(),
            client_name__iexact=" ".join(name.split()),
        )
        .exists()
    )


def _staff_rules(rules: availability.Rules, ignore_notice_and_horizon: bool) -> availability.Rules:
    if not ignore_notice_and_horizon:
        return rules
    return replace(
        rules,
        min_notice=timedelta(0),
        horizon_days=max(rules.horizon_days, STAFF_HORIZON_DAYS),
    )


def _reason(text: str) -> str:
    return " ".join(text.split())[:REASON_MAX_LENGTH]


@contextmanager
def _slot_taken_is_unavailable() -> Iterator[None]:
    """The database has the last word on overlaps: its refusal reads as "just taken"."""
    try:
        yield
    except IntegrityError as error:
        if OVERLAP_CONSTRAINT in str(error):
            raise SlotUnavailable(PROBLEM_MESSAGES[availability.Problem.TAKEN]) from error
        raise


def _require_aware(start: datetime) -> None:
    if timezone.is_naive(start):
        raise InvalidBooking("That time is not valid. Please choose one of the times offered.")


def _require_on_grid(start: datetime, rules: availability.Rules) -> None:
    # Only the grid's times are offered: a crafted post must not fragment a day.
    if not availability.on_step_grid(start, rules.step, selectors.clinic_zone()):
        raise InvalidBooking("Please choose one of the times offered.")


def require_safe(
    technique: Technique,
    intake: IntakeAnswers | None,
    acknowledged_warning: bool,
    clinical_override_reason: str = "",
) -> SafetyFacts:
    """Refuse what the client's answers do not allow; return what the booking keeps.

    Every booking, online or by staff, passes here, and refuses exactly what the result
    page says: an emergency sign, an unscreened intake (a question unanswered), a sign
    their own words mention that nobody asked about, "massage should wait" (unless staff
    give a clinical override with its reason), a ruled-out technique, and doctor-first
    advice or a caution not acknowledged.
    """
    if intake is None:
        raise UnsafeBooking(SAFETY_MESSAGES[Stop.NOT_SCREENED], stop=Stop.NOT_SCREENED)
    # The safety screen's own profiles (one query), read now: the service is the guarantee.
    check = gate.check(intake, load_safety_profiles())
    stop = check.stop(
        technique.slug,
        acknowledged=acknowledged_warning,
        clinical_override=bool(clinical_override_reason.strip()),
    )
    if stop is not None:
        reasons, advised = check.explain(technique.slug, stop)
        raise UnsafeBooking(SAFETY_MESSAGES[stop], stop=stop, reasons=reasons, advised=advised)
    return check.facts(technique.slug)


def _client_for(
    *, client_id: int | None, name: str, email: str, phone: str, online: bool
) -> Client:
    """Staff name the client, or join the record with the exact same email (any case).
    Online, a typed email proves nothing: a booking whose address another record holds
    waits on a provisional record of its own (`same_email_as`) until the client confirms
    the address (records/identity.py) or front desk decides. Names and phones are shared
    in families and never matched: a wrong guess would show one person's history to
    another."""
    # The lock order's second step (booking/locks.py), each in the statement that reads:
    # wait for a merge or an erasure of the record in progress (they lock it FOR UPDATE),
    # then read it as they left it.
    if client_id is not None:
        # No join to "merged into" here: read in the same statement as the lock, a join
        # would be the row as it was before a merge it waited for (tests/bookings/
        # test_lock_order.py); the holder is read after, the rare time there is one.
        client = Client.objects.select_for_update(no_key=True).filter(pk=client_id).first()
        if client is None:
            raise InvalidBooking("That client record no longer exists. Please search again.")
        return client.merged_into or client
    email = email.strip()
    if email:
        same = locks.lock_clients_with_email(email)
        existing = next((c for c in same if c.same_email_as_id is None), None)
        if existing is not None:
            # An address of a merged duplicate belongs to the client it was merged into.
            holder = existing.merged_into or existing
            if online:
                return Client.objects.create(
                    name=name.strip(), email=email, phone=phone, same_email_as=holder
                )
            return holder
    return Client.objects.create(name=name.strip(), email=email, phone=phone)


@locks.retry_on_deadlock
def book_session(
    *,
    therapist_id: int | None,
    technique: Technique,
    length_minutes: int,
    start: datetime,
    client_name: str,
    client_email: str,
    client_phone: str,
    intake: IntakeAnswers | None,
    consent: bool = False,
    acknowledged_warning: bool = False,
    sms_opt_in: bool = False,
    now: datetime | None = None,
    notify: bool = True,
    by: "User | None" = None,
    ignore_notice_and_horizon: bool = False,
    outside_hours_reason: str = "",
    clinical_override_reason: str = "",
    client_id: int | None = None,
    hold_for_payment: Callable[[Booking], object] | None = None,
) -> Booking:
    """Book a session, or raise InvalidBooking / SlotUnavailable with a message for the client.

    `therapist_id=None` means anyone who offers the technique and is free then.
    `intake` must be screened answers (`IntakeAnswers.screened`); see `require_safe`.
    `notify=False` queues no emails: for demo data, whose clients do not exist.
    Staff (`by`) may book a phone client past the notice and the horizon, and outside
    working hours with a reason, which is kept; never over another session. Only staff may
    book past "massage should wait", with a clinical override reason, kept (staff only).
    """
    outside_hours_reason = _reason(outside_hours_reason)
    clinical_override_reason = _reason(clinical_override_reason) if by is not None else ""
    now = now or timezone.now()
    _require_aware(start)
    if not technique.is_active:
        raise InvalidBooking(f"{technique.name} is not offered at the moment.")
    facts = require_safe(technique, intake, acknowledged_warning, clinical_override_reason)
    length = timedelta(minutes=length_minutes)
    with _slot_taken_is_unavailable(), transaction.atomic():
        clinic_rules = ClinicRules.load()
        rules = _staff_rules(clinic_rules.as_rules(), ignore_notice_and_horizon)
        _require_on_grid(start, rules)
        candidates, price = offers.lock_offer(therapist_id, technique, length_minutes)
        therapist = _pick_therapist(
            candidates,
            start=start,
            length=length,
            rules=rules,
            now=now,
            any_hours=bool(outside_hours_reason),
            # Online, the same post sent twice at once must not book "anyone" twice (the
            # lock makes the second wait for the first, then read its booking).
            booked_already=None
            if by is not None or not client_email.strip()
            else partial(_booked_already, technique, start, client_name, client_email),
        )
        booking = Booking.objects.create(
            client=_client_for(
                client_id=client_id,
                name=client_name,
                email=client_email,
                phone=client_phone,
                online=by is None,
            ),
            # Online, the booking email carries a link that proves the address.
            email_token=new_email_token() if by is None and client_email.strip() else None,
            client_name=client_name,
            client_email=client_email,
            client_phone=client_phone,
            therapist=therapist,
            technique=technique,
            length_minutes=length_minutes,
            price=price,
            start=start,
            end=start + length,
            blocked_until=start + length + rules.buffer,
            intake_answers=intake.to_dict() if consent and intake is not None else None,
            health_consent_at=now if consent and intake is not None else None,
            warning_flags=facts.warning_flags,
            warning_acknowledged_at=now if facts.acknowledged_advice else None,
            health_conditions=facts.conditions,
            text_checks=facts.text_checks,
            acknowledged_advice=facts.acknowledged_advice,
            sms_opt_in=sms_opt_in,
            booked_by=by,
            override_reason=outside_hours_reason,
            safety_override_reason=clinical_override_reason,
        )
        if hold_for_payment is not None:  # payments: held, unconfirmed until paid
            hold_for_payment(booking)
        elif notify:
            notifications.notify_booked(booking, now=now, rules=clinic_rules, created=True)
        _diary_changed(therapist_ids=[booking.therapist_id])
        return booking


def mark_cancelled(
    booking: Booking, *, by: "User | None", reason: str, client_message: str, now: datetime
) -> None:
    """Save a locked booking as cancelled, with who did it and their words (the reason
    staff only, the message for the client's email)."""
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.cancel_reason = reason
    booking.client_message = client_message
    booking.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "client_message",
            "updated_at",
        ]
    )


def _locked(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().get(pk=booking.pk)


@locks.retry_on_deadlock
def cancel_booking(
    *,
    booking: Booking,
    now: datetime | None = None,
    notify: bool = True,
    reason: str = "",
    client_message: str = DEFAULT_CLIENT_MESSAGE,
    by: "User | None" = None,
    by_clinic: bool = True,
) -> Booking:
    """Cancel and free the time, keeping when, why (`reason`: staff only) and who (None:
    the client); a second cancel changes and sends nothing. `client_message`: the
    clinic's cancellation email's words to the client, exactly. `notify=False` sends
    nothing (a client being erased); `by_clinic=False`: the client's own cancellation."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(booking)
        if locked.status in (BookingStatus.COMPLETED, BookingStatus.NO_SHOW):
            raise InvalidBooking("This session has already taken place; it cannot be cancelled.")
        if locked.status != BookingStatus.CANCELLED:
            mark_cancelled(
                locked,
                by=by,
                reason=_reason(reason),
                client_message=client_message.strip(),
                now=now,
            )
            if notify:
                notifications.notify_cancelled(locked, now=now, by_clinic=by_clinic)
                if locked.course is not None:
                    # A course session gone: its re-check email moves to the next due one.
                    recheck.queue_recheck(locked.course, now)
            _diary_changed(therapist_ids=[locked.therapist_id])
        return locked


@locks.retry_on_deadlock
def reschedule_booking(
    *,
    booking: Booking,
    start: datetime,
    therapist_id: int | None = None,
    now: datetime | None = None,
    ignore_notice_and_horizon: bool = False,
) -> Booking:
    """Move a booking; the old time is given up only once the new one is secured.

    One row is updated in one transaction: if the new time is taken (by the check
    or by the exclusion constraint) nothing changes. Staff may move it to a time
    sooner than the notice or past the horizon (`ignore_notice_and_horizon`)."""
    now = now or timezone.now()
    _require_aware(start)
    with _slot_taken_is_unavailable(), transaction.atomic():
        # The lock order (booking/locks.py): the therapists first, then the booking.
        current = Booking.objects.select_related("technique").get(pk=booking.pk)
        new_therapist_id = therapist_id if therapist_id is not None else current.therapist_id
        candidates = offers.candidate_therapist_ids(new_therapist_id, current.technique)
        therapists = _lock_therapists(candidates)
        locked = _locked(booking)
        if locked.therapist_id != current.therapist_id and therapist_id is None:
            raise InvalidBooking("This booking changed a moment ago. Please reload the page.")
        if locked.status != BookingStatus.CONFIRMED:
            raise InvalidBooking("Only a confirmed booking can be moved.")
        previous_start = locked.start
        previous_therapist_id = locked.therapist_id
        if start == previous_start and therapist_id in (None, previous_therapist_id):
            return locked  # sent again (Back and send): already there, nobody told twice
        rules = _staff_rules(ClinicRules.load().as_rules(), ignore_notice_and_horizon)
        _require_on_grid(start, rules)
        length = timedelta(minutes=locked.length_minutes)
        locked.therapist = _pick_therapist(
            therapists, start=start, length=length, rules=rules, now=now, leaving_out=locked.pk
        )
        locked.start = start
        locked.end = start + length
        locked.blocked_until = start + length + rules.buffer
        locked.save(update_fields=["therapist", "start", "end", "blocked_until", "updated_at"])
        notifications.notify_rescheduled(locked, now=now, previous_start=previous_start)
        _diary_changed(therapist_ids=[previous_therapist_id, locked.therapist_id])
        return locked


@locks.retry_on_deadlock
def reinstate_booking(*, booking: Booking, now: datetime | None = None) -> Booking:
    """Confirm a cancelled booking again (e.g. one cancelled by mistake), if its time is
    still free. The client is sent the booking again (`notify_reinstated`): the
    confirmation with its calendar entry, the reminder and the outcome question."""
    now = now or timezone.now()
    with _slot_taken_is_unavailable(), transaction.atomic():
        # The lock order (booking/locks.py): the therapist first, then the booking.
        therapist_id = Booking.objects.values_list("therapist_id", flat=True).get(pk=booking.pk)
        _lock_therapists([therapist_id])
        locked = _locked(booking)
        if locked.status == BookingStatus.CONFIRMED:
            return locked
        if locked.therapist_id != therapist_id:
            raise InvalidBooking("This booking changed a moment ago. Please reload the page.")
        clash = (
            Booking.objects.active()
            .for_therapist(locked.therapist_id)
            .filter(start__lt=locked.blocked_until, blocked_until__gt=locked.start)
            .exclude(pk=locked.pk)
            .exists()
        )
        if clash:
            raise SlotUnavailable(PROBLEM_MESSAGES[availability.Problem.TAKEN])
        locked.status = BookingStatus.CONFIRMED
        locked.save(update_fields=["status", "updated_at"])
        notifications.notify_reinstated(locked, now=now)
        _diary_changed(therapist_ids=[locked.therapist_id])
        return locked


def resend_confirmation(*, booking: Booking, now: datetime | None = None) -> None:
    """Queue the confirmation email again, e.g. after the first one failed."""
    with transaction.atomic():
        locked = _locked(booking)
        if locked.status != BookingStatus.CONFIRMED:
            raise InvalidBooking("Only a confirmed booking has a confirmation to send.")
        if not locked.client_email:
            raise InvalidBooking("This client gave no email address.")
        notifications.queue_confirmation_again(locked, now=now or timezone.now())


def issue_calendar_link(*, therapist: Therapist) -> Therapist:
    """Replace the therapist's calendar feed token; the old feed link stops working."""
    therapist.calendar_token = new_calendar_token()
    therapist.save(update_fields=["calendar_token"])
    return therapist
