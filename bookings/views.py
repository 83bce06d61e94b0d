import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import SessionLength, Technique
from clinic.protection import limit_form_posts

from . import availability, services
from .forms import ANYONE, BookingDetailsForm, IntakeForm, RescheduleForm, SlotChoiceForm
from .ics import CalendarEvent, calendar_file
from .intake import URGENT_SIGNS, IntakeAnswers, Triage, WarningSign, forget, recall, remember
from .models import Booking, BookingStatus, ClinicRules, Therapist
from .notifications import calendar_uid
from .services import (
    PROBLEM_MESSAGES,
    InvalidBooking,
    SlotUnavailable,
    book_session,
    clinic_zone,
)
from .suggestion import load_profiles, suggest


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
            "urgent_signs": [
                WarningSign(sign).label for sign in answers.warning_signs if sign in URGENT_SIGNS
            ],
            "doctor_first_signs": [WarningSign(sign).label for sign in answers.doctor_first_signs],
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


@dataclass
class BookingContext:
    technique: Technique
    lengths: list[SessionLength]
    therapists: list[Therapist]
    rules: ClinicRules
    now: datetime


def _technique_and_lengths(slug: str) -> tuple[Technique, list[SessionLength]]:
    """An offered technique and its lengths in one query: the lengths carry the technique."""
    lengths = list(
        SessionLength.objects.filter(technique__slug=slug, technique__is_active=True)
        .select_related("technique")
        .order_by("minutes")
    )
    if lengths:
        return lengths[0].technique, lengths
    # No lengths yet: the first step says there is nothing to choose; no technique is a 404.
    return get_object_or_404(Technique.objects.active(), slug=slug), []


def _booking_context(slug: str) -> BookingContext:
    """Everything the steps need, in a fixed number of queries: technique with lengths,
    therapists, their hours, time off and bookings over the horizon; the rules are cached."""
    technique, lengths = _technique_and_lengths(slug)
    rules = ClinicRules.cached()
    now = timezone.now()
    zone = clinic_zone()
    days = availability.local_days(now, rules.booking_horizon_days, zone)
    window_start = availability.wall_to_utc(days[0], time(0), zone) - timedelta(days=1)
    window_end = availability.wall_to_utc(days[-1], time(0), zone) + timedelta(days=2)
    therapists = list(
        Therapist.objects.active()
        .offering(technique)
        .order_by("display_name", "pk")
        .with_schedule_between(window_start, window_end)
    )
    return BookingContext(technique, lengths, therapists, rules, now)


def _free(
    ctx: BookingContext, length_minutes: int, therapist_id: int | None
) -> list[availability.Slot]:
    chosen = [t for t in ctx.therapists if therapist_id is None or t.pk == therapist_id]
    return availability.free_slots_for_anyone(
        [t.schedule() for t in chosen],
        length=timedelta(minutes=length_minutes),
        rules=ctx.rules.as_rules(),
        now=ctx.now,
        zone=clinic_zone(),
    )


def _iso(start: datetime) -> str:
    return start.astimezone(availability.UTC).strftime("%Y-%m-%dT%H:%MZ")


def _step_url(slug: str, **params: object) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse("bookings:book", kwargs={"slug": slug}) + "?" + urlencode(query)


def _urgent(request: HttpRequest, technique: Technique) -> HttpResponse:
    response = render(request, "bookings/book_urgent.html", {"technique": technique})
    _no_store(response)
    return response


def _no_store(response: HttpResponse) -> None:
    # Health answers or safety advice on the page: no cache may keep it.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)


def _alternatives(
    ctx: BookingContext, length: int, therapist_id: int | None, target: datetime
) -> list[datetime]:
    starts = [slot.start for slot in _free(ctx, length, therapist_id)]
    return availability.nearest(starts, target, count=4)


