"""`{% load payments %}`: the payment policy in plain words, wherever a client reads
about a booking (details page, booking page, manage page)."""

from decimal import Decimal
from typing import Any

from django import template

from bookings.models import Booking, BookingStatus
from bookings.payments import selectors

register = template.Library()


@register.simple_tag
def payment_words_for_price(price: Decimal | None) -> list[str]:
    """Before booking: what the clinic's policy asks at this price."""
    if price is None:
        return []
    return selectors.words(selectors.clinic_terms(price))


@register.simple_tag
def payment_step(price: Decimal | None) -> dict[str, str]:
    """The booking button's words under the clinic's policy, and the line beside it
    that says what the next page asks, so nobody taps "Confirm" and meets a card form."""
    found = selectors.clinic_terms(price or Decimal(0))
    return selectors.next_step(found)


@register.simple_tag
def booking_payment(booking: Booking) -> dict[str, Any]:
    """After booking: the terms agreed, and the money moved so far."""
    found = selectors.booking_terms(booking)
    lines = selectors.lines(booking)
    # A cancelled session owes nothing: no terms, only the money that moved (if any).
    live = booking.status != BookingStatus.CANCELLED
    asked = live and selectors.asked_to_pay(booking)
    return {
        "words": selectors.words(found, asked=selectors.asked_by_desk(booking)) if live else [],
        "requested": selectors.requested_label(found.policy) if asked else "",
        "paid_online": found.paid,
        "lines": lines,
        "has_receipt": any(not line.failed for line in lines),
    }


@register.simple_tag
def hold_ended(booking: Booking) -> bool:
    """A time held while the client paid, released unpaid: nothing was charged."""
    return selectors.hold_released(booking)


@register.simple_tag
def desk_payments(booking: Booking) -> dict[str, Any]:
    """The booking page's money panel for front desk."""
    return selectors.desk_panel(booking)
