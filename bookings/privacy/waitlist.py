"""The waitlist's part of a client's export and erasure (privacy.EXPORT_PARTS and
ERASE_PARTS): entries carry a name, contact details and the screened health answers.

Entries are not linked to a client record: they are the client's when they share its
email (any case) or its phone number, or led to one of its bookings.
"""

from datetime import datetime
from typing import Any

from django.db.models import Q

from bookings.models import Client, WaitlistEntry


def _entries_of(client: Client) -> Any:
    mine = Q(booking__client=client)
    if client.email:
        mine |= Q(client_email__iexact=client.email.strip())
    if client.phone:
        mine |= Q(client_phone=client.phone)
    return WaitlistEntry.objects.filter(mine)


def export_waitlist(client: Client) -> dict[str, Any]:
    return {
        "waitlist": [
            {
                "technique": entry.technique.name,
                "length_minutes": entry.length_minutes,
                "days": f"{entry.first_day.isoformat()} to {entry.last_day.isoformat()}",
                "parts_of_day": entry.parts_of_day,
                "status": entry.get_status_display(),
                "joined_at": entry.joined_at.isoformat(),
                "health_answers_kept": entry.intake_answers is not None,
            }
            for entry in _entries_of(client).select_related("technique").order_by("joined_at")
        ]
    }


def erase_waitlist(client: Client, now: datetime) -> None:
    """Delete the client's entries, their offers and the offers' messages: nothing on a
    waitlist is needed once the person has asked to be forgotten."""
    _entries_of(client).delete()
