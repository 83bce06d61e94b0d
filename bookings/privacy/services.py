"""What the clinic keeps about a client, and how it lets go of it.

Health answers are kept only as long as the session needs them; a client can
ask for everything held about their email address, and for it to be erased.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from bookings.booking import locks
from bookings.intake.answers import IntakeAnswers
from bookings.models import (
    Booking,
    BookingQuerySet,
    BookingStatus,
    Client,
    NotificationChannel,
    NotificationStatus,
)
from bookings.models.clients import ERASED_NAME
from bookings.privacy import looks, retention
from bookings.privacy.outcomes import erase_booking_outcomes
from bookings.privacy.parts import ERASE_PARTS, EXPORT_PARTS
from bookings.privacy.payments import detach_payments
from bookings.records.access import HealthDataRule, health_data_rule, own_record_rule
from bookings.scheduling.step_cache import diary_changed

CLIENT_ERASED: dict[str, Any] = {
    "name": ERASED_NAME,
    "phone": "",
    "email": "",
    "date_of_birth": None,
    "staff_notes": "",
}

# Health data a booking holds: the consented answers and the safety facts kept with
# every booking. Purging and erasing clear all of it.
SAFETY_FACTS_CLEARED: dict[str, Any] = {
    "intake_answers": None,
    "warning_flags": [],
    "health_conditions": [],
    "text_checks": [],
    "acknowledged_advice": [],
    "safety_override_reason": "",
}


def purge_health_answers(*, retention_days: int, now: datetime) -> int:
    """Delete intake answers and safety facts of sessions that ended over `retention_days` ago.

    The bookings stay (times, therapist, technique) so schedules and accounts add up.
    Returns how many bookings were cleaned. Works in batches of retention.BATCH
    bookings, each its own transaction (after a missed week there are tens of
    thousands), with each batch's count and time in the log.
    """
    cutoff = now - timedelta(days=retention_days)
    holding = (
        Q(intake_answers__isnull=False)
        | ~Q(warning_flags=[])
        | ~Q(health_conditions=[])
        | ~Q(text_checks=[])
        | ~Q(acknowledged_advice=[])
        | ~Q(safety_override_reason="")
    )
    stale = Booking.objects.filter(end__lt=cutoff).filter(holding)
    cursor = retention.Cursor()
    cleaned = [0]

    def batch() -> int:
        ids = cursor.next_ids(stale)
        # The conditions again in the UPDATE: a booking moved into the future since it
        # was read keeps what it holds.
        cleaned[0] += stale.filter(pk__in=ids).update(updated_at=now, **SAFETY_FACTS_CLEARED)
        return len(ids)

    retention.in_batches("Purge, health answers", batch)
    return cleaned[0]


def bookings_with(email: str) -> BookingQuerySet:
    return Booking.objects.filter(client_email__iexact=email.strip())


def clients_with(email: str) -> list[Client]:
    """The client records that address belongs to: a duplicate merged into another
    record leads to the record kept."""
    found = Client.objects.filter(email__iexact=email.strip()).select_related("merged_into")
    return list({(c.merged_into or c).pk: c.merged_into or c for c in found}.values())


class AmbiguousAddress(ValueError):
    """More than one client record holds the address: each is seen or erased from its
    own page, so one person's request never reaches another's record."""

    def __init__(self, clients: list[Client]) -> None:
        super().__init__(
            f"{len(clients)} client records share this address (a household, or a booking "
            "not yet confirmed): open each client's page to see or erase their data."
        )
        self.clients = clients


def address_bookings(email: str, client: Client | None) -> BookingQuerySet:
    """The bookings made with the address that are this person's: on their record (or a
    duplicate merged into it) or on none. One made with it on another person's record
    (front desk chose that record) is that person's."""
    ids = _client_and_merged(client) if client is not None else []
    return bookings_with(email).filter(Q(client__isnull=True) | Q(client__in=ids))


def one_client_with(email: str) -> Client | None:
    """The one client record with that address, None for none; raise AmbiguousAddress
    when several records hold it."""
    found = clients_with(email)
    if len(found) > 1:
        raise AmbiguousAddress(sorted(found, key=lambda c: c.pk))
    return found[0] if found else None


