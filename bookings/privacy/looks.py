"""The trail of looks at health data: who opened which client's intake answers, safety
facts or treatment notes, and when. Never what they saw.

Each look is a django-auditlog access entry (`LogEntry`, action ACCESS), written through
the library's own `LogEntry.objects.log_create`, which is what its `accessed` signal
calls. No model of ours is registered with auditlog: its create/update/delete logging
would copy intake answers and notes into the entries' JSON `changes`.

An entry's content type and object are what was opened (a booking, a treatment note, a
client); `additional_data` holds what kind of look it was and the client and booking by
id, so the trail can be filtered per client on SQLite and PostgreSQL alike. Its
`object_repr` names the booking by reference, never the client by name: the name is
read from the client's record when the trail is shown, so erasing it erases it here too.
"""

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Replace

from bookings.models import Booking, Client, TreatmentNote
from bookings.models.clients import ERASED_NAME
from bookings.privacy.retention import BATCH, in_batches, years_before
from bookings.scheduling.selectors import clinic_zone

logger = logging.getLogger(__name__)


class Look(models.TextChoices):
    BOOKING = "booking", "Intake answers and safety facts"
    NOTE = "note", "Treatment note"
    CLIENT_NOTES = "client_notes", "Client's treatment notes"
    CLIENT_OUTCOMES = "client_outcomes", "Client's pain chart"
    EXPORT = "export", "Client's data download"
    # A list that marks a booking whose client has warning signs to check.
    MARK_LIST = "mark_list", "Safety mark on the booking list"
    MARK_DAY = "mark_day", "Safety mark on the day view"
    MARK_WEEK = "mark_week", "Safety mark on the week view"


Opened = Booking | TreatmentNote | Client


def record_look(*, user: Any, opened: Opened, now: datetime, what: Look | None = None) -> LogEntry:
    """Note that staff member `user` opened `opened`'s health data at `now`: a booking's
    page (intake answers, safety facts), a treatment note (its booking must be loaded),
    or a client's notes on the client page. `what` names another kind of look at the
    same thing: the client's pain chart, a data download."""
    if isinstance(opened, TreatmentNote):
        kind, booking, client_id = Look.NOTE, opened.booking, opened.booking.client_id
    elif isinstance(opened, Booking):
        kind, booking, client_id = Look.BOOKING, opened, opened.client_id
    else:
        kind, booking, client_id = Look.CLIENT_NOTES, None, opened.pk
    what = what or kind
    entry: LogEntry = LogEntry.objects.log_create(
        opened,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        timestamp=now,
        object_repr=_repr(what, booking, client_id),
        serialized_data=None,
        additional_data=_facts(what, user, client_id, booking.pk if booking else None),
        **_actor(user),
    )
    return entry


def record_client_looks(*, user: Any, client_ids: list[int], what: Look, now: datetime) -> int:
    """As `record_look(opened=<the client>, what=what)` for each of `client_ids`, in one
    INSERT: a list page (the Review list) shows many clients' scores at once."""
    if not client_ids:
        return 0
    client_type = ContentType.objects.get_for_model(Client)
    cid = get_cid()
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=client_type,
                object_pk=str(pk),
                object_id=pk,
                object_repr=_repr(what, None, pk),
                action=LogEntry.Action.ACCESS,
                timestamp=now,
                cid=cid,
                serialized_data=None,
                additional_data=_facts(what, user, pk, None),
                **_actor(user),
            )
            for pk in client_ids
        ]
    )
    return len(client_ids)


def record_marks(*, user: Any, bookings: Iterable[Booking], page: Look, now: datetime) -> int:
    """Note that a list showed `user` the safety mark of each booking in `bookings` that
    has one: one INSERT for the page, none when no mark was shown. Returns how many
    marks were shown (a mark already on the trail for that day is not written again)."""
    flagged = [b for b in bookings if b.warning_flags]
    return record_marked(
        user=user, marked=[(b.pk, b.reference, b.client_id) for b in flagged], page=page, now=now
    )


