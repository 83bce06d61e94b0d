"""The booking admin's own pages: the week schedule and a client's data.

BookingAdmin.get_urls adds `urls(self)`: each page gets the booking admin as
`booking_admin`, so it shares its permissions, messages and admin site.
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from bookings.frontdesk import week_grid
from bookings.frontdesk.staff_scope import StaffScope, staff_scope
from bookings.models import Booking, Therapist, TimeOff, WorkingHours
from bookings.privacy import looks
from bookings.privacy import services as privacy
from bookings.scheduling import availability, selectors

# The schedule page accepts any week in this range; anything else is a typo.
EARLIEST_WEEK = date(2000, 1, 3)
LATEST_WEEK = date(2099, 12, 28)


def urls(booking_admin: admin.ModelAdmin) -> list[URLPattern]:
    page = booking_admin.admin_site.admin_view
    kwargs = {"booking_admin": booking_admin}
    return [
        path("schedule/", page(schedule_view), kwargs, name="bookings_booking_schedule"),
        path("client-data/", page(client_data_view), kwargs, name="bookings_booking_client_data"),
    ]


class ClientDataForm(forms.Form):
    email = forms.EmailField(label="Client's email address")
    confirm_erase = forms.BooleanField(
        required=False,
        label="I have checked who is asking, and want to erase this client's personal data "
        "(upcoming sessions are cancelled).",
    )


def client_data_view(request: HttpRequest, booking_admin: admin.ModelAdmin) -> HttpResponse:
    """Front desk answers a client's request to see or erase what the clinic holds.

    POST only for the lookups too: an email address in a query string would end
    up in access logs.
    """
    if not (staff_scope(request).sees_all and booking_admin.has_change_permission(request)):
        raise PermissionDenied
    form = ClientDataForm(request.POST or None)
    found: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        action = request.POST.get("action")
        if action == "download":
            return _client_data_download(email)
        if action == "erase":
            if not form.cleaned_data["confirm_erase"]:
                form.add_error("confirm_erase", "Tick this box to confirm the erasure.")
            else:
                count = privacy.erase_client_data(email=email, now=timezone.now())
                booking_admin.message_user(
                    request, f"Erased the personal data of {count} booking(s) for that address."
                )
                return HttpResponseRedirect(request.path)
        found = {
            "bookings": privacy.bookings_with(email).select_related("technique").order_by("start"),
            "clients": privacy.clients_with(email),
        }
    context = {
        **booking_admin.admin_site.each_context(request),
        "title": "A client's data: see or erase",
        "opts": booking_admin.model._meta,
        "form": form,
        "found": found,
    }
    return render(request, "admin/bookings/booking/client_data.html", context)


def _client_data_download(email: str) -> JsonResponse:
    response = JsonResponse(
        privacy.export_client_data(email=email), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="client-data.json"'
    response["Cache-Control"] = "no-store"
    return response


def schedule_view(request: HttpRequest, booking_admin: admin.ModelAdmin) -> HttpResponse:
    if not booking_admin.has_view_permission(request):
        raise PermissionDenied
    zone = selectors.clinic_zone()
    monday = week_grid.monday_of(_requested_day(request) or timezone.localdate(timezone=zone))
    start, end = week_grid.week_bounds(monday, zone)

    chosen_id = _int_or_none(request.GET.get("therapist", ""))
    if request.GET.get("therapist") and chosen_id is None:
        raise Http404("No such therapist.")
    choices, shown = _therapists_to_show(staff_scope(request), chosen_id)
    therapists = _with_their_week(shown, start, end)
    closed = []
    for closure in selectors.closures_between(monday, monday + timedelta(days=6)):
        days = availability.local_day_interval(closure.start, closure.end, zone)
        label = f"Clinic closed: {closure.reason}"
        closed.append(week_grid.Entry(week_grid.Kind.TIME_OFF, days.start, days.end, label))
    weeks = [(therapist, _week_of(therapist, monday, zone, closed)) for therapist in therapists]
    query = f"&therapist={chosen_id}" if chosen_id is not None else ""
    context = {
        **booking_admin.admin_site.each_context(request),
        "opts": booking_admin.opts,
        "title": f"Week of {monday:%A} {monday.day} {monday:%B %Y}",
        "monday": monday,
        "weeks": weeks,
        "choices": choices,
        "chosen_id": chosen_id,
        "previous_url": f"?week={monday - timedelta(days=7):%Y-%m-%d}{query}",
        "next_url": f"?week={monday + timedelta(days=7):%Y-%m-%d}{query}",
        "this_week_url": f"?{query.lstrip('&')}",
    }
    # The warning marks shown tell the viewer a client has warning signs: a look each.
    looks.record_marks(
        user=request.user,
        bookings=[b for therapist, _ in weeks for b in therapist.week_bookings],  # type: ignore[attr-defined]
        page=looks.Look.MARK_WEEK,
        now=timezone.now(),
    )
    return render(request, "admin/bookings/booking/schedule.html", context)


def _therapists_to_show(
    scope: StaffScope, chosen_id: int | None
) -> tuple[list[Therapist], QuerySet[Therapist]]:
    """The therapists to pick from (front desk only), and the ones whose week is shown."""
    if not scope.sees_all:
        if scope.therapist is None or chosen_id not in (None, scope.therapist.pk):
            raise Http404("No such therapist.")
        return [], Therapist.objects.filter(pk=scope.therapist.pk)
    choices = list(Therapist.objects.order_by("display_name"))
    if chosen_id is not None and chosen_id not in {t.pk for t in choices}:
        raise Http404("No such therapist.")
    if chosen_id is not None:
        return choices, Therapist.objects.filter(pk=chosen_id)
    return choices, Therapist.objects.filter(is_active=True)


def _with_their_week(
    therapists: QuerySet[Therapist], start: datetime, end: datetime
) -> QuerySet[Therapist]:
    """Each therapist with their hours, and the week's time off and sessions (one query each)."""
    return therapists.order_by("display_name").prefetch_related(
        Prefetch("working_hours", queryset=WorkingHours.objects.order_by("start_time")),
        Prefetch(
            "time_off",
            queryset=TimeOff.objects.filter(start__lt=end, end__gt=start).order_by("start"),
            to_attr="week_time_off",
        ),
        Prefetch(
            "bookings",
            queryset=Booking.objects.active()
            .filter(start__gte=start, start__lt=end)
            .select_related("technique")
            .order_by("start"),
            to_attr="week_bookings",
        ),
    )


