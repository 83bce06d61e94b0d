"""The desk's payment link: a session front desk booked, for which the client is
emailed a link to pay what the clinic's policy asks (or to save a card). The booking
stands whether or not they pay: nothing is held or released (the checkout's state is
"requested"); the link's page and Stripe's return are the online booking's own
(services.checkout_url, services.settle)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from bookings.messaging import notifications
from bookings.models import (
    Booking,
    BookingCheckout,
    BookingStatus,
    CheckoutState,
    NotificationKind,
)
from bookings.payments import gateway, selectors, services


def request_payment(*, booking: Booking, now: datetime) -> BookingCheckout:
    """The desk booked the session and sends the client a link to pay what the
    clinic's policy asks (or to save a card). The booking stands either way. Sending
    it again closes the last link's Stripe page first, so it can never be paid twice,
    and gives the link PAYMENT_LINK_HOURS more."""
    found = selectors.clinic_terms(booking.price)
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        checkout = BookingCheckout.objects.select_for_update().filter(booking=locked).first()
        if checkout is None:
            if not services.online_payment(found):
                raise services.PaymentRefused(
                    "The clinic's rules take payment at the clinic: there is nothing to send."
                )
            checkout = BookingCheckout.objects.create(
                booking=locked,
                policy=found.policy,
                currency=found.currency,
                due_now_minor=found.due_now_minor,
                fee_minor=found.fee_minor,
                state=CheckoutState.REQUESTED,
                hold_until=now,
            )
        _may_send_link(locked, checkout, now)
        stale = checkout.session_id
    if stale:
        result = gateway.expire_checkout(stale)
        if result.status == "complete":
            services.settle(booking=booking, result=result, now=now)
            raise services.PaymentRefused(
                "The client has just paid: there is no need for a new link."
            )
    with transaction.atomic():
        locked, checkout = services.locked_checkout(booking.pk)
        _may_send_link(locked, checkout, now)
        checkout.session_id = checkout.session_url = checkout.payment_intent_id = ""
        # Never past the session's start: there is nothing to pay in advance after it.
        checkout.hold_until = min(now + timedelta(hours=settings.PAYMENT_LINK_HOURS), locked.start)
        checkout.save()
        notifications.notify_payment(locked, NotificationKind.PAYMENT_LINK, now=now)
    return checkout


def _may_send_link(booking: Booking, checkout: BookingCheckout, now: datetime) -> None:
    if checkout.state != CheckoutState.REQUESTED:
        raise services.PaymentRefused("This booking's payment is already settled.")
    if booking.status != BookingStatus.CONFIRMED or booking.start <= now:
        raise services.PaymentRefused(
            "A payment link is only for a confirmed session still to come."
        )
    if not booking.client_email:
        raise services.PaymentRefused("The client has no email address: add one to send a link.")
