"""Cards on file, fees, refunds and receipts against localstripe; the rows add up to
what Stripe holds."""

from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from bookings.booking.attendance import mark_no_show
from bookings.booking.services import cancel_booking
from bookings.models import (
    BookingCheckout,
    BookingStatus,
    CheckoutState,
    ClinicRules,
    NotificationKind,
    Payment,
    PaymentKind,
    PaymentOutcome,
    PaymentPolicy,
)
from bookings.payments import selectors, services

from .conftest import SECRET_KEY
from .helpers import held, open_checkout

pytestmark = pytest.mark.django_db


def paid_booking(fake_stripe, **kwargs):
    booking = held(**kwargs)
    fake_stripe.pay(open_checkout(booking))
    checkout = BookingCheckout.objects.get(booking=booking)
    services.confirm_from_return(
        booking=booking, session_id=checkout.session_id, now=timezone.now()
    )
    booking.refresh_from_db()
    return booking


def card_booking(fake_stripe, card="visa"):
    booking = held(policy=PaymentPolicy.CARD_ON_FILE)
    fake_stripe.pay(open_checkout(booking), card=card)
    checkout = BookingCheckout.objects.get(booking=booking)
    services.confirm_from_return(
        booking=booking, session_id=checkout.session_id, now=timezone.now()
    )
    booking.refresh_from_db()
    return booking


def stripe_get(fake_stripe, path, **params):
    response = requests.get(
        f"{fake_stripe.base}/v1/{path}",
        params=params,
        headers={"Authorization": f"Bearer {SECRET_KEY}"},
        timeout=5,
    )
    response.raise_for_status()
    return response.json()


def test_a_saved_card_confirms_the_booking_with_its_last_four_digits(fake_stripe):
    booking = card_booking(fake_stripe)
    checkout = BookingCheckout.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert (checkout.state, checkout.card_last4, checkout.card_brand) == (
        CheckoutState.CARD_SAVED,
        "4242",
        "visa",
    )
    assert not Payment.objects.exists()  # nothing charged to save a card


def test_the_desk_charges_a_no_show_fee_off_session_once(fake_stripe, front_desk_user, client):
    booking = card_booking(fake_stripe)
    booking.start = timezone.now() - timedelta(hours=2)
    booking.end = booking.start + timedelta(hours=1)
    booking.blocked_until = booking.end
    booking.save()
    mark_no_show(booking=booking)
    client.force_login(front_desk_user)
    url = reverse("bookings:desk_fee", args=[booking.pk])

    confirm = client.get(url)
    assert "Charge <strong>£30.00</strong> to the card ending <strong>4242</strong>" in confirm.text
    assert client.post(url).status_code == 303
    assert client.post(url).status_code == 303  # a second click

    fee = Payment.objects.get()
    assert (fee.kind, fee.amount_minor, fee.by, fee.card_last4) == (
        "fee",
        3000,
        front_desk_user,
        "4242",
    )
    intent = stripe_get(fake_stripe, f"payment_intents/{fee.stripe_id}")
    assert (intent["status"], intent["amount"]) == ("succeeded", 3000)
    page = client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert "No-show or late-cancel fee" in page.text
    assert "Charge the £30.00 fee" not in page.text


def test_a_declined_fee_is_shown_plainly_and_recorded(fake_stripe, front_desk_user, client):
    booking = card_booking(fake_stripe, card="charge_fails")
    mark_no_show(booking=booking, now=booking.start + timedelta(hours=2))
    client.force_login(front_desk_user)
    response = client.post(reverse("bookings:desk_fee", args=[booking.pk]), follow=True)
    assert "The card was not charged: Your card was declined." in response.text
    failed = Payment.objects.get()
    assert (failed.outcome, failed.stripe_id) == (PaymentOutcome.FAILED, "")
    assert selectors.net_paid_minor(booking) == 0


def test_no_fee_for_a_client_who_cancelled_in_time(fake_stripe, front_desk_user):
    booking = card_booking(fake_stripe)
    cancel_booking(booking=booking, by_clinic=False)
    with pytest.raises(services.PaymentRefused, match="only for a no-show"):
        services.charge_fee(booking=booking, by=front_desk_user, now=timezone.now())


