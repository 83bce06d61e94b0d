"""Shared by the waitlist's tests: a client joining, and a full Wednesday afternoon."""

from datetime import date, datetime, timedelta
from typing import Any

from django.core import mail

from bookings.messaging import outbox
from bookings.models import (
    Booking,
    Notification,
    NotificationKind,
    NotificationStatus,
    WaitlistEntry,
)
from bookings.waitlist import services as waitlist
from catalog.models import Technique
from tests.clock import NOW, clinic_time
from tests.factories import SCREENED_INTAKE

WEDNESDAY = date(2026, 3, 4)
WEDNESDAY_NOON = clinic_time(NOW + timedelta(days=2), 12)
WEDNESDAY_2PM = clinic_time(NOW + timedelta(days=2), 14)
WEDNESDAY_315PM = clinic_time(NOW + timedelta(days=2), 15, 15)


def join(**overrides: Any) -> WaitlistEntry:
    """Jane Doe waits for a 60-minute Swedish massage with anyone, Wednesday afternoon."""
    values: dict[str, Any] = {
        "technique": Technique.objects.get(slug="swedish"),
        "length_minutes": 60,
        "therapist_id": None,
        "first_day": WEDNESDAY,
        "last_day": WEDNESDAY,
        "parts_of_day": ["afternoon"],
        "client_name": "Jane Doe",
        "client_email": "jane@example.org",
        "client_phone": "07700 900123",
        "sms_opt_in": False,
        "intake": SCREENED_INTAKE,
        "now": NOW,
    } | overrides
    if "client_phone" not in overrides:
        # One live place per client (phone), technique and days: each other person
        # joining in a test gets a number of their own.
        taken = set(WaitlistEntry.objects.values_list("client_phone", flat=True))
        suffix = 123
        while f"+447700900{suffix}" in taken:
            suffix += 1
        values["client_phone"] = f"07700 900{suffix}"
    return waitlist.join_waitlist(**values)


def fill_wednesday_afternoon(book: Any, **overrides: Any) -> list[Booking]:
    """Anna's Wednesday afternoon (12:00 to 13:00, 14:00 to 17:00) taken: 12:00, 14:00
    and 15:15 (an hour, and the 15 minutes' buffer)."""
    return [
        book(WEDNESDAY_NOON, client_name="Noon Client", **overrides),
        book(WEDNESDAY_2PM, client_name="Early Client", **overrides),
        book(WEDNESDAY_315PM, client_name="Late Client", **overrides),
    ]


def deliver_all(now: datetime) -> list[str]:
    """Send every pending message as the worker would; the outcomes in order."""
    return [
        outbox.deliver(pk, now=now)
        for pk in Notification.objects.filter(
            kind=NotificationKind.WAITLIST_OFFER, status=NotificationStatus.PENDING
        ).values_list("pk", flat=True)
    ]


def offer_emails() -> list[Any]:
    return [m for m in mail.outbox if "came free" in m.subject]
