"""The front desk's pages in the admin: moving a session (to any therapist who offers
its technique) and cancelling one with a reason; the shared helpers of the desk's pages
(the booking form is `desk_booking.py`).

BookingAdmin adds these pages (frontdesk/urls.py); each view gets the booking admin, so
it shares its permissions and messages.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings.booking import services
from bookings.booking.errors import BookingError, staff_message
from bookings.booking.selectors import staff_free_starts
from bookings.frontdesk.forms import MoveForm, StaffCancelForm, local_day_and_time
from bookings.frontdesk.forms import parse_day as typed_day
from bookings.frontdesk.selectors import first_name
from bookings.frontdesk.staff_scope import staff_scope
from bookings.models import Booking, BookingStatus, Therapist
from bookings.scheduling import availability, selectors
from clinic.display import clinic_datetime
from clinic.http import no_store


def admin_context(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], title: str
) -> dict[str, Any]:
    return {
        **booking_admin.admin_site.each_context(request),
        "opts": booking_admin.opts,
        "title": title,
    }


def staff_user(request: HttpRequest) -> User:
    # The admin site only lets signed-in staff this far.
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


# The day view ---------------------------------------------------------------------


def parse_day(value: str) -> date | None:
    return typed_day(value)


def asked_when(request: HttpRequest) -> tuple[datetime | None, dict[str, Any]]:
    """The start a gap or free-time link carries (`start`), else a typed `date`: the
    start, and the form's `day` (and `time`) it fills. Nonsense is ignored."""
    try:
        start: datetime | None = availability.parse_start(request.GET.get("start", ""))
    except ValueError:
        start = None
    if start is not None:
        day, wall = local_day_and_time(start)
        return start, {"day": day, "time": wall}
    day_asked = parse_day(request.GET.get("date", ""))
    return None, {"day": day_asked} if day_asked else {}


# Moving and cancelling ------------------------------------------------------------