def test_a_clinic_cancellation_refunds_the_deposit_in_full(fake_stripe, front_desk_user):
    booking = paid_booking(fake_stripe)
    cancel_booking(booking=booking, by=front_desk_user, reason="Therapist ill")
    assert services.settle_cancellations(now=timezone.now()) == 1
    assert services.settle_cancellations(now=timezone.now()) == 0
    refund = Payment.objects.get(kind=PaymentKind.REFUND)
    assert (refund.amount_minor, refund.reason) == (2000, "Cancelled by the clinic")
    assert booking.notifications.filter(kind=NotificationKind.REFUND).count() == 1


def test_the_desk_payment_panel_speaks_about_the_client_not_to_them(
    fake_stripe, front_desk_user, client
):
    booking = paid_booking(fake_stripe)
    client.force_login(front_desk_user)
    page = client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).text
    panel = page[
        page.index("payments-panel") : page.index("</fieldset>", page.index("payments-panel"))
    ]
    assert "To book, the client pays a deposit of £20.00 by card" in panel
    assert "Cancelled at least 24 hours before: the deposit is refunded in full." in panel
    assert "you pay" not in panel.lower()
    assert "your deposit" not in panel.lower()


def test_a_cancelled_and_refunded_booking_shows_the_money_moved_not_the_terms(
    fake_stripe, front_desk_user, client
):
    booking = paid_booking(fake_stripe)
    cancel_booking(booking=booking, by=front_desk_user, reason="Therapist ill")
    services.settle_cancellations(now=timezone.now())
    page = client.get(reverse("bookings:manage", args=[booking.manage_token])).text
    assert "Payment: £20.00 on" in page
    assert "Refund: £20.00 on" in page
    assert "Your receipt" in page
    assert "To book, you pay" not in page
    assert "refunded in full. If you cancel later" not in page


def test_a_client_cancelling_in_time_gets_the_deposit_back(fake_stripe):
    booking = paid_booking(fake_stripe)
    cancel_booking(booking=booking, by_clinic=False)
    services.settle_cancellations(now=timezone.now())
    assert selectors.net_paid_minor(booking) == 0


def test_a_client_cancelling_late_leaves_the_deposit_with_the_clinic(fake_stripe):
    booking = paid_booking(fake_stripe)
    cancel_booking(booking=booking, by_clinic=False, now=booking.start - timedelta(hours=2))
    services.settle_cancellations(now=timezone.now())
    assert selectors.net_paid_minor(booking) == 2000
    assert BookingCheckout.objects.get().state == CheckoutState.CANCEL_SETTLED


def test_the_desk_refunds_part_of_a_payment_with_a_reason(fake_stripe, front_desk_user, client):
    booking = paid_booking(fake_stripe)
    paid = Payment.objects.get()
    client.force_login(front_desk_user)
    url = reverse("bookings:desk_refund", args=[booking.pk])
    missing = client.post(url, {"payment": paid.pk, "amount": "5.00", "reason": " "})
    assert "This field is required" in missing.text
    too_much = client.post(url, {"payment": paid.pk, "amount": "25", "reason": "Goodwill"})
    assert "You can refund up to £20.00 of this payment." in too_much.text
    done = client.post(url, {"payment": paid.pk, "amount": "5.00", "reason": "Goodwill"})
    assert done.status_code == 303
    refund = Payment.objects.get(kind=PaymentKind.REFUND)
    assert (refund.amount_minor, refund.reason, refund.by) == (500, "Goodwill", front_desk_user)
    assert selectors.net_paid_minor(booking) == 1500


def test_the_receipt_says_what_an_insurer_asks_for(fake_stripe, client):
    booking = paid_booking(fake_stripe)
    page = client.get(reverse("bookings:payment_receipt", args=[booking.manage_token]))
    for text in (
        "Backcare Massage Clinic",
        "12 Harbour Street",
        booking.therapist.display_name,
        "Swedish",
        "60 minutes",
        "£20.00",
        "card",
        booking.reference,
    ):
        assert text in page.text
    assert page["Cache-Control"].startswith("max-age=0")