def _int_or_none(value: str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _requested_day(request: HttpRequest) -> date | None:
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return None
    return day if EARLIEST_WEEK <= day <= LATEST_WEEK else None


def _week_of(
    therapist: Therapist, monday: date, zone: ZoneInfo, closed: list[week_grid.Entry]
) -> list[week_grid.Day]:
    hours: dict[int, list[tuple[time, time]]] = {}
    for wh in therapist.working_hours.all():
        # Each weekday is one date in a week: the rows that hold on that date.
        if wh.as_dated_hours().holds_on(monday + timedelta(days=wh.weekday)):
            hours.setdefault(wh.weekday, []).append((wh.start_time, wh.end_time))
    # week_time_off and week_bookings are the Prefetch(to_attr=...) lists of _with_their_week.
    time_off = [
        week_grid.Entry(week_grid.Kind.TIME_OFF, off.start, off.end, off.reason or "Time off")
        for off in therapist.week_time_off  # type: ignore[attr-defined]
    ] + closed
    sessions = [
        week_grid.Entry(
            week_grid.Kind.SESSION,
            b.start,
            b.end,
            f"{b.client_name}: {b.technique.name}, {b.length_minutes} min",
            booking_id=b.pk,
            status=b.get_status_display(),
            warning=bool(b.warning_flags),
        )
        for b in therapist.week_bookings  # type: ignore[attr-defined]
    ]
    return week_grid.build_week(
        monday=monday, zone=zone, working_hours=hours, time_off=time_off, sessions=sessions
    )
