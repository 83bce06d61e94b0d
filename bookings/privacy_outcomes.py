"""The outcomes' part of a client's export and erasure (privacy.EXPORT_PARTS and
ERASE_PARTS): the 0-10 answers a client gave after their sessions."""

from datetime import datetime
from typing import Any

from .models import Client, OutcomeRequest


def export_outcomes(client: Client) -> dict[str, Any]:
    answered = (
        OutcomeRequest.objects.answered()
        .filter(booking__client=client)
        .order_by("booking__start")
        .values_list("booking__reference", "booking__start", "score", "answered_at")
    )
    return {
        "outcome_scores": [
            {
                "booking": reference,
                "session_start": start.isoformat(),
                "how_is_your_back_0_to_10": score,
                "answered_at": answered_at.isoformat() if answered_at else None,
            }
            for reference, start, score, answered_at in answered
        ]
    }


def erase_outcomes(client: Client, now: datetime) -> None:
    """Delete the client's outcome answers and links: a score is health data, and an
    anonymous one has no use the report could not do without."""
    OutcomeRequest.objects.filter(booking__client=client).delete()
