"""Sending the outbox: claiming each due message once, sending it, and recording what
happened, however many workers run and whatever fails on the way.

A message is a Notification row (`notifications` queues them); the worker claims due rows
one at a time (`send_next`), so one message goes out once; a failed send is retried later
with a growing delay and never touches the booking. What a message says is `rendering`'s.
"""

import logging
import threading
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from bookings.account import links
from bookings.booking import recheck_rule
from bookings.messaging import rendering, sms
from bookings.models import (
    BookingStatus,
    ClinicRules,
    HomeCarePlan,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
    OutcomeRequest,
)
from bookings.models.messages import NotificationQuerySet
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


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_CLAIMED = "not claimed"


def no_longer_needed(notification: Notification, now: datetime) -> bool:
    booking = rendering.booking_of(notification)
    if notification.kind in rendering.CLINIC_KINDS | rendering.CANCELLATION_KINDS:
        return False
    if notification.kind == NotificationKind.HOME_CARE:
        return not HomeCarePlan.objects.filter(booking=booking).exists()
    if notification.kind in rendering.PAYMENT_KINDS:
        return False
    if notification.kind == NotificationKind.COURSE_CANCELLED:
        return False
    if notification.kind == NotificationKind.COURSE_BOOKED:
        # Each listed session is checked as it is rendered; none left confirmed, no email.
        return not rendering.course_sessions_of(notification)
    if notification.kind == NotificationKind.SAFETY_RECHECK:
        return not _recheck_still_needed(notification, now)
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


def _recheck_still_needed(notification: Notification, now: datetime) -> bool:
    """A course's re-check email, unless the client answered since it was queued, the
    session is gone, or its answers (or the desk's safety check) cover it again."""
    booking = rendering.booking_of(notification)
    course = booking.course
    if course is None:
        return False
    return recheck_rule.email_still_needed(
        confirmed=booking.status == BookingStatus.CONFIRMED,
        start=booking.start,
        now=now,
        answers_at=course.answers_at,
        interval_days=ClinicRules.load().safety_recheck_days,
        reported_at=course.recheck_reported_at,
        queued_at=notification.created_at,
        checked_at=booking.safety_checked_at,
    )


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
        "booking__technique",
        "booking__therapist",
        "booking__checkout",
        "waitlist_offer__entry__technique",
        "sign_in_link",
    ).get(pk=notification_id)
    offer, link = notification.waitlist_offer, notification.sign_in_link
    batch = offers.batch_of(offer, now) if offer is not None else []
    if link is not None:
        if not links.link_is_open(link, now):
            return _record_skipped(notification_id)
    elif offer is not None:
        # Someone else booked them since (another entry's offer, a phone call): only the
        # times still open are told, and no message whose links can only disappoint.
        if not batch:
            return _record_skipped(notification_id)
    elif no_longer_needed(notification, now):
        return _record_skipped(notification_id)
    try:
        if notification.channel == NotificationChannel.SMS:
            text = offers.offer_text(batch) if batch else rendering.text_body(notification)
            sms.send_text(to=notification.recipient, body=text)
        elif link is not None:
            links.sign_in_email(link, notification.recipient).send()
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
