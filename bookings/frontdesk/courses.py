"""The desk's courses of care: repeating a booking as a course (every 1, 2 or 4 weeks,
each date checked and each clash settled before anything is booked), the course on a
booking's page, and cancelling one session of a course, the rest, or all that remain.

Plain form posts, no script: "Check these dates" is a GET (it changes nothing), booking
and cancelling are POSTs safe to repeat. The services are bookings/booking/courses.py.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.booking import courses, recheck
from bookings.booking.errors import BookingError, staff_message
from bookings.frontdesk.forms import CourseForm, StaffCancelForm
from bookings.frontdesk.selectors import first_name
from bookings.frontdesk.staff_scope import staff_scope
from bookings.frontdesk.views import admin_context, changeable_booking, staff_user
from bookings.models import (
    Booking,
    BookingStatus,
    ClinicRules,
    CourseInterval,
    PaymentPolicy,
    Therapist,
)
from bookings.scheduling import availability, selectors
from clinic.display import clinic_date, clinic_datetime, clinic_days
from clinic.http import HttpResponseSeeOther, no_store

LEAVE_OUT = "leave-out"

DeskView = Callable[[HttpRequest, admin.ModelAdmin[Booking], int], HttpResponse]

SCOPES: dict[courses.Scope, str] = {
    "one": "Cancel this one",
    "rest": "Cancel this and the rest",
    "all": "Cancel all remaining",
}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class PlannedSession:
    """One occurrence of the course as the page lists it."""

    position: int
    when: str
    therapist: str
    free: bool
    problem: str
    # The free occurrence's own pick, sent as it is.
    value: str
    # A clash's alternatives, then "Leave this one out".
    choices: tuple[Choice, ...]
    recheck_due: bool
    taken_meanwhile: bool

    @property
    def field(self) -> str:
        return f"pick-{self.position}"


def pick_value(start: datetime, therapist_id: int) -> str:
    return f"{start.isoformat()}|{therapist_id}"


def read_pick(value: str) -> tuple[datetime, int] | None:
    """A posted pick back as (start, therapist); None for anything else."""
    start_text, _, therapist_text = value.partition("|")
    if not therapist_text.isdigit():
        return None
    try:
        start = availability.parse_start(start_text)
    except ValueError:
        return None
    return (start, int(therapist_text)) if start is not None else None


def planned_sessions(
    occurrences: Sequence[courses.Occurrence],
    *,
    posted: QueryDict | None = None,
    taken: Sequence[int] = (),
) -> list[PlannedSession]:
    """The plan as rows, a clash's choice kept from what was posted (while still offered)."""
    zone = selectors.clinic_zone()
    ids = {o.therapist_id for o in occurrences}
    names = dict(Therapist.objects.filter(pk__in=ids).values_list("pk", "display_name"))
    rows = []
    for occurrence in occurrences:
        field = f"pick-{occurrence.position}"
        was = posted.get(field, "") if posted is not None else ""
        choices = tuple(
            Choice(
                value=pick_value(option.start, option.therapist_id),
                label=f"{clinic_datetime(option.start, zone)} with {option.therapist_name} "
                f"({option.kind})",
                checked=was == pick_value(option.start, option.therapist_id),
            )
            for option in occurrence.options
        )
        if not occurrence.free:
            choices += (
                Choice(value=LEAVE_OUT, label="Leave this one out", checked=was == LEAVE_OUT),
            )
        rows.append(
            PlannedSession(
                position=occurrence.position,
                when=clinic_datetime(occurrence.start, zone),
                therapist=names.get(occurrence.therapist_id, ""),
                free=occurrence.free,
                problem=occurrence.problem,
                value=pick_value(occurrence.start, occurrence.therapist_id),
                choices=choices,
                recheck_due=occurrence.recheck_due,
                taken_meanwhile=occurrence.position in taken,
            )
        )
    return rows


