"""A client books with a deposit through Stripe's (fake) hosted page at phone width, and
front desk charges a no-show fee and refunds it.

The hosted page is tests/payments/fake_stripe.py's stand-in for checkout.stripe.com
(localstripe has no Checkout): the browser really leaves the clinic's site, pays there
with a test card through localstripe's own PaymentIntent, and is sent back by the
session's success URL, as with Stripe. The clock is stopped (Monday 2 March 2026,
08:00); no webhook is needed: the return page asks the fake Stripe.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from bookings.account.services import request_sign_in_link
from bookings.booking import services as booking_services
from bookings.booking.attendance import mark_no_show
from bookings.models import (
    Booking,
    BookingCheckout,
    BookingStatus,
    Notification,
    NotificationKind,
    Payment,
    PaymentKind,
    PaymentPolicy,
)
from bookings.payments import services
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import fill_wednesday_afternoon, join
from tests.factories import BookingFactory, ClientFactory
from tests.payments.conftest import fake_stripe, localstripe_server  # noqa: F401
from tests.payments.helpers import held, open_checkout

from .browser import (
    PHONE,
    BrowserLog,
    answer_safety_questions,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
    save_screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture
def deposit_clinic(clinic_rules, therapist, now, fake_stripe, settings, live_server):  # noqa: F811
    settings.SITE_URL = live_server.url
    clinic_rules.payment_policy = PaymentPolicy.DEPOSIT
    clinic_rules.deposit_amount = Decimal("20.00")
    clinic_rules.save()
    clinic_rules.remember()
    return therapist


def look(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    save_screenshot(page, name)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_client_books_with_a_deposit_and_gets_the_confirmation_and_receipt(
    page: Page,
    browser_log: BrowserLog,
    deposit_clinic,
    fake_stripe,  # noqa: F811
    mailoutbox,
):
    page.goto("/book/swedish/?length=60&therapist=any&day=2026-03-04")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A few safety questions before you book"
    )
    answer_safety_questions(page)
    page.get_by_role("button", name="Continue to booking").click()
    page.get_by_role("link", name="10:00", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    expect(page.get_by_text("To book, you pay a deposit of £20.00 by card now")).to_be_visible()
    look(page, "pay-1-details")
    page.get_by_label("Your name").fill("Sam Jones")
    page.get_by_label("Email").fill("sam.jones@example.com")
    page.get_by_label("Phone").fill("07700 900123")
    expect(page.get_by_text("Next, you pay the deposit of £20.00 on Stripe's")).to_be_visible()
    page.get_by_role("button", name="Continue to payment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pay to book")
    expect(page.get_by_text("We are holding this time for you until 08:15")).to_be_visible()
    look(page, "pay-2-hold")
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.AWAITING_PAYMENT

    page.get_by_role("button", name="Pay £20.00 with Stripe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fake Stripe Checkout (localstripe)")
    assert page.url.startswith(fake_stripe.base)
    save_screenshot(page, "pay-3-fake-stripe-page")
    page.get_by_role("button", name="Pay 20.00 GBP").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked in")
    expect(page.get_by_text("Payment: £20.00")).to_be_visible()
    look(page, "pay-4-booked")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Payment.objects.get().amount_minor == 2000
    kinds = set(Notification.objects.filter(booking=booking).values_list("kind", flat=True))
    assert {NotificationKind.CONFIRMATION, NotificationKind.RECEIPT} <= kinds

    page.get_by_role("link", name="Your receipt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Receipt")
    expect(page.get_by_role("table")).to_contain_text("£20.00")
    look(page, "pay-5-receipt")

    page.goto(f"/manage/{booking.manage_token}/")
    expect(page.get_by_text("Payment: £20.00")).to_be_visible()
    look(page, "pay-6-manage")
    assert_no_browser_problems(browser_log)


def test_the_desk_charges_a_no_show_fee_and_refunds_it(
    page: Page,
    browser_log: BrowserLog,
    deposit_clinic,
    fake_stripe,  # noqa: F811
    front_desk_user,
    now,
):
    booking = held(policy=PaymentPolicy.CARD_ON_FILE, therapist=deposit_clinic)
    fake_stripe.pay(open_checkout(booking))
    services.confirm_from_return(
        booking=booking, session_id=BookingCheckout.objects.get().session_id, now=now
    )
    Booking.objects.filter(pk=booking.pk).update(
        start=now - timedelta(hours=3),
        end=now - timedelta(hours=2),
        blocked_until=now - timedelta(hours=2),
    )
    booking.refresh_from_db()
    mark_no_show(booking=booking, now=now)

    log_into_admin(page, front_desk_user)
    page.goto(f"/admin/bookings/booking/{booking.pk}/change/")
    page.get_by_role("link", name="Charge the £30.00 fee…").click()
    expect(page.get_by_text("to the card ending 4242")).to_be_visible()
    save_screenshot(page, "desk-fee-confirm")
    page.get_by_role("button", name="Charge £30.00").click()
    expect(page.get_by_text("Charged £30.00 to the card on file.")).to_be_visible()
    save_screenshot(page, "desk-fee-charged")

    page.get_by_role("link", name="Refund…").click()
    page.get_by_label("Reason (kept with the refund)").fill("Client was in hospital")
    save_screenshot(page, "desk-refund-form")
    page.get_by_role("button", name="Refund").click()
    expect(page.get_by_text("Refunded.", exact=True)).to_be_visible()
    save_screenshot(page, "desk-refunded")
    fee = Payment.objects.get(kind=PaymentKind.FEE)
    refund = Payment.objects.get(kind=PaymentKind.REFUND)
    assert (fee.amount_minor, refund.amount_minor, refund.refund_of) == (3000, 3000, fee)
    assert refund.reason == "Client was in hospital"
    assert_no_browser_problems(browser_log)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_client_finds_the_receipt_on_my_bookings(
    page: Page,
    browser_log: BrowserLog,
    deposit_clinic,
    fake_stripe,  # noqa: F811
    now,
):
    jane = ClientFactory(name="Jane Doe", email="jane@example.org")
    booking = held(
        therapist=deposit_clinic, client=jane, client_name="Jane Doe", client_email=jane.email
    )
    fake_stripe.pay(open_checkout(booking))
    services.confirm_from_return(
        booking=booking, session_id=BookingCheckout.objects.get().session_id, now=now
    )
    link = request_sign_in_link(email=jane.email, now=now)
    assert link is not None

    page.goto(f"/my-bookings/sign-in/{link.token}/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    receipt = page.get_by_role("link", name=re.compile(r"^Receipt for the session of"))
    expect(receipt).to_be_visible()
    look(page, "pay-7-my-bookings-receipt-link")
    receipt.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Receipt")
    expect(page.get_by_role("table")).to_contain_text("£20.00")
    look(page, "pay-8-receipt-from-my-bookings")
    assert_no_browser_problems(browser_log)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_client_claims_a_waitlist_offer_and_pays_the_deposit(
    page: Page,
    browser_log: BrowserLog,
    deposit_clinic,
    fake_stripe,  # noqa: F811
    book,
    now,
):
    taken = fill_wednesday_afternoon(book)
    join()
    booking_services.cancel_booking(booking=taken[1], now=now)
    (offer,) = waitlist.offer_freed_times(now=now)

    page.goto(f"/waitlist/offer/{offer.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("A time came free")
    expect(page.get_by_text("To book, you pay a deposit of £20.00 by card now")).to_be_visible()
    look(page, "pay-9-waitlist-offer")
    page.get_by_role("button", name="Continue to payment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pay to book")
    look(page, "pay-10-waitlist-hold")
    claimed = Booking.objects.get(client_name="Jane Doe")
    assert claimed.status == BookingStatus.AWAITING_PAYMENT
    page.get_by_role("button", name="Pay £20.00 with Stripe").click()
    page.get_by_role("button", name="Pay 20.00 GBP").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked in")
    claimed.refresh_from_db()
    assert claimed.status == BookingStatus.CONFIRMED
    assert Payment.objects.get(booking=claimed).amount_minor == 2000
    assert_no_browser_problems(browser_log)


def test_the_desk_sends_a_payment_link_and_the_client_pays_the_deposit_on_a_phone(
    page: Page,
    browser: Browser,
    browser_log: BrowserLog,
    deposit_clinic,
    fake_stripe,  # noqa: F811
    front_desk_user,
    live_server,
    now,
):
    booking = BookingFactory(
        therapist=deposit_clinic,
        client_name="Pat Phone",
        client_email="pat@example.org",
        start=now + timedelta(days=2),
        booked_by=front_desk_user,
    )
    log_into_admin(page, front_desk_user)
    page.goto("/admin/bookings/booking/add/")
    choice = page.get_by_role("group", name="How the client pays")
    expect(choice.get_by_label("Paid at the clinic")).to_be_checked()
    expect(choice.get_by_label("Send a payment link by email")).to_be_visible()
    choice.scroll_into_view_if_needed()
    save_screenshot(page, "desk-book-payment-choice")
    assert_accessible(page)
    page.goto(f"/admin/bookings/booking/{booking.pk}/change/")
    page.get_by_role("button", name="Send a payment link for the deposit of £20.00").click()
    expect(page.get_by_text("Payment link emailed to pat@example.org.")).to_be_visible()
    expect(page.get_by_text("Deposit requested", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Send the payment link again")).to_be_visible()
    save_screenshot(page, "desk-link-requested")
    assert_accessible(page)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    context = browser.new_context(base_url=live_server.url, **PHONE.context_options())
    context.set_default_timeout(10_000)
    phone = context.new_page()
    browser_log.attach(phone)
    phone.goto(f"/pay/{booking.manage_token}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Pay your deposit")
    expect(phone.get_by_text("Your session is booked.")).to_be_visible()
    look(phone, "pay-11-desk-link")
    phone.get_by_role("button", name="Pay £20.00 with Stripe").click()
    phone.get_by_role("button", name="Pay 20.00 GBP").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are booked in")
    expect(phone.get_by_text("Payment: £20.00")).to_be_visible()
    look(phone, "pay-12-desk-link-paid")
    assert BookingCheckout.objects.get().state == "paid"
    context.close()
    assert_no_browser_problems(browser_log)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_released_hold_and_a_cancelled_session_say_no_more_about_paying(
    page: Page,
    browser_log: BrowserLog,
    deposit_clinic,
    fake_stripe,  # noqa: F811
    now,
):
    released = held(therapist=deposit_clinic)
    assert services.release_lapsed(now=now + timedelta(minutes=16)) == 1
    page.goto(f"/pay/{released.manage_token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not booked")
    expect(
        page.get_by_text("The time we held for you has ended. Nothing was charged; please choose")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Choose a time")).to_be_visible()
    expect(page.get_by_text("deposit")).to_have_count(0)
    look(page, "pay-13-hold-released")

    cancelled = BookingFactory(therapist=deposit_clinic, start=now + timedelta(days=2))
    booking_services.cancel_booking(booking=cancelled, by_clinic=False, now=now)
    page.goto(f"/manage/{cancelled.manage_token}/")
    expect(page.get_by_text("This booking is cancelled.")).to_be_visible()
    expect(page.get_by_text("You pay")).to_have_count(0)
    expect(page.get_by_role("heading", name="Payment")).to_have_count(0)
    look(page, "pay-14-cancelled-manage")
    assert_no_browser_problems(browser_log)
