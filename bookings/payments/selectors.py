"""Reads about money: the clinic's policy as terms, a booking's checkout and payments,
in plain values for pages, emails, the desk and the weekly report."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from bookings.models import (
    Booking,
    BookingCheckout,
    BookingStatus,
    CheckoutState,
    ClinicRules,
    Payment,
    PaymentKind,
    PaymentOutcome,
)
from bookings.payments import gateway, money, terms


def show(amount_minor: int) -> str:
    return money.format_minor(
        amount_minor, settings.CLINIC_CURRENCY, settings.CLINIC_CURRENCY_SYMBOL
    )


def rule_of(rules: ClinicRules) -> terms.Rule:
    currency = settings.CLINIC_CURRENCY

    def minor(amount: Decimal | None) -> int | None:
        return None if amount is None else money.to_minor(amount, currency)

    return terms.Rule(
        policy=rules.payment_policy,
        deposit_minor=minor(rules.deposit_amount),
        deposit_percent=rules.deposit_percent,
        fee_minor=minor(rules.fee_amount),
        fee_percent=rules.fee_percent,
    )


def clinic_terms(price: Decimal, rules: ClinicRules | None = None) -> terms.Terms:
    """What booking at this price would ask today. Without Stripe keys every booking
    is paid at the clinic, whatever the rules say (and `check --deploy` warns)."""
    rules = rules or ClinicRules.cached()
    currency = settings.CLINIC_CURRENCY
    rule = rule_of(rules) if gateway.configured() else terms.Rule()
    return terms.terms_for(rule, price_minor=money.to_minor(price, currency), currency=currency)


def booking_terms(booking: Booking) -> terms.Terms:
    """The terms the client agreed to when booking (the checkout's copy), or paying at
    the clinic for a booking made without one."""
    currency = settings.CLINIC_CURRENCY
    price_minor = money.to_minor(booking.price, currency)
    checkout = _checkout_of(booking)
    if checkout is None:
        return terms.terms_for(terms.Rule(), price_minor=price_minor, currency=currency)
    return terms.Terms(
        policy=checkout.policy,
        price_minor=price_minor,
        due_now_minor=checkout.due_now_minor,
        fee_minor=checkout.fee_minor,
        currency=checkout.currency,
    )


def words(
    found: terms.Terms, rules: ClinicRules | None = None, *, asked: bool = False
) -> list[str]:
    rules = rules or ClinicRules.cached()
    return terms.plain_words(
        found, window_hours=rules.cancellation_window_hours, show=show, asked=asked
    )


def _checkout_of(booking: Booking) -> BookingCheckout | None:
    # Read through the relation: the outbox loads it with the booking (no query).
    try:
        checkout: BookingCheckout | None = booking.checkout
    except BookingCheckout.DoesNotExist:
        checkout = None
    return checkout


def asked_by_desk(booking: Booking) -> bool:
    """Booked by the desk, who sent a link to pay (paid or not): the booking never
    waited for the payment, so its words say the clinic asks, not "to book"."""
    return booking.booked_by_id is not None and _checkout_of(booking) is not None


def hold_released(booking: Booking) -> bool:
    """The time was held while the client paid, and released unpaid (nothing charged)."""
    checkout = _checkout_of(booking)
    return checkout is not None and checkout.state == CheckoutState.RELEASED


def asked_to_pay(booking: Booking) -> bool:
    """Booked by the desk, who sent a link to pay that is not paid yet."""
    checkout = _checkout_of(booking)
    return checkout is not None and checkout.state == CheckoutState.REQUESTED


def requested_label(policy: str) -> str:
    """What the desk and the client read while a payment link waits."""
    if policy == terms.CARD_ON_FILE:
        return "Card requested"
    return "Deposit requested" if policy == terms.DEPOSIT else "Payment requested"


def next_step(found: terms.Terms) -> dict[str, str]:
    """What the button that books says, and the sentence above it: a paid policy (with
    Stripe keys) goes on to Stripe's page before the booking is made."""
    if not (found.paid and gateway.configured()):
        return {"button": "Confirm booking", "then": "", "lead": "then confirm"}
    if found.policy == terms.CARD_ON_FILE:
        return {
            "button": "Continue to add a card",
            "then": "Next, you save a card on Stripe's secure page. Nothing is charged now.",
            "lead": "then add a card",
        }
    what = _paid_what(found)
    return {
        "button": "Continue to payment",
        "then": f"Next, you pay the {what} of {show(found.due_now_minor)} on Stripe's "
        "secure page. Your time is held while you pay.",
        "lead": f"then pay the {what}",
    }


@dataclass(frozen=True)
class Line:
    kind: str
    label: str
    amount: str
    at: datetime
    card: str
    reason: str
    failed: bool
    failure: str


def lines(booking: Booking) -> list[Line]:
    return [
        Line(
            kind=row.kind,
            label=row.get_kind_display(),
            amount=show(row.amount_minor),
            at=row.at,
            card=f"card ending {row.card_last4}" if row.card_last4 else "card",
            reason=row.reason,
            failed=row.outcome == PaymentOutcome.FAILED,
            failure=row.failure,
        )
        for row in Payment.objects.filter(booking=booking).order_by("at", "pk")
    ]


def refundable_minor(payment: Payment) -> int:
    refunded = (
        Payment.objects.succeeded()
        .filter(kind=PaymentKind.REFUND, refund_of=payment)
        .aggregate(total=Sum("amount_minor"))["total"]
        or 0
    )
    return max(payment.amount_minor - refunded, 0)


def refundable_payments(booking: Booking) -> list[tuple[Payment, int]]:
    charged = Payment.objects.succeeded().filter(
        booking=booking, kind__in=[PaymentKind.PAYMENT, PaymentKind.FEE]
    )
    found = [(row, refundable_minor(row)) for row in charged.order_by("at", "pk")]
    return [(row, left) for row, left in found if left > 0]


def net_paid_minor(booking: Booking) -> int:
    rows = Payment.objects.succeeded().filter(booking=booking)
    total = 0
    for kind, amount in rows.values_list("kind", "amount_minor"):
        total += -amount if kind == PaymentKind.REFUND else amount
    return total


def price_line(booking: Booking) -> str:
    """The price as the client's emails state it: what was paid by card towards it (fees
    apart), and what is left to pay at the clinic."""
    price_minor = money.to_minor(booking.price, settings.CLINIC_CURRENCY)
    if _checkout_of(booking) is None:  # no card was ever asked for: nothing paid online
        return f"{show(price_minor)}, paid at the clinic"
    paid = 0
    rows = Payment.objects.succeeded().filter(
        booking=booking, kind__in=[PaymentKind.PAYMENT, PaymentKind.REFUND]
    )
    for kind, amount in rows.values_list("kind", "amount_minor"):
        paid += -amount if kind == PaymentKind.REFUND else amount
    paid = min(max(paid, 0), price_minor)
    if paid == 0:
        return f"{show(price_minor)}, paid at the clinic"
    if paid == price_minor:
        return f"{show(price_minor)}, paid by card"
    return (
        f"{show(price_minor)}: {show(paid)} paid by card, "
        f"{show(price_minor - paid)} to pay at the clinic"
    )


def desk_panel(booking: Booking) -> dict[str, object]:
    checkout = _checkout_of(booking)
    found = booking_terms(booking)
    fee_charged = Payment.objects.succeeded().filter(booking=booking, kind=PaymentKind.FEE).exists()
    requested = checkout is not None and checkout.state == CheckoutState.REQUESTED
    return {
        "checkout": checkout,
        "policy": checkout.get_policy_display() if checkout else "Pay at the clinic",
        "requested": requested_label(checkout.policy) if checkout and requested else "",
        "link_request": link_request(booking, checkout),
        "words": terms.desk_words(
            found,
            window_hours=ClinicRules.cached().cancellation_window_hours,
            show=show,
            asked=asked_by_desk(booking),
        ),
        "lines": lines(booking),
        "fee": show(found.fee_minor) if found.fee_minor else "",
        "may_charge_fee": bool(
            checkout and checkout.card_last4 and found.fee_minor and not fee_charged
        ),
        "may_refund": bool(refundable_payments(booking)),
    }


def desk_may_ask() -> bool:
    """Whether the desk's booking form offers "Send a payment link": a paid policy, with
    Stripe's keys."""
    return gateway.configured() and ClinicRules.cached().payment_policy in terms.PAID_POLICIES


def link_request(booking: Booking, checkout: BookingCheckout | None) -> str:
    """What the desk's "Send a payment link" button would ask (e.g. "the deposit of
    £20.00"), or "" where no link can be sent: a session to come, confirmed, with an
    email address, under a paid policy, and not already paid online."""
    if checkout is not None and checkout.state != CheckoutState.REQUESTED:
        return ""
    if booking.status != BookingStatus.CONFIRMED or booking.start <= timezone.now():
        return ""
    if not booking.client_email:
        return ""
    found = clinic_terms(booking.price) if checkout is None else booking_terms(booking)
    if not (found.paid and gateway.configured()):
        return ""
    if found.policy == terms.CARD_ON_FILE:
        return "a card to keep on file"
    return f"the {_paid_what(found)} of {show(found.due_now_minor)}"


def _paid_what(found: terms.Terms) -> str:
    return "deposit" if found.policy == terms.DEPOSIT else "full price"


def card_money_by_booking(start: datetime, end: datetime) -> dict[int, dict[str, Decimal]]:
    """Card payments, refunds and fees of the sessions starting in [start, end), in the
    currency's major unit, by booking: one query, for the weekly report."""
    names = {PaymentKind.PAYMENT: "card", PaymentKind.REFUND: "refunded", PaymentKind.FEE: "fees"}
    found: dict[int, dict[str, Decimal]] = {}
    rows = (
        Payment.objects.succeeded()
        .filter(booking__start__gte=start, booking__start__lt=end)
        .values_list("booking_id", "kind")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    currency = settings.CLINIC_CURRENCY
    for booking_id, kind, total in rows:
        found.setdefault(booking_id, {})[names[kind]] = money.from_minor(total, currency)
    return found