@require_GET
def book(request: HttpRequest, slug: str) -> HttpResponse:
    ctx = _booking_context(slug)
    answers = recall(request)
    if answers is not None and answers.triage == Triage.URGENT:
        return _urgent(request, ctx.technique)
    choice = SlotChoiceForm(request.GET or None, lengths=ctx.lengths, therapists=ctx.therapists)
    base = {
        "technique": ctx.technique,
        "lengths": ctx.lengths,
        "therapists": ctx.therapists,
        "choice": choice,
    }
    if not choice.is_bound or "length" in choice.errors or "therapist" in choice.errors:
        return render(request, "bookings/book_choose.html", base)
    length = choice.cleaned_data["length"]
    therapist_id = choice.cleaned_data["therapist"]
    therapist_param = ANYONE if therapist_id is None else therapist_id
    therapist = next((t for t in ctx.therapists if t.pk == therapist_id), None)
    zone = clinic_zone()
    slots = _free(ctx, length, therapist_id)
    by_day = availability.by_local_day((s.start for s in slots), zone)
    base |= {
        "length": length,
        "therapist": therapist,
        "change_url": _step_url(slug, length=length, therapist=therapist_param),
    }
    day: date | None = choice.cleaned_data.get("day")
    start: datetime | None = choice.cleaned_data.get("start")
    if start is not None:
        return _details_page(
            request,
            ctx,
            base,
            answers=answers,
            start=start,
            free_starts=[s.start for s in slots],
            form=None,
        )
    if day is None or "day" in choice.errors:
        days = [
            {
                "date": d,
                "count": len(by_day.get(d, [])),
                "url": _step_url(slug, length=length, therapist=therapist_param, day=d),
            }
            for d in availability.local_days(ctx.now, ctx.rules.booking_horizon_days, zone)
        ]
        return render(request, "bookings/book_day.html", base | {"days": days})
    times = [
        {
            "start": s,
            "url": _step_url(slug, length=length, therapist=therapist_param, start=_iso(s)),
        }
        for s in by_day.get(day, [])
    ]
    days_url = _step_url(slug, length=length, therapist=therapist_param)
    return render(
        request,
        "bookings/book_time.html",
        base | {"day": day, "times": times, "days_url": days_url},
    )


