"""Emails and texts about bookings: which ones to send, when, and sending each once.

The booking services call `notify_*` inside their transaction, with their `now`. Each
message is a Notification row (an email, or a text for clients who asked for text
reminders) with its status and due time: the row is the queue. The worker claims due
rows one at a time (`send_next`), so however many workers run, one message goes out
once; a failed send is retried later with a growing delay and never touches the
booking. What a message says is `rendering`'s.
"""

import logging
import threading
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Max
from django.utils import timezone

from bookings.messaging import phones, rendering, sms
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
from bookings.models.messages import NotificationQuerySet
from bookings.models.outcomes import intake_baseline
from bookings.waitlist import offers

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


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_CLAIMED = "not claimed"


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
        clinic = kind in rendering.CLINIC_KINDS
        recipient = settings.FRONT_DESK_EMAIL if clinic else booking.client_email
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
    deliver_on_commit(notification.pk)
    return notification


def deliver_on_commit(notification_id: int) -> None:
    """With NOTIFICATION_SEND_ON_COMMIT (the test suite, a laptop with no worker running),
    send the message as its transaction commits, through the worker's own `deliver()`.
    Otherwise nothing: the committed row is the queue, and the worker's poll finds it."""
    if not settings.NOTIFICATION_SEND_ON_COMMIT:
        return
    # After commit, so a rolled-back booking sends nothing. Robust: the booking is saved,
    # so a failed send must not become an error page; the row is there for the worker.
    transaction.on_commit(lambda: deliver(notification_id, now=timezone.now()), robust=True)


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


# Sending -------------------------------------------------------------------------


def _no_longer_needed(notification: Notification, now: datetime) -> bool:
    booking = rendering.booking_of(notification)
    if notification.kind in rendering.CLINIC_KINDS | rendering.CANCELLATION_KINDS:
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


