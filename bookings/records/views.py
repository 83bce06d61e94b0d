"""The client's token pages, no login: the answer to "How is your back today?" (the link
in the email two days after a session; answered once, it then thanks the client until
it expires) and "Confirm your email" (the link
in the booking email, which proves the address is theirs)."""

from datetime import datetime
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.models import (
    FUNCTION_ACTIVITIES_MAX,
    Booking,
    BookingStatus,
    FunctionActivity,
    FunctionScore,
    OutcomeRequest,
)
from bookings.models.outcomes import OUTCOME_SCORE_MAX
from bookings.records import identity, selectors, services
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
        thanks = {"score": found.score, "function_url": function_url(found)}
        return no_store(render(request, "bookings/outcome_thanks.html", thanks))
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


# Everyday activities (PSFS), asked after the pain answer when due ---------------------

# The activity fields of the naming form: activity_1 and score_1, and so on.
ACTIVITY_NUMBERS = range(1, FUNCTION_ACTIVITIES_MAX + 1)
ABLE_HELP = "0 means you cannot do it at all, 10 that you can do it as well as before."


class NameActivitiesForm(forms.Form):
    """Up to three activities, each with its first score."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in ACTIVITY_NUMBERS:
            self.fields[f"activity_{n}"] = forms.CharField(
                label=f"Activity {n}", max_length=100, required=False
            )
            self.fields[f"score_{n}"] = forms.TypedChoiceField(
                label=f"How able are you to do activity {n} today, 0 to 10?",
                choices=[("", "Choose"), *SCORE_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
            )

    def named(self) -> list[tuple[str, int]]:
        return [
            (self.cleaned_data[f"activity_{n}"].strip(), self.cleaned_data[f"score_{n}"])
            for n in ACTIVITY_NUMBERS
            if self.cleaned_data.get(f"activity_{n}", "").strip()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for n in ACTIVITY_NUMBERS:
            name = cleaned.get(f"activity_{n}", "").strip()
            score = cleaned.get(f"score_{n}")
            if name and score is None:
                self.add_error(f"score_{n}", "Please choose a number from 0 to 10.")
            if score is not None and not name:
                self.add_error(f"activity_{n}", "Please name the activity, or leave both empty.")
        if not any(cleaned.get(f"activity_{n}", "").strip() for n in ACTIVITY_NUMBERS):
            raise forms.ValidationError("Please name at least one activity.")
        return cleaned


class ScoreActivitiesForm(forms.Form):
    def __init__(self, *args: Any, activities: list[FunctionActivity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activities = activities
        for activity in activities:
            self.fields[f"score_{activity.pk}"] = forms.TypedChoiceField(
                label=activity.name,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Please choose a number from 0 to 10."},
            )

    def scored(self) -> dict[int, int]:
        return {a.pk: self.cleaned_data[f"score_{a.pk}"] for a in self.activities}


def function_url(outcome: OutcomeRequest) -> str:
    """The activity questions' link for the thank-you page, when they are due."""
    if selectors.function_due(outcome) is None:
        return ""
    return reverse("bookings:outcome_activities", args=[outcome.token])


@never_cache
@require_http_methods(["GET", "POST"])
@limit_form_posts
def outcome_activities(request: HttpRequest, token: str) -> HttpResponse:
    """A few optional questions after the pain answer: GET asks, the POST stores once and
    sends to a thank-you (GET) page; a repeat or a reload finds the answers given."""
    now = timezone.now()
    found: OutcomeRequest = row_by_token(
        OutcomeRequest.objects.select_related("booking"), "token", token
    )
    if found.score is None or now >= found.expires:
        raise Http404
    if FunctionScore.objects.filter(outcome=found).exists():
        return no_store(render(request, "bookings/outcome_activities_thanks.html", {}))
    due = selectors.function_due(found)
    if due is None:
        raise Http404
    posted = request.POST if request.method == "POST" else None
    form: forms.Form = (
        ScoreActivitiesForm(posted, activities=due) if due else NameActivitiesForm(posted)
    )
    if request.method == "POST" and form.is_valid():
        services.record_function_answers(
            outcome=found,
            named=form.named() if isinstance(form, NameActivitiesForm) else (),
            scored=form.scored() if isinstance(form, ScoreActivitiesForm) else None,
            now=now,
        )
        return HttpResponseSeeOther(reverse("bookings:outcome_activities", args=[token]))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "naming": not due, "able_help": ABLE_HELP}
    return no_store(render(request, "bookings/outcome_activities.html", context, status=status))
