"""Writes about money: holding a time while the client pays, settling a Checkout
Session however we hear of it (return page, webhook, the worker asking Stripe),
refunds and fees. Each decision is made under the checkout's row lock, so a return
page and a webhook arriving together, or a double click, act once.

The lock order extends booking/locks.py: the booking's row, then its checkout.
Calls to Stripe that move money are made holding the checkout's lock (a few seconds
at worst, one booking only), so nothing can charge or refund the same money twice
even where Stripe's idempotency keys are not honoured (as in localstripe).
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from bookings.booking.errors import InvalidBooking, SlotUnavailable
from bookings.booking.services import cancel_booking, reinstate_booking
from bookings.messaging import notifications
from bookings.models import (
    Booking,
    BookingCheckout,
    BookingStatus,
    CheckoutState,
    ClinicRules,
    NotificationKind,
    Payment,
    PaymentKind,
    PaymentOutcome,
    StripeEvent,
)
from bookings.payments import gateway, selectors, terms
from bookings.payments.gateway import CheckoutResult

logger = logging.getLogger(__name__)

RELEASED_REASON = "Not paid in time: the time was released."
# Past the hold, the worker waits this long for Stripe before releasing regardless.
UNREACHABLE_GRACE = timedelta(minutes=30)


class PaymentRefused(Exception):
    """A payment action that cannot happen, with a message for the person asking."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def online_payment(found: terms.Terms) -> bool:
    return found.paid and gateway.configured()


def hold(found: terms.Terms, *, now: datetime) -> Callable[[Booking], None]:
    """The write `book_session(hold_for_payment=...)` makes with the booking, in its
    transaction: the booking awaits payment (no confirmation is sent) and its
    checkout holds the terms and the hold's end."""

    def write(booking: Booking) -> None:
        booking.status = BookingStatus.AWAITING_PAYMENT
        booking.save(update_fields=["status"])
        BookingCheckout.objects.create(
            booking=booking,
            policy=found.policy,
            currency=found.currency,
            due_now_minor=found.due_now_minor,
            fee_minor=found.fee_minor,
            hold_until=now + timedelta(minutes=settings.PAYMENT_HOLD_MINUTES),
        )

    return write


def hold_if_paid(*, now: datetime) -> Callable[[Booking], None]:
    """`hold` for a booking whose price is known only once it is made (a waitlist offer
    claimed by the client): the clinic's policy at that price holds the time for
    payment, as the booking steps' details page would; paying at the clinic leaves it
    confirmed and sends the confirmation."""

    def write(booking: Booking) -> None:
        found = selectors.clinic_terms(booking.price)
        if online_payment(found):
            hold(found, now=now)(booking)
        else:  # `book_session` leaves the confirmation to its hold
            notifications.notify_booked(booking, now=now)

    return write


def awaits_payment(booking: Booking) -> bool:
    return booking.status == BookingStatus.AWAITING_PAYMENT


def locked_checkout(booking_id: int) -> tuple[Booking, BookingCheckout]:
    """The booking's row, then its checkout's, locked (the lock order above)."""
    booking = Booking.objects.select_for_update().get(pk=booking_id)
    checkout = BookingCheckout.objects.select_for_update().get(booking_id=booking_id)
    return booking, checkout


def checkout_url(*, booking: Booking, now: datetime) -> str:
    """Stripe's page for this booking's payment: the same session every time it is
    asked for, so a reload or a second tab can never start a second payment."""
    with transaction.atomic():
        locked, checkout = locked_checkout(booking.pk)
        if checkout.state not in (CheckoutState.AWAITING, CheckoutState.REQUESTED):
            raise PaymentRefused("This booking's payment is already settled.")
        if checkout.state == CheckoutState.REQUESTED:
            _refuse_link(locked, checkout, now)
        elif checkout.hold_until <= now:
            raise PaymentRefused(
                "The time we held for you has ended. Nothing was charged; please choose "
                "a time again."
            )
        if checkout.session_url:
            return checkout.session_url
        site = settings.SITE_URL
        return_url = site + reverse("bookings:payment_return", args=[locked.manage_token])
        result = gateway.create_checkout(
            setup=checkout.policy == terms.CARD_ON_FILE,
            amount_minor=checkout.due_now_minor,
            currency=checkout.currency,
            description=_description(locked, checkout),
            email=locked.client_email,
            reference=locked.reference,
            success_url=return_url + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=site + reverse("bookings:payment_page", args=[locked.manage_token]),
            # One session per hold or link sent: a link sent again is a new session.
            idempotency_key=f"checkout-{checkout.pk}-{checkout.hold_until.timestamp():.0f}",
        )
        checkout.session_id = result.session_id
        checkout.session_url = result.url
        checkout.payment_intent_id = result.payment_intent_id
        checkout.save(
            update_fields=["session_id", "session_url", "payment_intent_id", "updated_at"]
        )
        return result.url


