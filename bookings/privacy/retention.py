"""How long the records of care are kept: treatment notes and outcome answers stay
NOTES_RETENTION_YEARS after the client's last visit, then the daily purge deletes them."""

from datetime import datetime
from typing import TypeVar

from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet

from bookings.models import Booking, BookingStatus

RowT = TypeVar("RowT", bound=models.Model)


def years_before(now: datetime, years: int) -> datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def past_retention(rows: QuerySet[RowT], cutoff: datetime) -> QuerySet[RowT]:
    """Rows of a session (`booking`) whose client (or, without one, whose session) was
    last seen before `cutoff`."""
    seen_since = Booking.objects.filter(
        client_id=OuterRef("booking__client_id"), end__gte=cutoff
    ).exclude(status=BookingStatus.CANCELLED)
    return rows.filter(booking__end__lt=cutoff).exclude(Exists(seen_since))


def purge_past_retention(rows: QuerySet[RowT], *, years: int, now: datetime) -> int:
    """Delete the `rows` past retention (`years` after the client's last visit), in one
    transaction. Returns how many."""
    with transaction.atomic():
        stale = past_retention(rows, years_before(now, years))
        count = stale.count()
        stale.delete()
        return count
