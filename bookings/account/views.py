"""'My bookings': a client signs in with a one-time link sent to their email, then sees
their sessions, moves or cancels them (the booking's own pages and rules), books again,
sees their pain chart and who at the clinic opened their record, and downloads it."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.account import selectors, services, session
from bookings.account.forms import BookAgainForm, SignInForm
from bookings.booking.courses import online_courses_allowed
from bookings.booking.forms import ANYONE
from bookings.intake.answers import IntakeAnswers
from bookings.intake.cookie import remember
from bookings.models import Booking, Client, ClinicRules
from bookings.privacy.services import export_own_data
from clinic.http import HttpResponseSeeOther, no_store
from clinic.protection import limit_form_posts

# Where the typed address waits for the "check your email" page (never in its URL).
ASKED_KEY = "account_asked_for"

ClientView = Callable[..., HttpResponse]

# Past sessions listed in full; earlier ones fold away.
PAST_SHOWN = 3


def client_page(view: ClientView) -> Callable[..., HttpResponse]:
    """Only for a signed-in client; everyone else goes to the sign-in page. Every such
    page shows personal (and most, health) data: never kept by any cache."""

    @wraps(view)
    def signed_in(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        client = session.signed_in_client(request, timezone.now())
        if client is None:
            response: HttpResponse = redirect("bookings:account_sign_in")
        else:
            response = view(request, client, *args, **kwargs)
        return no_store(response)

    return signed_in


@require_http_methods(["GET", "POST"])
@limit_form_posts
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SignInForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            services.request_sign_in_link(email=email, now=timezone.now())
            request.session[ASKED_KEY] = email
            return HttpResponseSeeOther(reverse("bookings:account_sign_in_sent"))
    else:
        form = SignInForm()
    status = 400 if form.errors else 200
    return no_store(render(request, "bookings/account/sign_in.html", {"form": form}, status=status))


@require_GET
def sign_in_sent(request: HttpRequest) -> HttpResponse:
    """The same page whether or not a client holds the address."""
    context = {"email": request.session.get(ASKED_KEY, "")}
    return no_store(render(request, "bookings/account/sign_in_sent.html", context))


@require_http_methods(["GET", "POST"])
@limit_form_posts
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for one click; only the POST spends the link. Mail scanners fetch links
    to check them, and would otherwise use it up before the client got there."""
    if request.method == "POST":
        client = services.use_sign_in_link(token=token, now=timezone.now())
        if client is not None:
            session.sign_in(request, client, timezone.now())
            return HttpResponseSeeOther(reverse("bookings:account"))
    elif selectors.link_works(token, timezone.now()):
        return no_store(render(request, "bookings/account/sign_in_link.html", {"token": token}))
    # A double click, or Back to the link, once signed in: where the first click went.
    if session.signed_in_client(request, timezone.now()) is not None:
        return HttpResponseSeeOther(reverse("bookings:account"))
    # Unknown, used or expired: one answer for all three, so a guess learns nothing.
    page = render(
        request, "bookings/account/sign_in_link_spent.html", {"form": SignInForm()}, status=410
    )
    return no_store(page)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session.sign_out(request)
    messages.success(request, "You are signed out of My bookings.")
    return HttpResponseSeeOther(reverse("bookings:account_sign_in"))


@require_GET
@client_page
def account(request: HttpRequest, client: Client) -> HttpResponse:
    now = timezone.now()
    history = selectors.history(client, now)
    rules = ClinicRules.cached()
    marks = selectors.course_marks(history)
    context = {
        "client": client,
        "history": history,
        "upcoming": [(s, marks.get(s.booking_id)) for s in history.upcoming],
        "recent": [(s, marks.get(s.booking_id)) for s in history.past[:PAST_SHOWN]],
        "earlier": [(s, marks.get(s.booking_id)) for s in history.past[PAST_SHOWN:]],
        # What the booking's own page will allow: the clinic's window, as it decides.
        "changeable": {
            s.booking_id for s in history.upcoming if now < rules.online_changes_close_at(s.start)
        },
        "window_hours": rules.cancellation_window_hours,
        "again": selectors.book_again_ids(history),
        "receipts": selectors.with_receipt(client),
        # Courses of care: upcoming sessions in none may become one.
        "courses_online": online_courses_allowed(rules),
        "pain": selectors.pain(client),
    }
    return render(request, "bookings/account/home.html", context)


def _own(client: Client, reference: str) -> Booking:
    booking = selectors.own_booking(client, reference)
    if booking is None:
        raise Http404
    return booking


@require_GET
@client_page
def booking(request: HttpRequest, client: Client, reference: str) -> HttpResponse:
    """One of their sessions: its own page (move, cancel, the clinic's rules for both)."""
    return redirect("bookings:manage", token=_own(client, reference).manage_token)


@require_GET
@client_page
def receipt(request: HttpRequest, client: Client, reference: str) -> HttpResponse:
    """The printable receipt the booking's own link offers, for one of their sessions
    with money moved; 404 for anyone else's, or for one with none."""
    booking = _own(client, reference)
    if booking.pk not in selectors.with_receipt(client):
        raise Http404
    return redirect("bookings:payment_receipt", token=booking.manage_token)


@require_GET
@client_page
def book_as_course(request: HttpRequest, client: Client, reference: str) -> HttpResponse:
    """One of their sessions repeated as a course: the booking's own course page."""
    return redirect("bookings:manage_course", token=_own(client, reference).manage_token)


@require_http_methods(["GET", "POST"])
@client_page
def book_again(request: HttpRequest, client: Client, reference: str) -> HttpResponse:
    """The same technique, therapist and length, straight to the free times, once the
    safety questions are answered afresh (the booking steps ask them: the answers this
    writes are never screened). Their other answers from last time only if they say so."""
    past = _own(client, reference)
    if not past.technique.is_active:
        raise Http404
    last = selectors.last_answers(client)
    form = BookAgainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reuse = form.cleaned_data["reuse_answers"] and last is not None
        onward = HttpResponseSeeOther(_book_url(past))
        remember(onward, last if reuse and last is not None else IntakeAnswers())
        return onward
    context = {"booking": past, "form": form, "has_answers": last is not None}
    return render(request, "bookings/account/book_again.html", context)


def _book_url(past: Booking) -> str:
    therapist = past.therapist
    offers_it = therapist.is_active and therapist.techniques.filter(pk=past.technique_id).exists()
    query = {
        "length": past.length_minutes,
        "therapist": therapist.pk if offers_it else ANYONE,
    }
    return reverse("bookings:book", args=[past.technique.slug]) + "?" + urlencode(query)


@require_GET
@client_page
def who_looked(request: HttpRequest, client: Client) -> HttpResponse:
    return render(request, "bookings/account/who_looked.html", {"lines": selectors.trail(client)})


@require_GET
@client_page
def download(request: HttpRequest, client: Client) -> HttpResponse:
    data = export_own_data(client=client)
    body = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-record-{stamp}.json"'
    return response