def changeable_booking(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int
) -> Booking:
    """The booking if this user may change it; someone else's is "not found"."""
    if not booking_admin.has_change_permission(request):
        raise PermissionDenied
    booking = (
        booking_admin.get_queryset(request)
        .select_related("therapist", "technique")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not booking_admin.has_change_permission(request, booking):
        raise Http404("No such booking.")
    return booking


def _movable_to(request: HttpRequest, booking: Booking) -> QuerySet[Therapist]:
    scope = staff_scope(request)
    therapists = Therapist.objects.active().offering(booking.technique_id)
    if not scope.sees_all:
        therapists = therapists.filter(pk=booking.therapist_id)
    return therapists.order_by("display_name")


def _shown_therapist(request: HttpRequest, therapists: QuerySet[Therapist]) -> int | None:
    """The therapist whose free times the move page lists (`?therapist=`), if one of those
    the session may move to; None lists them all."""
    asked = request.GET.get("therapist", "")
    if not asked.isdigit():
        return None
    return int(asked) if therapists.filter(pk=int(asked)).exists() else None


@dataclass(frozen=True)
class TherapistTimes:
    therapist_id: int
    name: str
    # Each free start in clinic time, with the link that fills the form with it.
    times: list[tuple[datetime, str]]


def _move_link(start: datetime, therapist_id: int) -> str:
    query = {
        "date": f"{start:%Y-%m-%d}",
        "therapist": str(therapist_id),
        "start": start.isoformat(),
    }
    return f"?{urlencode(query)}"


def _free_by_therapist(
    booking: Booking, therapists: QuerySet[Therapist], shown_for: int | None, day: date
) -> list[TherapistTimes]:
    """The day's free times for this session's technique and length, per therapist who
    offers it (or the one asked for), the session itself left out of its own way."""
    slots = staff_free_starts(
        technique=booking.technique,
        length_minutes=booking.length_minutes,
        therapist_id=shown_for,
        day=day,
        now=timezone.now(),
        leaving_out=booking.pk,
    )
    names = dict(therapists.values_list("pk", "display_name"))
    times: dict[int, list[datetime]] = {pk: [] for pk in names}
    for slot in slots:
        for therapist_id in slot.therapist_ids:
            if therapist_id in times:
                times[therapist_id].append(timezone.localtime(slot.start, selectors.clinic_zone()))
    return [
        TherapistTimes(
            therapist_id=pk,
            name=names[pk],
            times=[(t, _move_link(t, pk)) for t in starts],
        )
        for pk, starts in sorted(times.items(), key=lambda item: names[item[0]])
        if shown_for is None or pk == shown_for
    ]


def move_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int
) -> HttpResponse:
    """Move a session to another time or therapist; staff may move it inside the
    cancellation window and sooner than the notice clients need."""
    booking = changeable_booking(request, booking_admin, booking_id)
    change_url = reverse("admin:bookings_booking_change", args=[booking.pk])
    if booking.status != BookingStatus.CONFIRMED:
        booking_admin.message_user(
            request, "Only a confirmed booking can be moved.", messages.ERROR
        )
        return HttpResponseRedirect(change_url)
    therapists = _movable_to(request, booking)
    day, wall = local_day_and_time(booking.start)
    initial: dict[str, Any] = {"day": day, "time": wall, "therapist": booking.therapist_id}
    asked_start, when = asked_when(request)
    initial |= when
    shown_for = _shown_therapist(request, therapists)
    if asked_start is not None and shown_for is not None:
        # A time picked from one therapist's list moves the session to them.
        initial["therapist"] = shown_for
    form = MoveForm(request.POST or None, initial=initial, therapists=therapists)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.reschedule_booking(
                booking=booking,
                start=form.start(),
                therapist_id=form.cleaned_data["therapist"].pk,
                ignore_notice_and_horizon=True,
            )
        except BookingError as error:
            form.add_error(None, staff_message(error))
        else:
            told = " The client has been emailed the new time." if moved.client_email else ""
            who = moved.therapist.display_name
            booking_admin.message_user(
                request,
                f"Moved {moved.reference} to "
                f"{clinic_datetime(moved.start, selectors.clinic_zone())} with "
                # "Ben O." ends the sentence already: no second full stop.
                f"{who}{'' if who.endswith('.') else '.'}{told}",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
    shown_day = form.cleaned_data.get("day") if form.is_bound and form.is_valid() else None
    shown_day = shown_day or initial["day"]
    context = admin_context(request, booking_admin, f"Move {booking.reference}")
    context |= {
        "booking": booking,
        "form": form,
        "free_by_therapist": _free_by_therapist(booking, therapists, shown_for, shown_day),
        "therapists": therapists,
        "shown_for": shown_for,
        "shown_day": shown_day,
        "change_url": change_url,
        "original": booking,
    }
    return no_store(render(request, "admin/bookings/booking/move.html", context))


def cancel_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int
) -> HttpResponse:
    """Ask before cancelling, with an optional reason kept on the booking."""
    booking = changeable_booking(request, booking_admin, booking_id)
    change_url = reverse("admin:bookings_booking_change", args=[booking.pk])
    form = StaffCancelForm(request.POST or None)
    if request.method == "POST" and booking.status == BookingStatus.CANCELLED:
        # Sent again (Back, then "Yes, cancel"): nothing changes and nobody is told twice.
        booking_admin.message_user(
            request, f"{booking.reference} was already cancelled.", messages.INFO
        )
        return HttpResponseRedirect(change_url)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_booking(
                booking=booking,
                reason=form.cleaned_data["reason"],
                client_message=form.message_for_client(),
                by=staff_user(request),
                by_clinic=form.by_clinic(),
            )
        except BookingError as error:
            booking_admin.message_user(request, error.message, messages.ERROR)
        else:
            booking_admin.message_user(request, f"Cancelled {booking.reference}.", messages.SUCCESS)
        return HttpResponseRedirect(change_url)
    context = admin_context(request, booking_admin, f"Cancel {booking.reference}?")
    context |= {
        "bookings": [booking],
        "client_first_name": first_name(booking.client_name),
        "form": form,
        "change_url": change_url,
        "original": booking,
        "action_url": request.path,
    }
    return no_store(render(request, "admin/bookings/booking/cancel.html", context))


def cancel_selected(
    booking_admin: admin.ModelAdmin[Booking], request: HttpRequest, queryset: QuerySet[Booking]
) -> HttpResponse | None:
    """The booking list's cancel action: a confirmation page first, then cancel each one
    this user may change, with the reason."""
    bookings = [b for b in queryset if booking_admin.has_change_permission(request, b)]
    if request.POST.get("confirm") == "yes":
        form = StaffCancelForm(request.POST)
        if form.is_valid():
            done = 0
            for booking in bookings:
                try:
                    services.cancel_booking(
                        booking=booking,
                        reason=form.cleaned_data["reason"],
                        client_message=form.message_for_client(),
                        by=staff_user(request),
                        by_clinic=form.by_clinic(),
                    )
                except BookingError as error:
                    booking_admin.message_user(
                        request, f"{booking.reference}: {error.message}", messages.ERROR
                    )
                else:
                    done += 1
            if done:
                noun = "booking" if done == 1 else "bookings"
                booking_admin.message_user(request, f"{done} {noun} cancelled.", messages.SUCCESS)
            return None
    else:
        form = StaffCancelForm()
    context = admin_context(request, booking_admin, "Cancel these bookings?")
    context |= {
        "bookings": bookings,
        "form": form,
        "change_url": reverse("admin:bookings_booking_changelist"),
        "action_url": request.get_full_path(),
        "selected": [str(b.pk) for b in bookings],
    }
    return no_store(render(request, "admin/bookings/booking/cancel.html", context))
