"""What the clinic keeps about a client, and how it lets go of it.

Health answers are kept only as long as the session needs them; a client can
ask for everything held about their email address, and for it to be erased.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from bookings.booking.services import cancel_booking
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
from bookings.privacy.outcomes import erase_booking_outcomes
from bookings.privacy.parts import ERASE_PARTS, EXPORT_PARTS

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
    Returns how many bookings were cleaned.
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
    return (
        Booking.objects.filter(end__lt=cutoff)
        .filter(holding)
        .update(updated_at=now, **SAFETY_FACTS_CLEARED)
    )


def bookings_with(email: str) -> BookingQuerySet:
    return Booking.objects.filter(client_email__iexact=email.strip())


def clients_with(email: str) -> list[Client]:
    """The client records that address belongs to: a duplicate merged into another
    record leads to the record kept."""
    found = Client.objects.filter(email__iexact=email.strip()).select_related("merged_into")
    return list({(c.merged_into or c).pk: c.merged_into or c for c in found}.values())


def export_client_data(*, email: str) -> dict[str, Any]:
    """Everything held about one email address, as JSON-ready data: every booking made
    with it, and the whole record (notes, outcome scores, waitlist...) of each client
    with that address, as `export_client` gives it."""
    return {
        "email": email.strip(),
        "bookings": _bookings_data(bookings_with(email)),
        "client_records": [export_client(client=c) for c in clients_with(email)],
    }


def _client_and_merged(client: Client) -> list[int]:
    return [client.pk, *Client.objects.filter(merged_into=client).values_list("pk", flat=True)]


def export_client(*, client: Client) -> dict[str, Any]:
    """Everything held about one client (and the duplicates merged into them)."""
    merged = Client.objects.filter(merged_into=client).order_by("pk")
    data: dict[str, Any] = {
        "client": _client_data(client),
        "merged_records": [_client_data(m) for m in merged],
        "bookings": _bookings_data(Booking.objects.filter(client=client)),
    }
    for part in EXPORT_PARTS:
        data |= part(client)
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


def _bookings_data(matching: BookingQuerySet) -> list[dict[str, Any]]:
    bookings = (
        matching.select_related("therapist", "technique")
        .prefetch_related("notifications")
        .order_by("start")
    )
    return [
        {
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
            "health_consent_at": b.health_consent_at.isoformat() if b.health_consent_at else None,
            "intake_answers": _readable(b.intake_answers),
            "warning_flags": list(b.warning_flags),
            "warning_acknowledged_at": b.warning_acknowledged_at.isoformat()
            if b.warning_acknowledged_at
            else None,
            "health_conditions": list(b.health_conditions),
            "text_checks": [dict(c) for c in b.text_checks],
            "acknowledged_advice": list(b.acknowledged_advice),
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
        for b in bookings
    ]


def _readable(answers: dict[str, Any] | None) -> dict[str, Any] | None:
    if answers is None:
        return None
    return IntakeAnswers.from_dict(answers).to_dict()


def erase_client_data(*, email: str, now: datetime) -> int:
    """Cancel the client's upcoming sessions and strip every booking of personal data,
    and erase the client records with that address (`erase_client`).

    The rows stay, anonymised, so past schedules and takings still add up. Returns
    how many bookings were erased.
    """
    with transaction.atomic():
        # A client record with that address is the same person's: it goes too, with
        # every record of care it holds, as if erased from the client's page.
        count = sum(erase_client(client=c, now=now) for c in clients_with(email))
        # Then the bookings made with the address that no such record holds.
        bookings = list(bookings_with(email).select_for_update())
        erase_booking_outcomes(b.pk for b in bookings)
        return count + _erase_bookings(bookings, now)


def erase_client(*, client: Client, now: datetime) -> int:
    """Erase one client: every booking as `erase_client_data` does, each other record's
    part, and the client record itself (and duplicates merged into it), which stays as
    an anonymous row so the bookings keep their person. Returns the bookings erased."""
    with transaction.atomic():
        ids = _client_and_merged(client)
        list(Client.objects.select_for_update().filter(pk__in=ids))
        for part in ERASE_PARTS:
            part(client, now)
        count = _erase_bookings(
            list(Booking.objects.filter(client=client).select_for_update()), now
        )
        Client.objects.filter(pk__in=ids).update(**CLIENT_ERASED, updated_at=now)
        return count


def _erase_bookings(bookings: list[Booking], now: datetime) -> int:
    for booking in bookings:
        if booking.status == BookingStatus.CONFIRMED and booking.start > now:
            # Nothing is sent: not to an address being erased, nor to front desk,
            # who are the ones erasing it.
            _anonymise(cancel_booking(booking=booking, now=now, notify=False))
        else:
            _anonymise(booking)
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
    for field, cleared in SAFETY_FACTS_CLEARED.items():
        setattr(booking, field, cleared)
    booking.health_consent_at = None
    booking.save()