def test_a_booking_with_nothing_paid_has_no_receipt(client):
    booking = held()
    assert (
        client.get(reverse("bookings:payment_receipt", args=[booking.manage_token])).status_code
        == 404
    )


def test_the_rows_add_up_to_what_stripe_holds(fake_stripe, front_desk_user):
    kept = paid_booking(fake_stripe)
    refunded = paid_booking(fake_stripe)
    cancel_booking(booking=refunded, by=front_desk_user, reason="Closed")
    services.settle_cancellations(now=timezone.now())
    partly = paid_booking(fake_stripe)
    services.desk_refund(
        booking=partly,
        payment_id=Payment.objects.get(booking=partly).pk,
        amount_minor=750,
        reason="Short session",
        by=front_desk_user,
        now=timezone.now(),
    )
    ours = sum(selectors.net_paid_minor(b) for b in (kept, refunded, partly))
    theirs = 0
    for row in Payment.objects.filter(kind=PaymentKind.PAYMENT):
        theirs += stripe_get(fake_stripe, f"payment_intents/{row.stripe_id}")["amount"]
        for refund in stripe_get(fake_stripe, "refunds", payment_intent=row.stripe_id)["data"]:
            theirs -= refund["amount"]
    assert ours == theirs == 2000 + 0 + 1250


def test_a_payment_row_is_never_edited(fake_stripe):
    paid_booking(fake_stripe)
    row = Payment.objects.get()
    row.amount_minor = 1
    with pytest.raises(ValueError, match="never edited"):
        row.save()


def test_payments_are_read_only_in_admin(fake_stripe, front_desk_user, client):
    paid_booking(fake_stripe)
    client.force_login(front_desk_user)
    row = Payment.objects.get()
    assert client.get(reverse("admin:bookings_payment_changelist")).status_code == 200
    page = client.get(reverse("admin:bookings_payment_change", args=[row.pk]))
    assert page.status_code == 200
    assert 'name="amount_minor"' not in page.text
    assert client.get(reverse("admin:bookings_payment_add")).status_code == 403
    assert client.get(reverse("admin:bookings_stripeevent_changelist")).status_code == 403


def test_without_keys_a_paid_policy_is_refused_and_deploy_check_warns(settings, capsys):
    settings.STRIPE_SECRET_KEY = ""
    rules = ClinicRules.load()
    rules.payment_policy = PaymentPolicy.DEPOSIT
    rules.deposit_amount = Decimal("20.00")
    with pytest.raises(Exception, match="Card payments need Stripe"):
        rules.full_clean()
    rules.save()
    from clinic.checks import payments_check

    assert [w.id for w in payments_check(None)] == ["clinic.W004"]
    assert not selectors.clinic_terms(Decimal("60.00"), rules).paid


def test_a_deposit_policy_needs_an_amount_or_a_share_not_both(settings):
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    rules = ClinicRules.load()
    rules.payment_policy = PaymentPolicy.DEPOSIT
    with pytest.raises(Exception, match="needs an amount or a share"):
        rules.full_clean()
    rules.deposit_amount, rules.deposit_percent = Decimal("20.00"), 30
    with pytest.raises(Exception, match="not both"):
        rules.full_clean()
    rules.deposit_amount = None
    rules.full_clean()


def test_only_staff_who_see_payments_reach_the_desks_money_pages(
    fake_stripe, therapist_user, client
):
    booking = card_booking(fake_stripe)
    client.force_login(therapist_user)
    assert client.get(reverse("bookings:desk_fee", args=[booking.pk])).status_code == 403
    assert client.post(reverse("bookings:desk_refund", args=[booking.pk])).status_code == 403
    client.logout()
    anonymous = client.get(reverse("bookings:desk_fee", args=[booking.pk]))
    assert anonymous.status_code == 302
    assert not Payment.objects.exists()


def test_the_webhook_only_takes_posts(client):
    assert client.get(reverse("bookings:stripe_webhook")).status_code == 405
