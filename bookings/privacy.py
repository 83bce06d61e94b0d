"""What the clinic keeps about a client, and how it lets go of it.

Health answers are kept only as long as the session needs them; a client can
ask for everything held about their email address, and for it to be erased.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from .answers import IntakeAnswers
from .models import (
    Booking,
    BookingQuerySet,
    BookingStatus,
    NotificationChannel,
    NotificationStatus,
)
from .services import cancel_booking

ERASED_NAME = "Erased client"

# Health data a booking holds: the consented answers and the safety facts kept with
# every booking. Purging and erasing clear all of it.
SAFETY_FACTS_CLEARED: dict[str, Any] = {
    "intake_answers": None,
    "warning_flags": [],
    "health_conditions": [],
    "text_checks": [],
    "acknowledged_advice": [],
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
    )
    return (
        Booking.objects.filter(end__lt=cutoff)
        .filter(holding)
        .update(updated_at=now, **SAFETY_FACTS_CLEARED)
    )


def _matching(email: str) -> BookingQuerySet:
    return Booking.objects.filter(client_email__iexact=email.strip())


def export_client_data(*, email: str) -> dict[str, Any]:
    """Everything held about one email address, as JSON-ready data."""
    bookings = (
        _matching(email)
        .select_related("therapist", "technique")
        .prefetch_related("notifications")
        .order_by("start")
    )
    return {
        "email": email.strip(),
        "bookings": [
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
                "health_consent_at": b.health_consent_at.isoformat()
                if b.health_consent_at
                else None,
                "intake_answers": _readable(b.intake_answers),
                "warning_flags": list(b.warning_flags),
                "warning_acknowledged_at": b.warning_acknowledged_at.isoformat()
                if b.warning_acknowledged_at
                else None,
                "health_conditions": list(b.health_conditions),
                "text_checks": [dict(c) for c in b.text_checks],
                "acknowledged_advice": list(b.acknowledged_advice),
                "safety_checked_at": b.safety_checked_at.isoformat()
                if b.safety_checked_at
                else None,
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
        ],
    }


def _readable(answers: dict[str, Any] | None) -> dict[str, Any] | None:
    if answers is None:
        return None
    return IntakeAnswers.from_dict(answers).to_dict()


def erase_client_data(*, email: str, now: datetime) -> int:
    """Cancel the client's upcoming sessions and strip every booking of personal data.

    The rows stay, anonymised, so past schedules and takings still add up. Returns
    how many bookings were erased.
    """
    with transaction.atomic():
        bookings = list(_matching(email).select_for_update())
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