def _refuse_link(booking: Booking, checkout: BookingCheckout, now: datetime) -> None:
    if booking.status != BookingStatus.CONFIRMED or booking.start <= now:
        raise PaymentRefused("This session is no longer to come: there is nothing to pay.")
    if checkout.hold_until <= now:
        raise PaymentRefused(
            "This payment link has expired. Nothing was charged. Please ask us to send "
            "you a new one."
        )


def _description(booking: Booking, checkout: BookingCheckout) -> str:
    what = "Deposit" if checkout.policy == terms.DEPOSIT else "Payment"
    return f"{what}: {booking.technique.name}, {booking.length_minutes} min ({booking.reference})"


def settle(*, booking: Booking, result: CheckoutResult, now: datetime) -> str:
    """Apply what Stripe says about the booking's Checkout Session, once.

    States only move forward (awaiting -> paid/card saved/released; released ->
    paid late), so events out of order, late or repeated are harmless. Returns the
    checkout's state afterwards.
    """
    card = None
    if result.status == "complete" and result.setup_intent_id:
        card = gateway.saved_card(result.setup_intent_id)
    late = False
    with transaction.atomic():
        locked, checkout = locked_checkout(booking.pk)
        if checkout.session_id and result.session_id != checkout.session_id:
            logger.warning("A Checkout Session that is not the booking's was ignored")
            return checkout.state
        complete = result.status == "complete" and (result.paid or card is not None)
        if complete and checkout.state == CheckoutState.REQUESTED:
            _settle_link(locked, checkout, result, card, now)
        elif complete and checkout.state == CheckoutState.AWAITING:
            _record_success(locked, checkout, result, card, now)
            locked.status = BookingStatus.CONFIRMED
            locked.save(update_fields=["status", "updated_at"])
            notifications.notify_booked(locked, now=now)
            if result.paid:
                notifications.notify_payment(locked, NotificationKind.RECEIPT, now=now)
        elif complete and checkout.state == CheckoutState.RELEASED:
            late = True
        elif result.status == "expired" and checkout.state == CheckoutState.AWAITING:
            _release(locked, checkout, now)
        state = checkout.state
    return _paid_late(booking, result, card, now) if late else state


def _settle_link(
    booking: Booking,
    checkout: BookingCheckout,
    result: CheckoutResult,
    card: gateway.Card | None,
    now: datetime,
) -> None:
    """Paid through the desk's link: the booking was confirmed all along. Paid for a
    session cancelled meanwhile: refunded in full at once (never a fee's worth kept)."""
    _record_success(booking, checkout, result, card, now)
    if booking.status != BookingStatus.CANCELLED:
        if result.paid:
            notifications.notify_payment(booking, NotificationKind.RECEIPT, now=now)
        return
    checkout.state = CheckoutState.CANCEL_SETTLED
    checkout.save(update_fields=["state", "updated_at"])
    if result.paid:
        paid = Payment.objects.get(stripe_id=result.payment_intent_id)
        _refund(
            booking,
            paid,
            amount_minor=paid.amount_minor,
            reason="Paid after the booking was cancelled.",
            by=None,
            now=now,
        )
        notifications.notify_payment(booking, NotificationKind.REFUND, now=now)


def _record_success(
    booking: Booking,
    checkout: BookingCheckout,
    result: CheckoutResult,
    card: gateway.Card | None,
    now: datetime,
) -> None:
    checkout.session_id = result.session_id
    checkout.customer_id = result.customer_id
    if card is not None:
        checkout.state = CheckoutState.CARD_SAVED
        checkout.payment_method_id = card.payment_method_id
        checkout.card_brand = card.brand
        checkout.card_last4 = card.last4
    else:
        checkout.state = CheckoutState.PAID
        checkout.payment_intent_id = result.payment_intent_id
    checkout.save()
    if result.paid and not Payment.objects.filter(stripe_id=result.payment_intent_id).exists():
        Payment.objects.create(
            booking=booking,
            kind=PaymentKind.PAYMENT,
            amount_minor=result.amount_minor or checkout.due_now_minor,
            currency=checkout.currency,
            stripe_id=result.payment_intent_id,
            at=now,
        )


def _release(booking: Booking, checkout: BookingCheckout, now: datetime) -> None:
    checkout.state = CheckoutState.RELEASED
    checkout.save(update_fields=["state", "updated_at"])
    cancel_booking(booking=booking, now=now, notify=False, reason=RELEASED_REASON)
    notifications.notify_payment(booking, NotificationKind.HOLD_RELEASED, now=now)


