"""The client books their session as a course, behind the booking's private link (and
from My bookings): how often and how many (a GET: "Show the dates"), then each date free
or its nearest alternatives, then one POST that books them all or none."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bookings.booking import courses
from bookings.booking.course_forms import (
    CourseShapeForm,
    PicksForm,
    pick_field,
    planned_count,
)
from bookings.booking.course_plan import Occurrence, left_out
from bookings.booking.courses import online_courses_allowed
from bookings.booking.errors import BookingError
from bookings.models import Booking, BookingStatus, ClinicRules, CourseInterval
from clinic.http import HttpResponseSeeOther, no_store, row_by_token
from clinic.protection import limit_form_posts

SHOW = "show"
ALREADY_BOOKED = "These sessions are booked already. Nothing more needs doing."


def course_booking(token: str) -> Booking:
    return row_by_token(
        Booking.objects.select_related("technique", "therapist", "course"), "manage_token", token
    )


def can_repeat(booking: Booking, rules: ClinicRules, now: datetime) -> bool:
    """Whether the booking's page offers "Book this as a course"."""
    return (
        booking.course_id is None
        and booking.status == BookingStatus.CONFIRMED
        and booking.start > now
        and online_courses_allowed(rules)
    )


@dataclass(frozen=True)
class Row:
    """One date of the course as the page lists it."""

    occurrence: Occurrence
    start: datetime
    field: BoundField


def _rows(form: PicksForm) -> list[Row]:
    return [Row(o, timezone.localtime(o.start), form[pick_field(o)]) for o in form.occurrences]


def _manage(booking: Booking) -> HttpResponse:
    return HttpResponseSeeOther(reverse("bookings:manage", args=[booking.manage_token]))


