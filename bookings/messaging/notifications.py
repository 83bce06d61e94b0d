"""Emails and texts about bookings: which ones to send, when, and sending each once.

The booking services call `notify_*` inside their transaction, with their `now`.
Each message is a Notification row (an email, or a text for clients who asked for
text reminders); a background task gets its id once the transaction commits and
`deliver()` claims the row with a conditional UPDATE, so however many workers run the
task, and however often, one message goes out. A failed send is retried later with a
growing delay and never touches the booking.
"""

import logging
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bookings.booking.selectors import online_changes_until
from bookings.messaging import phones, sms
from bookings.messaging.ics import CalendarEvent, calendar_file
from bookings.models import (
    Booking,
    BookingStatus,
    ClinicRules,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
    OutcomeRequest,
)
from bookings.models.outcomes import intake_baseline

logger = logging.getLogger(__name__)


# Delays after the 1st, 2nd, ... failed attempt; after the last one the message fails
# for good and staff see it in admin.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

# The outcome question goes out this long after the session ends, and its link works
# for OUTCOME_ANSWER_WINDOW after that.
OUTCOME_ASK_DELAY = timedelta(days=2)
OUTCOME_ANSWER_WINDOW = timedelta(days=14)

CLIENT_KINDS = {
    NotificationKind.CONFIRMATION,
    NotificationKind.RESCHEDULE,
    NotificationKind.CANCELLATION,
    NotificationKind.CANCELLED_BY_CLINIC,
    NotificationKind.REMINDER,
}
CANCELLATION_KINDS = {NotificationKind.CANCELLATION, NotificationKind.CANCELLED_BY_CLINIC}
CLINIC_KINDS = {
    NotificationKind.CLINIC_BOOKED,
    NotificationKind.CLINIC_RESCHEDULED,
    NotificationKind.CLINIC_CANCELLED,
}

SUBJECTS = {
    NotificationKind.CONFIRMATION: "Your massage is booked: {when}",
    NotificationKind.RESCHEDULE: "Your massage has moved: {when}",
    NotificationKind.CANCELLATION: "Your massage on {when} is cancelled",
    NotificationKind.CANCELLED_BY_CLINIC: "Your massage on {when} is cancelled: we are sorry",
    NotificationKind.REMINDER: "Reminder: your massage {when}",
    NotificationKind.CLINIC_BOOKED: "New booking {reference}: {when}",
    NotificationKind.CLINIC_RESCHEDULED: "Booking {reference} moved: {when}",
    NotificationKind.CLINIC_CANCELLED: "Booking {reference} cancelled: {when}",
    NotificationKind.OUTCOME_ASK: "How is your back today?",
}


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_CLAIMED = "not claimed"


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def calendar_uid(booking: Booking) -> str:
    # Stable for the booking's life, so a move or a cancellation updates the same entry.
    return f"booking-{booking.reference}@{site_domain()}"


def manage_url(booking: Booking) -> str:
    return settings.SITE_URL + reverse("bookings:manage", args=[booking.manage_token])


def outcome_url(outcome: OutcomeRequest) -> str:
    return settings.SITE_URL + reverse("bookings:outcome", args=[outcome.token])


def _next_sequence(booking: Booking) -> int:
    current = Notification.objects.for_booking(booking).aggregate(top=Max("calendar_sequence"))[
        "top"
    ]
    return 0 if current is None else current + 1


def _current_sequence(booking: Booking) -> int:
    return max(_next_sequence(booking) - 1, 0)


def _queue(
    booking: Booking,
    kind: NotificationKind,
    *,
    scheduled_for: datetime,
    sequence: int = 0,
    channel: NotificationChannel = NotificationChannel.EMAIL,
    recipient: str = "",
    previous_start: datetime | None = None,
) -> Notification:
    if not recipient:
        recipient = settings.FRONT_DESK_EMAIL if kind in CLINIC_KINDS else booking.client_email
    notification = Notification.objects.create(
        booking=booking,
        kind=kind,
        channel=channel,
        recipient=recipient,
        session_start=booking.start,
        previous_start=previous_start,
        calendar_sequence=sequence,
        scheduled_for=scheduled_for,
    )
    notification_id = notification.pk
    # After commit: a worker must find the row, and a rolled-back booking sends nothing.
    # Robust: the booking is already saved, so a queue hiccup must not turn into an error
    # page for the client.
    transaction.on_commit(lambda: enqueue(notification_id, scheduled_for), robust=True)
    return notification


