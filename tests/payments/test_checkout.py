"""A client books under a paid policy, through the views, against localstripe."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.urls import reverse

from bookings.intake import cookie as intake
from bookings.messaging import outbox
from bookings.models import (
    Booking,
    BookingCheckout,
    BookingStatus,
    CheckoutState,
    Notification,
    NotificationKind,
    Payment,
    PaymentPolicy,
)
from bookings.payments import services
from tests.factories import SCREENED_INTAKE

from .conftest import CONNECTIONS

pytestmark = pytest.mark.django_db

SUBMIT = reverse("bookings:book_submit", kwargs={"slug": "swedish"})
DETAILS = {
    "client_name": "Sam Client",
    "client_email": "sam@example.com",
    "client_phone": "07700 900123",
}


@pytest.fixture
def deposit_clinic(clinic_rules, therapist, now, fake_stripe):
    clinic_rules.payment_policy = PaymentPolicy.DEPOSIT
    clinic_rules.deposit_amount = Decimal("20.00")
    clinic_rules.save()
    clinic_rules.remember()
    return therapist


@pytest.fixture(autouse=True)
def screened(client):
    screen(client)


def screen(client):
    response = HttpResponse()
    intake.remember(response, SCREENED_INTAKE)
    client.cookies[intake.COOKIE_NAME] = response.cookies[intake.COOKIE_NAME].value


def submit(client, start="2026-03-03T10:00Z"):
    return client.post(SUBMIT, {"length": 60, "therapist": "any", "start": start} | DETAILS)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def kinds(booking: Booking) -> list[str]:
    return sorted(Notification.objects.filter(booking=booking).values_list("kind", flat=True))


def test_the_details_page_says_the_deposit_before_booking(client, deposit_clinic):
    page = client.get(
        reverse("bookings:book", kwargs={"slug": "swedish"}),
        {"length": 60, "therapist": "any", "start": "2026-03-03T10:00Z"},
    )
    assert "To book, you pay a deposit of £20.00 by card now; the rest, £45.00" in page.text


def details_page(client):
    url = reverse("bookings:book", kwargs={"slug": "swedish"})
    return client.get(url, {"length": 60, "therapist": "any", "start": "2026-03-03T10:00Z"}).text


def test_the_details_button_says_payment_comes_next_and_the_amount_beside_it(
    client, deposit_clinic
):
    page = details_page(client)

    assert ">Continue to payment</button>" in page
    assert "Confirm booking" not in page
    assert "Next, you pay the deposit of £20.00 on Stripe" in page
    assert "Step 3 of 3: tell us who you are, then pay the deposit." in page


def test_the_details_button_says_a_card_is_added_under_a_card_on_file_policy(
    client, deposit_clinic, clinic_rules
):
    clinic_rules.payment_policy = PaymentPolicy.CARD_ON_FILE
    clinic_rules.fee_amount = Decimal("30.00")
    clinic_rules.save()
    clinic_rules.remember()

    page = details_page(client)

    assert ">Continue to add a card</button>" in page
    assert "Nothing is charged now." in page


def test_the_details_button_confirms_the_booking_when_paid_at_the_clinic(
    client, clinic_rules, therapist, now
):
    page = details_page(client)

    assert ">Confirm booking</button>" in page
    assert "Stripe" not in page


def test_a_client_pays_the_deposit_and_the_booking_is_confirmed(
    client, deposit_clinic, fake_stripe
):
    response = submit(client)
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("bookings:payment_page", args=[booking.manage_token])
    assert booking.status == BookingStatus.AWAITING_PAYMENT
    assert kinds(booking) == []  # no confirmation before the money

    page = client.get(response.url)
    assert "We are holding this time for you until <strong>08:15</strong>" in page.text
    assert "Pay £20.00 with Stripe" in page.text
    assert fake_stripe.base in page["Content-Security-Policy"]

    to_stripe = client.post(response.url)
    assert to_stripe.status_code == 303
    assert to_stripe.url.startswith(fake_stripe.base)
    # A second click, or a second tab, finds the same payment page.
    assert client.post(response.url).url == to_stripe.url

    back = fake_stripe.pay(to_stripe.url)
    assert back.status_code == 303
    done = client.get(path_of(back.headers["Location"]))
    assert done.url == reverse("bookings:booking_detail", args=[booking.manage_token])

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount_minor, payment.currency) == ("payment", 2000, "gbp")
    assert payment.stripe_id.startswith("pi_")
    assert kinds(booking) == ["clinic_booked", "confirmation", "outcome_ask", "receipt", "reminder"]
    detail = client.get(done.url)
    assert "You are booked in" in detail.text
    assert "Payment: £20.00" in detail.text
    # Reloading the return page changes nothing.
    client.get(path_of(back.headers["Location"]))
    assert Payment.objects.count() == 1
    assert kinds(booking).count("confirmation") == 1


def test_the_return_link_alone_confirms_nothing(client, deposit_clinic, fake_stripe):
    submit(client)
    booking = Booking.objects.get()
    to_stripe = client.post(reverse("bookings:payment_page", args=[booking.manage_token]))
    session_id = BookingCheckout.objects.get().session_id
    back = client.get(
        reverse("bookings:payment_return", args=[booking.manage_token]),
        {"session_id": session_id},
    )
    assert back.url == reverse("bookings:payment_page", args=[booking.manage_token])
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_PAYMENT
    assert not Payment.objects.exists()
    assert to_stripe.status_code == 303


def test_an_unpaid_hold_is_released_and_the_client_told_nothing_was_charged(
    client, deposit_clinic, fake_stripe, now, clock
):
    submit(client)
    booking = Booking.objects.get()
    client.post(reverse("bookings:payment_page", args=[booking.manage_token]))
    assert services.release_lapsed(now=now + timedelta(minutes=14)) == 0
    assert services.release_lapsed(now=now + timedelta(minutes=15)) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert BookingCheckout.objects.get().state == CheckoutState.RELEASED
    assert kinds(booking) == [NotificationKind.HOLD_RELEASED]
    assert not Payment.objects.exists()
    # Stripe's page no longer takes the money.
    url = BookingCheckout.objects.get().session_url
    assert fake_stripe.pay(url).status_code == 200
    clock.shift(timedelta(minutes=16))
    # The time is free again for someone else.
    screen(client)
    assert submit(client).status_code == 302
    assert Booking.objects.active().count() == 1


def test_a_client_who_never_opened_the_payment_page_is_released_too(client, deposit_clinic, now):
    submit(client)
    assert services.release_lapsed(now=now + timedelta(minutes=16)) == 1
    assert Booking.objects.get().status == BookingStatus.CANCELLED


def test_the_payment_page_after_the_hold_says_so_plainly(client, deposit_clinic, clock):
    submit(client)
    booking = Booking.objects.get()
    clock.shift(timedelta(minutes=20))
    page = client.post(reverse("bookings:payment_page", args=[booking.manage_token]))
    assert page.status_code == 409
    assert "The time we held for you has ended. Nothing was charged" in page.text


@pytest.mark.parametrize("page", ["bookings:payment_page", "bookings:manage"])
def test_a_client_returning_after_the_hold_was_released_is_told_and_sent_to_book_again(
    client, deposit_clinic, now, page
):
    submit(client)
    booking = Booking.objects.get()
    services.release_lapsed(now=now + timedelta(minutes=16))
    shown = client.get(reverse(page, args=[booking.manage_token]), follow=True)
    assert shown.status_code == 200
    text = shown.text
    assert "The time we held for you has ended. Nothing was charged; please choose a time" in text
    assert f'href="{reverse("bookings:book", args=["swedish"])}">Choose a time</a>' in text
    assert "This booking was cancelled" not in text
    assert "This booking is cancelled" not in text
    assert "deposit" not in text
    assert "Please keep it" not in text


def test_nothing_reaches_anything_but_the_local_fake(client, deposit_clinic, fake_stripe):
    submit(client)
    booking = Booking.objects.get()
    to_stripe = client.post(reverse("bookings:payment_page", args=[booking.manage_token]))
    back = fake_stripe.pay(to_stripe.url)
    client.get(path_of(back.headers["Location"]))
    assert Payment.objects.count() == 1
    assert CONNECTIONS, "the payments made no connection at all"
    assert {host for host, _ in CONNECTIONS} <= {"127.0.0.1", "::1", "localhost"}


def test_the_released_client_really_gets_the_nothing_charged_email(
    client, deposit_clinic, now, mailoutbox
):

    submit(client)
    services.release_lapsed(now=now + timedelta(minutes=16))
    outbox.send_due(now=now + timedelta(minutes=16))
    message = next(m for m in mailoutbox if m.to == ["sam@example.com"])
    assert message.subject == "Not booked, nothing charged: Tuesday 3 March at 10:00"
    assert "Nothing was charged." in message.body
    # The session that was not booked, without a price or terms that no longer apply.
    assert "Tuesday 3 March 2026, 10:00 to 11:00" in message.body
    assert "Price:" not in message.body
    assert "paid at the clinic" not in message.body
    assert "deposit" not in message.body
    html = message.alternatives[0][0]
    assert "Price" not in html
    assert "deposit" not in html


def test_the_receipt_email_names_the_amount_and_links_the_receipt(
    client, deposit_clinic, fake_stripe, mailoutbox
):

    submit(client)
    booking = Booking.objects.get()
    to_stripe = client.post(reverse("bookings:payment_page", args=[booking.manage_token]))
    client.get(path_of(fake_stripe.pay(to_stripe.url).headers["Location"]))
    outbox.send_due()
    receipt = next(m for m in mailoutbox if m.subject.startswith("Your receipt"))
    assert "we received £20.00 by card" in receipt.body
    assert f"/pay/{booking.manage_token}/receipt/" in receipt.body
    confirmation = next(m for m in mailoutbox if m.subject.startswith("Your massage is booked"))
    assert "To book, you pay a deposit of £20.00 by card now" in confirmation.body
