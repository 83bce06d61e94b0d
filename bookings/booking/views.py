from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.booking import flow, just_booked
from bookings.booking.errors import (
    PROBLEM_MESSAGES,
    SAFETY_MESSAGES,
    AlreadyBooked,
    InvalidBooking,
    SlotUnavailable,
    UnsafeBooking,
)
from bookings.booking.forms import ANYONE, BookingDetailsForm, SlotChoiceForm
from bookings.booking.selectors import (
    TechniqueChoices,
    check_start,
    free_starts,
    online_changes_until,
    technique_choices,
)
from bookings.booking.services import book_session
from bookings.intake import gate
from bookings.intake.answers import IntakeAnswers
from bookings.intake.cookie import forget, recall, remember
from bookings.intake.forms import ScreenForm
from bookings.models import Therapist
from bookings.payments import selectors as payment_selectors
from bookings.payments import services as payment_services
from bookings.scheduling import availability, selectors
from bookings.scheduling.step_cache import StepCache
from catalog.models import Technique
from clinic.context_processors import clinic as clinic_context
from clinic.http import HttpResponseSeeOther, no_store
from clinic.protection import limit_form_posts

# Booking a session ----------------------------------------------------------
# Each step is a plain GET form or a list of links carrying the choices so far in
# the query string, so the flow works without JavaScript and the back button.


def start_param(start: datetime) -> str:
    """A start time as the steps carry it in links and hidden fields: UTC, to the minute."""
    return start.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _choices(slug: str, day: date | None = None) -> TechniqueChoices:
    choices = technique_choices(slug, now=timezone.now(), day=day)
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
        return {
            "length": self.length,
            "therapist": self.therapist,
            "therapist_param": self.therapist_param,
            "change_url": self.url(),
        }

    def free_starts(self, choices: TechniqueChoices) -> list[datetime]:
        slots = free_starts(choices, length_minutes=self.length, therapist_id=self.therapist_id)
        return [slot.start for slot in slots]


@dataclass
class _Steps:
    """What every step starts from: the technique's choices, the client's intake
    answers (if they gave any) and the choices made so far."""

    choices: TechniqueChoices
    answers: IntakeAnswers | None
    form: SlotChoiceForm
    check: gate.SafetyCheck | None = None

    def chosen(self) -> _Chosen:
        therapist_id = self.form.cleaned_data["therapist"]
        therapists = self.choices.therapists
        # "Anyone" when only one therapist offers it is that therapist, by name.
        only = therapists[0] if therapist_id is None and len(therapists) == 1 else None
        return _Chosen(
            slug=self.choices.technique.slug,
            length=self.form.cleaned_data["length"],
            therapist_id=therapist_id,
            therapist=only or self.choices.therapist(therapist_id),
        )

    def page(self) -> dict[str, object]:
        return {
            "technique": self.choices.technique,
            "lengths": self.choices.lengths,
            "therapists": self.choices.therapists,
            "choice": self.form,
            "cautions": self.check.cautions(self.choices.technique.slug) if self.check else (),
        }

    def details_form(self, data: QueryDict | None = None) -> BookingDetailsForm:
        slug = self.choices.technique.slug
        return BookingDetailsForm(
            data,
            # Consent is about the back-pain answers; a screen alone has none to keep.
            has_intake=self.answers is not None and bool(self.answers.areas),
            needs_doctor=self.check is not None and self.check.needs_acknowledgement(slug),
            cautions_only=self.check is not None and not self.check.needs_doctor(slug),
        )


def _steps(
    request: HttpRequest, slug: str, data: QueryDict | None, cached: StepCache | None = None
) -> _Steps:
    """The steps; with `cached` (the GET steps) the technique's offer comes from it."""
    if cached is None:
        choices = _choices(slug)
    else:
        found = cached.technique_choices()
        if found is None:
            raise Http404
        choices = found
    form = SlotChoiceForm(data, lengths=choices.lengths, therapists=choices.therapists)
    return _Steps(choices, recall(request), form)