def enqueue(notification_id: int, run_after: datetime) -> None:
    from bookings.messaging.tasks import send_notification

    task = send_notification
    if run_after > timezone.now() and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    # A backend that cannot defer runs it now; deliver() leaves it alone until it is due.
    task.enqueue(notification_id)


def text_number(booking: Booking) -> str | None:
    """Where a client who asked for texts gets them: their number in E.164, or None."""
    if not booking.sms_opt_in:
        return None
    return phones.to_e164(booking.client_phone)


def _queue_reminder(booking: Booking, now: datetime) -> None:
    rules = ClinicRules.load()
    remind_at = booking.start - timedelta(hours=rules.reminder_hours_before)
    if remind_at <= now:
        return
    if booking.client_email:
        _queue(
            booking,
            NotificationKind.REMINDER,
            scheduled_for=remind_at,
            sequence=_current_sequence(booking),
        )
    number = text_number(booking)
    if number:
        _queue(
            booking,
            NotificationKind.REMINDER,
            scheduled_for=remind_at,
            channel=NotificationChannel.SMS,
            recipient=number,
        )


def _drop_pending_reminders(booking: Booking) -> None:
    Notification.objects.for_booking(booking).pending().filter(
        kind__in=[NotificationKind.REMINDER, NotificationKind.OUTCOME_ASK]
    ).update(status=NotificationStatus.SKIPPED)


def _queue_outcome_ask(booking: Booking) -> None:
    """The "How is your back today?" email, two days after the session ends.

    Queued with the booking (and again when it moves) rather than when staff mark it
    completed, so a session nobody marked still gets one; deliver() skips it if the
    session was cancelled, a no-show or moved by then. No email address, no ask.
    """
    if not booking.client_email:
        return
    ask_at = booking.end + OUTCOME_ASK_DELAY
    expires = {"expires": ask_at + OUTCOME_ANSWER_WINDOW}
    # The baseline is the intake as it was when booked: a moved session keeps it.
    OutcomeRequest.objects.update_or_create(
        booking=booking,
        defaults=expires,
        create_defaults=expires | intake_baseline(booking.intake_answers),
    )
    _queue(booking, NotificationKind.OUTCOME_ASK, scheduled_for=ask_at)


# A booking made by staff for a client without email still gets the clinic's note
# and, if they asked, the text reminder.


def notify_booked(booking: Booking, *, now: datetime) -> None:
    _queue_confirmed(booking, now=now, sequence=0)
    _queue_outcome_ask(booking)


def _queue_confirmed(booking: Booking, *, now: datetime, sequence: int) -> None:
    """The client's confirmation (its calendar entry at `sequence`), the clinic's note
    and the reminder."""
    if booking.client_email:
        _queue(booking, NotificationKind.CONFIRMATION, scheduled_for=now, sequence=sequence)
    _queue(booking, NotificationKind.CLINIC_BOOKED, scheduled_for=now)
    _queue_reminder(booking, now)


def notify_rescheduled(
    booking: Booking, *, now: datetime, previous_start: datetime | None = None
) -> None:
    _drop_pending_reminders(booking)
    if booking.client_email:
        _queue(
            booking,
            NotificationKind.RESCHEDULE,
            scheduled_for=now,
            sequence=_next_sequence(booking),
            previous_start=previous_start,
        )
    _queue(
        booking,
        NotificationKind.CLINIC_RESCHEDULED,
        scheduled_for=now,
        previous_start=previous_start,
    )
    _queue_reminder(booking, now)
    _queue_outcome_ask(booking)


def notify_cancelled(booking: Booking, *, now: datetime, by_clinic: bool = False) -> None:
    _drop_pending_reminders(booking)
    if booking.client_email:
        _queue(
            booking,
            NotificationKind.CANCELLED_BY_CLINIC if by_clinic else NotificationKind.CANCELLATION,
            scheduled_for=now,
            sequence=_next_sequence(booking),
        )
    _queue(booking, NotificationKind.CLINIC_CANCELLED, scheduled_for=now)


