from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bookings.models import (
    FUNCTION_ACTIVITIES_MAX,
    Booking,
    BookingStatus,
    Client,
    FunctionActivity,
    FunctionScore,
    OutcomeRequest,
)
from bookings.models.clients import ERASED_NAME
from bookings.records.outcome_report import SessionOutcome
from bookings.records.pain_chart import PainPoint
from bookings.records.responders import Band, Progress, SessionScores
from bookings.scheduling.selectors import clinic_zone
from clinic.display import clinic_date


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
    course_id: int | None = None
    # Its place in its course of care ("3 of 6"), filled in by the page that shows it.
    course_mark: str = ""


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
            course_id=b.course_id,
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
                f"After the session of {clinic_date(session_day, zone)}",
            )
        )
    return answers if intake is None else [intake, *answers]


def session_outcomes() -> list[SessionOutcome]:
    """Every answered outcome whose request keeps its intake pain score, as plain values
    for the pure `outcome_report`. One query. The outcomes page counts in SQL instead
    (records/outcome_figures.py); this path is the test oracle it is held to."""
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


# Responders: is the client getting better? (records/responders.py) -----------------

# The answers read together as one course of care: a client back after a long gap
# starts again from the intake of their return.
EPISODE_DAYS = 180


@dataclass(frozen=True)
class ClientProgress:
    client_id: int
    client_name: str
    therapist: str
    since: datetime
    progress: Progress


def _progress_rows(readable: QuerySet[OutcomeRequest], now: datetime) -> QuerySet[OutcomeRequest]:
    return (
        readable.filter(booking__start__gte=now - timedelta(days=EPISODE_DAYS))
        .filter(booking__client__isnull=False)
        .filter(Q(intake_score__isnull=False) | Q(score__isnull=False))
        .order_by("booking__client_id", "booking__start", "pk")
    )


def _progresses(rows: Iterable[tuple[Any, ...]]) -> list[ClientProgress]:
    """Rows in client, then session order. The therapist named is the latest session's."""
    first: dict[int, tuple[str, datetime, int]] = {}
    therapists: dict[int, str] = {}
    scores: dict[int, list[int]] = {}
    for client_id, name, therapist, start, intake_score, score in rows:
        if client_id not in first:
            if intake_score is None:
                continue  # no baseline yet: answers before it cannot be read
            first[client_id] = (name, start, intake_score)
            scores[client_id] = []
        therapists[client_id] = therapist
        if score is not None:
            scores[client_id].append(score)
    return [
        ClientProgress(
            client_id=client_id,
            client_name=name,
            therapist=therapists[client_id],
            since=since,
            progress=Progress(baseline, tuple(scores[client_id])),
        )
        for client_id, (name, since, baseline) in first.items()
    ]


_PROGRESS_FIELDS = (
    "booking__client_id",
    "booking__client__name",
    "booking__therapist__display_name",
    "booking__start",
    "intake_score",
    "score",
)


def client_progress(
    client_id: int, *, readable: QuerySet[OutcomeRequest], now: datetime | None = None
) -> ClientProgress | None:
    """The client's answers of the last EPISODE_DAYS against the first intake score among
    them, or None without a baseline. One query."""
    rows = _progress_rows(readable, now or timezone.now()).filter(booking__client_id=client_id)
    found = _progresses(rows.values_list(*_PROGRESS_FIELDS))
    return found[0] if found else None


def clients_to_review(
    *, readable: QuerySet[OutcomeRequest], now: datetime | None = None
) -> list[ClientProgress]:
    """The clients (among those the viewer may read) whose answers say review: worse by 2
    or more, or REVIEW_AFTER answers without a clinically important improvement. The
    worse first, then the longest without improvement. One query."""
    rows = _progress_rows(readable, now or timezone.now()).values_list(*_PROGRESS_FIELDS)
    flagged = [p for p in _progresses(rows) if p.progress.needs_review]
    return sorted(
        flagged,
        key=lambda p: (p.progress.band is not Band.WORSE, -len(p.progress.scores), p.client_name),
    )