def _safety_stop(
    request: HttpRequest,
    steps: _Steps,
    data: QueryDict,
    status: int = 200,
    cached: StepCache | None = None,
) -> HttpResponse | None:
    """Send the client wherever their answers must go before they may choose a time:
    the screen's questions, the question about their own words, emergency advice,
    or why this technique is not advised and what is instead."""
    technique = steps.choices.technique
    answers = steps.answers
    if answers is None:
        return HttpResponseSeeOther(flow.screen_url(technique.slug, data))
    profiles = None if cached is None else cached.profiles()
    steps.check = check = gate.check(answers, profiles)
    stop = check.stop(technique.slug)
    if stop == gate.Stop.URGENT:
        return flow.urgent_page(request, technique, status)
    if stop == gate.Stop.NOT_SCREENED:
        return HttpResponseSeeOther(flow.screen_url(technique.slug, data))
    if stop == gate.Stop.UNASKED_TEXT:
        return HttpResponseSeeOther(reverse("bookings:intake_result"))
    if stop in (gate.Stop.SHOULD_WAIT, gate.Stop.RULED_OUT):
        reasons, advised = check.explain(technique.slug, stop)
        return flow.not_advised_page(
            request,
            technique,
            reasons=reasons,
            advised=advised,
            status=status,
            message=SAFETY_MESSAGES[stop],
        )
    return None


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@limit_form_posts
def book_screen(request: HttpRequest, slug: str) -> HttpResponse:
    """The safety questions before booking straight from a technique page (emergency signs,
    conditions, risk factors). The answers join the intake cookie; then back to the booking."""
    technique = Technique.objects.active().filter(slug=slug).first()
    if technique is None:
        raise Http404
    earlier = recall(request)
    if request.method == "POST":
        form = ScreenForm(request.POST)
        urgent = form.urgent_signs_said()
        if form.is_valid() or urgent:
            # An emergency sign answered yes goes on to its advice at once, whatever else
            # is still unanswered.
            answers = (
                form.answers(earlier) if not form.errors else IntakeAnswers(warning_signs=urgent)
            )
            onward = HttpResponseSeeOther(flow.book_url(slug, request.GET))
            remember(onward, answers)
            return onward
    else:
        form = ScreenForm(initial=ScreenForm.safety_initial(earlier) if earlier else None)
    page = {"technique": technique, "form": form, "query": flow.flow_query(request.GET)}
    response = render(request, "bookings/book_screen.html", page)
    no_store(response)
    return response


@require_GET
def book(request: HttpRequest, slug: str) -> HttpResponse:
    booked = just_booked.booking_url(request, slug)
    if booked is not None:
        return HttpResponseSeeOther(booked)
    # The day and time steps read the visitor-independent parts (the offer, the
    # profiles, the counts and starts, the rendered lists) from the step cache; the
    # safety screen of the visitor's own answers runs on every request, and the page
    # around the lists (base.html, with the visitor's messages) is rendered each time.
    cached = StepCache.read(slug, request.GET)
    kept = _kept_step(request, slug, cached)
    if kept is not None:
        return kept
    steps = _steps(request, slug, request.GET or None, cached)
    stopped = _safety_stop(request, steps, request.GET, cached=cached)
    if stopped is not None:
        return stopped
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
    asked: date | None = None if "day" in form.errors else form.cleaned_data.get("day")
    counts = cached.free_counts(
        steps.choices, length_minutes=chosen.length, therapist_id=chosen.therapist_id
    )
    horizon = availability.local_days(
        steps.choices.now, steps.choices.rules.booking_horizon_days, zone
    )
    # With no day asked, the first day with a free time is shown with its times: most
    # clients take one of those, one tap from here.
    day = asked or next((d for d in horizon if counts.get(d)), None)
    days_url = chosen.url() + "&day="
    days = [_strip_day(d, counts.get(d, 0), days_url, chosen=d == day) for d in horizon]
    times = []
    if day is not None:
        starts = cached.free_starts_on(
            steps.choices, day=day, length_minutes=chosen.length, therapist_id=chosen.therapist_id
        )
        # One base URL for every time link: a start is "YYYY-MM-DDTHH:MMZ", ':' quoted.
        start_url = chosen.url() + "&start="
        times = [
            {
                "start": s,
                "label": s.astimezone(zone).strftime("%H:%M"),
                "url": start_url + start_param(s).replace(":", "%3A"),
            }
            for s in starts
        ]
    return _step_page(request, cached, steps, "day", page, days=days, day=day, times=times)


def _strip_day(day: date, count: int, days_url: str, *, chosen: bool) -> dict[str, object]:
    return {
        "date": day,
        "label": _day_label(day),
        # The strip's lines, formatted here: the date filter costs more per day.
        "weekday": f"{day:%A}",
        "day_month": f"{day.day} {day:%B}",
        "count": count,
        "url": days_url + day.isoformat(),
        "chosen": chosen,
    }


