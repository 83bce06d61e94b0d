"""Front desk books a phone client and emails a link to pay the deposit (against
localstripe): the booking stands whether or not they pay; the link's page takes the
deposit through Stripe Checkout; an expired link is sent again, closing the old page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from bookings.messaging import outbox
from bookings.models import (
    Booking,
    BookingCheckout,
    BookingStatus,
    CheckoutState,
    Notification,
    NotificationKind,
    Payment,
    PaymentKind,
    PaymentPolicy,
)
from bookings.payments import desk_link, services
from tests.clock import NOW, clinic_time
from tests.factories import BookingFactory, answered

pytestmark = pytest.mark.django_db

TUESDAY_10 = clinic_time(NOW + timedelta(days=1), 10)


@pytest.fixture
def deposit_clinic(clinic_rules, therapist, now, fake_stripe):
    clinic_rules.payment_policy = PaymentPolicy.DEPOSIT
    clinic_rules.deposit_amount = Decimal("20.00")
    clinic_rules.save()
    clinic_rules.remember()
    return therapist


@pytest.fixture
def desk_booking(deposit_clinic, front_desk_user, now):
    """Pat, booked by the desk for Wednesday, paid at the clinic so far."""
    return BookingFactory(
        therapist=deposit_clinic,
        client_name="Pat Phone",
        client_email="pat@example.org",
        start=now + timedelta(days=2),
        booked_by=front_desk_user,
    )


def kinds(booking: Booking) -> list[str]:
    return sorted(Notification.objects.filter(booking=booking).values_list("kind", flat=True))


def pay_page(booking: Booking) -> str:
    return reverse("bookings:payment_page", args=[booking.manage_token])


def test_the_link_asks_for_the_deposit_and_the_booking_stands(desk_booking, now):
    checkout = desk_link.request_payment(booking=desk_booking, now=now)

    desk_booking.refresh_from_db()
    assert desk_booking.status == BookingStatus.CONFIRMED
    assert (checkout.state, checkout.due_now_minor) == (CheckoutState.REQUESTED, 2000)
    assert checkout.hold_until == now + timedelta(hours=23)
    # The worker's release of unpaid holds leaves a booking the desk made alone.
    services.release_lapsed(now=now + timedelta(days=1))
    desk_booking.refresh_from_db()
    assert desk_booking.status == BookingStatus.CONFIRMED
    (link,) = Notification.objects.filter(kind=NotificationKind.PAYMENT_LINK)
    outbox.deliver(link.pk, now=now)
    (email,) = mail.outbox
    assert email.to == ["pat@example.org"]
    assert "The clinic asks you to pay a deposit of £20.00 by card now" in email.body
    assert pay_page(desk_booking) in email.body


def test_the_client_pays_through_the_link_and_gets_a_receipt_not_a_second_booking(
    client, desk_booking, fake_stripe, now
):
    desk_link.request_payment(booking=desk_booking, now=now)
    page = client.get(pay_page(desk_booking)).text
    assert "Pay your deposit" in page and "Your session is booked." in page
    assert "holding this time" not in page

    stripe_page = client.post(pay_page(desk_booking))
    fake_stripe.pay(stripe_page["Location"])
    session_id = BookingCheckout.objects.get().session_id
    back = client.get(
        reverse("bookings:payment_return", args=[desk_booking.manage_token]),
        {"session_id": session_id},
    )

    assert back["Location"] == reverse("bookings:booking_detail", args=[desk_booking.manage_token])
    assert BookingCheckout.objects.get().state == CheckoutState.PAID
    assert Payment.objects.get().amount_minor == 2000
    desk_booking.refresh_from_db()
    assert desk_booking.status == BookingStatus.CONFIRMED
    assert kinds(desk_booking) == [NotificationKind.PAYMENT_LINK, NotificationKind.RECEIPT]
    # Their booking's page says the clinic asked (it never waited for the payment).
    detail = client.get(reverse("bookings:booking_detail", args=[desk_booking.manage_token]))
    assert "The clinic asks you to pay a deposit of £20.00" in detail.text
    assert "To book, you pay" not in detail.text
    # Paid: the link's page sends them to their booking; the desk may not send another.
    assert client.get(pay_page(desk_booking)).status_code == 302
    with pytest.raises(services.PaymentRefused):
        desk_link.request_payment(booking=desk_booking, now=now)


def test_an_expired_link_is_sent_again_and_the_old_page_is_closed(
    client, desk_booking, fake_stripe, now, clock
):
    desk_link.request_payment(booking=desk_booking, now=now)
    old_page = client.post(pay_page(desk_booking))["Location"]
    old_session = BookingCheckout.objects.get().session_id
    clock.move_to(now + timedelta(hours=24))
    later = now + timedelta(hours=24)

    expired = client.post(pay_page(desk_booking))
    assert expired.status_code == 409
    assert "This payment link has expired. Nothing was charged." in expired.text

    desk_link.request_payment(booking=desk_booking, now=later)

    checkout = BookingCheckout.objects.get()
    assert checkout.session_id == "" and checkout.hold_until == later + timedelta(hours=23)
    assert kinds(desk_booking).count(NotificationKind.PAYMENT_LINK) == 2
    # The old page can no longer take money; the new link makes a new page.
    fake_stripe.pay(old_page)
    new_page = client.post(pay_page(desk_booking))["Location"]
    assert new_page != old_page
    fake_stripe.pay(new_page)
    services.confirm_from_return(
        booking=desk_booking, session_id=BookingCheckout.objects.get().session_id, now=later
    )
    assert BookingCheckout.objects.get().session_id != old_session
    assert Payment.objects.count() == 1


def test_paid_through_the_link_after_a_cancellation_is_refunded_in_full(
    client, desk_booking, fake_stripe, now
):
    from bookings.booking.services import cancel_booking

    desk_link.request_payment(booking=desk_booking, now=now)
    stripe_page = client.post(pay_page(desk_booking))["Location"]
    cancel_booking(booking=desk_booking, now=now)
    fake_stripe.pay(stripe_page)

    services.confirm_from_return(
        booking=desk_booking, session_id=BookingCheckout.objects.get().session_id, now=now
    )

    assert BookingCheckout.objects.get().state == CheckoutState.CANCEL_SETTLED
    rows = dict(Payment.objects.values_list("kind", "amount_minor"))
    assert rows == {PaymentKind.PAYMENT: 2000, PaymentKind.REFUND: 2000}
    assert NotificationKind.REFUND in kinds(desk_booking)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"client_email": ""}, "The client has no email address"),
        ({"status": BookingStatus.CANCELLED}, "only for a confirmed session still to come"),
    ],
)
def test_no_link_for_a_client_without_email_or_a_session_not_to_come(
    desk_booking, now, change, message
):
    Booking.objects.filter(pk=desk_booking.pk).update(**change)
    desk_booking.refresh_from_db()

    with pytest.raises(services.PaymentRefused, match=message):
        desk_link.request_payment(booking=desk_booking, now=now)
    assert not BookingCheckout.objects.exists()


def test_the_link_never_works_past_the_sessions_start(desk_booking, now):
    Booking.objects.filter(pk=desk_booking.pk).update(start=now + timedelta(hours=5))
    desk_booking.refresh_from_db()

    checkout = desk_link.request_payment(booking=desk_booking, now=now)

    assert checkout.hold_until == desk_booking.start


def test_no_link_when_the_clinic_is_paid_at_the_clinic(clinic_rules, therapist, now):
    booking = BookingFactory(therapist=therapist, start=now + timedelta(days=2))

    with pytest.raises(services.PaymentRefused, match="take payment at the clinic"):
        desk_link.request_payment(booking=booking, now=now)


def test_the_booking_page_shows_deposit_requested_and_sends_the_link_again(
    client, desk_booking, front_desk_user, now
):
    client.force_login(front_desk_user)
    change = reverse("admin:bookings_booking_change", args=[desk_booking.pk])
    link = reverse("bookings:desk_payment_link", args=[desk_booking.pk])
    assert "Send a payment link for the deposit of £20.00" in client.get(change).text
    assert client.get(link).status_code == 405

    sent = client.post(link)

    assert sent.status_code == 303 and sent["Location"] == change
    page = client.get(change).text
    assert "Deposit requested" in page and "Send the payment link again" in page
    assert "Payment link emailed to pat@example.org." in page
    assert BookingCheckout.objects.get().state == CheckoutState.REQUESTED


def test_the_manage_page_says_deposit_requested_with_a_button_to_pay(client, desk_booking, now):
    desk_link.request_payment(booking=desk_booking, now=now)

    page = client.get(reverse("bookings:manage", args=[desk_booking.manage_token])).text

    assert "Deposit requested." in page
    assert f'href="{pay_page(desk_booking)}"' in page


def test_the_desk_books_and_chooses_to_send_a_payment_link(
    client, deposit_clinic, front_desk_user, swedish, now
):
    client.force_login(front_desk_user)
    add = reverse("admin:bookings_booking_add")
    assert "Send a payment link by email" in client.get(add).text
    data = answered(
        {
            "action": "book",
            "technique": swedish.pk,
            "length_minutes": 60,
            "therapist": deposit_clinic.pk,
            "day": "2026-03-03",
            "time": "10:00",
            "client_name": "Pat Phone",
            "client_phone": "07700 900456",
            "client_email": "pat@example.org",
            "payment": "link",
        }
    )

    response = client.post(add, data, follow=True)

    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert BookingCheckout.objects.get(booking=booking).state == CheckoutState.REQUESTED
    assert "Payment link emailed to pat@example.org." in response.text
    assert NotificationKind.PAYMENT_LINK in kinds(booking)


def test_the_desk_form_offers_no_link_when_paid_at_the_clinic(
    client, clinic_rules, therapist, front_desk_user
):
    client.force_login(front_desk_user)

    assert "Send a payment link" not in client.get(reverse("admin:bookings_booking_add")).text
