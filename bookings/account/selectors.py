"""What "My bookings" reads: whether a sign-in link works; then the client's own
sessions, pain chart, last answers and the trail of staff looks at their record. Each of
those takes the signed-in client and goes no further than their record (and the
duplicates merged into it)."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from bookings.booking.selectors import course_marks as marks_of
from bookings.intake.answers import IntakeAnswers
from bookings.models import (
    Booking,
    BookingQuerySet,
    Client,
    ClinicRules,
    Payment,
    SignInLink,
    TrailNames,
)
from bookings.models.accounts import token_digest
from bookings.privacy import looks
from bookings.records import pain_chart
from bookings.records.selectors import ClientHistory, client_history, client_pain_series
from bookings.scheduling.selectors import clinic_zone
from clinic.roles import CLINICAL_LEADS, FRONT_DESK, THERAPISTS

# A token is a SHA-256 HMAC in hex (SignInLink.token).
TOKEN_LENGTH = 64

# The newest looks shown; the clinic's own trail keeps them all.
TRAIL_SHOWN = 100

# Most specific first: a clinical lead who also treats reads as a clinical lead.
ROLE_NAMES = (
    (CLINICAL_LEADS, "A clinical lead"),
    (THERAPISTS, "A therapist"),
    (FRONT_DESK, "Front desk"),
)

# What they did, in the client's words (privacy/looks.py names it for staff): the words
# after who did it ("A therapist opened your pain chart").
LOOKED_AT = {
    looks.Look.BOOKING: "opened your health answers",
    looks.Look.NOTE: "opened a treatment note",
    looks.Look.CLIENT_NOTES: "opened your treatment notes",
    looks.Look.CLIENT_OUTCOMES: "opened your pain chart",
    looks.Look.EXPORT: "downloaded your record",
    looks.Look.MARK_LIST: "saw your booking's safety mark on the list of bookings",
    looks.Look.MARK_DAY: "saw your booking's safety mark on the day's schedule",
    looks.Look.MARK_WEEK: "saw your booking's safety mark on the week's schedule",
}


def link_works(token: str, now: datetime) -> bool:
    """Whether a sign-in link would sign someone in: a read, so opening the link (or a
    mail scanner fetching it) spends nothing."""
    if len(token) != TOKEN_LENGTH:
        return False
    return SignInLink.objects.usable(now).filter(token_digest=token_digest(token)).exists()


def record_ids(client: Client) -> list[int]:
    """The client's record and the duplicates merged into it."""
    merged = Client.objects.filter(merged_into=client).values_list("pk", flat=True)
    return [client.pk, *merged]


def own_bookings(client: Client) -> BookingQuerySet:
    return Booking.objects.filter(client_id__in=record_ids(client))


def own_booking(client: Client, reference: str) -> Booking | None:
    """One of the client's bookings by its reference; None for anyone else's."""
    found: Booking | None = (
        own_bookings(client)
        .filter(reference=reference.upper())
        .select_related("technique", "therapist")
        .first()
    )
    return found


def with_receipt(client: Client) -> set[int]:
    """The client's bookings with money moved (a payment, a fee, a refund): each has a
    printable receipt."""
    moved = Payment.objects.succeeded().filter(booking__client_id__in=record_ids(client))
    return set(moved.values_list("booking_id", flat=True))


def history(client: Client, now: datetime) -> ClientHistory:
    return client_history(client.pk, now=now)


def course_marks(history: ClientHistory) -> dict[int, str]:
    """ "3 of 6" for each of the client's sessions that is part of a course."""
    ids = [s.booking_id for s in (*history.upcoming, *history.past)]
    return marks_of(Booking.objects.filter(pk__in=ids).only("pk", "course_id"))


def book_again_ids(history: ClientHistory) -> set[int]:
    """The past sessions offered "book this again": the latest of each technique,
    therapist and length, so ten sessions of one kind offer it once."""
    latest: dict[tuple[int, int, int], int] = {}
    for session in history.past:  # newest first
        key = (session.technique_id, session.therapist_id, session.length_minutes)
        latest.setdefault(key, session.booking_id)
    return set(latest.values())


@dataclass(frozen=True)
class PainChart:
    svg: str
    summary: str
    points: list[pain_chart.PainPoint]


def pain(client: Client) -> PainChart:
    """Their pain over time: the chart staff see on the client page, without a look on
    the trail (the client is the reader)."""
    points = client_pain_series(client.pk)
    return PainChart(
        svg=pain_chart.pain_chart_svg(points), summary=pain_chart.summary(points), points=points
    )


def last_answers(client: Client) -> IntakeAnswers | None:
    """The answers kept with their latest session (kept only with their consent), ready
    to reuse: everything about safety is cleared, so each safety question is asked
    again before any time is shown."""
    kept = (
        own_bookings(client)
        .filter(intake_answers__isnull=False)
        .order_by("-start", "-pk")
        .values_list("intake_answers", flat=True)
        .first()
    )
    if not isinstance(kept, dict):
        return None
    return without_safety(IntakeAnswers.from_dict(kept))


def without_safety(answers: IntakeAnswers) -> IntakeAnswers:
    return replace(
        answers,
        conditions=(),
        risk_factors=(),
        warning_signs=(),
        text_checked=(),
        screened=False,
    )


@dataclass(frozen=True)
class TrailLine:
    at: datetime
    who: str
    what: str
    session_day: date | None


def trail(client: Client) -> list[TrailLine]:
    """Who at the clinic opened the client's health answers and notes, and when: newest
    first, named by role or first name as the clinic's rules choose."""
    by_first_name = ClinicRules.load().trail_names == TrailNames.FIRST_NAME
    entries = list(
        looks.looks_at(client)
        .select_related("actor")
        .prefetch_related("actor__groups")
        .order_by("-timestamp", "-pk")[:TRAIL_SHOWN]
    )
    booking_ids = {e.additional_data.get("booking") for e in entries if e.additional_data}
    starts = dict(
        own_bookings(client).filter(pk__in=booking_ids - {None}).values_list("pk", "start")
    )
    zone = clinic_zone()
    lines = []
    for entry in entries:
        facts: dict[str, Any] = entry.additional_data or {}
        booking_id = facts.get("booking")
        start = starts.get(booking_id) if isinstance(booking_id, int) else None
        lines.append(
            TrailLine(
                at=timezone.localtime(entry.timestamp, zone),
                who=_who(entry.actor, by_first_name=by_first_name),
                what=LOOKED_AT.get(facts.get("what", ""), "opened your health data"),
                session_day=start.astimezone(zone).date() if start else None,
            )
        )
    return lines


def _who(user: Any, *, by_first_name: bool) -> str:
    if user is None:
        return "A former member of staff"
    if by_first_name and user.first_name.strip():
        return str(user.first_name.strip().split()[0])
    groups = {g.name for g in user.groups.all()}
    for group, label in ROLE_NAMES:
        if group in groups:
            return label
    return "The clinic's manager" if user.is_superuser else "A member of staff"