def session_scores() -> list[SessionScores]:
    """Every outcome request with a kept intake score or an answer, in session order, for
    the pure `responder_rates`. One query. The outcomes page counts in SQL instead
    (records/outcome_figures.py); this path is the test oracle it is held to."""
    rows = (
        OutcomeRequest.objects.filter(booking__client__isnull=False)
        .filter(Q(intake_score__isnull=False) | Q(score__isnull=False))
        .order_by("booking__start", "pk")
        .values_list(
            "booking__client_id",
            "booking__technique__name",
            "intake_score",
            "score",
            "intake_areas",
        )
    )
    return [
        SessionScores(client_id, technique, intake, score, tuple(areas or ()))
        for client_id, technique, intake, score, areas in rows
    ]


# Everyday activities (the Patient-Specific Functional Scale) -----------------------

# Asked with the first answer, then with every third outcome answer after it.
FUNCTION_EVERY = 3


def function_due(outcome: OutcomeRequest) -> list[FunctionActivity] | None:
    """What the activity questions ask with this (answered) outcome: [] to name up to
    three activities, the client's activities to score again, or None when not due
    (not answered, no client record, already given, or not the third answer yet)."""
    client_id = outcome.booking.client_id
    if outcome.score is None or client_id is None:
        return None
    if FunctionScore.objects.filter(outcome=outcome).exists():
        return None
    activities = list(
        FunctionActivity.objects.filter(client_id=client_id).order_by("-named_at", "-pk")[
            :FUNCTION_ACTIVITIES_MAX
        ]
    )
    if not activities:
        return []
    # Counted in session order: the answers to sessions after the last scored one's.
    last_scored = (
        FunctionScore.objects.filter(activity__client_id=client_id)
        .order_by("-outcome__booking__start")
        .values_list("outcome__booking__start", flat=True)
        .first()
    )
    answers_since = OutcomeRequest.objects.answered().filter(booking__client_id=client_id)
    if last_scored is not None:
        answers_since = answers_since.filter(booking__start__gt=last_scored)
    if answers_since.count() < FUNCTION_EVERY:
        return None
    return activities[::-1]


@dataclass(frozen=True)
class ActivityScores:
    name: str
    scores: tuple[tuple[datetime, int], ...]
    """(answered at, 0-10), oldest first."""

    @property
    def change(self) -> int | None:
        if len(self.scores) < 2:
            return None
        return self.scores[-1][1] - self.scores[0][1]


def function_series(client_id: int, *, readable: QuerySet[OutcomeRequest]) -> list[ActivityScores]:
    """The client's activities and their scores over time, as far as the viewer may read
    the outcome answers. One query."""
    rows = (
        FunctionScore.objects.filter(
            activity__client_id=client_id, outcome__in=readable.values("pk")
        )
        .order_by("activity__named_at", "activity_id", "answered_at")
        .values_list("activity_id", "activity__name", "answered_at", "score")
    )
    found: dict[int, tuple[str, list[tuple[datetime, int]]]] = {}
    for activity_id, name, answered_at, score in rows:
        found.setdefault(activity_id, (name, []))[1].append((answered_at, score))
    return [ActivityScores(name, tuple(scores)) for name, scores in found.values()]


def _same_name_query(name: str) -> Q:
    words = name.split()
    return Q(name__iexact=" ".join(words)) if words else Q(pk__in=[])


def same_person_candidates(
    *, name: str, phone: str, date_of_birth: date | None = None, leaving_out: int | None = None
) -> list[Client]:
    """Current records that may be this person: the same phone (E.164), or the same
    name (any case, spaces squeezed) and date of birth. What the desk is asked about
    before a new record is made; never shown to the public."""
    match = Q(phone=phone) if phone else Q(pk__in=[])
    if date_of_birth is not None:
        match |= _same_name_query(name) & Q(date_of_birth=date_of_birth)
    found = Client.objects.current().filter(match).exclude(name=ERASED_NAME)
    if leaving_out is not None:
        found = found.exclude(pk=leaving_out)
    return list(found.order_by("name", "pk")[:5])


def shares_a_phone() -> Q:
    """Records whose phone another current record holds: the client list's "Possible
    duplicates" filter, for what online bookings made (they never ask the public)."""
    others = Client.objects.current().filter(phone=OuterRef("phone")).exclude(pk=OuterRef("pk"))
    return ~Q(phone="") & Q(Exists(others))
