"""Emails and texts about bookings: which ones to send, when, and sending each once.

The booking services call `notify_*` inside their transaction, with their `now`. Each
message is a Notification row (an email, or a text for clients who asked for text
reminders) with its status and due time: the row is the queue. The worker claims due
rows one at a time (`send_next`), so however many workers run, one message goes out
once; a failed send is retried later with a growing delay and never touches the
booking. What a message says is `rendering`'s.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bookings.messaging import outbox, phones, rendering
from bookings.models import (
    Booking,
    ClinicRules,
    Course,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
    OutcomeRequest,
)
from bookings.models.clients import ERASED_NAME
from bookings.models.outcomes import intake_baseline

logger = logging.getLogger(__name__)


# The outcome question goes out this long after the session ends, and its link works
# for OUTCOME_ANSWER_WINDOW after that.
OUTCOME_ASK_DELAY = timedelta(days=2)
OUTCOME_ANSWER_WINDOW = timedelta(days=14)


COURSE_KINDS = (NotificationKind.COURSE_BOOKED, NotificationKind.COURSE_CANCELLED)
# A course's email lists [booking id, sequence]; [LEFT_OUT, position] is a session of the
# course that was not booked (no booking has id 0).
LEFT_OUT = 0


def _next_sequence(booking: Booking) -> int:
    current = Notification.objects.for_booking(booking).aggregate(top=Max("calendar_sequence"))[
        "top"
    ]
    if booking.course_id is not None:
        # A course's email carries this session's event too, at a sequence of its own.
        for listed in Notification.objects.filter(
            booking__course_id=booking.course_id, kind__in=COURSE_KINDS
        ).values_list("course_sessions", flat=True):
            for booking_id, sequence in listed:
                if booking_id == booking.pk:
                    current = sequence if current is None else max(current, sequence)
    return 0 if current is None else current + 1


def _current_sequence(booking: Booking) -> int:
    return max(_next_sequence(booking) - 1, 0)


def _message(
    booking: Booking,
    kind: NotificationKind,
    *,
    scheduled_for: datetime,
    sequence: int = 0,
    channel: NotificationChannel = NotificationChannel.EMAIL,
    recipient: str = "",
    previous_start: datetime | None = None,
    course_sessions: list[list[int]] | None = None,
) -> Notification:
    """A message not yet saved: `_queue_all` saves several in one statement."""
    if not recipient:
        clinic = kind in rendering.CLINIC_KINDS
        recipient = settings.FRONT_DESK_EMAIL if clinic else booking.client_email
    return Notification(
        booking=booking,
        kind=kind,
        channel=channel,
        recipient=recipient,
        session_start=booking.start,
        previous_start=previous_start,
        calendar_sequence=sequence,
        scheduled_for=scheduled_for,
        course_sessions=course_sessions or [],
    )


def _queue_all(messages: list[Notification]) -> None:
    for notification in Notification.objects.bulk_create(messages):
        deliver_on_commit(notification.pk)


def _queue(
    booking: Booking,
    kind: NotificationKind,
    *,
    scheduled_for: datetime,
    sequence: int = 0,
    channel: NotificationChannel = NotificationChannel.EMAIL,
    recipient: str = "",
    previous_start: datetime | None = None,
    course_sessions: list[list[int]] | None = None,
) -> Notification:
    notification = _message(
        booking,
        kind,
        scheduled_for=scheduled_for,
        sequence=sequence,
        channel=channel,
        recipient=recipient,
        previous_start=previous_start,
        course_sessions=course_sessions,
    )
    notification.save()
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
    transaction.on_commit(lambda: outbox.deliver(notification_id, now=timezone.now()), robust=True)


def text_number(booking: Booking) -> str | None:
    """Where a client who asked for texts gets them: their number in E.164, or None."""
    if not booking.sms_opt_in:
        return None
    return phones.to_e164(booking.client_phone)


def _queue_reminder(booking: Booking, now: datetime) -> None:
    _queue_all(_reminders(booking, now, rules=ClinicRules.load()))


def _reminders(
    booking: Booking, now: datetime, *, rules: ClinicRules, sequence: int | None = None
) -> list[Notification]:
    """The reminders, unsaved; `sequence`: the calendar entry's current one, when the
    caller knows it (it has just queued it), else read."""
    remind_at = booking.start - timedelta(hours=rules.reminder_hours_before)
    if remind_at <= now:
        return []
    messages = []
    if booking.client_email:
        messages.append(
            _message(
                booking,
                NotificationKind.REMINDER,
                scheduled_for=remind_at,
                sequence=_current_sequence(booking) if sequence is None else sequence,
            )
        )
    number = text_number(booking)
    if number:
        messages.append(
            _message(
                booking,
                NotificationKind.REMINDER,
                scheduled_for=remind_at,
                channel=NotificationChannel.SMS,
                recipient=number,
            )
        )
    return messages


def _drop_pending_reminders(*bookings: Booking) -> None:
    Notification.objects.filter(booking__in=bookings).pending().filter(
        kind__in=[NotificationKind.REMINDER, NotificationKind.OUTCOME_ASK]
    ).update(status=NotificationStatus.SKIPPED)


def _queue_outcome_ask(booking: Booking) -> None:
    _queue_all(_outcome_ask(booking))


def _outcome_ask(booking: Booking, *, created: bool = False) -> list[Notification]:
    """The "How is your back today?" email, two days after the session ends, unsaved,
    with its request saved (`created`: the booking is new in this transaction, so it
    has none yet).

    Queued with the booking (and again when it moves) rather than when staff mark it
    completed, so a session nobody marked still gets one; deliver() skips it if the
    session was cancelled, a no-show or moved by then. No email address, no ask.
    """
    if not booking.client_email:
        return []
    ask_at = booking.end + OUTCOME_ASK_DELAY
    expires = {"expires": ask_at + OUTCOME_ANSWER_WINDOW}
    # The baseline is the intake as it was when booked: a moved session keeps it.
    baseline = intake_baseline(booking.intake_answers)
    if created:
        OutcomeRequest.objects.create(booking=booking, **expires, **baseline)
    else:
        OutcomeRequest.objects.update_or_create(
            booking=booking, defaults=expires, create_defaults=expires | baseline
        )
    return [_message(booking, NotificationKind.OUTCOME_ASK, scheduled_for=ask_at)]


# A booking made by staff for a client without email still gets the clinic's note
# and, if they asked, the text reminder.


def notify_booked(
    booking: Booking, *, now: datetime, rules: ClinicRules | None = None, created: bool = False
) -> None:
    """`rules`: the clinic rules the caller has read in this transaction; `created`: the
    booking was made in this transaction (`book_session`), so nothing was queued for it
    yet. All its messages are saved in one statement."""
    _queue_all(
        _confirmed(booking, now=now, sequence=0, rules=rules or ClinicRules.load())
        + _outcome_ask(booking, created=created)
    )


def _queue_confirmed(booking: Booking, *, now: datetime, sequence: int) -> None:
    _queue_all(_confirmed(booking, now=now, sequence=sequence, rules=ClinicRules.load()))


def _confirmed(
    booking: Booking, *, now: datetime, sequence: int, rules: ClinicRules
) -> list[Notification]:
    """The client's confirmation (its calendar entry at `sequence`), the clinic's note
    and the reminder, unsaved."""
    messages = []
    if booking.client_email:
        messages.append(
            _message(booking, NotificationKind.CONFIRMATION, scheduled_for=now, sequence=sequence)
        )
    messages.append(_message(booking, NotificationKind.CLINIC_BOOKED, scheduled_for=now))
    # The reminder names the confirmation's calendar entry, queued just above.
    return messages + _reminders(booking, now, rules=rules, sequence=sequence)


def notify_course_booked(
    course: Course, sessions: Sequence[Booking], *, now: datetime, left_out: Sequence[int] = ()
) -> None:
    """A course booked from its first session (`sessions[0]`, confirmed already): ONE
    email listing every date with one calendar file (an event per session, each with the
    session's own UID), and per new session the clinic's note, the reminders and the
    outcome question, as for any booking. No confirmation per session. `left_out`: the
    positions of the course not booked, listed as [LEFT_OUT, position] so the email
    says to phone for them."""
    source, *added = sessions
    rules = ClinicRules.load()
    # New in this transaction: nothing queued for them yet (calendar sequence 0, no
    # outcome request), so every session's messages go in one statement.
    _queue_all(
        [
            message
            for session in added
            for message in _reminders(session, now, rules=rules, sequence=0)
            + _outcome_ask(session, created=True)
        ]
    )
    # One note to the desk for the course, listing its new sessions, not one a session.
    _queue(
        source,
        NotificationKind.CLINIC_BOOKED,
        scheduled_for=now,
        course_sessions=[[s.pk, 0] for s in added],
    )
    if source.client_email:
        sequence = _current_sequence(source)
        _queue(
            source,
            NotificationKind.COURSE_BOOKED,
            scheduled_for=now,
            sequence=sequence,
            course_sessions=[[source.pk, sequence]]
            + [[s.pk, 0] for s in added]
            + [[LEFT_OUT, position] for position in left_out],
        )


def notify_course_cancelled(sessions: Sequence[Booking], *, now: datetime) -> None:
    """Several sessions of a course cancelled at once: ONE email listing them, with a
    calendar file cancelling each event (its UID, a sequence above its last), attached
    to the first; the clinic's note per session; their reminders dropped. The email
    says sorry when the clinic cancelled (`cancelled_by`, with its message to the client;
    staff cancelling because the client asked keep no message)."""
    _drop_pending_reminders(*sessions)
    first = sessions[0]
    # One note to the desk listing the sessions, not one a session.
    _queue(
        first,
        NotificationKind.CLINIC_CANCELLED,
        scheduled_for=now,
        course_sessions=[[s.pk, 0] for s in sessions],
    )
    if first.client_email:
        listed = [[s.pk, _next_sequence(s)] for s in sessions]
        _queue(
            first,
            NotificationKind.COURSE_CANCELLED,
            scheduled_for=now,
            sequence=listed[0][1],
            course_sessions=listed,
        )


def notify_payment(booking: Booking, kind: NotificationKind, *, now: datetime) -> None:
    """A payment's email to the client (bookings/payments: receipt, refund, a time
    released unpaid), if they gave an email. None to an erased client: a refund the
    erasure's cancellation owes is still made, but their address is gone."""
    if booking.client_email and booking.client_name != ERASED_NAME:
        _queue(booking, kind, scheduled_for=now)


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


