"""How long the records of care are kept: treatment notes and outcome answers stay
NOTES_RETENTION_YEARS after the client's last visit, then the daily purge deletes them.

Every purge works in batches of BATCH rows, each its own short transaction, so a purge
after a missed week never holds row locks a staff member's edit would wait on; each
batch's count and time go to the log (never what the rows held)."""

import logging
from collections.abc import Callable
from datetime import datetime
from time import perf_counter
from typing import TypeVar

from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet

from bookings.models import Booking, BookingStatus

RowT = TypeVar("RowT", bound=models.Model)
logger = logging.getLogger(__name__)
# Rows per transaction: a batch takes tens of milliseconds, its locks as long.
BATCH = 1000


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


def in_batches(what: str, batch: Callable[[], int], *, log: logging.Logger = logger) -> int:
    """Call `batch()` in its own transaction until it handles no row; it handles at
    most BATCH rows a call. Logs each batch's count and time (to `log`). Returns the
    total."""
    total = 0
    while True:
        started = perf_counter()
        with transaction.atomic():
            count = batch()
        if not count:
            return total
        total += count
        log.info(
            "%s: %s rows (%s so far) in %.0f ms",
            what,
            count,
            total,
            (perf_counter() - started) * 1000,
        )


class Cursor:
    """Where the previous batch stopped: the next starts after its last id, so a purge
    reads the table once, not once per batch."""

    def __init__(self) -> None:
        self.last_pk = 0

    def next_ids(self, rows: QuerySet[RowT]) -> list[int]:
        ids: list[int] = list(
            rows.filter(pk__gt=self.last_pk).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if ids:
            self.last_pk = ids[-1]
        return ids


def purge_past_retention(rows: QuerySet[RowT], *, years: int, now: datetime) -> int:
    """Delete the `rows` past retention (`years` after the client's last visit), BATCH
    rows per transaction. Returns how many."""
    stale = past_retention(rows, years_before(now, years))
    model = rows.model
    cursor = Cursor()

    def batch() -> int:
        ids = cursor.next_ids(stale)
        if ids:
            model._default_manager.filter(pk__in=ids).delete()
        return len(ids)

    return in_batches(f"Retention, {model._meta.verbose_name_plural}", batch)