def _paid_late(
    booking: Booking, result: CheckoutResult, card: gateway.Card | None, now: datetime
) -> str:
    """Paid after the hold ended: keep the booking if its time is still free, else
    refund in full and tell the client."""
    try:
        reinstate_booking(booking=booking, now=now)
        kept = True
    except (SlotUnavailable, InvalidBooking):
        kept = False
    with transaction.atomic():
        locked, checkout = locked_checkout(booking.pk)
        if checkout.state != CheckoutState.RELEASED:
            return checkout.state
        _record_success(locked, checkout, result, card, now)
        if kept or not result.paid:
            return checkout.state
        checkout.state = CheckoutState.REFUNDED_LATE
        checkout.save(update_fields=["state", "updated_at"])
        paid = Payment.objects.get(stripe_id=result.payment_intent_id)
        _refund(
            locked,
            paid,
            amount_minor=paid.amount_minor,
            reason="Paid after the hold ended; the time was taken.",
            by=None,
            now=now,
        )
        notifications.notify_payment(locked, NotificationKind.LATE_REFUND, now=now)
        return checkout.state


def _refund(
    booking: Booking,
    paid: Payment,
    *,
    amount_minor: int,
    reason: str,
    by: User | None,
    now: datetime,
) -> Payment:
    done = Payment.objects.filter(refund_of=paid).count()
    refund_id = gateway.refund(
        payment_intent_id=paid.stripe_id,
        amount_minor=amount_minor,
        reason=reason,
        idempotency_key=f"refund-{paid.pk}-{done + 1}",
    )
    return Payment.objects.create(
        booking=booking,
        kind=PaymentKind.REFUND,
        amount_minor=amount_minor,
        currency=paid.currency,
        stripe_id=refund_id,
        refund_of=paid,
        reason=reason,
        card_last4=paid.card_last4,
        by=by,
        at=now,
    )


def confirm_from_return(*, booking: Booking, session_id: str, now: datetime) -> str:
    """The client is back from Stripe's page: ask Stripe rather than trust the link."""
    checkout = BookingCheckout.objects.get(booking=booking)
    if not checkout.session_id or session_id != checkout.session_id:
        return checkout.state
    return settle(booking=booking, result=gateway.retrieve_checkout(session_id), now=now)


def release_lapsed(*, now: datetime) -> int:
    """The worker's pass: every hold past its time is settled by asking Stripe (a lost
    webhook never leaves a booking wrong), or released when it was never paid."""
    lapsed = BookingCheckout.objects.filter(
        state=CheckoutState.AWAITING, hold_until__lte=now
    ).select_related("booking")
    count = 0
    for checkout in lapsed:
        try:
            if checkout.session_id:
                # Expiring first closes the page, so nobody pays once we let go.
                result = gateway.expire_checkout(checkout.session_id)
                settle(booking=checkout.booking, result=result, now=now)
            else:
                with transaction.atomic():
                    locked, fresh = locked_checkout(checkout.booking_id)
                    if fresh.state == CheckoutState.AWAITING:
                        _release(locked, fresh, now)
        except gateway.GatewayUnavailable:
            if checkout.hold_until + UNREACHABLE_GRACE > now:
                continue
            with transaction.atomic():
                locked, fresh = locked_checkout(checkout.booking_id)
                if fresh.state == CheckoutState.AWAITING:
                    _release(locked, fresh, now)
        count += 1
    return count


def refund_owed(booking: Booking, *, window: timedelta) -> bool:
    """A clinic cancellation refunds what was paid; a client's refunds it when made
    before the change window closed; later, the clinic keeps it."""
    if booking.status != BookingStatus.CANCELLED or booking.cancelled_at is None:
        return False
    return booking.cancelled_by_id is not None or booking.cancelled_at <= booking.start - window


def settle_cancellations(*, now: datetime) -> int:
    """The worker's pass over paid bookings since cancelled, whoever cancelled them and
    however (client page, desk, admin action): refund what the policy owes, once.
    Returns how many were settled."""
    window = timedelta(hours=ClinicRules.load().cancellation_window_hours)
    paid = BookingCheckout.objects.filter(
        state=CheckoutState.PAID, booking__status=BookingStatus.CANCELLED
    ).values_list("booking_id", flat=True)
    count = 0
    for booking_id in paid:
        with transaction.atomic():
            locked, checkout = locked_checkout(booking_id)
            if checkout.state != CheckoutState.PAID:
                continue
            refunded = 0
            if refund_owed(locked, window=window):
                reason = (
                    "Cancelled by the clinic" if locked.cancelled_by_id else "Cancelled in time"
                )
                for row, left in selectors.refundable_payments(locked):
                    if row.kind == PaymentKind.PAYMENT:
                        _refund(locked, row, amount_minor=left, reason=reason, by=None, now=now)
                        refunded += left
            checkout.state = CheckoutState.CANCEL_SETTLED
            checkout.save(update_fields=["state", "updated_at"])
            if refunded:
                notifications.notify_payment(locked, NotificationKind.REFUND, now=now)
            count += 1
    return count