def _claim(candidates: NotificationQuerySet, *, now: datetime) -> int | None:
    """Mark the first due message among `candidates` "sending" for this worker alone.

    A short transaction of its own, committed before anything is sent. On PostgreSQL a
    row another worker is claiming is skipped, not waited for. SQLite has no row locks
    and ignores the FOR UPDATE; its IMMEDIATE transaction takes the write lock at BEGIN,
    so two workers' claims run one after the other and the second sees "sending".
    """
    with transaction.atomic():
        due = (
            candidates.pending()
            .filter(scheduled_for__lte=now)
            .order_by("scheduled_for", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        notification_id = due.first()
        if notification_id is None:
            return None
        claimed = Notification.objects.filter(
            pk=notification_id, status=NotificationStatus.PENDING
        ).update(status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return notification_id if claimed else None


def send_next(*, now: datetime) -> Outcome | None:
    """Claim the message that has waited longest and send it; None when nothing is due."""
    # One row per claim, never a batch: a worker killed after claiming ten would leave
    # nine it never tried marked "delivery unknown".
    record_unrecorded()
    notification_id = _claim(Notification.objects.all(), now=now)
    if notification_id is None:
        return None
    return _send_claimed(notification_id, now=now)


def send_due(*, now: datetime | None = None) -> list[Outcome]:
    """Send every message due at `now`, one claim at a time, as the worker does."""
    now = now or timezone.now()
    outcomes: list[Outcome] = []
    # A retry is due later than `now`, so this ends once each due row has had its try.
    while (outcome := send_next(now=now)) is not None:
        outcomes.append(outcome)
    return outcomes


def deliver(notification_id: int, *, now: datetime) -> Outcome:
    """Send this one message if it is due and nobody else has taken it."""
    record_unrecorded()
    if _claim(Notification.objects.filter(pk=notification_id), now=now) is None:
        return Outcome.NOT_CLAIMED
    return _send_claimed(notification_id, now=now)


def _send_claimed(notification_id: int, *, now: datetime) -> Outcome:
    notification = Notification.objects.select_related(
        "booking__technique", "booking__therapist", "waitlist_offer__entry__technique"
    ).get(pk=notification_id)
    offer = notification.waitlist_offer
    batch = offers.batch_of(offer, now) if offer is not None else []
    if offer is not None:
        # Someone else booked them since (another entry's offer, a phone call): only the
        # times still open are told, and no message whose links can only disappoint.
        if not batch:
            return _record_skipped(notification_id)
    elif _no_longer_needed(notification, now):
        return _record_skipped(notification_id)
    try:
        if notification.channel == NotificationChannel.SMS:
            text = offers.offer_text(batch) if batch else rendering.text_body(notification)
            sms.send_text(to=notification.recipient, body=text)
        elif batch:
            offers.offer_email(batch, notification.recipient).send()
        else:
            rendering.build_message(notification, now=now).send()
    except Exception as error:
        return _record_failure(notification, error, now)
    return _record_sent(notification_id)


def _finish(notification_id: int, **changes: object) -> None:
    Notification.objects.filter(pk=notification_id, status=NotificationStatus.SENDING).update(
        **changes
    )


# Messages the mail server or the text provider took while the database refused to
# record it: kept in this process and recorded as sent once the database is back
# (`record_unrecorded`, first thing in each round of the worker and before each send),
# so a delivered message is never left "sending", marked "delivery unknown" and resent.
_unrecorded: dict[int, datetime] = {}
_unrecorded_lock = threading.Lock()


def _record_sent(notification_id: int) -> Outcome:
    # When the mail server took it, which may be well after the claim.
    sent_at = timezone.now()
    try:
        _finish(notification_id, status=NotificationStatus.SENT, sent_at=sent_at, last_error="")
    except DatabaseError as error:
        with _unrecorded_lock:
            _unrecorded[notification_id] = sent_at
        logger.warning(
            "Notification %s was sent but recording it failed (%s); "
            "it is recorded when the database is back",
            notification_id,
            type(error).__name__,
        )
        raise
    return Outcome.SENT


def record_unrecorded() -> int:
    """Record as sent the messages sent while the database refused (see above), even
    one marked "delivery unknown" meanwhile. Returns how many; a database still away
    raises, and they wait for the next try."""
    with _unrecorded_lock:
        waiting = dict(_unrecorded)
    for notification_id, sent_at in waiting.items():
        Notification.objects.filter(
            pk=notification_id,
            status__in=[NotificationStatus.SENDING, NotificationStatus.UNKNOWN],
        ).update(status=NotificationStatus.SENT, sent_at=sent_at, last_error="")
        with _unrecorded_lock:
            _unrecorded.pop(notification_id, None)
    if waiting:
        logger.info("Recorded %s messages sent while the database was away", len(waiting))
    return len(waiting)


def _record_skipped(notification_id: int) -> Outcome:
    _finish(notification_id, status=NotificationStatus.SKIPPED)
    return Outcome.SKIPPED


def _record_failure(notification: Notification, error: Exception, now: datetime) -> Outcome:
    """A failed attempt: due again after the next retry delay, or failed for good."""
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
    # Pending again with a later due time: the row itself is the retry.
    _finish(
        notification.pk,
        status=NotificationStatus.PENDING,
        scheduled_for=now + RETRY_DELAYS[notification.attempts - 1],
        last_error=summary,
    )
    return Outcome.RETRY


# Messages never silently vanish: one a worker claimed and never finished (it died
# mid-send) is shown to staff as "delivery unknown" rather than sent again, since it
# may have arrived.


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
    """One pass of the worker over the outbox: what a dead worker left "sending" goes to
    staff, then every due message is sent. Returns (messages tried, marked unknown)."""
    now = now or timezone.now()
    stuck = mark_stuck_sending(now=now)
    return len(send_due(now=now)), stuck


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
            rendering.booking_of(old),
            NotificationKind(old.kind),
            scheduled_for=now,
            sequence=old.calendar_sequence,
            channel=NotificationChannel(old.channel),
            # A number corrected since the failure gets the new text (an email address
            # is read from the booking anyway).
            recipient=(phones.to_e164(rendering.booking_of(old).client_phone) or old.recipient)
            if old.channel == NotificationChannel.SMS
            else "",
            previous_start=old.previous_start,
        )