def _kept_step(request: HttpRequest, slug: str, cached: StepCache) -> HttpResponse | None:
    """The day or time step from its rendered list in the step cache, for a visitor
    whose own answers let them choose a time for this technique; None otherwise (the
    full path then sends them wherever their answers must go, as `_safety_stop` does)."""
    kept = cached.page()
    if kept is None:
        return None
    answers = recall(request)
    if answers is None or not answers.screened:
        return None
    check = gate.check(answers, cached.profiles())
    if check.stop(slug) is not None:
        return None
    template, page = kept
    step = mark_safe(page["step"])  # noqa: S308  (our own render, see _step_page)
    # The cautions are this visitor's: beside the kept list, never inside it.
    return render(request, template, page | {"step": step, "cautions": check.cautions(slug)})


def _step_page(
    request: HttpRequest,
    cached: StepCache,
    steps: _Steps,
    step_name: str,
    page: dict[str, object],
    **shown: object,
) -> HttpResponse:
    """The day or time step: its list rendered apart, without the request (no context
    processor: no message, CSRF token or cookie can reach it), kept for every visitor
    when the choices were valid, and the page around it rendered for this visitor.
    `shown` (the days, or the day and its times) stays in the context for tests."""
    template = f"bookings/book_{step_name}.html"
    step = render_to_string(f"bookings/_{step_name}_step.html", page | shown | clinic_context())
    context = {"technique_name": steps.choices.technique.name, "step": step, **shown}
    if not steps.form.errors:
        cached.keep_page(steps.choices, template, context)
    slug = steps.choices.technique.slug
    cautions = steps.check.cautions(slug) if steps.check is not None else ()
    return render(request, template, context | {"cautions": cautions})


def _day_label(day: date) -> str:
    """As the date filter's "l j F" (the site is in English), without its cost per day."""
    return f"{day:%A} {day.day} {day:%B}"


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
        "doctor_first": steps.check.advice(steps.choices.technique.slug) if steps.check else None,
        "therapist_param": chosen.therapist_param,
        "changes_until": online_changes_until(
            start, rules=steps.choices.rules, now=steps.choices.now
        ),
    }
    response = render(request, "bookings/book_details.html", context, status=status)
    no_store(response)
    return response


def _why_not_free(choices: TechniqueChoices, chosen: _Chosen, start: datetime) -> str:
    check = check_start(
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
    # The offer and the profiles from the step cache, as the steps read them: this only
    # routes the visitor; book_session reads the lengths, the therapist, the profiles
    # and the diary again itself.
    cached = StepCache.read(slug)
    steps = _steps(request, slug, request.POST, cached)
    stopped = _safety_stop(request, steps, request.POST, status=400, cached=cached)
    if stopped is not None:
        return stopped
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
    now = timezone.now()
    # --- Payments hook (i27, bookings/payments): a paid policy holds the time and
    # sends the client to pay; the confirmation is sent once they have.
    terms = payment_selectors.clinic_terms(steps.choices.price(chosen.length) or Decimal(0))
    hold = payment_services.hold(terms, now=now) if payment_services.online_payment(terms) else None
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
            now=now,
            hold_for_payment=hold,
        )
    except SlotUnavailable as error:
        # Re-read the schedule: the booking that beat this one must not be offered.
        steps.choices = _choices(slug)
        return again(error.message, status=409)
    except AlreadyBooked as error:
        # The same post sent twice at once: the first one booked it. No other times to
        # offer, and nothing of that booking to show (the post proves nobody's identity).
        response = render(
            request, "bookings/book_already.html", {"message": error.message}, status=409
        )
        no_store(response)
        return response
    except UnsafeBooking as error:
        if error.stop == gate.Stop.NEEDS_ACKNOWLEDGEMENT:
            return again(error.message, status=400)
        # The answers changed between the page and the post (another tab): start again.
        return flow.not_advised_page(
            request,
            steps.choices.technique,
            reasons=error.reasons,
            advised=error.advised,
            status=400,
            message=error.message,
        )
    except InvalidBooking as error:
        return again(error.message, status=400)
    next_page = "bookings:payment_page" if hold else "bookings:booking_detail"  # payments (i27)
    response = redirect(next_page, token=booking.manage_token)
    forget(response)
    just_booked.remember(response, slug, start_param(start), booking.manage_token)
    return response