def export_client_data(*, email: str, reader: Any, now: datetime) -> dict[str, Any]:
    """Everything `reader` may read about one email address, as JSON-ready data: the
    whole record of the client with that address (`export_client`) and the bookings
    made with it that no other record holds. Several records with the address:
    AmbiguousAddress (each is exported from its own page)."""
    client = one_client_with(email)
    rule = health_data_rule(reader)
    theirs = address_bookings(email, client)
    for booking in theirs.filter(pk__in=rule.intake().values("pk")):
        looks.record_look(user=reader, opened=booking, now=now, what=looks.Look.EXPORT)
    return {
        "email": email.strip(),
        "left_out": rule.left_out(),
        "bookings": _bookings_data(theirs, rule),
        "client_records": []
        if client is None
        else [export_client(client=client, reader=reader, now=now)],
    }


def _client_and_merged(client: Client) -> list[int]:
    return [client.pk, *Client.objects.filter(merged_into=client).values_list("pk", flat=True)]


def export_client(*, client: Client, reader: Any, now: datetime) -> dict[str, Any]:
    """Everything held about one client (and the duplicates merged into them) that
    `reader` may read (records/access.py): front desk's export leaves out notes and
    outcome answers and says so; a clinical lead's or superuser's is whole. The export
    is a look at the client's health data, on the trail."""
    data = _client_export(client, health_data_rule(reader))
    looks.record_look(user=reader, opened=client, now=now, what=looks.Look.EXPORT)
    return data


def export_own_data(*, client: Client) -> dict[str, Any]:
    """The client's own download from "My bookings" (bookings/account/): their whole
    record, as a clinical lead's export holds it, but for staff's practical notes about
    them (staff words stay with staff). They are the reader, so it is no look on the
    trail, which records what staff open."""
    data = _client_export(client, own_record_rule())
    for record in (data["client"], *data["merged_records"]):
        del record["staff_notes"]
    return data


def _client_export(client: Client, rule: HealthDataRule) -> dict[str, Any]:
    merged = Client.objects.filter(merged_into=client).order_by("pk")
    data: dict[str, Any] = {
        "left_out": rule.left_out(),
        "client": _client_data(client),
        "merged_records": [_client_data(m) for m in merged],
        "bookings": _bookings_data(Booking.objects.filter(client=client), rule),
    }
    for part in EXPORT_PARTS:
        data |= part(client, rule)
    return data


def _client_data(client: Client) -> dict[str, Any]:
    return {
        "name": client.name,
        "phone": client.phone,
        "email": client.email,
        "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else None,
        "staff_notes": client.staff_notes,
        "created_at": client.created_at.isoformat(),
    }


def _bookings_data(matching: BookingQuerySet, rule: HealthDataRule) -> list[dict[str, Any]]:
    bookings = (
        matching.select_related("therapist", "technique")
        .prefetch_related("notifications")
        .order_by("start")
    )
    readable = set(rule.intake().filter(pk__in=matching.values("pk")).values_list("pk", flat=True))
    return [
        _booking_data(b) | (_health_data(b) if b.pk in readable else HEALTH_DATA_LEFT_OUT)
        for b in bookings
    ]


# What a booking's export holds when the reader may not read its health data.
HEALTH_DATA_LEFT_OUT: dict[str, Any] = {"health_data": "left out: see left_out"}


def _booking_data(b: Booking) -> dict[str, Any]:
    return {
        "reference": b.reference,
        "client_name": b.client_name,
        "client_email": b.client_email,
        "client_phone": b.client_phone,
        "technique": b.technique.name,
        "therapist": b.therapist.display_name,
        "length_minutes": b.length_minutes,
        "price": str(b.price),
        "start": b.start.isoformat(),
        "end": b.end.isoformat(),
        "status": b.status,
        "created_at": b.created_at.isoformat(),
        "email_confirmed_at": b.email_confirmed_at.isoformat() if b.email_confirmed_at else None,
        "safety_checked_at": b.safety_checked_at.isoformat() if b.safety_checked_at else None,
        "messages": [
            {
                "kind": n.kind,
                "to": n.recipient,
                "status": n.status,
                "sent_at": n.sent_at.isoformat() if n.sent_at else None,
            }
            for n in b.notifications.all()
        ],
    }


def _health_data(b: Booking) -> dict[str, Any]:
    return {
        "health_consent_at": b.health_consent_at.isoformat() if b.health_consent_at else None,
        "intake_answers": _readable(b.intake_answers),
        "warning_flags": list(b.warning_flags),
        "warning_acknowledged_at": b.warning_acknowledged_at.isoformat()
        if b.warning_acknowledged_at
        else None,
        "health_conditions": list(b.health_conditions),
        "text_checks": [dict(c) for c in b.text_checks],
        "acknowledged_advice": list(b.acknowledged_advice),
    }