def notify_reinstated(booking: Booking, *, now: datetime) -> None:
    """A cancellation undone. The client was told it was cancelled and their calendar
    dropped the event: an upcoming session gets its confirmation again, with a calendar
    sequence above the cancellation's (so calendars put the event back), the clinic's
    note and the reminder. The outcome question the cancellation dropped is due again,
    unless an ask for this session time is waiting, out or failed (a session cancelled
    after its ask went out is not asked twice), somebody answered, or its link would no
    longer work."""
    if booking.start > now:
        _queue_confirmed(booking, now=now, sequence=_next_sequence(booking))
    if not booking.client_email:
        return
    if booking.end + OUTCOME_ASK_DELAY + OUTCOME_ANSWER_WINDOW <= now:
        return
    asked = (
        Notification.objects.for_booking(booking)
        .filter(kind=NotificationKind.OUTCOME_ASK, session_start=booking.start)
        .exclude(status=NotificationStatus.SKIPPED)
        .exists()
    )
    if asked or OutcomeRequest.objects.answered().filter(booking=booking).exists():
        return
    _queue_outcome_ask(booking)


def queue_confirmation_again(booking: Booking, *, now: datetime) -> Notification:
    return _queue(
        booking,
        NotificationKind.CONFIRMATION,
        scheduled_for=now,
        sequence=_current_sequence(booking),
    )


def _no_longer_needed(notification: Notification, now: datetime) -> bool:
    booking = booking_of(notification)
    if notification.kind in CLINIC_KINDS or notification.kind in CANCELLATION_KINDS:
        return False
    if notification.kind == NotificationKind.OUTCOME_ASK:
        return (
            booking.status not in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
            or booking.start != notification.session_start
            or not OutcomeRequest.objects.filter(booking=booking, score__isnull=True).exists()
        )
    # A confirmation, move notice or reminder describes a confirmed session at one
    # time; once it is cancelled or moved, a newer message has taken its place.
    if booking.status != BookingStatus.CONFIRMED or booking.start != notification.session_start:
        return True
    return notification.kind == NotificationKind.REMINDER and now >= booking.start


def booking_of(notification: Notification) -> Booking:
    """The booking a message is about; waitlist offers have none and never come here."""
    if notification.booking is None:
        raise ValueError(f"Notification {notification.pk} is not about a booking")
    return notification.booking


