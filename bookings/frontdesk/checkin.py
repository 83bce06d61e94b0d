"""Check-in at the desk: buttons on a booking's page and in the day view, each a POST
safe to repeat (one effect, one message). Front desk for every session, a therapist for
their own; the safety check only by the session's therapist (the service says so)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bookings.booking import attendance
from bookings.booking.errors import BookingError
from bookings.frontdesk.views import changeable_booking
from bookings.models import Booking, BookingStatus
from bookings.scheduling import selectors
from clinic.display import clinic_datetime, clinic_span

Step = Callable[[Booking, HttpRequest, datetime], Booking]


def _arrived(booking: Booking, request: HttpRequest, now: datetime) -> Booking:
    return attendance.mark_arrived(booking=booking, now=now)


def _completed(booking: Booking, request: HttpRequest, now: datetime) -> Booking:
    return attendance.mark_completed(booking=booking, now=now)


def _no_show(booking: Booking, request: HttpRequest, now: datetime) -> Booking:
    return attendance.mark_no_show(booking=booking, now=now)


def _safety_checked(booking: Booking, request: HttpRequest, now: datetime) -> Booking:
    return attendance.record_safety_check(booking=booking, by=request.user, now=now)


def _arrival_time(booking: Booking) -> str:
    return clinic_datetime(booking.arrived_at, selectors.clinic_zone())


# Each step: what it does, whether it was already done before the press, and what it says.
STEPS: dict[str, tuple[Step, Callable[[Booking], bool], Callable[[Booking], str]]] = {
    "arrived": (
        _arrived,
        lambda b: b.arrived_at is not None,
        lambda b: f"{b.client_name} arrived ({_arrival_time(b)}).",
    ),
    "completed": (
        _completed,
        lambda b: b.status == BookingStatus.COMPLETED,
        lambda b: f"{b.reference} marked as completed.",
    ),
    "no-show": (
        _no_show,
        lambda b: b.status == BookingStatus.NO_SHOW,
        lambda b: f"{b.reference} marked as no-show.",
    ),
    "safety-checked": (
        _safety_checked,
        lambda b: b.safety_checked_at is not None,
        lambda b: f"{b.reference}: safety facts recorded as checked with the client.",
    ),
}


def _back_to(request: HttpRequest, booking: Booking) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("admin:bookings_booking_change", args=[booking.pk])


@require_POST
def checkin_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int, step: str
) -> HttpResponse:
    if step not in STEPS:
        raise Http404("No such step.")
    booking = changeable_booking(request, booking_admin, booking_id)
    do, done_before, say = STEPS[step]
    if done_before(booking):
        # A second press (or the Back button and send again): nothing more happens.
        booking_admin.message_user(request, f"Already done: {say(booking)}", messages.INFO)
        return HttpResponseRedirect(_back_to(request, booking))
    try:
        booking = do(booking, request, timezone.now())
    except BookingError as error:
        booking_admin.message_user(request, f"{booking.reference}: {error.message}", messages.ERROR)
    else:
        booking_admin.message_user(request, say(booking), messages.SUCCESS)
    return HttpResponseRedirect(_back_to(request, booking))


def urls(booking_admin: admin.ModelAdmin[Booking]) -> list[URLPattern]:
    return [
        path(
            "<int:booking_id>/checkin/<slug:step>/",
            booking_admin.admin_site.admin_view(checkin_view),
            {"booking_admin": booking_admin},
            name="bookings_booking_checkin",
        )
    ]


def buttons(*, status: str, start: datetime, arrived: bool, now: datetime) -> list[tuple[str, str]]:
    """The check-in buttons a session offers now, as (step, label), for its page and the
    day view: none once it is cancelled, completed or a no-show; "Arrived" on its day;
    "Completed" and "No-show" once it has started."""
    if status != BookingStatus.CONFIRMED:
        return []
    zone = selectors.clinic_zone()
    shown: list[tuple[str, str]] = []
    if not arrived and start.astimezone(zone).date() == now.astimezone(zone).date():
        shown.append(("arrived", "Arrived"))
    if start <= now:
        shown += [("completed", "Completed"), ("no-show", "No-show")]
    return shown


def page_context(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking: Booking | None
) -> dict[str, Any]:
    """What the top of a booking's page shows: who, what, when, and the buttons this user
    may press now."""
    if booking is None:
        return {}
    now = timezone.now()
    may_change = booking_admin.has_change_permission(request, booking)
    zone = selectors.clinic_zone()
    confirmed = booking.status == BookingStatus.CONFIRMED
    return {
        "today_when": clinic_span(booking.start, booking.end, zone),
        "checkin_buttons": (
            buttons(
                status=booking.status,
                start=booking.start,
                arrived=booking.arrived_at is not None,
                now=now,
            )
            if may_change
            else []
        ),
        "arrived_at": clinic_datetime(booking.arrived_at, zone),
        "may_record_safety": may_change
        and confirmed
        and booking.safety_checked_at is None
        and booking.therapist.user_id == request.user.pk,
        "may_move_or_cancel": may_change and confirmed,
        "notes_open": booking.start <= now,
    }