def _readable(answers: dict[str, Any] | None) -> dict[str, Any] | None:
    if answers is None:
        return None
    return IntakeAnswers.from_dict(answers).to_dict()


@locks.retry_on_deadlock
def erase_client_data(*, email: str, now: datetime) -> int:
    """Erase the client record with that address (`erase_client`: their upcoming
    sessions cancelled, every booking stripped of personal data) and the bookings made
    with it that no record holds; never another person's record or booking.

    The rows stay, anonymised, so past schedules and takings still add up. Returns
    how many bookings were erased.
    """
    with transaction.atomic():
        # The client record with that address is the same person's: it goes too, with
        # every record of care it holds, as if erased from the client's page. Several
        # records with it (a household): AmbiguousAddress, each is erased from its page.
        client = one_client_with(email)
        theirs = list(address_bookings(email, client).values_list("pk", flat=True))
        count = erase_client(client=client, now=now) if client is not None else 0
        # Then the bookings made with the address that no record holds.
        bookings = list(
            Booking.objects.filter(pk__in=theirs, client__isnull=True).select_for_update()
        )
        erase_booking_outcomes(b.pk for b in bookings)
        detach_payments(b.pk for b in bookings)
        return count + _erase_bookings(bookings, now)


@locks.retry_on_deadlock
def erase_client(*, client: Client, now: datetime) -> int:
    """Erase one client: every booking as `erase_client_data` does, each other record's
    part, and the client record itself (and duplicates merged into it), which stays as
    an anonymous row so the bookings keep their person. Returns the bookings erased."""
    with transaction.atomic():
        # The lock order (booking/locks.py): the client records (read again once locked,
        # as a merge may just have joined one), then their bookings, then the waitlist
        # and the messages the parts and the anonymising touch. A booking joining the
        # record meanwhile waits for the client lock, and then finds it erased.
        list(Client.objects.select_for_update().filter(pk=client.pk))
        ids = _client_and_merged(client)
        list(Client.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        bookings = list(
            Booking.objects.filter(client_id__in=ids).select_for_update().order_by("pk")
        )
        for part in ERASE_PARTS:
            part(client, now)
        count = _erase_bookings(bookings, now)
        Client.objects.filter(pk__in=ids).update(**CLIENT_ERASED, updated_at=now)
        return count


def _erase_bookings(bookings: list[Booking], now: datetime) -> int:
    cancelled = []
    for booking in bookings:
        if booking.status == BookingStatus.CONFIRMED and booking.start > now:
            # Cancelled as `cancel_booking(notify=False)` would (nothing is sent: not to
            # an address being erased, nor to front desk, who are the ones erasing it),
            # but in the one UPDATE that anonymises it: PostgreSQL checks a row updated
            # twice in one transaction against every foreign key at commit, and the
            # check on its therapist would wait for a booking holding that therapist
            # while it waits for this client (booking/locks.py).
            booking.status = BookingStatus.CANCELLED
            booking.cancelled_at = now
            booking.cancelled_by = None
            booking.cancel_reason = ""
            cancelled.append(booking.therapist_id)
        _anonymise(booking)
    if cancelled:
        diary_changed(therapist_ids=cancelled)
    return len(bookings)


def _anonymise(booking: Booking) -> None:
    erased_email = f"erased-{booking.pk}@invalid.example"
    # Their address goes from the message history too, and nothing more is sent to it.
    messages = booking.notifications.filter(recipient__iexact=booking.client_email)
    messages.filter(status=NotificationStatus.PENDING).update(status=NotificationStatus.SKIPPED)
    messages.update(recipient=erased_email)
    texts = booking.notifications.filter(channel=NotificationChannel.SMS)
    texts.filter(status=NotificationStatus.PENDING).update(status=NotificationStatus.SKIPPED)
    texts.update(recipient="erased")
    booking.client_name = ERASED_NAME
    booking.client_email = erased_email
    booking.client_phone = ""
    # Staff's reason and their message to the client may name the client or their health.
    booking.cancel_reason = ""
    booking.client_message = ""
    for field, cleared in SAFETY_FACTS_CLEARED.items():
        setattr(booking, field, cleared)
    booking.health_consent_at = None
    booking.save()
