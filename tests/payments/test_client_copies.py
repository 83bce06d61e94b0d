"""Money in what the client is given and what they may take away: the payments in their
export, what erasure keeps of them (the clinic's accounts) and what it lets go, the
receipt on "My bookings", and the booking button that says payment comes next."""

from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.messaging import notifications
from bookings.models import (
    BookingCheckout,
    BookingStatus,
    CheckoutState,
    Notification,
    NotificationKind,
    Payment,
    PaymentKind,
    PaymentOutcome,
    PaymentPolicy,
)
from bookings.privacy import services as privacy
from tests.bookings.test_account_pages import sign_in
from tests.factories import BookingFactory, ClientFactory

pytestmark = pytest.mark.django_db


def paid(booking, *, policy=PaymentPolicy.DEPOSIT, at, amount=2000):
    """A booking whose deposit was paid by the card ending 4242."""
    BookingCheckout.objects.create(
        booking=booking,
        policy=policy,
        currency="gbp",
        due_now_minor=0 if policy == PaymentPolicy.CARD_ON_FILE else amount,
        fee_minor=3000 if policy == PaymentPolicy.CARD_ON_FILE else 0,
        state=CheckoutState.CARD_SAVED
        if policy == PaymentPolicy.CARD_ON_FILE
        else CheckoutState.PAID,
        hold_until=at,
        session_id=f"cs_test_{booking.pk}",
        payment_intent_id=f"pi_test_{booking.pk}",
        customer_id="cus_test",
        payment_method_id="pm_test",
        card_brand="visa",
        card_last4="4242",
    )
    if policy == PaymentPolicy.CARD_ON_FILE:
        return None
    return Payment.objects.create(
        booking=booking,
        kind=PaymentKind.PAYMENT,
        amount_minor=amount,
        currency="gbp",
        stripe_id=f"pi_test_{booking.pk}",
        card_last4="4242",
        at=at,
    )


@pytest.fixture
def jane(clinic_rules, therapist, now):
    """Jane paid a £20 deposit for a past session (refunded £5 by the desk) and holds a
    card on file for one to come, whose no-show fee the bank declined once."""
    person = ClientFactory(name="Jane Doe", email="jane@example.org")
    common = {"client": person, "client_email": person.email, "therapist": therapist}
    past = BookingFactory(
        reference="JANEPAID", completed=True, start=now - timedelta(days=7), **common
    )
    deposit = paid(past, at=now - timedelta(days=9))
    Payment.objects.create(
        booking=past,
        kind=PaymentKind.REFUND,
        amount_minor=500,
        currency="gbp",
        stripe_id="re_test_1",
        refund_of=deposit,
        reason="Jane's back was too sore to finish the session",
        card_last4="4242",
        at=now - timedelta(days=7),
    )
    coming = BookingFactory(reference="JANECARD", start=now + timedelta(days=3), **common)
    paid(coming, policy=PaymentPolicy.CARD_ON_FILE, at=now - timedelta(days=1))
    Payment.objects.create(
        booking=coming,
        kind=PaymentKind.FEE,
        outcome=PaymentOutcome.FAILED,
        amount_minor=3000,
        currency="gbp",
        failure="Your card was declined.",
        card_last4="4242",
        at=now - timedelta(hours=2),
    )
    BookingFactory(reference="JANEFREE", start=now + timedelta(days=5), **common)
    return person


@pytest.fixture
def john(clinic_rules, other_therapist, now):
    person = ClientFactory(name="John Roe", email="john@example.org")
    booking = BookingFactory(
        reference="JOHNPAID",
        client=person,
        client_email=person.email,
        therapist=other_therapist,
        start=now + timedelta(days=4),
    )
    paid(booking, at=now)
    return person


def test_the_clients_export_lists_each_money_movement_in_their_words(jane, john):
    exported = privacy.export_own_data(client=jane)["payments"]

    assert exported == [
        {
            "at": "2026-02-21T08:00+00:00",
            "what": "Deposit paid by card when booking",
            "amount": "20.00",
            "currency": "GBP",
            "booking_reference": "JANEPAID",
            "card": "card ending 4242",
            "outcome": "Charged",
        },
        {
            "at": "2026-02-23T08:00+00:00",
            "what": "Refunded to your card",
            "amount": "5.00",
            "currency": "GBP",
            "booking_reference": "JANEPAID",
            "card": "card ending 4242",
            "outcome": "Charged",
        },
        {
            "at": "2026-03-02T06:00+00:00",
            "what": "No-show or late-cancellation fee",
            "amount": "30.00",
            "currency": "GBP",
            "booking_reference": "JANECARD",
            "card": "card ending 4242",
            "outcome": "Not charged: Your card was declined.",
        },
    ]


def test_the_export_keeps_stripes_ids_and_staff_reasons_with_the_clinic(jane, superuser, now):
    for data in (
        privacy.export_own_data(client=jane),
        privacy.export_client(client=jane, reader=superuser, now=now),
    ):
        text = str(data)
        assert "pi_test" not in text and "re_test" not in text and "cus_test" not in text
        assert "too sore" not in text
        assert "JOHNPAID" not in text


