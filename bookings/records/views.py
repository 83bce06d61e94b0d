"""The client's token pages, no login: the answer to "How is your back today?" (the link
in the email two days after a session; answered once, it then thanks the client until
it expires) and "Confirm your email" (the link
in the booking email, which proves the address is theirs)."""

from datetime import datetime

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.models import Booking, BookingStatus, OutcomeRequest
from bookings.models.outcomes import OUTCOME_SCORE_MAX
from bookings.records import identity, services
from clinic.http import HttpResponseSeeOther, no_store, row_by_token
from clinic.protection import limit_form_posts

SCORE_CHOICES = [(n, str(n)) for n in range(OUTCOME_SCORE_MAX + 1)]


class OutcomeForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How is your back today, 0 to 10?",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose a number from 0 to 10.",
            "invalid_choice": "Please choose a number from 0 to 10.",
        },
    )


def _live_outcome(token: str, now: datetime) -> OutcomeRequest:
    """The request behind `token` while its link works, else a plain 404: unknown,
    expired, before the session ended, or the session did not happen. An answered one
    still works (it thanks the client and shows their answer) until it expires."""
    outcome: OutcomeRequest = row_by_token(
        OutcomeRequest.objects.select_related("booking"), "token", token
    )
    booking = outcome.booking
    if (
        now >= outcome.expires
        or now < booking.end
        or booking.status not in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
    ):
        raise Http404
    return outcome


@never_cache
@require_http_methods(["GET", "POST"])
@limit_form_posts
def outcome(request: HttpRequest, token: str) -> HttpResponse:
    """Post, redirect, get: the answer is stored once, and the page after it (a reload,
    Back and send again, the email's link tapped again) thanks the client with it."""
    now = timezone.now()
    found = _live_outcome(token, now)
    if found.score is not None:
        if request.method == "POST":
            return HttpResponseSeeOther(request.path)
        return no_store(render(request, "bookings/outcome_thanks.html", {"score": found.score}))
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # False when another post answered first: the first answer stands either way.
        services.record_outcome(outcome=found, score=form.cleaned_data["score"], now=now)
        return HttpResponseSeeOther(request.path)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "scores": range(OUTCOME_SCORE_MAX + 1)}
    return render(request, "bookings/outcome.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_form_posts
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """A page that asks, a POST that confirms: a mail scanner that follows the link
    confirms nothing. Confirming twice is harmless; an old or unknown link is a 404.
    The page says the same whatever records hold the address."""
    now = timezone.now()
    booking: Booking = row_by_token(Booking.objects.all(), "email_token", token)
    if not identity.email_link_open(booking, now=now):
        raise Http404
    if request.method == "POST":
        identity.confirm_email(booking=booking, now=now)
        return HttpResponseSeeOther(reverse("bookings:confirm_email", args=[token]))
    context = {"booking": booking, "confirmed": booking.email_confirmed_at is not None}
    return no_store(render(request, "bookings/confirm_email.html", context))
