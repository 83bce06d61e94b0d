"""The booking admin's own pages: the week schedule and a client's data.

BookingAdmin.get_urls adds `urls(self)`: each page gets the booking admin as
`booking_admin`, so it shares its permissions, messages and admin site.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from bookings.frontdesk import week_grid
from bookings.frontdesk.forms import parse_day
from bookings.frontdesk.staff_scope import StaffScope, staff_scope
from bookings.models import Booking, Therapist, TimeOff
from bookings.privacy import looks
from bookings.privacy import services as privacy
from bookings.scheduling import availability, selectors
from clinic.display import clinic_date


def urls(booking_admin: admin.ModelAdmin[Booking]) -> list[URLPattern]:
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


def client_data_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking]
) -> HttpResponse:
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
        try:
            if action == "download":
                return _client_data_download(email, request.user)
            if action == "erase":
                if not form.cleaned_data["confirm_erase"]:
                    form.add_error("confirm_erase", "Tick this box to confirm the erasure.")
                else:
                    count = privacy.erase_client_data(email=email, now=timezone.now())
                    booking_admin.message_user(
                        request,
                        f"Erased the personal data of {count} booking(s) for that address.",
                    )
                    return HttpResponseRedirect(request.path)
        except privacy.AmbiguousAddress as error:
            form.add_error(None, str(error))
        clients = privacy.clients_with(email)
        shared = len(clients) > 1
        bookings = privacy.address_bookings(email, clients[0] if clients else None)
        found = {
            "bookings": [] if shared else bookings.select_related("technique").order_by("start"),
            "clients": clients,
            "shared": shared,
        }
    context = {
        **booking_admin.admin_site.each_context(request),
        "title": "A client's data: see or erase",
        "opts": booking_admin.model._meta,
        "form": form,
        "found": found,
    }
    return render(request, "admin/bookings/booking/client_data.html", context)


def _client_data_download(email: str, reader: Any) -> JsonResponse:
    data = privacy.export_client_data(email=email, reader=reader, now=timezone.now())
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="client-data.json"'
    response["Cache-Control"] = "no-store"
    return response


def schedule_view(request: HttpRequest, booking_admin: admin.ModelAdmin[Booking]) -> HttpResponse:
    if not booking_admin.has_view_permission(request):
        raise PermissionDenied
    zone = selectors.clinic_zone()
    monday = week_grid.monday_of(_requested_day(request) or timezone.localdate(timezone=zone))
    start, end = week_grid.week_bounds(monday, zone)

    chosen_id = _int_or_none(request.GET.get("therapist", ""))
    if request.GET.get("therapist") and chosen_id is None:
        raise Http404("No such therapist.")
    choices, shown = _therapists_to_show(staff_scope(request), chosen_id)
    therapists = list(shown.order_by("display_name"))
    ids = [therapist.pk for therapist in therapists]
    hours = selectors.hours_between(ids, monday, monday + timedelta(days=6))
    time_off = _time_off_between(ids, start, end)
    bookings = _bookings_between(ids, start, end)
    attention = selectors.bookings_needing_attention(start, end) if bookings else set()
    sessions: dict[int, list[week_grid.Entry]] = {pk: [] for pk in ids}
    for booking in bookings:
        sessions[booking.therapist_id].append(_session(booking, booking.pk in attention))
    closed = []
    for closure in selectors.closures_between(monday, monday + timedelta(days=6)):
        days = availability.local_day_interval(closure.start, closure.end, zone)
        label = f"Clinic closed: {closure.reason}"
        closed.append(week_grid.Entry(week_grid.Kind.TIME_OFF, days.start, days.end, label))
    weeks = [
        (
            therapist,
            week_grid.build_week(
                monday=monday,
                zone=zone,
                schedule=hours[therapist.pk],
                time_off=time_off[therapist.pk] + closed,
                sessions=sessions[therapist.pk],
            ),
        )
        for therapist in therapists
    ]
    query = f"&therapist={chosen_id}" if chosen_id is not None else ""
    context = {
        **booking_admin.admin_site.each_context(request),
        "opts": booking_admin.opts,
        "title": f"Week of {clinic_date(monday, selectors.clinic_zone())}",
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
        bookings=bookings,
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


def _time_off_between(
    therapist_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[week_grid.Entry]]:
    """Each therapist's time off overlapping [start, end), by start: one query."""
    time_off: dict[int, list[week_grid.Entry]] = {pk: [] for pk in therapist_ids}
    if not therapist_ids:
        return time_off
    for therapist_id, off_start, off_end, reason in (
        TimeOff.objects.filter(therapist_id__in=therapist_ids, start__lt=end, end__gt=start)
        .order_by("start", "pk")
        .values_list("therapist_id", "start", "end", "reason")
    ):
        time_off[therapist_id].append(
            week_grid.Entry(week_grid.Kind.TIME_OFF, off_start, off_end, reason or "Time off")
        )
    return time_off


def _bookings_between(therapist_ids: list[int], start: datetime, end: datetime) -> list[Booking]:
    """The therapists' active bookings starting in [start, end), by start: one query."""
    if not therapist_ids:
        return []
    return list(
        Booking.objects.active()
        .filter(therapist_id__in=therapist_ids, start__gte=start, start__lt=end)
        .select_related("technique")
        .order_by("start", "pk")
    )


def _int_or_none(value: str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _requested_day(request: HttpRequest) -> date | None:
    return parse_day(request.GET.get("week", ""))


def _session(booking: Booking, needs_attention: bool) -> week_grid.Entry:
    return week_grid.Entry(
        week_grid.Kind.SESSION,
        booking.start,
        booking.end,
        f"{booking.client_name}: {booking.technique.name}, {booking.length_minutes} min",
        booking_id=booking.pk,
        status=booking.get_status_display(),
        warning=bool(booking.warning_flags),
        needs_attention=needs_attention,
    )
