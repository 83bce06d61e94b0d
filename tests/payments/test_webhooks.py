from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import (
    BookingCheckout,
    BookingStatus,
    CheckoutState,
    Notification,
    NotificationKind,
    Payment,
    PaymentKind,
    StripeEvent,
)
from bookings.payments import services
from tests.factories import BookingFactory

from .helpers import WEBHOOK, deliver, held, open_checkout

pytestmark = pytest.mark.django_db


def test_a_paid_session_webhook_confirms_the_booking_once(client, fake_stripe):
    booking = held()
    url = open_checkout(booking)
    fake_stripe.pay(url)
    session_id = BookingCheckout.objects.get().session_id
    delivery = fake_stripe.wait_for("checkout.session.completed", session_id)

    assert deliver(client, delivery).status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Payment.objects.get().amount_minor == 2000

    again = deliver(client, delivery)
    assert (again.status_code, again.text) == (200, "seen")
    assert Payment.objects.count() == 1
    assert Notification.objects.filter(kind=NotificationKind.CONFIRMATION).count() == 1
    assert StripeEvent.objects.get().handled_at is not None


def test_a_webhook_without_stripes_signature_is_refused(client, fake_stripe):
    booking = held()
    fake_stripe.pay(open_checkout(booking))
    delivery = fake_stripe.wait_for(
        "checkout.session.completed", BookingCheckout.objects.get().session_id
    )
    forged = client.post(
        WEBHOOK,
        data=delivery.body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=0000",
    )
    assert forged.status_code == 400
    unsigned = client.post(WEBHOOK, data=b"{}", content_type="application/json")
    assert unsigned.status_code == 400
    assert not StripeEvent.objects.exists()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_PAYMENT


def test_the_webhook_after_the_return_page_changes_nothing(client, fake_stripe):
    booking = held()
    fake_stripe.pay(open_checkout(booking))
    checkout = BookingCheckout.objects.get()
    services.confirm_from_return(
        booking=booking, session_id=checkout.session_id, now=timezone.now()
    )
    deliver(client, fake_stripe.wait_for("checkout.session.completed", checkout.session_id))
    assert Payment.objects.count() == 1
    assert Notification.objects.filter(kind=NotificationKind.RECEIPT).count() == 1


def test_a_late_expired_event_after_payment_leaves_the_booking_booked(client, fake_stripe):
    booking = held()
    fake_stripe.pay(open_checkout(booking))
    checkout = BookingCheckout.objects.get()
    deliver(client, fake_stripe.wait_for("checkout.session.completed", checkout.session_id))
    # Stripe has no such event for a paid session; a stale or reordered one must not undo it.
    stale = {
        "id": "evt_stale",
        "type": "checkout.session.expired",
        "data": {"object": {"id": checkout.session_id, "status": "expired"}},
    }
    services.handle_event(event=stale, now=timezone.now())
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_lost_webhook_is_made_good_by_the_worker_asking_stripe(fake_stripe):
    booking = held()
    fake_stripe.pay(open_checkout(booking))
    # No webhook is delivered; after the hold the worker asks Stripe.
    assert services.release_lapsed(now=timezone.now() + timedelta(minutes=16)) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert BookingCheckout.objects.get().state == CheckoutState.PAID
    assert Payment.objects.get().kind == PaymentKind.PAYMENT


def test_paid_after_the_hold_with_the_time_taken_is_refunded_and_told(
    client, fake_stripe, monkeypatch
):
    booking = held()
    url = open_checkout(booking)
    fake_stripe.pay(url)
    # Stripe was unreachable at the hold's end, and stayed so past the grace:
    from bookings.payments import gateway

    def unreachable(session_id):
        raise gateway.GatewayUnavailable("expire checkout")

    monkeypatch.setattr(gateway, "expire_checkout", unreachable)
    later = timezone.now() + timedelta(minutes=15) + services.UNREACHABLE_GRACE
    services.release_lapsed(now=later)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    taker = BookingFactory(therapist=booking.therapist, start=booking.start)
    # Then the payment's webhook arrives.
    deliver(
        client,
        fake_stripe.wait_for(
            "checkout.session.completed", BookingCheckout.objects.get().session_id
        ),
    )

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert BookingCheckout.objects.get().state == CheckoutState.REFUNDED_LATE
    paid, refund = Payment.objects.order_by("pk")
    assert (paid.kind, refund.kind, refund.amount_minor) == ("payment", "refund", 2000)
    assert refund.refund_of == paid
    assert refund.stripe_id.startswith("re_")
    assert Notification.objects.filter(booking=booking, kind=NotificationKind.LATE_REFUND).exists()
    assert not Notification.objects.filter(
        booking=booking, kind=NotificationKind.CONFIRMATION
    ).exists()
    assert taker.status == BookingStatus.CONFIRMED


def test_paid_after_the_hold_with_the_time_still_free_keeps_the_booking(
    client, fake_stripe, monkeypatch
):
    booking = held()
    fake_stripe.pay(open_checkout(booking))
    from bookings.payments import gateway

    def unreachable(session_id):
        raise gateway.GatewayUnavailable("expire checkout")

    monkeypatch.setattr(gateway, "expire_checkout", unreachable)
    services.release_lapsed(now=timezone.now() + timedelta(minutes=50))
    deliver(
        client,
        fake_stripe.wait_for(
            "checkout.session.completed", BookingCheckout.objects.get().session_id
        ),
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert [p.kind for p in Payment.objects.all()] == ["payment"]