def desk_refund(
    *, booking: Booking, payment_id: int, amount_minor: int, reason: str, by: User, now: datetime
) -> Payment:
    reason = " ".join(reason.split())[:200]
    if not reason:
        raise PaymentRefused("Please give the reason for the refund.")
    with transaction.atomic():
        locked, _ = locked_checkout(booking.pk)
        paid = Payment.objects.filter(
            pk=payment_id, booking=locked, outcome=PaymentOutcome.SUCCEEDED
        ).first()
        if paid is None or paid.kind == PaymentKind.REFUND:
            raise PaymentRefused("That payment is not this booking's.")
        left = selectors.refundable_minor(paid)
        if amount_minor <= 0 or amount_minor > left:
            raise PaymentRefused(f"You can refund up to {selectors.show(left)} of this payment.")
        refund = _refund(locked, paid, amount_minor=amount_minor, reason=reason, by=by, now=now)
        notifications.notify_payment(locked, NotificationKind.REFUND, now=now)
        return refund


def charge_fee(*, booking: Booking, by: User, now: datetime) -> Payment:
    """Charge the no-show or late-cancel fee to the card on file (off-session). A
    decline is recorded as a failed row and raised with the bank's words."""
    with transaction.atomic():
        locked, checkout = locked_checkout(booking.pk)
        if checkout.state != CheckoutState.CARD_SAVED or not checkout.fee_minor:
            raise PaymentRefused("This booking has no card on file to charge.")
        if not _fee_due(locked):
            raise PaymentRefused(
                "A fee is only for a no-show or a cancellation inside the change window."
            )
        fees = Payment.objects.filter(booking=locked, kind=PaymentKind.FEE)
        if fees.filter(outcome=PaymentOutcome.SUCCEEDED).exists():
            raise PaymentRefused("The fee has already been charged.")
        common = {
            "booking": locked,
            "kind": PaymentKind.FEE,
            "amount_minor": checkout.fee_minor,
            "currency": checkout.currency,
            "card_last4": checkout.card_last4,
            "by": by,
            "at": now,
        }
        try:
            intent_id = gateway.charge_saved_card(
                customer_id=checkout.customer_id,
                payment_method_id=checkout.payment_method_id,
                amount_minor=checkout.fee_minor,
                currency=checkout.currency,
                reference=locked.reference,
                idempotency_key=f"fee-{checkout.pk}-{fees.count() + 1}",
            )
        except gateway.CardDeclined as error:
            # Kept (this transaction commits), then said to the desk in the bank's words.
            declined = error.message
            Payment.objects.create(**common, outcome=PaymentOutcome.FAILED, failure=declined[:200])
        else:
            fee = Payment.objects.create(**common, stripe_id=intent_id)
            notifications.notify_payment(locked, NotificationKind.RECEIPT, now=now)
            return fee
    raise PaymentRefused(f"The card was not charged: {declined}")


def _fee_due(booking: Booking) -> bool:
    if booking.status == BookingStatus.NO_SHOW:
        return True
    window = timedelta(hours=ClinicRules.load().cancellation_window_hours)
    late = booking.status == BookingStatus.CANCELLED and not refund_owed(booking, window=window)
    return late and booking.cancelled_by_id is None


def record_event(*, event: dict, now: datetime) -> bool:  # type: ignore[type-arg]
    """Keep a webhook event by its id; False when it was seen (and handled) before."""
    obj = event.get("data", {}).get("object", {}) or {}
    stored, created = StripeEvent.objects.get_or_create(
        event_id=str(event.get("id", "")),
        defaults={
            "type": str(event.get("type", ""))[:100],
            "object_id": str(obj.get("id", ""))[:255],
            "received_at": now,
        },
    )
    return created or stored.handled_at is None


def handle_event(*, event: dict, now: datetime) -> None:  # type: ignore[type-arg]
    kind = str(event.get("type", ""))
    obj = event.get("data", {}).get("object", {}) or {}
    if kind.startswith("checkout.session."):
        checkout = BookingCheckout.objects.filter(session_id=obj.get("id", "")).first()
        if checkout is None:
            reference = obj.get("client_reference_id") or ""
            checkout = BookingCheckout.objects.filter(booking__reference=reference).first()
        if checkout is not None:
            settle(booking=checkout.booking, result=gateway.result_of(obj), now=now)
    StripeEvent.objects.filter(event_id=str(event.get("id", ""))).update(handled_at=now)
