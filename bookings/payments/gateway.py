"""Stripe, through its official library, and nothing else: each call the payments make,
with plain values in and out and two errors a caller must handle. No models here.

Every call that moves money carries an idempotency key made from our own row ids, so a
retry (ours or the library's) never charges or refunds twice at Stripe.
"""

import logging
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings

logger = logging.getLogger(__name__)


class GatewayUnavailable(Exception):
    """Stripe did not answer (down, slow, refused): nothing is known to have happened."""


class CardDeclined(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckoutResult:
    session_id: str
    url: str
    # "open", "complete" or "expired" (Stripe's words).
    status: str
    paid: bool
    payment_intent_id: str
    customer_id: str
    setup_intent_id: str
    amount_minor: int


@dataclass(frozen=True)
class Card:
    payment_method_id: str
    brand: str
    last4: str


def configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else {},
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


def checkout_origin() -> str:
    """Where Stripe's hosted page lives, for the page's form-action policy."""
    return settings.STRIPE_API_BASE or "https://checkout.stripe.com"


def _call(what: str, run: Any) -> Any:
    try:
        return run()
    except stripe.CardError as error:
        raise CardDeclined(error.user_message or "The card was declined.") from error
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        logger.warning("Stripe unavailable for %s (%s)", what, type(error).__name__)
        raise GatewayUnavailable(what) from error


def _result(session: Any) -> CheckoutResult:
    return result_of(session.to_dict())


def result_of(session: dict[str, Any]) -> CheckoutResult:
    """A Checkout Session as the API or a webhook event's payload gives it."""

    def id_of(value: Any) -> str:
        if value is None:
            return ""
        return value if isinstance(value, str) else str(value.get("id", ""))

    return CheckoutResult(
        session_id=str(session.get("id", "")),
        url=str(session.get("url") or ""),
        status=str(session.get("status", "")),
        paid=session.get("payment_status") == "paid",
        payment_intent_id=id_of(session.get("payment_intent")),
        customer_id=id_of(session.get("customer")),
        setup_intent_id=id_of(session.get("setup_intent")),
        amount_minor=int(session.get("amount_total") or 0),
    )


def create_checkout(
    *,
    setup: bool,
    amount_minor: int,
    currency: str,
    description: str,
    email: str,
    reference: str,
    success_url: str,
    cancel_url: str,
    idempotency_key: str,
) -> CheckoutResult:
    params: dict[str, Any] = {
        "mode": "setup" if setup else "payment",
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": reference,
        "metadata": {"booking": reference},
    }
    if email:
        params["customer_email"] = email
    if setup:
        params["currency"] = currency
        params["setup_intent_data"] = {"metadata": {"booking": reference}}
    else:
        params["line_items"] = [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency,
                    "unit_amount": amount_minor,
                    "product_data": {"name": description},
                },
            }
        ]
        params["payment_intent_data"] = {"metadata": {"booking": reference}}
    session = _call(
        "create checkout",
        lambda: client().v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": idempotency_key},
        ),
    )
    return _result(session)


def retrieve_checkout(session_id: str) -> CheckoutResult:
    return _result(
        _call("retrieve checkout", lambda: client().v1.checkout.sessions.retrieve(session_id))
    )


def expire_checkout(session_id: str) -> CheckoutResult:
    """End an open session so it can no longer be paid; a session that is already
    complete or expired is returned as it is."""
    try:
        session = _call("expire checkout", lambda: client().v1.checkout.sessions.expire(session_id))
    except stripe.InvalidRequestError:
        return retrieve_checkout(session_id)
    return _result(session)


def saved_card(setup_intent_id: str) -> Card:
    def run() -> Card:
        api = client().v1
        intent = api.setup_intents.retrieve(setup_intent_id)
        method_id = intent.payment_method
        method_id = method_id if isinstance(method_id, str) else method_id.id  # type: ignore[union-attr]
        method = api.payment_methods.retrieve(method_id)
        card = method.card
        return Card(
            payment_method_id=method.id,
            brand=str(card.brand) if card else "",
            last4=str(card.last4) if card else "",
        )

    result: Card = _call("saved card", run)
    return result


def refund(*, payment_intent_id: str, amount_minor: int, reason: str, idempotency_key: str) -> str:
    """Refund part or all of a payment; returns the refund's id."""
    created = _call(
        "refund",
        lambda: client().v1.refunds.create(
            params={
                "payment_intent": payment_intent_id,
                "amount": amount_minor,
                "metadata": {"reason": reason[:200]},
            },
            options={"idempotency_key": idempotency_key},
        ),
    )
    return str(created.id)


def charge_saved_card(
    *,
    customer_id: str,
    payment_method_id: str,
    amount_minor: int,
    currency: str,
    reference: str,
    idempotency_key: str,
) -> str:
    """Charge the card kept on file, with the client away (off-session); returns the
    PaymentIntent's id, or raises CardDeclined."""
    intent = _call(
        "charge saved card",
        lambda: client().v1.payment_intents.create(
            params={
                "amount": amount_minor,
                "currency": currency,
                "customer": customer_id,
                "payment_method": payment_method_id,
                "off_session": True,
                "confirm": True,
                "metadata": {"booking": reference},
            },
            options={"idempotency_key": idempotency_key},
        ),
    )
    if intent.status != "succeeded":
        raise CardDeclined("The card was not charged (the bank asked the client to confirm).")
    return str(intent.id)


def verified_event(payload: bytes, signature: str) -> dict[str, Any]:
    """The event, if Stripe signed it with our webhook secret; raises ValueError if not."""
    try:
        event = stripe.Webhook.construct_event(
            payload.decode("utf-8"), signature, settings.STRIPE_WEBHOOK_SECRET
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as error:
        raise ValueError("bad signature") from error
    data: dict[str, Any] = event.to_dict()
    return data
