"""The client's answer to "How is your back today?", reached by the link in the email
two days after a session. No login: the token is the key, and it opens once."""

from datetime import datetime

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.models import BookingStatus, OutcomeRequest
from bookings.models.outcomes import OUTCOME_SCORE_MAX
from bookings.records import services
from clinic.http import row_by_token
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


def _open_outcome(token: str, now: datetime) -> OutcomeRequest:
    """The request behind `token` while it can be answered, else a plain 404: unknown,
    already answered, expired, before the session ended, or the session did not happen."""
    outcome: OutcomeRequest = row_by_token(
        OutcomeRequest.objects.select_related("booking"), "token", token
    )
    booking = outcome.booking
    if (
        outcome.score is not None
        or now >= outcome.expires
        or now < booking.end
        or booking.status not in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
    ):
        raise Http404
    return outcome


@never_cache
@require_http_methods(["GET", "POST"])
@limit_form_posts
def outcome(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    found = _open_outcome(token, now)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not services.record_outcome(outcome=found, score=form.cleaned_data["score"], now=now):
            raise Http404
        return render(request, "bookings/outcome_thanks.html", {})
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "scores": range(OUTCOME_SCORE_MAX + 1)}
    return render(request, "bookings/outcome.html", context, status=status)
