from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import Technique
from catalog.vocabulary import WARNING_SIGNS
from clinic.protection import limit_form_posts

from . import availability, selectors
from .answers import IntakeAnswers, Triage
from .forms import ANYONE, BookingDetailsForm, IntakeForm, SlotChoiceForm
from .intake import forget, recall, remember
from .models import Therapist
from .selectors import load_profiles
from .services import PROBLEM_MESSAGES, InvalidBooking, SlotUnavailable, book_session
from .suggestion import suggest


# Error reports (if one is ever emailed) must not carry health answers or contact details.
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@limit_form_posts
def intake(request: HttpRequest) -> HttpResponse:
    """The back-pain questions; a valid answer shows its suggestion on the spot.

    Nothing is stored on the server: the result is rendered from the POST, and the
    answers ride to the booking form in a signed cookie in the client's browser.
    """
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            return _result(request, form.answers())
    else:
        form = IntakeForm()
    return render(request, "bookings/intake.html", {"form": form})


def _result(request: HttpRequest, answers: IntakeAnswers) -> HttpResponse:
    triage = answers.triage
    ranked = [] if triage == Triage.URGENT else suggest(answers, load_profiles())
    advised = [s for s in ranked if not s.excluded]
    response = render(
        request,
        "bookings/result.html",
        {
            "answers": answers,
            "triage": triage,
            "is_urgent": triage == Triage.URGENT,
            "see_doctor": triage == Triage.SEE_DOCTOR,
            "urgent_signs": [WARNING_SIGNS.label_of(s) for s in answers.urgent_signs],
            "doctor_first_signs": [WARNING_SIGNS.label_of(s) for s in answers.doctor_first_signs],
            "top": advised[0] if advised else None,
            "alternatives": advised[1:],
            "not_advised": [s for s in ranked if s.excluded],
        },
    )
    # Health answers on the page: no shared cache or back-button cache may keep it.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    remember(response, answers)
    return response


# Booking a session ----------------------------------------------------------
# Each step is a plain GET form or a list of links carrying the choices so far in
# the query string, so the flow works without JavaScript and the back button.


def start_param(start: datetime) -> str:
    """A start time as the steps carry it in links and hidden fields: UTC, to the minute."""
    return start.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _choices(slug: str, day: date | None = None) -> selectors.TechniqueChoices:
    choices = selectors.technique_choices(slug, now=timezone.now(), day=day)
    if choices is None:
        raise Http404
    return choices


@dataclass(frozen=True)
class _Chosen:
    """A valid length and therapist (None: anyone who is free)."""

    slug: str
    length: int
    therapist_id: int | None
    therapist: Therapist | None

    @property
    def therapist_param(self) -> int | str:
        return ANYONE if self.therapist_id is None else self.therapist_id

    def url(self, **more: object) -> str:
        """The step that follows from these choices and `more` (a day, a start)."""
        query = {"length": self.length, "therapist": self.therapist_param} | more
        return reverse("bookings:book", kwargs={"slug": self.slug}) + "?" + urlencode(query)

    def page(self) -> dict[str, object]:
        return {"length": self.length, "therapist": self.therapist, "change_url": self.url()}

    def free_starts(self, choices: selectors.TechniqueChoices) -> list[datetime]:
        slots = selectors.free_starts(
            choices, length_minutes=self.length, therapist_id=self.therapist_id
        )
        return [slot.start for slot in slots]


@dataclass
class _Steps:
    """What every step starts from: the technique's choices, the client's intake
    answers (if they gave any) and the choices made so far."""

    choices: selectors.TechniqueChoices
    answers: IntakeAnswers | None
    form: SlotChoiceForm

    @property
    def urgent(self) -> bool:
        return self.answers is not None and self.answers.triage == Triage.URGENT

    def chosen(self) -> _Chosen:
        therapist_id = self.form.cleaned_data["therapist"]
        return _Chosen(
            slug=self.choices.technique.slug,
            length=self.form.cleaned_data["length"],
            therapist_id=therapist_id,
            therapist=self.choices.therapist(therapist_id),
        )

    def page(self) -> dict[str, object]:
        return {
            "technique": self.choices.technique,
            "lengths": self.choices.lengths,
            "therapists": self.choices.therapists,
            "choice": self.form,
        }

    def details_form(self, data: QueryDict | None = None) -> BookingDetailsForm:
        return BookingDetailsForm(
            data,
            has_intake=self.answers is not None,
            needs_doctor=self.answers is not None and self.answers.triage == Triage.SEE_DOCTOR,
        )


def _asked_day(data: QueryDict | None) -> date | None:
    """The day whose times were asked for (a valid day and no start yet), read before the
    schedules so that step reads that day alone."""
    if data is None or data.get("start"):
        return None
    try:
        day: date | None = SlotChoiceForm.base_fields["day"].clean(data.get("day"))
    except ValidationError:
        return None
    return day


def _steps(request: HttpRequest, slug: str, data: QueryDict | None) -> _Steps:
    choices = _choices(slug, _asked_day(data))
    form = SlotChoiceForm(data, lengths=choices.lengths, therapists=choices.therapists)
    return _Steps(choices, recall(request), form)


def _urgent(request: HttpRequest, technique: Technique) -> HttpResponse:
    response = render(request, "bookings/book_urgent.html", {"technique": technique})
    _no_store(response)
    return response


