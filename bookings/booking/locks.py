"""The one order in which the services take their row locks, and the retry of a deadlock.

Every service that locks rows takes them in this order, and within one kind by primary
key (docs/architecture.md, "The lock order"):

1. therapists (`lock_therapists`): the diary a booking, a move, a reinstatement or an
   offer click writes into;
2. clients (`lock_clients`): the record a booking joins, a merge or an erasure changes;
3. bookings: the rows a cancellation, a move, a merge or an erasure changes;
4. the waitlist: entries, then offers;
5. notifications.

Two services that take the same kinds of rows in the same order can wait for each other
but never deadlock. New rows a service inserts lock nothing anybody else can wait for,
except through their foreign keys, which PostgreSQL checks at commit (Django makes them
DEFERRABLE INITIALLY DEFERRED): the row a new booking points at is therefore locked
first, in its place in the order, so the check at commit never waits for a transaction
that waits for us. SQLite ignores FOR UPDATE: its IMMEDIATE transactions already run one
writer at a time.

A deadlock that still happens (a lock nobody foresaw) is retried once, whole, by
`retry_on_deadlock`, rather than shown as an outage.
"""

import functools
import logging
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from django.db import OperationalError, connection

from bookings.models import Client, Therapist
from bookings.scheduling.schedule_sql import column, columns, table
from catalog.models import SessionLength

logger = logging.getLogger(__name__)

DEADLOCK_DETECTED = "40P01"

P = ParamSpec("P")
R = TypeVar("R")


def lock_therapists(therapist_ids: Iterable[int]) -> dict[int, Therapist]:
    """Step 1: lock the therapists' rows, in primary-key order."""
    locked = (
        Therapist.objects.select_for_update()
        .filter(pk__in=sorted(set(therapist_ids)))
        .order_by("pk")
    )
    return {therapist.pk: therapist for therapist in locked}


def lock_offering(
    therapist_id: int | None, technique_id: int, length_minutes: int
) -> list[tuple[Therapist, bool, Decimal | None]]:
    """Step 1 for a new booking, with what it checks, in one statement: the therapist
    (or, for `None`, every active one offering the technique), locked in primary-key
    order, each with whether they offer the technique and the price of this length
    (None when the technique does not come in it).

    Written out rather than built with the ORM: every booking makes it, and building
    and compiling its queryset cost three times what the database takes (issue 26)."""
    offers = (
        f"EXISTS (SELECT 1 FROM {table(OFFERS)} o "  # noqa: S608
        f"WHERE o.{column(OFFERS, 'therapist')} "
        f"= t.{column(Therapist, 'id')} AND o.{column(OFFERS, 'technique')} = %s)"
    )
    price = (
        f"(SELECT l.{column(SessionLength, 'price')} "  # noqa: S608
        f"FROM {table(SessionLength)} l "
        f"WHERE l.{column(SessionLength, 'technique')} = %s "
        f"AND l.{column(SessionLength, 'minutes')} = %s)"
    )
    attnames = [f.attname for f in Therapist._meta.concrete_fields]
    if therapist_id is None:
        which = f"t.{column(Therapist, 'is_active')} AND {offers}"
        params: list[Any] = [technique_id, technique_id, length_minutes, technique_id]
    else:
        which = f"t.{column(Therapist, 'id')} = %s"
        params = [technique_id, technique_id, length_minutes, therapist_id]
    lock = " FOR UPDATE OF t" if connection.features.has_select_for_update_of else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns(Therapist, 't')}, "  # noqa: S608
            f"{offers}, {price} FROM {table(Therapist)} t WHERE {which} "
            f"ORDER BY t.{column(Therapist, 'id')}{lock}",
            params,
        )
        rows = cursor.fetchall()
    places = SessionLength._meta.get_field("price").decimal_places
    cent = Decimal(1).scaleb(-int(places or 0))
    return [
        (
            Therapist.from_db(connection.alias, attnames, row[: len(attnames)]),
            bool(row[-2]),
            # SQLite hands the price back as a float or text: read as the field keeps it.
            None if row[-1] is None else Decimal(str(row[-1])).quantize(cent),
        )
        for row in rows
    ]


OFFERS = Therapist.techniques.through


# The first key of the two-key advisory lock: any fixed number, so these locks never
# meet another use of PostgreSQL's advisory locks.
CLIENT_EMAIL_LOCK = 14_001


def lock_clients(*, ids: Iterable[int]) -> None:
    """Step 2: lock the client records a service is about to change or join, by id.

    FOR NO KEY UPDATE: it waits for a merge or an erasure of the record in progress (they
    lock it FOR UPDATE), so the lookup that follows reads the record as they left it (a
    duplicate's "merged into", an erased address) and the booking never joins a record
    that is being emptied. Two bookings of one client queue here briefly. A booking by
    email locks its records with `lock_clients_with_email`.
    """
    wanted = sorted(set(ids))
    if connection.vendor != "postgresql" or not wanted:
        return
    list(
        Client.objects.select_for_update(no_key=True)
        .filter(pk__in=wanted)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def lock_email(email: str) -> None:
    """Step 2's advisory lock on an address, before its records are read: two first
    bookings with one new address, for different therapists, lock no common row, and
    without it both would find no client and each make one. The key is the address as
    `email__iexact` compares it (upper case), released at commit, so the one that waited
    then finds the client the first one made."""
    if connection.vendor == "postgresql" and email.strip():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(upper(%s)))",
                [CLIENT_EMAIL_LOCK, email.strip()],
            )


def lock_clients_with_email(email: str) -> list[Client]:
    """Step 2 for a booking by email, read as it locks: the advisory lock on the address
    (`lock_email`), then every record with it (any case), locked FOR NO KEY UPDATE as
    `lock_clients` locks by id, in primary-key order. Written out as `lock_offering` is;
    `raw()` reads the rows as the ORM would (SQLite's dates and times included)."""
    lock_email(email)
    lock = " FOR NO KEY UPDATE" if connection.vendor == "postgresql" else ""
    email_column = column(Client, "email")
    return list(
        Client.objects.raw(
            # The columns named, never *: a statement kept prepared on a connection keeps
            # its columns while a migration adds one.
            f"SELECT {columns(Client)} FROM {table(Client)} "  # noqa: S608
            f"WHERE UPPER({email_column}) = UPPER(%s) "
            f"ORDER BY {column(Client, 'id')}{lock}",
            [email.strip()],
        )
    )


def is_deadlock(error: BaseException) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == DEADLOCK_DETECTED


def retry_on_deadlock(service: Callable[P, R]) -> Callable[P, R]:
    """Run the service again, once, when PostgreSQL broke a deadlock by aborting it.

    Only where the service is the outermost transaction: inside another one, the
    aborted transaction is the caller's, and so is the retry.
    """

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.in_atomic_block:
            return service(*args, **kwargs)
        try:
            return service(*args, **kwargs)
        except OperationalError as error:
            if not is_deadlock(error):
                raise
            logger.warning("Deadlock in %s; trying once more", service.__qualname__)
        return service(*args, **kwargs)

    return run