def record_marked(
    *, user: Any, marked: list[tuple[int, str, int | None]], page: Look, now: datetime
) -> int:
    """As `record_marks`, from (booking id, reference, client id) of the marked bookings.

    One entry per staff member, booking and clinic day, whatever the page and however
    often it is reloaded: the entry says who saw the mark and on which day (its time is
    the first sighting). The database keeps it to one (a unique index on the entry's
    `day`, migration 0027): the INSERT skips the marks already on the trail that day."""
    if not marked:
        return 0
    booking_type = ContentType.objects.get_for_model(Booking)
    cid = get_cid()
    day = now.astimezone(clinic_zone()).date().isoformat()
    # The same fields log_create fills, in one statement: a day can show dozens of marks.
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=booking_type,
                object_pk=str(pk),
                object_id=pk,
                object_repr=f"Booking {reference}",
                action=LogEntry.Action.ACCESS,
                timestamp=now,
                cid=cid,
                additional_data=_facts(page, user, client_id, pk) | {"day": day},
                **_actor(user),
            )
            for pk, reference, client_id in marked
        ],
        ignore_conflicts=True,
    )
    return len(marked)


def _actor(user: Any) -> dict[str, Any]:
    return {"actor": user, "actor_email": user.email or None}


def _facts(what: Look, user: Any, client_id: int | None, booking_id: int | None) -> dict[str, Any]:
    # The staff member's username too: `actor` is emptied if their account is deleted.
    return {
        "what": what.value,
        "client": client_id,
        "booking": booking_id,
        "staff": user.get_username(),
    }


def _repr(what: Look, booking: Booking | None, client_id: int | None) -> str:
    if booking is None:
        return f"Client {client_id}"
    if what == Look.NOTE:
        return f"Treatment note, booking {booking.reference}"
    return f"Booking {booking.reference}"


def looks() -> QuerySet[LogEntry]:
    # django-auditlog ships no types: its LogEntry is Any to mypy, named here.
    entries: QuerySet[LogEntry] = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    return entries


def looks_at(client: Client) -> QuerySet[LogEntry]:
    """The looks at a client's health data, those at duplicates merged into them included."""
    return looks().filter(additional_data__client__in=_client_ids(client))


# The client's part of the privacy erasure (bookings/privacy/parts.py). The trail is not in
# the export: it is the clinic's security record, and names the staff who looked.


def erase_looks(client: Client, now: datetime) -> None:
    """Erasing a client keeps the trail (who looked, when: the clinic's record) but no
    entry keeps their name. Ours never hold it; an entry written with the library's
    default text (a booking's `str()`, "REF · name") loses it here.

    The entries are found by their indexed fields, each on its own (the client's id in
    `additional_data`, the object's type and id), and updated by id: an OR of them would
    read the whole trail inside the erasure's transaction."""
    ids = _client_ids(client)
    bookings = list(Booking.objects.filter(client_id__in=ids).values_list("pk", "client_name"))
    booking_ids = [pk for pk, _name in bookings]
    names = {*Client.objects.filter(pk__in=ids).values_list("name", flat=True)}
    names |= {name for _pk, name in bookings}
    types = ContentType.objects.get_for_models(Booking, TreatmentNote, Client)
    note_ids = TreatmentNote.objects.filter(booking_id__in=booking_ids).values("pk")
    entries = {
        *looks().filter(additional_data__client__in=ids).values_list("pk", flat=True),
        *looks()
        .filter(content_type=types[Booking], object_id__in=booking_ids)
        .values_list("pk", flat=True),
        *looks()
        .filter(content_type=types[TreatmentNote], object_id__in=note_ids)
        .values_list("pk", flat=True),
        *looks().filter(content_type=types[Client], object_id__in=ids).values_list("pk", flat=True),
    }
    scrubbed: Any = F("object_repr")
    for name in sorted(n for n in names if n.strip()):
        scrubbed = Replace(scrubbed, Value(name), Value(ERASED_NAME))
    LogEntry.objects.filter(pk__in=sorted(entries)).update(
        object_repr=scrubbed, changes=None, serialized_data=None
    )


def purge_old_looks(*, years: int, now: datetime) -> int:
    """Delete the looks older than `years` (LOOKS_RETENTION_YEARS), oldest first,
    retention.BATCH entries per transaction so no lock is held for long; progress goes
    to the log (counts and times only). Returns how many."""
    old = looks().filter(timestamp__lt=years_before(now, years)).order_by("timestamp")

    def batch() -> int:
        ids = list(old.values_list("pk", flat=True)[:BATCH])
        if ids:
            LogEntry.objects.filter(pk__in=ids).delete()
        return len(ids)

    return in_batches("Trail retention, looks", batch, log=logger)


def _client_ids(client: Client) -> list[int]:
    return [client.pk, *Client.objects.filter(merged_into=client).values_list("pk", flat=True)]