def inside_admin(view: DeskView) -> DeskView:
    """A course page this user may not open says so inside the admin (its menu, a way
    back), with the same 403, never the public site's page."""

    @wraps(view)
    def wrapped(
        request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int
    ) -> HttpResponse:
        try:
            return view(request, booking_admin, booking_id)
        except PermissionDenied:
            mine = booking_admin.has_change_permission(request) and (
                booking_admin.get_queryset(request).filter(pk=booking_id).exists()
            )
            context = admin_context(request, booking_admin, "You cannot open this page")
            context |= {
                "why": "Only the front desk books and cancels whole courses."
                if mine
                else "Your account cannot open this page.",
                "back_url": reverse("admin:bookings_booking_change", args=[booking_id])
                if mine
                else reverse("admin:index"),
                "back_label": "Back to the booking" if mine else "Back to the admin home page",
            }
            page = render(request, "admin/bookings/booking/forbidden.html", context, status=403)
            return no_store(page)

    return wrapped


def _course_source(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int
) -> Booking:
    """The booking to repeat, if this user may book: front desk and superusers (a
    therapist does not book, as on the desk's booking page)."""
    booking = changeable_booking(request, booking_admin, booking_id)
    if not booking_admin.has_add_permission(request):
        raise PermissionDenied
    return booking


def why_not_repeat(booking: Booking) -> str:
    """Why this booking cannot start a course now, or ""."""
    if booking.course_id is not None:
        return f"{booking.reference} is already in a course: nothing more was booked."
    if booking.status != BookingStatus.CONFIRMED:
        return "Only a confirmed booking can be repeated as a course."
    return ""


def _refused(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking: Booking
) -> HttpResponse | None:
    """Back to the booking with why it cannot start a course now, or None."""
    if refused := why_not_repeat(booking):
        booking_admin.message_user(request, refused, messages.INFO)
        return HttpResponseSeeOther(reverse("admin:bookings_booking_change", args=[booking.pk]))
    return None


def _plan_page(
    request: HttpRequest,
    booking_admin: admin.ModelAdmin[Booking],
    booking: Booking,
    form: CourseForm,
    *,
    plan: list[PlannedSession] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    on = clinic_date(booking.start, selectors.clinic_zone())
    title = f"Repeat {booking.client_name}'s session on {on} as a course"
    context = admin_context(request, booking_admin, title)
    context |= {
        "booking": booking,
        "original": booking,
        "form": form,
        "plan": plan,
        "taken": [row for row in plan or () if row.taken_meanwhile],
        "error": error,
        "most": 1 + len(plan or ()),
        "clashes": any(not row.free for row in plan or ()),
        "any_recheck": any(row.recheck_due for row in plan or ()),
        "every_label": CourseInterval(form.cleaned_data["every_weeks"]).label if plan else "",
        "change_url": reverse("admin:bookings_booking_change", args=[booking.pk]),
        "book_url": reverse("admin:bookings_booking_course_book", args=[booking.pk]),
        "recheck_days": ClinicRules.cached().safety_recheck_days,
        # Online payment is for one booking at a time: a course is paid at the clinic.
        "paid_online": ClinicRules.cached().payment_policy != PaymentPolicy.AT_CLINIC,
    }
    return no_store(render(request, "admin/bookings/booking/course.html", context, status=status))


def _plan(booking: Booking, form: CourseForm) -> list[courses.Occurrence]:
    return courses.plan_course(
        source=booking,
        every_weeks=form.cleaned_data["every_weeks"],
        sessions=form.cleaned_data["sessions"],
        staff=True,
    )


@inside_admin
def course_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int
) -> HttpResponse:
    """How often and how many; then each date, free or the clash with its alternatives."""
    booking = _course_source(request, booking_admin, booking_id)
    if refused := _refused(request, booking_admin, booking):
        return refused
    asked = "sessions" in request.GET
    form = CourseForm(request.GET if asked else None)
    if not asked or not form.is_valid():
        return _plan_page(request, booking_admin, booking, form, status=400 if asked else 200)
    try:
        plan = planned_sessions(_plan(booking, form))
    except BookingError as refusal:
        return _plan_page(request, booking_admin, booking, form, error=staff_message(refusal))
    return _plan_page(request, booking_admin, booking, form, plan=plan)


