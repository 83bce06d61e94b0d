from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from bookings.models import Booking, BookingStatus, OutcomeRequest
from bookings.records.outcome_report import (
    MIN_CLIENTS,
    Group,
    OutcomeReport,
    SessionOutcome,
    report_from_groups,
)
from bookings.records.pain_chart import PainPoint
from bookings.scheduling.selectors import clinic_zone


@dataclass(frozen=True)
class ClientSession:
    booking_id: int
    reference: str
    start: datetime
    therapist_id: int
    therapist: str
    technique_id: int
    technique: str
    length_minutes: int
    price: Decimal
    status: str
    status_label: str


@dataclass(frozen=True)
class ClientHistory:
    """A client's sessions: confirmed ones still to come (soonest first), and the rest
    (taken place, no-shows, cancellations), newest first."""

    upcoming: tuple[ClientSession, ...]
    past: tuple[ClientSession, ...]
    completed_count: int
    cancelled_count: int
    no_show_count: int

    @property
    def last_session(self) -> ClientSession | None:
        """What "book again" repeats: the latest session that was not cancelled."""
        held = [s for s in (*self.upcoming[::-1], *self.past) if s.status != "cancelled"]
        return held[0] if held else None


def client_history(client_id: int, *, now: datetime | None = None) -> ClientHistory:
    """One query, whatever the number of bookings."""
    now = now or timezone.now()
    sessions = [
        ClientSession(
            booking_id=b.pk,
            reference=b.reference,
            start=b.start,
            therapist_id=b.therapist_id,
            therapist=b.therapist.display_name,
            technique_id=b.technique_id,
            technique=b.technique.name,
            length_minutes=b.length_minutes,
            price=b.price,
            status=b.status,
            status_label=b.get_status_display(),
        )
        for b in Booking.objects.filter(client_id=client_id)
        .select_related("therapist", "technique")
        .order_by("start", "pk")
    ]
    upcoming = [s for s in sessions if s.status == BookingStatus.CONFIRMED and s.start >= now]
    upcoming_ids = {s.booking_id for s in upcoming}
    past = [s for s in reversed(sessions) if s.booking_id not in upcoming_ids]
    return ClientHistory(
        upcoming=tuple(upcoming),
        past=tuple(past),
        completed_count=sum(s.status == BookingStatus.COMPLETED for s in sessions),
        cancelled_count=sum(s.status == BookingStatus.CANCELLED for s in sessions),
        no_show_count=sum(s.status == BookingStatus.NO_SHOW for s in sessions),
    )


# Outcomes: the client's pain over time and the clinical leads' report ------------


def client_pain_series(
    client_id: int, *, readable: QuerySet[OutcomeRequest] | None = None
) -> list[PainPoint]:
    """The client's first intake pain score (the baseline kept with the earliest
    session's outcome request that has one), then each session's answer to the outcome
    question, oldest first. One query. `readable`: the outcome requests the viewer may
    read (records/access.py); the client page always passes them."""
    zone = clinic_zone()
    intake: PainPoint | None = None
    answers: list[PainPoint] = []
    rows = (
        (OutcomeRequest.objects.all() if readable is None else readable)
        .filter(booking__client_id=client_id)
        .filter(Q(intake_score__isnull=False) | Q(score__isnull=False))
        .order_by("booking__start", "pk")
        .values_list("booking__start", "intake_score", "answered_at", "score")
    )
    for session_start, intake_score, answered_at, score in rows:
        session_day = session_start.astimezone(zone).date()
        if intake_score is not None and intake is None:
            intake = PainPoint(session_day, intake_score, "Intake")
        if answered_at is None or score is None:
            continue
        answers.append(
            PainPoint(
                answered_at.astimezone(zone).date(),
                score,
                f"After the session of {session_day.day} {session_day:%B}",
            )
        )
    return answers if intake is None else [intake, *answers]


def session_outcomes() -> list[SessionOutcome]:
    """Every answered outcome whose request keeps its intake pain score, as plain values
    for the outcomes report. One query."""
    rows = (
        OutcomeRequest.objects.answered()
        .filter(intake_score__isnull=False)
        .values_list(
            "booking__client_id",
            "booking_id",
            "booking__technique__name",
            "intake_score",
            "intake_areas",
            "intake_feelings",
            "score",
        )
    )
    outcomes = []
    for client_id, booking_id, technique, intake_score, areas, feelings, score in rows:
        if intake_score is None or score is None:
            continue
        outcomes.append(
            SessionOutcome(
                # A booking without a client (none should be left) counts as its own client.
                client_id=client_id if client_id is not None else -booking_id,
                technique=technique,
                intake_score=intake_score,
                outcome_score=score,
                areas=tuple(areas or ()),
                feelings=tuple(feelings or ()),
            )
        )
    return outcomes


# The outcomes report, added up by the database: the same figures as
# outcome_report(session_outcomes()) without reading every answer into Python.
# A booking without a client counts as its own client, as in session_outcomes.
_ANSWERED = "o.score IS NOT NULL AND o.intake_score IS NOT NULL"
_CLIENT = "COALESCE(b.client_id, -b.id)"
_ELEMENTS = {
    "postgresql": "jsonb_array_elements_text(o.{field}) AS a(value)",
    "sqlite": "json_each(o.{field}) AS a",
}


def _rows(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def _grouped(rows: list[tuple[Any, ...]]) -> dict[str, Group]:
    return {str(key): Group(int(c), int(s), int(t or 0)) for key, c, s, t in rows}


def _from(extra: str = "") -> str:
    # Constant SQL only: the names come from this module, never from a request.
    return (
        "FROM bookings_outcomerequest o JOIN bookings_booking b ON b.id = o.booking_id"
        f"{extra} WHERE {_ANSWERED}"
    )


def outcome_groups_report(*, min_clients: int = MIN_CLIENTS) -> OutcomeReport:
    """The outcomes report in four grouped queries (overall, by technique, by area, by
    feeling); each answer's codes counted once, as the pure report does."""
    figures = f"COUNT(DISTINCT {_CLIENT}), COUNT(*), SUM(o.score - o.intake_score)"
    [(clients, sessions, total)] = _rows(f"SELECT {figures} {_from()}")
    technique = " JOIN catalog_technique t ON t.id = b.technique_id"
    by_technique = _grouped(_rows(f"SELECT t.name, {figures} {_from(technique)} GROUP BY t.name"))
    elements = _ELEMENTS.get(connection.vendor, _ELEMENTS["sqlite"])

    def by(field: str) -> dict[str, Group]:
        # One row per answer and code (DISTINCT: a code listed twice counts once).
        each = f", {elements.format(field=field)}"
        pairs = (
            f"SELECT DISTINCT o.id AS oid, a.value AS code, {_CLIENT} AS who, "
            f"o.score - o.intake_score AS change {_from(each)}"
        )
        grouped = "SELECT code, COUNT(DISTINCT who), COUNT(*), SUM(change)"
        return _grouped(_rows(f"{grouped} FROM ({pairs}) p GROUP BY code"))

    return report_from_groups(
        overall=Group(int(clients), int(sessions), int(total or 0)),
        by_technique=by_technique,
        by_area=by("intake_areas"),
        by_feeling=by("intake_feelings"),
        min_clients=min_clients,
    )
