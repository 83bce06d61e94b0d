"""The waitlist's part of a client's export and erasure (privacy.EXPORT_PARTS and
ERASE_PARTS): entries carry a name, contact details and the screened health answers.

Entries are not linked to a client record, so they are matched to the person exactly,
never by a phone number (families share one): an entry is the client's when it led to
one of their bookings, or carries their email (any case) and no other current record
holds that address. A household address (two records, one inbox) matches only the
entries that also bear the client's name.
"""

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from bookings.models import Client, WaitlistEntry
from bookings.records.access import HealthDataRule


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def entries_of(client: Client) -> QuerySet[WaitlistEntry]:
    """The client's own waitlist entries (and those of duplicates merged into them)."""
    mine = Q(booking__client=client) | Q(booking__client__merged_into=client)
    email = client.email.strip()
    if not email:
        return WaitlistEntry.objects.filter(mine)
    ours = [client.pk, *Client.objects.filter(merged_into=client).values_list("pk", flat=True)]
    others = Client.objects.current().filter(email__iexact=email).exclude(pk__in=ours)
    by_email = WaitlistEntry.objects.filter(client_email__iexact=email)
    if not others.exists():
        return WaitlistEntry.objects.filter(mine | Q(pk__in=by_email.values("pk")))
    named = [e.pk for e in by_email if _same_name(e.client_name) == _same_name(client.name)]
    return WaitlistEntry.objects.filter(mine | Q(pk__in=named))


def export_waitlist(client: Client, rule: HealthDataRule) -> dict[str, Any]:
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
            for entry in entries_of(client).select_related("technique").order_by("joined_at")
        ]
    }


def erase_waitlist(client: Client, now: datetime) -> None:
    """Delete the client's entries, their offers and the offers' messages: nothing on a
    waitlist is needed once the person has asked to be forgotten."""
    entries_of(client).delete()