def test_the_export_shows_the_clinic_zones_time_in_summer(jane, now):
    Payment.objects.filter(kind=PaymentKind.REFUND).delete()
    Payment.objects.filter(kind=PaymentKind.FEE).delete()
    Payment.objects.filter(kind=PaymentKind.PAYMENT).delete()
    Payment.objects.create(
        booking=jane.bookings.get(reference="JANEPAID"),
        kind=PaymentKind.PAYMENT,
        amount_minor=2000,
        currency="gbp",
        at=now.replace(month=7, day=1, hour=23, minute=30),
    )
    # 23:30 UTC on 1 July is 00:30 on 2 July in London.
    assert privacy.export_own_data(client=jane)["payments"][0]["at"] == "2026-07-02T00:30+01:00"


def test_erasure_keeps_the_money_rows_as_accounts_without_the_person(jane, john, now):
    kept = ["kind", "outcome", "amount_minor", "currency", "stripe_id", "refund_of", "at"]
    before = list(Payment.objects.order_by("pk").values_list(*kept))

    privacy.erase_client(client=jane, now=now)

    # The clinic's accounts stay whole: every amount, kind and date, and Stripe's ids
    # that match them to Stripe's own record.
    assert list(Payment.objects.order_by("pk").values_list(*kept)) == before
    theirs = Payment.objects.filter(booking__client=jane)
    assert theirs.count() == 3
    # What was about the person goes: the card, the saved card, staff's words.
    assert set(theirs.values_list("card_last4", "reason", "failure")) == {("", "", "")}
    for checkout in BookingCheckout.objects.filter(booking__client=jane):
        assert (checkout.card_last4, checkout.card_brand, checkout.payment_method_id) == (
            "",
            "",
            "",
        )
        assert checkout.payment_intent_id
    # John's are untouched.
    assert Payment.objects.get(booking__client=john).card_last4 == "4242"
    assert BookingCheckout.objects.get(booking__client=john).card_last4 == "4242"


def test_erasure_by_email_detaches_the_payments_of_bookings_on_no_record(
    clinic_rules, therapist, now
):
    booking = BookingFactory(
        client=None, client_email="walkin@example.org", start=now - timedelta(days=2)
    )
    paid(booking, at=now - timedelta(days=3))

    privacy.erase_client_data(email="walkin@example.org", now=now)

    row = Payment.objects.get()
    assert (row.amount_minor, row.card_last4) == (2000, "")
    assert BookingCheckout.objects.get().card_last4 == ""


def test_a_refund_owed_by_an_erasures_cancellation_emails_no_one(jane, now):
    coming = jane.bookings.get(reference="JANEFREE")
    paid(coming, at=now)

    privacy.erase_client(client=jane, now=now)
    coming.refresh_from_db()
    # The worker's refund (settle_cancellations) tells the client: not an erased one.
    notifications.notify_payment(coming, NotificationKind.REFUND, now=now)

    assert coming.status == BookingStatus.CANCELLED
    assert not Notification.objects.filter(booking=coming, kind=NotificationKind.REFUND).exists()


@pytest.fixture
def signed_in(client, jane, john):
    sign_in(client, jane.email)
    return client


def test_my_bookings_shows_a_receipt_for_each_session_with_money_moved(signed_in):
    html = signed_in.get(reverse("bookings:account")).text

    receipt = reverse("bookings:account_receipt", args=["JANEPAID"])
    assert f'href="{receipt}"' in html
    # A declined fee moved no money; a session paid at the clinic has no receipt here.
    assert reverse("bookings:account_receipt", args=["JANECARD"]) not in html
    assert reverse("bookings:account_receipt", args=["JANEFREE"]) not in html


def test_the_receipt_link_opens_the_printable_receipt_of_their_own_session(signed_in, jane):
    response = signed_in.get(reverse("bookings:account_receipt", args=["JANEPAID"]))

    booking = jane.bookings.get(reference="JANEPAID")
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:payment_receipt", args=[booking.manage_token])
    receipt = signed_in.get(response["Location"]).text
    assert "£20.00" in receipt and "£5.00" in receipt and "£15.00" in receipt


@pytest.mark.parametrize("reference", ["JOHNPAID", "JANEFREE", "JANECARD", "NOSUCHRF"])
def test_no_receipt_for_another_clients_session_or_one_without_payment(signed_in, reference):
    response = signed_in.get(reverse("bookings:account_receipt", args=[reference]))

    assert response.status_code == 404
    assert signed_in.post(reverse("bookings:account_receipt", args=[reference])).status_code in (
        404,
        405,
    )


def test_the_receipt_link_needs_signing_in(client, jane):
    response = client.get(reverse("bookings:account_receipt", args=["JANEPAID"]))

    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:account_sign_in")
