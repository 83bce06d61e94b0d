"""The client's payment pages (by the booking's secret link), Stripe's webhook, and the
desk's fee and refund pages."""

import logging
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.models import Booking, BookingCheckout, BookingStatus, CheckoutState, Payment
from bookings.payments import desk_link, gateway, selectors, services
from bookings.payments.forms import RefundForm
from clinic.http import HttpResponseSeeOther, no_store, row_by_token

logger = logging.getLogger(__name__)

UNREACHABLE = (
    "We could not reach our card payment provider just now. Nothing was charged. "
    "Your time is still held for you: please try again in a moment."
)


def _booking(token: str) -> Booking:
    return row_by_token(
        Booking.objects.select_related("technique", "therapist"), "manage_token", token
    )


def _checkout(booking: Booking) -> BookingCheckout:
    checkout = BookingCheckout.objects.filter(booking=booking).first()
    if checkout is None:
        raise Http404
    return checkout


def _page(
    request: HttpRequest, booking: Booking, problem: str = "", status: int = 200
) -> HttpResponse:
    checkout = _checkout(booking)
    found = selectors.booking_terms(booking)
    asked = checkout.state == CheckoutState.REQUESTED
    context = {
        "booking": booking,
        "checkout": checkout,
        "asked": asked,
        "words": selectors.words(found, asked=selectors.asked_by_desk(booking)),
        "due_now": selectors.show(found.due_now_minor),
        "problem": problem,
    }
    response = render(request, "payments/pay.html", context, status=status)
    # Stripe's page is reached by this page's form (through our redirect): allow it.
    response._csp_update = {"form-action": [gateway.checkout_origin()]}  # type: ignore[attr-defined]
    return no_store(response)


@require_http_methods(["GET", "POST"])
def payment_page(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking(token)
    checkout = _checkout(booking)
    if checkout.state not in (CheckoutState.AWAITING, CheckoutState.REQUESTED):
        return redirect("bookings:booking_detail", token=token)
    if request.method == "GET":
        return _page(request, booking)
    try:
        url = services.checkout_url(booking=booking, now=timezone.now())
    except gateway.GatewayUnavailable:
        return _page(request, booking, UNREACHABLE, status=503)
    except services.PaymentRefused as refused:
        return _page(request, booking, refused.message, status=409)
    response = HttpResponseSeeOther(url)
    response._csp_update = {"form-action": [gateway.checkout_origin()]}  # type: ignore[attr-defined]
    return response


@require_GET
def payment_return(request: HttpRequest, token: str) -> HttpResponse:
    """Back from Stripe's page. Stripe is asked; the link's session id proves nothing."""
    booking = _booking(token)
    session_id = request.GET.get("session_id", "")[:255]
    try:
        state = services.confirm_from_return(
            booking=booking, session_id=session_id, now=timezone.now()
        )
    except gateway.GatewayUnavailable:
        return no_store(render(request, "payments/checking.html", {"booking": booking}))
    if state in (CheckoutState.AWAITING, CheckoutState.REQUESTED):
        return redirect("bookings:payment_page", token=token)
    return redirect("bookings:booking_detail", token=token)


@require_GET
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking(token)
    lines = [line for line in selectors.lines(booking) if not line.failed]
    if not lines:
        raise Http404
    context = {
        "booking": booking,
        "lines": lines,
        "net": selectors.show(selectors.net_paid_minor(booking)),
        "now": timezone.now(),
    }
    return no_store(render(request, "payments/receipt.html", context))


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = gateway.verified_event(request.body, request.headers.get("Stripe-Signature", ""))
    except ValueError:
        return HttpResponse("bad signature", status=400, content_type="text/plain")
    now = timezone.now()
    if not services.record_event(event=event, now=now):
        return HttpResponse("seen", content_type="text/plain")
    try:
        services.handle_event(event=event, now=now)
    except gateway.GatewayUnavailable:
        # Stripe delivers again later; the worker also asks Stripe once the hold ends.
        return HttpResponse("try again", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def _desk_booking(request: HttpRequest, pk: int) -> Booking:
    if not (
        request.user.has_perm("bookings.change_booking")
        and request.user.has_perm("bookings.view_payment")
    ):
        raise PermissionDenied
    booking = Booking.objects.select_related("technique", "therapist").filter(pk=pk).first()
    if booking is None:
        raise Http404
    return booking


def _back(booking: Booking) -> str:
    return reverse("admin:bookings_booking_change", args=[booking.pk])


@staff_member_required
@require_http_methods(["GET", "POST"])
def desk_fee(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _desk_booking(request, pk)
    checkout = _checkout(booking)
    if request.method == "POST":
        try:
            services.charge_fee(booking=booking, by=request.user, now=timezone.now())  # type: ignore[arg-type]
        except services.PaymentRefused as refused:
            messages.error(request, refused.message)
        except gateway.GatewayUnavailable:
            messages.error(request, "Stripe did not answer; nothing was charged. Try again.")
        else:
            messages.success(
                request, f"Charged {selectors.show(checkout.fee_minor)} to the card on file."
            )
        return HttpResponseSeeOther(_back(booking))
    context: dict[str, Any] = {
        **admin.site.each_context(request),
        "booking": booking,
        "checkout": checkout,
        "fee": selectors.show(checkout.fee_minor),
        "no_show": booking.status == BookingStatus.NO_SHOW,
        "back": _back(booking),
        "title": f"Charge the fee for {booking.reference}",
    }
    return no_store(render(request, "payments/desk_fee.html", context))


@staff_member_required
@require_POST
def desk_payment_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Email the client a link to pay (or to save a card), or send it again."""
    booking = _desk_booking(request, pk)
    try:
        desk_link.request_payment(booking=booking, now=timezone.now())
    except services.PaymentRefused as refused:
        messages.error(request, refused.message)
    except gateway.GatewayUnavailable:
        messages.error(request, "Stripe did not answer; no link was sent. Try again.")
    else:
        messages.success(request, f"Payment link emailed to {booking.client_email}.")
    return HttpResponseSeeOther(_back(booking))


@staff_member_required
@require_http_methods(["GET", "POST"])
def desk_refund(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _desk_booking(request, pk)
    choices = selectors.refundable_payments(booking)
    form = RefundForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        paid: Payment = form.cleaned_data["payment"]
        try:
            services.desk_refund(
                booking=booking,
                payment_id=paid.pk,
                amount_minor=form.cleaned_data["amount_minor"],
                reason=form.cleaned_data["reason"],
                by=request.user,  # type: ignore[arg-type]
                now=timezone.now(),
            )
        except services.PaymentRefused as refused:
            form.add_error(None, refused.message)
        except gateway.GatewayUnavailable:
            form.add_error(None, "Stripe did not answer; nothing was refunded. Try again.")
        else:
            messages.success(request, "Refunded.")
            return HttpResponseSeeOther(_back(booking))
    context = {
        **admin.site.each_context(request),
        "booking": booking,
        "form": form,
        "back": _back(booking),
        "title": f"Refund for {booking.reference}",
    }
    return no_store(render(request, "payments/desk_refund.html", context))