def _details_page(
    request: HttpRequest,
    ctx: BookingContext,
    base: dict[str, object],
    *,
    answers: IntakeAnswers | None,
    start: datetime,
    free_starts: list[datetime],
    form: BookingDetailsForm | None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    if not problem and start not in free_starts:
        problem = _why_not_free(ctx, base, start)
    alternatives = availability.nearest(free_starts, start, count=4) if problem else []
    if form is None:
        form = BookingDetailsForm(
            has_intake=answers is not None,
            needs_doctor=answers is not None and answers.triage == Triage.SEE_DOCTOR,
        )
    context = base | {
        "start": start,
        "start_iso": _iso(start),
        "end": start + timedelta(minutes=base["length"]),  # type: ignore[arg-type]
        "price": next((x.price for x in ctx.lengths if x.minutes == base["length"]), None),
        "form": form,
        "problem": problem,
        "alternatives": [{"start": s, "iso": _iso(s)} for s in alternatives],
        "answers": answers,
        "doctor_signs": [WarningSign(s).label for s in answers.doctor_first_signs]
        if answers
        else [],
        "therapist_param": ANYONE if base["therapist"] is None else base["therapist"].pk,  # type: ignore[attr-defined]
    }
    response = render(request, "bookings/book_details.html", context, status=status)
    _no_store(response)
    return response


def _why_not_free(ctx: BookingContext, base: dict[str, object], start: datetime) -> str:
    therapist = base["therapist"]
    chosen = [therapist] if therapist is not None else ctx.therapists
    length = timedelta(minutes=base["length"])  # type: ignore[arg-type]
    problems = [
        availability.check_slot(
            t.schedule(),  # type: ignore[union-attr]
            start=start,
            length=length,
            rules=ctx.rules.as_rules(),
            now=ctx.now,
            zone=clinic_zone(),
        )
        for t in chosen
    ]
    found = [p for p in problems if p is not None]
    if not found:
        # Free, but not on the step grid: offer the grid times around it.
        return "Please choose one of the times offered."
    if availability.Problem.TAKEN in found:
        return PROBLEM_MESSAGES[availability.Problem.TAKEN]
    return PROBLEM_MESSAGES[found[0]]


@sensitive_post_parameters()
@require_POST
@limit_form_posts
def book_submit(request: HttpRequest, slug: str) -> HttpResponse:
    ctx = _booking_context(slug)
    answers = recall(request)
    if answers is not None and answers.triage == Triage.URGENT:
        return _urgent(request, ctx.technique)
    choice = SlotChoiceForm(request.POST, lengths=ctx.lengths, therapists=ctx.therapists)
    base = {
        "technique": ctx.technique,
        "lengths": ctx.lengths,
        "therapists": ctx.therapists,
        "choice": choice,
    }
    if not choice.is_valid() or choice.cleaned_data["start"] is None:
        # Hidden fields only change when someone edits the page: start again cleanly.
        base["problem"] = "Something in your choice was not right. Please choose again."
        return render(request, "bookings/book_choose.html", base, status=400)
    length = choice.cleaned_data["length"]
    therapist_id = choice.cleaned_data["therapist"]
    start = choice.cleaned_data["start"]
    therapist = next((t for t in ctx.therapists if t.pk == therapist_id), None)
    base |= {
        "length": length,
        "therapist": therapist,
        "change_url": _step_url(
            slug, length=length, therapist=ANYONE if therapist_id is None else therapist_id
        ),
    }
    form = BookingDetailsForm(
        request.POST,
        has_intake=answers is not None,
        needs_doctor=answers is not None and answers.triage == Triage.SEE_DOCTOR,
    )

    def again(problem: str = "", status: int = 200) -> HttpResponse:
        free_starts = [s.start for s in _free(ctx, length, therapist_id)]
        return _details_page(
            request,
            ctx,
            base,
            answers=answers,
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
            therapist_id=therapist_id,
            technique=ctx.technique,
            length_minutes=length,
            start=start,
            client_name=form.cleaned_data["client_name"],
            client_email=form.cleaned_data["client_email"],
            client_phone=form.cleaned_data["client_phone"],
            intake=answers,
            consent=form.cleaned_data.get("consent", False),
            acknowledged_warning=form.cleaned_data.get("acknowledge_warning", False),
            now=timezone.now(),
        )
    except SlotUnavailable as error:
        # Re-read the schedule: the booking that beat this one must not be offered.
        ctx = _booking_context(slug)
        return again(error.message, status=409)
    except InvalidBooking as error:
        return again(error.message, status=400)
    response = redirect("bookings:booking_detail", token=booking.manage_token)
    forget(response)
    return response


@require_GET
def booking_detail(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "bookings/book_done.html", {"booking": _booking(token)})


# Tokens are secrets.token_urlsafe(32): anything else is not worth a query.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def _by_token(queryset: QuerySet[Any], field: str, token: str) -> Any:
    """The one row whose secret `field` equals `token`, or a plain 404."""
    if not TOKEN_PATTERN.fullmatch(token):
        raise Http404
    found = queryset.filter(**{field: token}).first()
    # The index lookup finds the candidate; the final say is a constant-time comparison.
    if found is None or not hmac.compare_digest(getattr(found, field), token):
        raise Http404
    return found


def _booking(token: str) -> Booking:
    return _by_token(
        Booking.objects.select_related("technique", "therapist"), "manage_token", token
    )


def _online_state(booking: Booking, rules: ClinicRules, now: datetime) -> str:
    """What the client may do online: "open", "closed" (phone us), "cancelled" or "over"."""
    if booking.status == BookingStatus.CANCELLED:
        return "cancelled"
    if booking.status != BookingStatus.CONFIRMED or booking.start <= now:
        return "over"
    if now >= rules.online_changes_close_at(booking.start):
        return "closed"
    return "open"


def _manage_context(booking: Booking, rules: ClinicRules, now: datetime) -> dict[str, object]:
    start = timezone.localtime(booking.start)
    return {
        "booking": booking,
        "start": start,
        "end": start + timedelta(minutes=booking.length_minutes),
        "state": _online_state(booking, rules, now),
        "window_hours": rules.cancellation_window_hours,
    }


@never_cache
@require_GET
def manage(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking(token)
    rules = ClinicRules.load()
    return render(request, "bookings/manage.html", _manage_context(booking, rules, timezone.now()))


def _refuse_if_closed(request: HttpRequest, booking: Booking, rules: ClinicRules) -> bool:
    state = _online_state(booking, rules, timezone.now())
    if state == "open":
        return False
    if state == "closed":
        messages.error(
            request,
            f"Your session is less than {rules.cancellation_window_hours} hours away, so it "
            "can no longer be changed online. Please phone or email the clinic.",
        )
    elif state == "cancelled":
        messages.error(request, "This booking is already cancelled.")
    else:
        messages.error(request, "This session has already taken place.")
    return True


@never_cache
@require_POST
@limit_form_posts
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking(token)
    rules = ClinicRules.load()
    if not _refuse_if_closed(request, booking, rules):
        try:
            services.cancel_booking(booking=booking)
        except services.BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, "Your booking is cancelled. We have sent you an email to confirm."
            )
    return redirect("bookings:manage", token=token)


def _free_starts(booking: Booking, rules: ClinicRules, now: datetime) -> list[datetime]:
    rules_value = rules.as_rules()
    horizon_end = now + timedelta(days=rules_value.horizon_days + 1)
    therapist = Therapist.objects.with_schedule_between(now, horizon_end).get(
        pk=booking.therapist_id
    )
    # The client's own session does not stand in its own way: moving by half an hour is fine.
    therapist.busy_in_range = [b for b in therapist.busy_in_range if b.pk != booking.pk]  # type: ignore[attr-defined]
    return availability.free_slots(
        therapist.schedule(),
        length=timedelta(minutes=booking.length_minutes),
        rules=rules_value,
        now=now,
        zone=services.clinic_zone(),
    )


def _chosen_day(value: str | None, days: list[date]) -> date | None:
    try:
        wanted = date.fromisoformat(value) if value else None
    except ValueError:
        wanted = None
    if wanted in days:
        return wanted
    return days[0] if days else None


@never_cache
@require_http_methods(["GET", "POST"])
@limit_form_posts
def manage_reschedule(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking(token)
    rules = ClinicRules.load()
    if _refuse_if_closed(request, booking, rules):
        return redirect("bookings:manage", token=token)
    now = timezone.now()
    form = RescheduleForm(request.POST or None)
    alternatives: list[datetime] = []
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start"]
        try:
            services.reschedule_booking(booking=booking, start=start)
        except services.BookingError as error:
            messages.error(request, error.message)
            alternatives = availability.nearest(_free_starts(booking, rules, now), start)
        else:
            messages.success(
                request, "Your booking has moved. We have sent you an email with the new time."
            )
            return redirect("bookings:manage", token=token)
    starts = _free_starts(booking, rules, now)
    by_day = availability.by_local_day(starts, services.clinic_zone())
    day = _chosen_day(request.GET.get("day"), list(by_day))
    context = _manage_context(booking, rules, now) | {
        "form": form,
        "days": list(by_day),
        "day": day,
        "times": [timezone.localtime(s) for s in by_day.get(day, [])] if day else [],
        "alternatives": [timezone.localtime(s) for s in alternatives],
    }
    return render(request, "bookings/manage_reschedule.html", context)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    therapist = _by_token(Therapist.objects.all(), "calendar_token", token)
    now = timezone.now()
    bookings = (
        Booking.objects.filter(status=BookingStatus.CONFIRMED)
        .for_therapist(therapist)
        .filter(end__gt=now)
        .select_related("technique")
        .order_by("start")
    )
    events = [
        CalendarEvent(
            uid=calendar_uid(booking),
            start=booking.start,
            end=booking.end,
            # First name only: the feed lives on a phone, outside the clinic's systems.
            summary=f"{booking.technique.name}: {_first_name(booking.client_name)}",
            description=f"Booking {booking.reference}",
        )
        for booking in bookings
    ]
    body = calendar_file(events, now=now, name=f"{therapist.display_name}: sessions")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def _first_name(full_name: str) -> str:
    parts = full_name.split()
    return parts[0] if parts else "Client"
