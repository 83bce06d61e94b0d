"""The outcomes' part of a client's export and erasure (privacy.EXPORT_PARTS and
ERASE_PARTS), and their retention: the 0-10 answers a client gave after their sessions,
with the intake baseline each is compared with (pain score, where it hurts, what it
feels like)."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q

from bookings.models import Client, FunctionScore, OutcomeRequest
from bookings.privacy.retention import purge_past_retention
from bookings.records.access import HealthDataRule

# A request holds health data once it keeps a baseline or an answer; one with neither
# is only a link.
HOLDS_HEALTH_DATA = (
    Q(score__isnull=False)
    | Q(intake_score__isnull=False)
    | ~Q(intake_areas=[])
    | ~Q(intake_feelings=[])
)


def export_outcomes(client: Client, rule: HealthDataRule) -> dict[str, Any]:
    """The client's scores and baselines the reader may read (the pain chart's rule)."""
    kept = (
        rule.outcomes()
        .filter(booking__client=client)
        .filter(HOLDS_HEALTH_DATA)
        .order_by("booking__start", "pk")
        .values_list(
            "booking__reference",
            "booking__start",
            "intake_score",
            "intake_areas",
            "intake_feelings",
            "score",
            "answered_at",
        )
    )
    activities = (
        FunctionScore.objects.filter(
            activity__client=client, outcome__in=rule.outcomes().values("pk")
        )
        .order_by("activity__named_at", "activity_id", "answered_at")
        .values_list("activity__name", "score", "answered_at")
    )
    return {
        "everyday_activities_0_to_10": [
            {"activity": name, "able_0_to_10": score, "answered_at": answered_at.isoformat()}
            for name, score, answered_at in activities
        ],
        "outcome_scores": [
            {
                "booking": reference,
                "session_start": start.isoformat(),
                "intake_pain_0_to_10": intake_score,
                "intake_areas": list(areas),
                "intake_feelings": list(feelings),
                "how_is_your_back_0_to_10": score,
                "answered_at": answered_at.isoformat() if answered_at else None,
            }
            for reference, start, intake_score, areas, feelings, score, answered_at in kept
        ],
    }


def erase_outcomes(client: Client, now: datetime) -> None:
    """Delete the client's outcome answers, baselines and links: a score is health data,
    and an anonymous one has no use the report could not do without."""
    OutcomeRequest.objects.filter(booking__client=client).delete()


def erase_booking_outcomes(booking_ids: Iterable[int]) -> None:
    """The same for bookings erased by their email address."""
    OutcomeRequest.objects.filter(booking__in=list(booking_ids)).delete()


def purge_outcomes(*, years: int, now: datetime) -> int:
    """Delete the outcome requests (answers and baselines) of clients whose last visit
    ended over `years` years ago, as treatment notes are. Returns how many."""
    return purge_past_retention(OutcomeRequest.objects.all(), years=years, now=now)