def _page(
    request: HttpRequest,
    booking: Booking,
    *,
    shape: CourseShapeForm,
    picks: PicksForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    start = timezone.localtime(booking.start)
    context = {
        "booking": booking,
        "start": start,
        "shape": shape,
        "picks": picks,
        "rows": _rows(picks) if picks else [],
        "count": planned_count(picks.occurrences) if picks else 0,
        "problem": problem,
        "summary": _summary(shape) if picks else "",
    }
    return no_store(render(request, "bookings/manage_course.html", context, status=status))


def _summary(shape: CourseShapeForm) -> str:
    every = CourseInterval(shape.cleaned_data["every_weeks"]).label.lower()
    return f"{shape.cleaned_data['sessions']} sessions in all, {every}"


def _plan(booking: Booking, shape: CourseShapeForm, now: datetime) -> list[Occurrence]:
    return courses.plan_course(
        source=booking,
        every_weeks=shape.cleaned_data["every_weeks"],
        sessions=shape.cleaned_data["sessions"],
        staff=False,
        now=now,
    )


@require_http_methods(["GET", "POST"])
@limit_form_posts
def manage_course(request: HttpRequest, token: str) -> HttpResponse:
    booking = course_booking(token)
    now = timezone.now()
    rules = ClinicRules.load()
    if booking.course_id is not None:
        # Sent again (Back, then "Book these sessions"): the course is there already.
        messages.info(
            request,
            ALREADY_BOOKED
            if request.method == "POST"
            else "This session is part of a course already.",
        )
        return _manage(booking)
    if not can_repeat(booking, rules, now):
        if booking.status == BookingStatus.CONFIRMED and booking.start > now:
            messages.error(request, courses.CALL_TO_BOOK)
        else:
            messages.error(request, "Only a session still to come can be booked as a course.")
        return _manage(booking)
    data = request.POST if request.method == "POST" else request.GET
    # "Show the dates" sends `show`, so pressing it with nothing chosen is an answer too.
    asked = SHOW in data or any(name in data for name in CourseShapeForm.base_fields)
    shape = CourseShapeForm(data if asked else None)
    if not shape.is_valid():
        return _page(request, booking, shape=shape, status=400 if asked else 200)
    try:
        occurrences = _plan(booking, shape, now)
    except BookingError as error:
        return _page(request, booking, shape=shape, problem=error.message, status=400)
    if request.method == "GET":
        return _page(request, booking, shape=shape, picks=PicksForm(occurrences=occurrences))
    picks = PicksForm(request.POST, occurrences=occurrences)
    if not picks.is_valid():
        return _page(request, booking, shape=shape, picks=picks, status=400)
    try:
        course = courses.book_course(
            source=booking,
            every_weeks=shape.cleaned_data["every_weeks"],
            picks=picks.picks(),
            by=None,
            now=now,
            planned=shape.cleaned_data["sessions"],
        )
    except courses.CourseClash as clash:
        fresh = {o.position: o for o in clash.occurrences}
        again = PicksForm(occurrences=[fresh.get(o.position, o) for o in occurrences])
        return _page(request, booking, shape=shape, picks=again, problem=clash.message, status=409)
    except BookingError as error:
        if error.message == courses.ALREADY_A_COURSE:
            messages.info(request, ALREADY_BOOKED)
            return _manage(booking)
        return _page(request, booking, shape=shape, picks=picks, problem=error.message, status=400)
    total = course.sessions.count()
    not_kept = left_out(shape.cleaned_data["sessions"], picks.picks())
    messages.success(
        request,
        f"Your course is booked: {total} sessions, {course.get_every_weeks_display().lower()}. "
        f"{_not_booked(not_kept)}"
        "We have sent you an email with all the dates.",
    )
    return _manage(booking)


def _not_booked(positions: list[int]) -> str:
    """The sessions of the course left out, so the page does not read as the whole."""
    if not positions:
        return ""
    words = [str(n) for n in positions]
    named = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
    phone = settings.CLINIC_PHONE
    if len(words) == 1:
        return f"Session {named} was not booked: please phone us on {phone} to book it. "
    return f"Sessions {named} were not booked: please phone us on {phone} to book them. "


# The client's page of a course session ----------------------------------------


@dataclass(frozen=True)
class SessionLine:
    """One session of the course as the client's page lists it: no health words."""

    start: datetime
    status: str
    is_this: bool


def _status_words(session: Booking, now: datetime) -> str:
    if session.status == BookingStatus.CANCELLED:
        return "Cancelled"
    if session.status == BookingStatus.CONFIRMED and session.start > now:
        return "Booked"
    if session.status == BookingStatus.AWAITING_PAYMENT:
        return "Waiting for payment"
    return "Past"


def course_sessions(booking: Booking, now: datetime) -> list[SessionLine]:
    """Every session of the booking's course by start; [] for a booking in no course."""
    if booking.course_id is None:
        return []
    sessions = Booking.objects.filter(course_id=booking.course_id).order_by("start", "pk")
    return [
        SessionLine(timezone.localtime(s.start), _status_words(s, now), s.pk == booking.pk)
        for s in sessions
    ]


def _day_and_time(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"


def cancel_choices(booking: Booking, now: datetime) -> list[tuple[str, str, list[str]]]:
    """(scope, label, the dates it cancels) for each way to cancel that differs from the
    ones before it, as `courses.cancel_in_course` would choose the sessions: one choice
    when this is the course's only session still booked."""
    upcoming = list(
        Booking.objects.filter(
            course_id=booking.course_id or 0, status=BookingStatus.CONFIRMED, start__gt=now
        ).order_by("start", "pk")
    )
    this = [_day_and_time(booking.start)]
    rest = this + [_day_and_time(s.start) for s in upcoming if s.start > booking.start]
    every = [_day_and_time(s.start) for s in upcoming]
    choices = [("one", "Cancel this session", this)]
    if rest != this:
        choices.append(("rest", "Cancel this and the later ones", rest))
    if every not in (this, rest):
        choices.append(("all", "Cancel all", every))
    return choices
