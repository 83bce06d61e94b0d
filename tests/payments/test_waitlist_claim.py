"""A waitlist offer claimed online under a deposit policy goes through the same hold and
Stripe Checkout as an online booking (against localstripe); the desk's call list books
to be paid at the clinic."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.booking import services as booking_services
from bookings.models import (
    Booking,
    BookingCheckout,
    BookingStatus,
    CheckoutState,
    Notification,
    NotificationKind,
    OfferStatus,
    Payment,
    PaymentPolicy,
    WaitlistOffer,
)
from bookings.payments import services
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import fill_wednesday_afternoon, join

from .helpers import open_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def deposit_clinic(clinic_rules, therapist, now, fake_stripe):
    clinic_rules.payment_policy = PaymentPolicy.DEPOSIT
    clinic_rules.deposit_amount = Decimal("20.00")
    clinic_rules.save()
    clinic_rules.remember()
    return therapist


@pytest.fixture
def offer(deposit_clinic, book, now, after_commit) -> WaitlistOffer:
    """Jane waits for Wednesday afternoon; the 14:00 session is cancelled; she is offered it."""
    taken = fill_wednesday_afternoon(book)
    join()
    booking_services.cancel_booking(booking=taken[1], now=now)
    (made,) = waitlist.offer_freed_times(now=now)
    return made


def kinds(booking: Booking) -> set[str]:
    return set(Notification.objects.filter(booking=booking).values_list("kind", flat=True))


def test_the_offer_page_says_the_deposit_and_that_payment_comes_next(client, offer):
    page = client.get(reverse("bookings:waitlist_offer", args=[offer.token])).text

    assert "To book, you pay a deposit of £20.00 by card now" in page
    assert "Next, you pay the deposit of £20.00 on Stripe" in page
    assert ">Continue to payment</button>" in page
    assert "Book it" not in page


def test_claiming_an_offer_holds_the_time_and_goes_on_to_pay(client, offer, fake_stripe, now):
    response = client.post(reverse("bookings:waitlist_offer", args=[offer.token]))

    booking = Booking.objects.get(client_name="Jane Doe")
    assert response.status_code == 303
    assert response["Location"] == reverse("bookings:payment_page", args=[booking.manage_token])
    assert booking.status == BookingStatus.AWAITING_PAYMENT
    assert BookingCheckout.objects.get(booking=booking).due_now_minor == 2000
    offer.refresh_from_db()
    assert offer.status == OfferStatus.TAKEN
    # Nothing is confirmed until they have paid.
    assert NotificationKind.CONFIRMATION not in kinds(booking)
    # The offer's link again finds the booking (its page offers the payment).
    again = client.get(reverse("bookings:waitlist_offer", args=[offer.token]))
    assert again["Location"] == reverse("bookings:booking_detail", args=[booking.manage_token])

    fake_stripe.pay(open_checkout(booking))
    checkout = BookingCheckout.objects.get(booking=booking)
    services.confirm_from_return(booking=booking, session_id=checkout.session_id, now=now)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Payment.objects.get(booking=booking).amount_minor == 2000
    assert {NotificationKind.CONFIRMATION, NotificationKind.RECEIPT} <= kinds(booking)


def test_an_unpaid_claim_is_released_and_the_sweep_offers_the_time_again(
    client, offer, fake_stripe, now
):
    client.post(reverse("bookings:waitlist_offer", args=[offer.token]))
    claimed = Booking.objects.get(client_name="Jane Doe")
    open_checkout(claimed)  # she opened Stripe's page, then never paid
    # Sam joins while the time is held: nothing is free for him yet.
    sam = join(client_name="Sam Smith", client_email="sam@example.org")
    assert waitlist.offer_freed_times(now=now) == []

    services.release_lapsed(now=now + timedelta(minutes=16))

    claimed.refresh_from_db()
    assert claimed.status == BookingStatus.CANCELLED
    assert BookingCheckout.objects.get(booking=claimed).state == CheckoutState.RELEASED
    assert NotificationKind.HOLD_RELEASED in kinds(claimed)
    assert not Payment.objects.exists()
    (again,) = waitlist.offer_freed_times(now=now + timedelta(minutes=17))
    assert again.entry == sam
    assert again.start == offer.start


def test_claiming_an_offer_at_a_clinic_paid_at_the_clinic_confirms_at_once(
    client, clinic_rules, therapist, book, now, after_commit
):
    taken = fill_wednesday_afternoon(book)
    join()
    booking_services.cancel_booking(booking=taken[1], now=now)
    (made,) = waitlist.offer_freed_times(now=now)
    assert (
        ">Book it</button>"
        in client.get(reverse("bookings:waitlist_offer", args=[made.token])).text
    )

    client.post(reverse("bookings:waitlist_offer", args=[made.token]))

    booking = Booking.objects.get(client_name="Jane Doe")
    assert booking.status == BookingStatus.CONFIRMED
    assert not BookingCheckout.objects.exists()
    assert NotificationKind.CONFIRMATION in kinds(booking)


def test_the_desk_booking_a_called_client_from_the_waitlist_is_paid_at_the_clinic(
    offer, front_desk_user, now
):
    WaitlistOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.TO_CALL)
    offer.refresh_from_db()

    booking = waitlist.book_for_caller(offer=offer, by=front_desk_user, now=now)

    assert booking.status == BookingStatus.CONFIRMED
    assert not BookingCheckout.objects.exists()
