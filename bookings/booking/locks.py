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
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection

from bookings.models import Client, Therapist

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


# The first key of the two-key advisory lock: any fixed number, so these locks never
# meet another use of PostgreSQL's advisory locks.
CLIENT_EMAIL_LOCK = 14_001


def lock_clients(*, ids: Iterable[int] = (), email: str = "") -> None:
    """Step 2: lock the client records a booking may join (by id, or every record with
    this email, any case) before it looks them up.

    FOR NO KEY UPDATE: it waits for a merge or an erasure of the record in progress (they
    lock it FOR UPDATE), so the lookup that follows reads the record as they left it (a
    duplicate's "merged into", an erased address) and the booking never joins a record
    that is being emptied. Two bookings of one client queue here briefly.

    An email also takes an advisory lock on the address: two first bookings with one
    new address, for different therapists, lock no common row, and without it both
    find no client and each makes one. The key is the address as `email__iexact`
    compares it (upper case), released at commit, so the one that waited then finds
    the client the first one made.
    """
    if connection.vendor != "postgresql":
        return
    if email.strip():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(upper(%s)))",
                [CLIENT_EMAIL_LOCK, email.strip()],
            )
    wanted = sorted(set(ids))
    if wanted:
        list(
            Client.objects.select_for_update(no_key=True)
            .filter(pk__in=wanted)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    if email.strip():
        list(
            Client.objects.select_for_update(no_key=True)
            .filter(email__iexact=email.strip())
            .order_by("pk")
            .values_list("pk", flat=True)
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