def deliver(notification_id: int, *, now: datetime) -> Outcome:
    """Send one notification if it is due and nobody else has taken it."""
    with transaction.atomic():
        # The claim: on PostgreSQL a second worker's UPDATE waits for this row, then
        # finds the status changed and updates nothing.
        claimed = Notification.objects.filter(
            pk=notification_id,
            status=NotificationStatus.PENDING,
            scheduled_for__lte=now,
        ).update(status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return Outcome.NOT_CLAIMED
    notification = Notification.objects.select_related(
        "booking__technique", "booking__therapist", "waitlist_offer__entry__technique"
    ).get(pk=notification_id)
    if notification.waitlist_offer_id is not None:
        from bookings.waitlist import services as waitlist

        return waitlist.deliver_offer(notification, now=now)
    if _no_longer_needed(notification, now):
        _finish(notification_id, status=NotificationStatus.SKIPPED)
        return Outcome.SKIPPED
    try:
        if notification.channel == NotificationChannel.SMS:
            sms.send_text(to=notification.recipient, body=text_body(notification))
        else:
            build_message(notification, now=now).send()
    except Exception as error:
        return _failed(notification, error, now)
    # When the mail server took it, which may be well after the claim.
    _finish(notification_id, status=NotificationStatus.SENT, sent_at=timezone.now(), last_error="")
    return Outcome.SENT


def _finish(notification_id: int, **changes: object) -> None:
    Notification.objects.filter(pk=notification_id, status=NotificationStatus.SENDING).update(
        **changes
    )


def _failed(notification: Notification, error: Exception, now: datetime) -> Outcome:
    # The class and a short message say what went wrong; the email itself never
    # goes into the row or the log.
    summary = f"{type(error).__name__}: {error}"[:300]
    logger.warning(
        "Notification %s failed on attempt %s: %s",
        notification.pk,
        notification.attempts,
        type(error).__name__,
    )
    # A number the provider refuses today it refuses tomorrow: no point retrying.
    if notification.attempts >= MAX_ATTEMPTS or isinstance(error, sms.SmsRejected):
        _finish(notification.pk, status=NotificationStatus.FAILED, last_error=summary)
        return Outcome.FAILED
    retry_at = now + RETRY_DELAYS[notification.attempts - 1]
    _finish(
        notification.pk,
        status=NotificationStatus.PENDING,
        scheduled_for=retry_at,
        last_error=summary,
    )
    enqueue(notification.pk, retry_at)
    return Outcome.RETRY


def _calendar_event(notification: Notification) -> CalendarEvent:
    booking = booking_of(notification)
    start = notification.session_start
    return CalendarEvent(
        uid=calendar_uid(booking),
        start=start,
        end=start + timedelta(minutes=booking.length_minutes),
        summary=f"{booking.technique.name} with {booking.therapist.display_name}",
        location=f"{settings.CLINIC_NAME}, {settings.CLINIC_ADDRESS}",
        description=f"Booking reference {booking.reference}. "
        f"To change or cancel: {manage_url(booking)}",
        sequence=notification.calendar_sequence,
        cancelled=notification.kind in CANCELLATION_KINDS,
        organizer_email=settings.CLINIC_EMAIL,
        attendee_email=booking.client_email,
    )


def _first_name(booking: Booking) -> str:
    parts = booking.client_name.split()
    return parts[0] if parts else ""


def _clinic() -> dict[str, str]:
    return {
        "name": settings.CLINIC_NAME,
        "address": settings.CLINIC_ADDRESS,
        "phone": settings.CLINIC_PHONE,
        "email": settings.CLINIC_EMAIL,
        "currency": settings.CLINIC_CURRENCY_SYMBOL,
        "brand_colour": settings.CLINIC_BRAND_COLOUR,
    }


def book_again_url(booking: Booking) -> str:
    """The technique's booking page while it is offered, else the home page."""
    if booking.technique.is_active:
        return settings.SITE_URL + reverse("bookings:book", args=[booking.technique.slug])
    return settings.SITE_URL + "/"


# Email clients drop <style> blocks or parts of them, so the layout's styles go into
# each element; the block stays for what cannot be inlined (dark mode, small screens).
_INLINER = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def render_html(template_name: str, context: dict[str, object]) -> str:
    return _INLINER.inline(render_to_string(template_name, context))


def email_context(notification: Notification, *, now: datetime) -> dict[str, object]:
    booking = booking_of(notification)
    start = timezone.localtime(notification.session_start)
    previous = notification.previous_start
    return {
        "kind": notification.kind,
        "booking": booking,
        "first_name": _first_name(booking),
        "start": start,
        "end": start + timedelta(minutes=booking.length_minutes),
        "previous_start": timezone.localtime(previous) if previous else None,
        # Worked out when it is sent: a retry an hour later must not promise a change
        # online that is no longer possible.
        "changes_until": online_changes_until(
            notification.session_start, rules=ClinicRules.load(), now=now
        ),
        "manage_url": manage_url(booking),
        "book_again_url": book_again_url(booking),
        "cancel_reason": getattr(booking, "cancel_reason", ""),
        "outcome_url": _outcome_url_of(notification),
        "clinic": _clinic(),
    }


def _outcome_url_of(notification: Notification) -> str:
    if notification.kind != NotificationKind.OUTCOME_ASK:
        return ""
    outcome = OutcomeRequest.objects.filter(booking=notification.booking_id).first()
    return outcome_url(outcome) if outcome else ""


def build_message(notification: Notification, *, now: datetime) -> EmailMultiAlternatives:
    booking = booking_of(notification)
    context = email_context(notification, now=now)
    start = timezone.localtime(notification.session_start)
    template = "clinic_note" if notification.kind in CLINIC_KINDS else notification.kind
    subject = SUBJECTS[NotificationKind(notification.kind)].format(
        when=f"{start:%A} {start.day} {start:%B} at {start:%H:%M}",
        reference=booking.reference,
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        reply_to=[settings.CLINIC_EMAIL],
    )
    message.attach_alternative(render_html(f"emails/{template}.html", context), "text/html")
    if notification.kind in CLIENT_KINDS:
        cancelling = notification.kind in CANCELLATION_KINDS
        message.attach(
            "cancellation.ics" if cancelling else "booking.ics",
            calendar_file(
                [_calendar_event(notification)],
                now=now,
                method="CANCEL" if cancelling else "REQUEST",
            ),
            "text/calendar",
        )
    return message


def text_body(notification: Notification) -> str:
    """A text's words: first name, day and time, clinic, link. Texts sit on lock
    screens, so no surname, no technique, nothing about the client's health."""
    booking = booking_of(notification)
    return render_to_string(
        f"sms/{notification.kind}.txt",
        {
            "first_name": _first_name(booking),
            "start": timezone.localtime(notification.session_start),
            "manage_url": manage_url(booking),
            "clinic": _clinic(),
        },
    ).strip()


def calendar_for(booking: Booking, *, now: datetime) -> bytes:
    """The client's .ics for the session as it stands, the same event the emails carry."""
    latest = (
        Notification.objects.for_booking(booking)
        .filter(kind__in=CLIENT_KINDS, channel=NotificationChannel.EMAIL)
        .order_by("-calendar_sequence", "-pk")
        .first()
    )
    notification = Notification(
        booking=booking,
        kind=NotificationKind.CONFIRMATION,
        session_start=booking.start,
        calendar_sequence=latest.calendar_sequence if latest else 0,
    )
    return calendar_file([_calendar_event(notification)], now=now, method="PUBLISH")


# The sweeper -------------------------------------------------------------------
# Run by the worker every WORKER_SWEEP_SECONDS. Messages never silently vanish: one
# whose task was never queued (the queue failed after the booking committed) is
# queued again; one a worker claimed and never finished (it died mid-send) is shown
# to staff as "delivery unknown" rather than sent again, since it may have arrived.


def _queued_notification_ids() -> set[int] | None:
    """Ids with a task waiting or running, or None when the queue cannot be read."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from bookings.messaging.tasks import send_notification

    backend = send_notification.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    rows = DBTaskResult.objects.filter(
        backend_name=backend.alias,
        task_path=send_notification.module_path,
        status__in=["READY", "RUNNING"],
    ).values_list("args_kwargs", flat=True)
    return {row["args"][0] for row in rows if row.get("args")}


def requeue_orphans(*, now: datetime) -> int:
    """Queue again every due "pending" message that has no task waiting for it."""
    grace = timedelta(seconds=settings.NOTIFICATION_PENDING_GRACE_SECONDS)
    due = Notification.objects.pending().filter(
        scheduled_for__lte=now - grace, created_at__lte=now - grace
    )
    queued = _queued_notification_ids()
    orphans = [pk for pk in due.values_list("pk", flat=True) if queued is None or pk not in queued]
    for pk in orphans:
        # A second task for a message is harmless: deliver() claims the row once.
        enqueue(pk, now)
    if orphans:
        logger.warning("Queued %s waiting messages again: they had no task", len(orphans))
    return len(orphans)


def mark_stuck_sending(*, now: datetime) -> int:
    """Hand to staff every message claimed longer ago than the sending limit."""
    limit = timedelta(seconds=settings.NOTIFICATION_SENDING_LIMIT_SECONDS)
    stuck = Notification.objects.filter(
        status=NotificationStatus.SENDING, claimed_at__lt=now - limit
    ).update(
        status=NotificationStatus.UNKNOWN,
        last_error="The worker stopped while sending: it may or may not have arrived. "
        "Check with the recipient, or send it again.",
    )
    if stuck:
        logger.warning("Marked %s messages as delivery unknown", stuck)
    return stuck


def sweep(*, now: datetime | None = None) -> tuple[int, int]:
    now = now or timezone.now()
    return requeue_orphans(now=now), mark_stuck_sending(now=now)


def send_again(notification: Notification, *, now: datetime | None = None) -> Notification | None:
    """Staff's resend of a failed or "delivery unknown" message: a new message, so the
    history keeps both. None when the booking has moved on and it no longer applies."""
    now = now or timezone.now()
    with transaction.atomic():
        old = Notification.objects.select_for_update().get(pk=notification.pk)
        if old.status not in (NotificationStatus.FAILED, NotificationStatus.UNKNOWN):
            return None
        if _no_longer_needed(old, now):
            return None
        return _queue(
            booking_of(old),
            NotificationKind(old.kind),
            scheduled_for=now,
            sequence=old.calendar_sequence,
            channel=NotificationChannel(old.channel),
            # A number corrected since the failure gets the new text (an email address
            # is read from the booking anyway).
            recipient=(phones.to_e164(booking_of(old).client_phone) or old.recipient)
            if old.channel == NotificationChannel.SMS
            else "",
            previous_start=old.previous_start,
        )
