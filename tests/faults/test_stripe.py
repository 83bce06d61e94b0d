"""Stripe down, slow, or its webhooks repeated at once: a clear message, the hold kept,
nothing charged twice, nothing lost. Against localstripe (tests/payments)."""

import socket
import threading
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings.models import (
    BookingCheckout,
    BookingStatus,
    CheckoutState,
    Notification,
    NotificationKind,
    Payment,
)
from bookings.payments import services
from tests.payments.conftest import fake_stripe, localstripe_server  # noqa: F401
from tests.payments.helpers import deliver, held

from .conftest import require_postgresql, spare_port

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def black_hole():
    """A port that accepts connections and never answers: Stripe, slow."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held_open: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held_open.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held_open:
        conn.close()
    server.close()


def pay_page(booking):
    return reverse("bookings:payment_page", args=[booking.manage_token])


@pytest.mark.parametrize("how", ["unreachable", "slow"])
def test_stripe_down_or_slow_keeps_the_hold_and_charges_once(
    how,
    fake_stripe,  # noqa: F811
    settings,
    black_hole,
):
    booking = held()
    client = Client()
    settings.STRIPE_TIMEOUT_SECONDS = 1
    settings.STRIPE_API_BASE = black_hole if how == "slow" else f"http://127.0.0.1:{spare_port()}"

    refused = client.post(pay_page(booking))

    assert refused.status_code == 503
    assert "We could not reach our card payment provider just now. Nothing was charged." in (
        refused.text
    )
    assert "still held for you" in refused.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_PAYMENT
    assert BookingCheckout.objects.get().session_id == ""
    # The worker does not let go of it while the hold runs.
    assert services.release_lapsed(now=timezone.now()) == 0

    settings.STRIPE_API_BASE = fake_stripe.base
    first = client.post(pay_page(booking))
    again = client.post(pay_page(booking))
    assert first["Location"] == again["Location"]
    back = fake_stripe.pay(first["Location"])
    assert back.status_code == 303
    assert fake_stripe.pay(first["Location"]).status_code == 303  # the client's second click
    services.confirm_from_return(
        booking=booking, session_id=BookingCheckout.objects.get().session_id, now=timezone.now()
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Payment.objects.count() == 1


def test_stripe_down_at_the_hold_end_keeps_it_then_settles_from_stripe(
    fake_stripe,  # noqa: F811
    settings,
):
    booking = held()
    client = Client()
    url = client.post(pay_page(booking))["Location"]
    fake_stripe.pay(url)
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{spare_port()}"
    after = timezone.now() + timedelta(minutes=16)
    services.release_lapsed(now=after)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_PAYMENT  # kept: it may have been paid
    settings.STRIPE_API_BASE = fake_stripe.base
    services.release_lapsed(now=after + timedelta(minutes=1))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Payment.objects.count() == 1


def test_a_webhook_delivered_twice_at_once_confirms_and_records_once(fake_stripe):  # noqa: F811
    require_postgresql()
    booking = held()
    client = Client()
    url = client.post(pay_page(booking))["Location"]
    fake_stripe.pay(url)
    delivery = fake_stripe.wait_for(
        "checkout.session.completed", BookingCheckout.objects.get().session_id
    )
    barrier = threading.Barrier(3)
    statuses: list[int] = []

    def send() -> None:
        from django.db import connection

        barrier.wait()
        try:
            statuses.append(deliver(Client(), delivery).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200, 200, 200]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert BookingCheckout.objects.get().state == CheckoutState.PAID
    assert Payment.objects.count() == 1
    assert (
        Notification.objects.filter(booking=booking, kind=NotificationKind.CONFIRMATION).count()
        == 1
    )
