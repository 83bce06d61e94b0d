"""Money's part of a client's export and erasure (privacy.EXPORT_PARTS and ERASE_PARTS).

The export lists each movement of money on the client's bookings in their words: the
day and time in the clinic's zone, what it was, the amount and currency, the booking's
reference (the receipt's number) and the card's last four digits, never more. Stripe's
ids and staff's reasons stay with the clinic.

Erasure keeps the rows: payments, refunds and fees are the clinic's accounts, which tax
law makes it keep (six years in the UK), and Stripe holds the same payments under its
own duty. What is about the person goes: the card's brand and last four digits, the
saved card (a fee can never be charged to it again) and the
staff's free-text reasons, which may name the person or their health. What is left is
an amount, a date, a kind and the anonymised booking, which adds up in the weekly
report and still matches Stripe's own record by its id.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from bookings.models import (
    Booking,
    BookingCheckout,
    Client,
    Payment,
    PaymentKind,
    PaymentOutcome,
)
from bookings.models.payments import PaymentQuerySet
from bookings.payments import money, terms
from bookings.records.access import HealthDataRule
from bookings.scheduling.selectors import clinic_zone

# What each movement was, in the client's words.
WHAT = {
    PaymentKind.PAYMENT: "Paid by card when booking",
    PaymentKind.REFUND: "Refunded to your card",
    PaymentKind.FEE: "No-show or late-cancellation fee",
}
DEPOSIT = "Deposit paid by card when booking"


def _record_ids(client: Client) -> list[int]:
    return [client.pk, *Client.objects.filter(merged_into=client).values_list("pk", flat=True)]


def _own_payments(client: Client) -> PaymentQuerySet:
    return Payment.objects.filter(booking__client_id__in=_record_ids(client))


def export_payments(client: Client, rule: HealthDataRule) -> dict[str, Any]:
    zone = clinic_zone()
    deposits = set(
        BookingCheckout.objects.filter(
            booking__payments__in=_own_payments(client), policy=terms.DEPOSIT
        ).values_list("booking_id", flat=True)
    )
    rows = _own_payments(client).select_related("booking").order_by("at", "pk")
    return {
        "payments": [
            {
                "at": timezone.localtime(row.at, zone).isoformat(timespec="minutes"),
                "what": DEPOSIT
                if row.kind == PaymentKind.PAYMENT and row.booking_id in deposits
                else WHAT[PaymentKind(row.kind)],
                "amount": str(money.from_minor(row.amount_minor, row.currency)),
                "currency": row.currency.upper(),
                "booking_reference": row.booking.reference,
                "card": f"card ending {row.card_last4}" if row.card_last4 else "",
                "outcome": "Charged"
                if row.outcome == PaymentOutcome.SUCCEEDED
                else f"Not charged: {row.failure}".strip(),
            }
            for row in rows
        ]
    }


def detach_payments(booking_ids: Iterable[int]) -> None:
    """Keep the money rows of these bookings as accounts, without the person in them.
    An UPDATE, not `save()`: the ledger's rule is that no amount is ever edited, and
    none is here."""
    ids = list(booking_ids)
    Payment.objects.filter(booking_id__in=ids).update(card_last4="", reason="", failure="")
    BookingCheckout.objects.filter(booking_id__in=ids).update(
        card_brand="",
        card_last4="",
        payment_method_id="",
        updated_at=timezone.now(),
    )


def erase_payments(client: Client, now: datetime) -> None:
    detach_payments(
        Booking.objects.filter(client_id__in=_record_ids(client)).values_list("pk", flat=True)
    )