def notify_home_care(booking: Booking, *, now: datetime) -> bool:
    """Tell the client their therapist wrote a home-care plan: the email links to it
    behind the booking's private link and never holds the plan itself (health data).
    False when the client has no email address to tell."""
    if not booking.client_email:
        return False
    _queue(booking, NotificationKind.HOME_CARE, scheduled_for=now)
    return True


def notify_safety_recheck(booking: Booking, *, scheduled_for: datetime) -> Notification:
    """Ask a course's client to answer the safety questions again before this session
    (bookings/booking/recheck.py): the email links to the page behind the booking's
    private link and says nothing about their health."""
    return _queue(booking, NotificationKind.SAFETY_RECHECK, scheduled_for=scheduled_for)


def queue_confirmation_again(booking: Booking, *, now: datetime) -> Notification:
    return _queue(
        booking,
        NotificationKind.CONFIRMATION,
        scheduled_for=now,
        sequence=_current_sequence(booking),
    )


def send_again(notification: Notification, *, now: datetime | None = None) -> Notification | None:
    """Staff's resend of a failed or "delivery unknown" message: a new message, so the
    history keeps both. None when the booking has moved on and it no longer applies."""
    now = now or timezone.now()
    with transaction.atomic():
        old = Notification.objects.select_for_update().get(pk=notification.pk)
        if old.status not in (NotificationStatus.FAILED, NotificationStatus.UNKNOWN):
            return None
        if old.booking_id is None:
            return None
        if outbox.no_longer_needed(old, now):
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
            course_sessions=old.course_sessions,
        )
