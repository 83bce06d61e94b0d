"""localstripe, plus the Checkout Sessions it lacks (`python -m tests.payments.fake_stripe PORT`).

localstripe 1.15.10 emulates customers, payment methods, PaymentIntents (confirm,
off-session), SetupIntents, refunds, events and signed webhooks, but not Checkout.
Checkout is the one part added here, as thin as it can be: a session object in
localstripe's own store whose payment is a real localstripe PaymentIntent (payment
mode) or SetupIntent (setup mode), and a plain "hosted page" at /pay/<session id>
standing in for checkout.stripe.com. Paying there confirms the intent in localstripe
with a test card and sends `checkout.session.completed` through localstripe's own
webhook sender; expiring sends `checkout.session.expired`. Everything about money
(charges, refunds, off-session fees, balance) is localstripe's, not ours.

Also: localstripe pickles its whole store to /tmp/localstripe.pickle on every write,
shared by every run on the machine; here it stays in memory.
"""

import html
import socket
import sys
import time

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError
from localstripe.resources import (
    Customer,
    Event,
    PaymentIntent,
    PaymentMethod,
    SetupIntent,
    StripeObject,
)
from localstripe.webhooks import schedule_webhook

resources.Store.dump_to_disk = lambda self: None

# The hosted page's cards: Stripe's own test numbers, as localstripe knows them.
CARDS = {
    "visa": "pm_card_visa",
    # Saves fine, then declines every charge (an off-session fee refused by the bank).
    "charge_fails": "pm_card_chargeCustomerFail",
    "declined": "pm_card_visa_chargeDeclined",
}


class CheckoutSession(StripeObject):
    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(
        self,
        mode=None,
        success_url=None,
        cancel_url=None,
        customer_email=None,
        client_reference_id=None,
        metadata=None,
        line_items=None,
        currency=None,
        expires_at=None,
        payment_intent_data=None,
        setup_intent_data=None,
        customer_creation=None,
        payment_method_types=None,
        **kwargs,
    ):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        if mode not in ("payment", "setup") or not success_url:
            raise UserError(400, "Bad request")
        super().__init__()
        self.mode = mode
        self.success_url = success_url.replace("{CHECKOUT_SESSION_ID}", self.id)
        self.cancel_url = cancel_url
        self.customer_email = customer_email
        self.client_reference_id = client_reference_id
        self.metadata = metadata or {}
        self.status = "open"
        self.payment_status = "unpaid" if mode == "payment" else "no_payment_required"
        self.expires_at = int(expires_at) if expires_at else int(time.time()) + 86400
        self.customer = Customer(email=customer_email).id
        self.payment_intent = None
        self.setup_intent = None
        self.currency = currency
        self.amount_total = 0
        if mode == "payment":
            item = (line_items or [{}])[0]
            price = item.get("price_data") or {}
            self.amount_total = int(price.get("unit_amount", 0)) * int(item.get("quantity", 1))
            self.currency = price.get("currency", currency)
            intent_meta = (payment_intent_data or {}).get("metadata") or {}
            self.payment_intent = PaymentIntent(
                amount=self.amount_total,
                currency=self.currency,
                customer=self.customer,
                metadata=intent_meta,
            ).id
        else:
            self.setup_intent = SetupIntent(
                customer=self.customer,
                metadata=(setup_intent_data or {}).get("metadata") or {},
            ).id
        self.url = f"{HOST}/_config/checkout/{self.id}"


def _complete(session: CheckoutSession, card: str) -> None:
    method = PaymentMethod._api_retrieve(CARDS[card])
    if session.mode == "payment":
        intent = PaymentIntent._api_retrieve(session.payment_intent)
        intent.payment_method = method.id
        PaymentIntent._api_confirm(intent.id)
        if intent.status != "succeeded":
            raise UserError(402, "Your card was declined.")
        session.payment_status = "paid"
        PaymentMethod._api_attach(method.id, customer=session.customer)
    else:
        PaymentMethod._api_attach(method.id, customer=session.customer)
        setup = SetupIntent._api_retrieve(session.setup_intent)
        setup.payment_method = method.id
        setup.status = "succeeded"
    session.status = "complete"
    schedule_webhook(Event("checkout.session.completed", session))


def _expire(id, **kwargs):
    session = CheckoutSession._api_retrieve(id)
    if session.status != "open":
        raise UserError(400, f"This Checkout Session is {session.status}: it cannot be expired.")
    session.status = "expired"
    schedule_webhook(Event("checkout.session.expired", session))
    return session


async def hosted_page(request: web.Request) -> web.Response:
    session = CheckoutSession._api_retrieve(request.match_info["id"])
    problem = ""
    if request.method == "POST":
        data = await request.post()
        if session.status == "open":
            try:
                _complete(session, str(data.get("card", "visa")))
            except UserError as error:
                problem = error.body["error"]["message"] if error.body else "Declined"
        if session.status == "complete":
            raise web.HTTPSeeOther(session.success_url)
    if session.status == "expired":
        problem = "This payment page has expired."
    amount = f"{session.amount_total / 100:.2f} {str(session.currency or '').upper()}"
    action = "Pay " + amount if session.mode == "payment" else "Save card"
    body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Fake Stripe Checkout</title></head><body>
<main><h1>Fake Stripe Checkout (localstripe)</h1>
<p>Test page standing in for checkout.stripe.com. {html.escape(problem)}</p>
<form method="post"><label for="card">Test card</label>
<select id="card" name="card"><option value="visa">4242 4242 4242 4242</option>
<option value="declined">4000 0000 0000 0002 (declined)</option></select>
<button type="submit">{html.escape(action)}</button></form>
<p><a href="{html.escape(session.cancel_url or "")}">Back</a></p></main></body></html>"""
    return web.Response(text=body, content_type="text/html")


HOST = ""


def main() -> None:
    global HOST
    port = int(sys.argv[1])
    HOST = f"http://127.0.0.1:{port}"
    app = server.app
    app.router.add_post("/v1/checkout/sessions", server.api_create(CheckoutSession, ""))
    app.router.add_get("/v1/checkout/sessions/{id}", server.api_retrieve(CheckoutSession, ""))
    app.router.add_post("/v1/checkout/sessions/{id}/expire", server.api_extra(_expire, ""))
    # Under /_config/: the only prefix localstripe serves without an API key.
    app.router.add_route("*", "/_config/checkout/{id}", hosted_page)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    web.run_app(app, sock=sock, print=None, access_log=None)


if __name__ == "__main__":
    main()