def _picks(
    posted: QueryDict, occurrences: Sequence[courses.Occurrence]
) -> tuple[list[courses.Pick], list[int]]:
    """The picks posted for the plan's occurrences, and the positions left unanswered."""
    picks, unanswered = [], []
    for occurrence in occurrences:
        value = posted.get(f"pick-{occurrence.position}", "")
        if value == LEAVE_OUT:
            continue
        pick = read_pick(value)
        if pick is None:
            unanswered.append(occurrence.position)
            continue
        picks.append(
            courses.Pick(position=occurrence.position, start=pick[0], therapist_id=pick[1])
        )
    return picks, unanswered


def _booked_meanwhile(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking: Booking
) -> HttpResponse | None:
    """Sent twice at once, the other post booked the course (or the booking changed)
    meanwhile: back to the booking with the friendly word, not the stale plan."""
    booking.refresh_from_db(fields=["course", "status"])
    return _refused(request, booking_admin, booking)


@inside_admin
@require_POST
def book_course_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int
) -> HttpResponse:
    """Book the picks in one go, or nothing: a time taken meanwhile lists again with its
    new alternatives. Sent twice, the second finds the booking in its course."""
    booking = _course_source(request, booking_admin, booking_id)
    if refused := _refused(request, booking_admin, booking):
        return refused
    form = CourseForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, booking_admin, booking, form, status=400)
    try:
        occurrences = _plan(booking, form)
    except BookingError as refusal:
        if gone := _booked_meanwhile(request, booking_admin, booking):
            return gone
        return _plan_page(request, booking_admin, booking, form, error=staff_message(refusal))
    picks, unanswered = _picks(request.POST, occurrences)
    if unanswered:
        sessions = ", ".join(str(position) for position in unanswered)
        return _plan_page(
            request,
            booking_admin,
            booking,
            form,
            plan=planned_sessions(occurrences, posted=request.POST),
            error=f"Please choose a time for session {sessions}, or leave it out.",
            status=400,
        )
    try:
        course = courses.book_course(
            source=booking,
            every_weeks=form.cleaned_data["every_weeks"],
            picks=picks,
            by=staff_user(request),
        )
    except courses.CourseClash as clash:
        # Nothing was booked: the plan again, each time taken meanwhile as it was
        # picked (its time and therapist, why, and its new alternatives).
        taken = {o.position: o for o in clash.occurrences}
        fresh = [taken.get(o.position, o) for o in _plan(booking, form)]
        return _plan_page(
            request,
            booking_admin,
            booking,
            form,
            plan=planned_sessions(fresh, posted=request.POST, taken=list(taken)),
            error=staff_message(clash),
            status=409,
        )
    except BookingError as refusal:
        if gone := _booked_meanwhile(request, booking_admin, booking):
            return gone
        return _plan_page(
            request,
            booking_admin,
            booking,
            form,
            plan=planned_sessions(occurrences, posted=request.POST),
            error=staff_message(refusal),
            status=400,
        )
    starts = list(course.sessions.order_by("start").values_list("start", flat=True))
    zone = selectors.clinic_zone()
    booking_admin.message_user(
        request,
        f"{len(starts)} sessions booked: "
        f"{clinic_days(starts[0].astimezone(zone).date(), starts[-1].astimezone(zone).date())}.",
        messages.SUCCESS,
    )
    return HttpResponseSeeOther(reverse("admin:bookings_booking_change", args=[booking.pk]))


# The course on a booking's page, and cancelling in it ------------------------------


@dataclass(frozen=True)
class CourseSession:
    booking_id: int
    position: int | None
    when: str
    therapist: str
    status: str
    is_this: bool


