"""Bookings held for payment, on the real clock (Stripe's webhook signatures carry the
real time, which a stopped clock would read as stale)."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, BookingCheckout, BookingStatus, PaymentPolicy
from bookings.payments import services
from tests.factories import BookingFactory

WEBHOOK = reverse("bookings:stripe_webhook")


def held(policy: str = PaymentPolicy.DEPOSIT, **booking: Any) -> Booking:
    start = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    made = BookingFactory(status=BookingStatus.AWAITING_PAYMENT, start=start, **booking)
    card = policy == PaymentPolicy.CARD_ON_FILE
    BookingCheckout.objects.create(
        booking=made,
        policy=policy,
        currency="gbp",
        due_now_minor=0 if card else 2000,
        fee_minor=3000 if card else 0,
        hold_until=timezone.now() + timedelta(minutes=15),
    )
    return made


def open_checkout(booking: Booking) -> str:
    return services.checkout_url(booking=booking, now=timezone.now())


def deliver(client: Any, delivery: Any) -> Any:
    return client.post(
        WEBHOOK,
        data=delivery.body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=delivery.signature,
    )