def _no_store(response: HttpResponse) -> None:
    # Health answers or safety advice on the page: no cache may keep it.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)


@require_GET
def book(request: HttpRequest, slug: str) -> HttpResponse:
    steps = _steps(request, slug, request.GET or None)
    if steps.urgent:
        return _urgent(request, steps.choices.technique)
    form = steps.form
    if not form.is_bound or "length" in form.errors or "therapist" in form.errors:
        return render(request, "bookings/book_choose.html", steps.page())
    chosen = steps.chosen()
    start: datetime | None = form.cleaned_data.get("start")
    if start is not None:
        free_starts = chosen.free_starts(steps.choices)
        return _details_page(request, steps, chosen, start=start, free_starts=free_starts)
    zone = selectors.clinic_zone()
    page = steps.page() | chosen.page()
    day: date | None = form.cleaned_data.get("day")
    if day is None or "day" in form.errors:
        counts = selectors.free_counts(
            steps.choices, length_minutes=chosen.length, therapist_id=chosen.therapist_id
        )
        horizon = steps.choices.rules.booking_horizon_days
        days = [
            {"date": d, "count": counts.get(d, 0), "url": chosen.url(day=d)}
            for d in availability.local_days(steps.choices.now, horizon, zone)
        ]
        return render(request, "bookings/book_day.html", page | {"days": days})
    # The choices were read for this day alone (see _asked_day).
    by_day = availability.by_local_day(chosen.free_starts(steps.choices), zone)
    times = [{"start": s, "url": chosen.url(start=start_param(s))} for s in by_day.get(day, [])]
    return render(
        request,
        "bookings/book_time.html",
        page | {"day": day, "times": times, "days_url": chosen.url()},
    )


def _details_page(
    request: HttpRequest,
    steps: _Steps,
    chosen: _Chosen,
    *,
    start: datetime,
    free_starts: list[datetime],
    form: BookingDetailsForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    if not problem and start not in free_starts:
        problem = _why_not_free(steps.choices, chosen, start)
    alternatives = availability.nearest(free_starts, start, count=4) if problem else []
    answers = steps.answers
    context = steps.page() | chosen.page()
    context |= {
        "start": start,
        "start_iso": start_param(start),
        "end": start + timedelta(minutes=chosen.length),
        "price": steps.choices.price(chosen.length),
        "form": form or steps.details_form(),
        "problem": problem,
        "alternatives": [{"start": s, "iso": start_param(s)} for s in alternatives],
        "answers": answers,
        "doctor_signs": [WARNING_SIGNS.label_of(s) for s in answers.doctor_first_signs]
        if answers
        else [],
        "therapist_param": chosen.therapist_param,
        "changes_until": selectors.online_changes_until(
            start, rules=steps.choices.rules, now=steps.choices.now
        ),
    }
    response = render(request, "bookings/book_details.html", context, status=status)
    _no_store(response)
    return response


def _why_not_free(choices: selectors.TechniqueChoices, chosen: _Chosen, start: datetime) -> str:
    check = selectors.check_start(
        choices.schedules_for(chosen.therapist_id),
        start=start,
        length=timedelta(minutes=chosen.length),
        rules=choices.rules.as_rules(),
        now=choices.now,
    )
    if check.problem is None:
        # Free, but not on the step grid: offer the grid times around it.
        return "Please choose one of the times offered."
    return PROBLEM_MESSAGES[check.problem]


@sensitive_post_parameters()
@require_POST
@limit_form_posts
def book_submit(request: HttpRequest, slug: str) -> HttpResponse:
    steps = _steps(request, slug, request.POST)
    if steps.urgent:
        return _urgent(request, steps.choices.technique)
    if not steps.form.is_valid() or steps.form.cleaned_data["start"] is None:
        # Hidden fields only change when someone edits the page: start again cleanly.
        problem = "Something in your choice was not right. Please choose again."
        page = steps.page() | {"problem": problem}
        return render(request, "bookings/book_choose.html", page, status=400)
    chosen = steps.chosen()
    start: datetime = steps.form.cleaned_data["start"]
    form = steps.details_form(request.POST)

    def again(problem: str = "", status: int = 200) -> HttpResponse:
        free_starts = chosen.free_starts(steps.choices)
        return _details_page(
            request,
            steps,
            chosen,
            start=start,
            free_starts=free_starts,
            form=form,
            problem=problem,
            status=status,
        )

    if not form.is_valid():
        return again()
    try:
        booking = book_session(
            therapist_id=chosen.therapist_id,
            technique=steps.choices.technique,
            length_minutes=chosen.length,
            start=start,
            client_name=form.cleaned_data["client_name"],
            client_email=form.cleaned_data["client_email"],
            client_phone=form.cleaned_data["client_phone"],
            intake=steps.answers,
            consent=form.cleaned_data.get("consent", False),
            acknowledged_warning=form.cleaned_data.get("acknowledge_warning", False),
            sms_opt_in=form.cleaned_data.get("sms_opt_in", False),
            now=timezone.now(),
        )
    except SlotUnavailable as error:
        # Re-read the schedule: the booking that beat this one must not be offered.
        steps.choices = _choices(slug)
        return again(error.message, status=409)
    except InvalidBooking as error:
        return again(error.message, status=400)
    response = redirect("bookings:booking_detail", token=booking.manage_token)
    forget(response)
    return response