def page_context(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking: Booking | None
) -> dict[str, Any]:
    """What the booking page's top panel shows of courses: the way to start one, or the
    course this session belongs to, with its sessions and cancel buttons."""
    if booking is None:
        return {}
    if booking.course_id is None:
        return {
            "may_repeat": booking.status == BookingStatus.CONFIRMED
            and booking_admin.has_add_permission(request)
            and booking_admin.has_change_permission(request, booking)
        }
    zone = selectors.clinic_zone()
    rows = list(
        Booking.objects.filter(course_id=booking.course_id)
        .order_by("start", "pk")
        .values_list("pk", "course_position", "start", "therapist__display_name", "status")
    )
    sessions = [
        CourseSession(
            booking_id=pk,
            position=position,
            when=clinic_datetime(start, zone),
            therapist=therapist,
            status=BookingStatus(status).label,
            is_this=pk == booking.pk,
        )
        for pk, position, start, therapist, status in rows
    ]
    now = timezone.now()
    confirmed = booking.status == BookingStatus.CONFIRMED
    something_to_cancel = {
        "one": confirmed,
        "rest": confirmed,
        "all": any(r[4] == BookingStatus.CONFIRMED and r[2] > now for r in rows),
    }
    may_change = booking_admin.has_change_permission(request, booking)
    return {
        "course_mark": courses.course_mark(booking),
        "recheck": recheck.desk_recheck(booking),
        "course_sessions": sessions,
        "course_cancels": [
            (scope, label)
            for scope, label in SCOPES.items()
            if may_change and something_to_cancel[scope] and _may_cancel(request, scope)
        ],
    }


def in_scope(booking: Booking, course_id: int, scope: str, *, now: datetime) -> list[Booking]:
    """The confirmed sessions a cancel of `scope` takes, as the confirm step lists them
    (as `cancel_in_course` chooses them): this one; this and the later ones; every one
    still ahead."""
    sessions = Booking.objects.filter(
        course_id=course_id, status=BookingStatus.CONFIRMED
    ).select_related("therapist", "technique")
    if scope == "one":
        sessions = sessions.filter(pk=booking.pk)
    elif scope == "rest":
        sessions = sessions.filter(Q(pk=booking.pk) | Q(start__gt=booking.start))
    else:
        sessions = sessions.filter(start__gt=now)
    return list(sessions.order_by("start", "pk"))


def _may_cancel(request: HttpRequest, scope: str) -> bool:
    # A therapist cancels their own sessions only: a scope that may reach another's is
    # the desk's.
    return scope == "one" or staff_scope(request).sees_all


@inside_admin
def cancel_course_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int
) -> HttpResponse:
    """Ask first (the reason for the clinic, the message for the client), then cancel."""
    booking = changeable_booking(request, booking_admin, booking_id)
    change_url = reverse("admin:bookings_booking_change", args=[booking.pk])
    scope = next((s for s in SCOPES if s == request.GET.get("scope")), None)
    course_id = booking.course_id
    if course_id is None or scope is None:
        raise Http404("No such course.")
    if not _may_cancel(request, scope):
        raise PermissionDenied
    now = timezone.now()
    taken = in_scope(booking, course_id, scope, now=now)
    if not taken:
        # Sent again (Back, then "Yes, cancel"), or nothing left: one message, no change.
        booking_admin.message_user(
            request, "Nothing left to cancel: those sessions were already cancelled.", messages.INFO
        )
        return HttpResponseSeeOther(change_url)
    form = StaffCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = courses.cancel_in_course(
                booking=booking,
                scope=scope,
                by=staff_user(request),
                reason=form.cleaned_data["reason"],
                client_message=form.message_for_client(),
                by_clinic=form.by_clinic(),
            )
        except BookingError as error:
            booking_admin.message_user(request, error.message, messages.ERROR)
        else:
            noun = "session" if len(cancelled) == 1 else "sessions"
            booking_admin.message_user(
                request, f"Cancelled {len(cancelled)} {noun} of the course.", messages.SUCCESS
            )
        return HttpResponseSeeOther(change_url)
    context = admin_context(request, booking_admin, f"{SCOPES[scope]}?")
    context |= {
        "bookings": taken,
        "client_first_name": first_name(booking.client_name),
        "form": form,
        "change_url": change_url,
        "original": booking,
        "action_url": request.get_full_path(),
        # "rest" and "all" send one email listing the dates; "one" the usual one.
        "course_email": scope != "one",
    }
    return no_store(render(request, "admin/bookings/booking/cancel.html", context))
