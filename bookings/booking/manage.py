"""Pages a client reaches by the secret link in their emails, and therapists' feeds."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bookings.booking import course_pages, courses, recheck, services
from bookings.booking.course_forms import CourseCancelForm
from bookings.booking.errors import BookingError
from bookings.booking.forms import CancelForm, RescheduleForm
from bookings.booking.selectors import free_starts_for_move, online_changes_until
from bookings.messaging import rendering
from bookings.messaging.ics import CalendarEvent, calendar_file
from bookings.messaging.rendering import calendar_uid
from bookings.models import Booking, BookingStatus, ClinicRules, Therapist
from bookings.scheduling import availability, selectors
from clinic.http import HttpResponseSeeOther, no_store, row_by_token
from clinic.protection import limit_form_posts


@require_GET
def booking_detail(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking(token)
    context = {
        "booking": booking,
        "changes_until": online_changes_until(
            booking.start, rules=ClinicRules.cached(), now=timezone.now()
        ),
    }
    return render(request, "bookings/book_done.html", context)


@require_GET
def booking_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The session as a calendar file: the event the emails carry (same UID), so adding
    both leaves one entry. No health data: technique, therapist, place, link."""
    booking = _booking(token)
    if booking.status != BookingStatus.CONFIRMED:
        raise Http404
    body = rendering.calendar_for(booking, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="massage-{booking.reference}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


def _booking(token: str) -> Booking:
    return row_by_token(
        Booking.objects.select_related("technique", "therapist", "course"), "manage_token", token
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
        # Courses of care: "Session 3 of 6", "Book this as a course", the re-check.
        "course_mark": courses.course_mark(booking),
        "can_repeat": course_pages.can_repeat(booking, rules, now),
        "recheck_asked": booking.course is not None
        and recheck.asks_now(booking.course, now=now, rules=rules),
        "course_sessions": course_pages.course_sessions(booking, now),
        "cancel_choices": course_pages.cancel_choices(booking, now)
        if booking.course_id is not None
        else [],
        # Under a payment policy a course is booked by phone: say so where it would be.
        "course_by_phone": booking.course_id is None
        and booking.status == BookingStatus.CONFIRMED
        and booking.start > now
        and not courses.online_courses_allowed(rules),
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
@require_http_methods(["GET", "POST"])
@limit_form_posts
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks "are you sure?" with an optional reason; the POST from that page cancels."""
    booking = _booking(token)
    rules = ClinicRules.load()
    if request.method == "GET":
        if _refuse_if_closed(request, booking, rules):
            return redirect("bookings:manage", token=token)
        context = _manage_context(booking, rules, timezone.now()) | {"form": CancelForm()}
        return render(request, "bookings/manage_cancel.html", context)
    form = CancelForm(request.POST)
    if not form.is_valid():
        context = _manage_context(booking, rules, timezone.now()) | {"form": form}
        return render(request, "bookings/manage_cancel.html", context, status=400)
    if booking.status == BookingStatus.CANCELLED:
        # Sent again (Back, then "Yes, cancel"): done already, nothing more is sent.
        messages.info(request, "This booking is already cancelled. Nothing more needs doing.")
    elif not _refuse_if_closed(request, booking, rules):
        try:
            services.cancel_booking(
                booking=booking,
                reason=form.cleaned_data["reason"],
                client_message="",
                by_clinic=False,
            )
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, "Your booking is cancelled. We have sent you an email to confirm."
            )
    return redirect("bookings:manage", token=token)


@require_http_methods(["GET", "POST"])
@limit_form_posts
def manage_course_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """A course session's cancel: this one, this and the later ones, or all. GET asks
    which (the link's `scope` ticked) and why; the POST cancels."""
    booking = _booking(token)
    if booking.course_id is None:
        return HttpResponseSeeOther(reverse("bookings:manage_cancel", args=[token]))
    rules = ClinicRules.load()
    now = timezone.now()
    if request.method == "GET":
        if _refuse_if_closed(request, booking, rules):
            return redirect("bookings:manage", token=token)
        choices = course_pages.cancel_choices(booking, now)
        offered = [scope for scope, _, _ in choices]
        scope = request.GET.get("scope")
        only = offered[0] if len(offered) == 1 else None
        form = CourseCancelForm(initial={"scope": scope if scope in offered else only})
        form.show(choices)
        page = _manage_context(booking, rules, now) | {"form": form}
        return no_store(render(request, "bookings/manage_course_cancel.html", page))
    form = CourseCancelForm(request.POST)
    if not form.is_valid():
        form.show(course_pages.cancel_choices(booking, now))
        page = _manage_context(booking, rules, now) | {"form": form}
        return no_store(render(request, "bookings/manage_course_cancel.html", page, status=400))
    try:
        cancelled = courses.cancel_in_course(
            booking=booking,
            scope=form.cleaned_data["scope"],
            by=None,
            now=now,
        )
    except BookingError as error:
        messages.error(request, error.message)
    else:
        if not cancelled:
            # Sent again (Back, then "Yes, cancel"): done already, nothing more is sent.
            messages.info(
                request, "These sessions are already cancelled. Nothing more needs doing."
            )
        else:
            count = len(cancelled)
            what = "Your session is" if count == 1 else f"{count} sessions are"
            messages.success(request, f"{what} cancelled. We have sent you an email to confirm.")
    return HttpResponseSeeOther(reverse("bookings:manage", args=[token]))


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
        if start == booking.start:
            # Sent again (Back, then "Move to this time"): the booking is there already.
            messages.info(request, "Your booking is at this time. Nothing has changed.")
            return redirect("bookings:manage", token=token)
        try:
            services.reschedule_booking(booking=booking, start=start, now=now)
        except BookingError as error:
            messages.error(request, error.message)
            alternatives = availability.nearest(
                free_starts_for_move(booking, rules=rules, now=now), start
            )
        else:
            messages.success(
                request, "Your booking has moved. We have sent you an email with the new time."
            )
            return redirect("bookings:manage", token=token)
    # Its own time is where it is, not a time to move to.
    starts = [s for s in free_starts_for_move(booking, rules=rules, now=now) if s != booking.start]
    by_day = availability.by_local_day(starts, selectors.clinic_zone())
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
    therapist = row_by_token(Therapist.objects.all(), "calendar_token", token)
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
