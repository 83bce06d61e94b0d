"""When a course's safety answers are too old for one of its sessions, and what clears
that: plain datetimes in, plain answers out (bookings/booking/recheck.py reads the rows).

A course rests on the answers its first booking was made with (`Course.answers_at`). A
session starting more than the clinic's interval after them needs the questions asked
again: by the client behind the manage link (a clear answer moves `answers_at` on), or
by the therapist at the desk (the booking's recorded safety check)."""

from datetime import datetime, timedelta
from enum import StrEnum

# The re-check email goes this long before the first session that needs it, or at once
# when the course is booked later than that.
EMAIL_LEAD = timedelta(days=3)


class Need(StrEnum):
    """What a course session needs before it starts."""

    NOTHING = "nothing"
    DUE = "due"
    CHANGED = "changed"
    EMERGENCY = "emergency"


def answers_last_until(answers_at: datetime, interval_days: int) -> datetime:
    return answers_at + timedelta(days=interval_days)


def is_due(start: datetime, answers_at: datetime, interval_days: int) -> bool:
    """A session starting exactly one interval after the answers is still covered."""
    return start > answers_last_until(answers_at, interval_days)


def email_time(start: datetime, now: datetime) -> datetime:
    return max(now, start - EMAIL_LEAD)


def flagged(result: str, reported_at: datetime | None, answers_at: datetime) -> bool:
    """The client's last re-check reported a change or an emergency sign, and has not
    been answered clear since (a clear answer moves `answers_at` to its own time)."""
    return (
        result in (Need.CHANGED, Need.EMERGENCY)
        and reported_at is not None
        and reported_at >= answers_at
    )


def session_need(
    *,
    start: datetime,
    answers_at: datetime,
    interval_days: int,
    result: str,
    reported_at: datetime | None,
    checked_at: datetime | None,
) -> Need:
    """What the session needs, given the course's answers and re-check and the booking's
    own safety check at the desk. A desk check counts once it is recent enough for the
    session (within the interval before it) and later than what the client reported."""
    is_flagged = flagged(result, reported_at, answers_at)
    due = is_due(start, answers_at, interval_days)
    if not (due or is_flagged):
        return Need.NOTHING
    earliest = start - timedelta(days=interval_days)
    if is_flagged and reported_at is not None:
        earliest = max(earliest, reported_at)
    if checked_at is not None and checked_at >= earliest:
        return Need.NOTHING
    if is_flagged:
        return Need(result)
    return Need.DUE


def email_still_needed(
    *,
    confirmed: bool,
    start: datetime,
    now: datetime,
    answers_at: datetime,
    interval_days: int,
    reported_at: datetime | None,
    queued_at: datetime,
    checked_at: datetime | None,
) -> bool:
    """At send time: skipped once the session is gone or past, once the client answered
    (whatever they said) after the email was queued, or once the answers cover the
    session again or the desk asked the questions already."""
    if not confirmed or start <= now:
        return False
    if reported_at is not None and reported_at > queued_at:
        return False
    if not is_due(start, answers_at, interval_days):
        return False
    return checked_at is None or checked_at < start - timedelta(days=interval_days)
