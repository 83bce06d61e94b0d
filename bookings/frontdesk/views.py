"""The front desk's day in the admin: the clinic's day view, booking a phone or walk-in
client, moving a session and cancelling one with a reason.

BookingAdmin routes its add page here and adds the other pages (frontdesk/urls.py);
each view gets the booking admin, so it shares its permissions and messages.
"""

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
from bookings.booking.forms import CancelForm
from bookings.booking.selectors import staff_free_starts
from bookings.frontdesk.forms import MoveForm, StaffBookingForm, local_day_and_time
from bookings.frontdesk.forms import parse_day as typed_day
from bookings.frontdesk.staff_scope import staff_scope
from bookings.models import Booking, BookingStatus, Client, Therapist
from bookings.records.admin import search_clients
from bookings.scheduling import availability, selectors
from catalog.models import Technique
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


def _staff_user(request: HttpRequest) -> User:
    # The admin site only lets signed-in staff this far.
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


# The day view ---------------------------------------------------------------------


def parse_day(value: str) -> date | None:
    return typed_day(value)


# Booking a phone or walk-in client ------------------------------------------------


def _initial_from_query(request: HttpRequest) -> dict[str, Any]:
    """A gap link's therapist and start, or a date, prefill the form; nonsense is ignored."""
    initial: dict[str, Any] = {}
    therapist = request.GET.get("therapist", "")
    if therapist.isdigit():
        initial["therapist"] = int(therapist)
    try:
        start = availability.parse_start(request.GET.get("start", ""))
    except ValueError:
        start = None
    if start is not None:
        initial["day"], initial["time"] = local_day_and_time(start)
    elif day := parse_day(request.GET.get("date", "")):
        initial["day"] = day
    for name in ("technique", "length_minutes"):
        if request.GET.get(name, "").isdigit():
            initial[name] = int(request.GET[name])
    if request.GET.get("client", "").isdigit():
        # "Book again" from a client's page: their record's details, ready to book.
        client = Client.objects.filter(pk=int(request.GET["client"])).first()
        if client is not None:
            client = client.merged_into or client
            initial |= {
                "client": client.pk,
                "client_name": client.name,
                "client_phone": client.phone,
                "client_email": client.email,
            }
    return initial


# A search offers this many clients; more means the desk should type more of it.
CLIENT_CHOICES = 10


def _client_choices(request: HttpRequest, initial: dict[str, Any]) -> QuerySet[Client]:
    """The clients the form offers: the search's matches and the one already chosen."""
    current = Client.objects.current()
    ids = [
        v for v in (request.POST.get("client", ""), str(initial.get("client", ""))) if v.isdigit()
    ]
    term = request.POST.get("client_search", "")
    found = list(
        search_clients(current, term)
        .order_by("name", "pk")
        .values_list("pk", flat=True)[:CLIENT_CHOICES]
    )
    return current.filter(pk__in=[*found, *map(int, ids)]).order_by("name", "pk")


def _free_times(form: StaffBookingForm, *, leaving_out: int | None = None) -> list[datetime]:
    """The free starts on the chosen day for what the form holds so far, in clinic time."""
    if form.is_bound:
        data = getattr(form, "cleaned_data", {})
        technique = data.get("technique")
        length, day, therapist = data.get("length_minutes"), data.get("day"), data.get("therapist")
    else:
        technique = _initial_technique(form)
        length, day = form.initial.get("length_minutes"), form.initial.get("day")
        therapist = form.initial.get("therapist")
    if technique is None or not length or day is None:
        return []
    therapist_id = therapist.pk if isinstance(therapist, Therapist) else therapist
    slots = staff_free_starts(
        technique=technique,
        length_minutes=int(length),
        therapist_id=therapist_id,
        day=day,
        now=timezone.now(),
        leaving_out=leaving_out,
    )
    return [timezone.localtime(slot.start, selectors.clinic_zone()) for slot in slots]


SESSION_FIELDS = ("technique", "length_minutes", "therapist", "day", "time")


def _chosen_day(form: StaffBookingForm) -> date | None:
    if form.is_bound:
        return getattr(form, "cleaned_data", {}).get("day")
    return form.initial.get("day")


def _initial_technique(form: StaffBookingForm) -> Technique | None:
    technique_id = form.initial.get("technique")
    return Technique.objects.active().filter(pk=technique_id).first() if technique_id else None


def staff_booking_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking]
) -> HttpResponse:
    """Book a phone or walk-in client. "Show free times" re-renders with the day's free
    starts (no JavaScript); "Book" calls book_session with the desk's overrides."""
    if not (booking_admin.has_add_permission(request) and staff_scope(request).sees_all):
        raise PermissionDenied
    therapists = Therapist.objects.active().order_by("display_name")
    initial = _initial_from_query(request)
    clients = _client_choices(request, initial)
    if request.method == "POST":
        form = StaffBookingForm(request.POST, therapists=therapists, clients=clients)
    else:
        form = StaffBookingForm(initial=initial, therapists=therapists, clients=clients)
    if request.method == "POST" and form.is_valid() and request.POST.get("action") == "book":
        data = form.cleaned_data
        try:
            booking = services.book_session(
                therapist_id=data["therapist"].pk if data["therapist"] else None,
                technique=data["technique"],
                length_minutes=data["length_minutes"],
                start=form.start(),
                client_name=data["client_name"],
                client_email=data["client_email"],
                client_phone=data["client_phone"],
                client_id=data["client"].pk if data["client"] else None,
                # Staff asked every safety question: the same rules as online.
                intake=form.intake(),
                clinical_override_reason=form.override_reason(),
                sms_opt_in=data["sms_opt_in"],
                consent=data["consent"],
                acknowledged_warning=data["told_to_see_doctor"],
                by=_staff_user(request),
                ignore_notice_and_horizon=True,
                outside_hours_reason=data["outside_hours_reason"] if data["outside_hours"] else "",
            )
        except BookingError as error:
            form.add_error(None, staff_message(error))
        else:
            local = timezone.localtime(booking.start, selectors.clinic_zone())
            booking_admin.message_user(
                request,
                f"Booked {booking.client_name} with {booking.therapist.display_name} on "
                f"{clinic_datetime(booking.start, selectors.clinic_zone())} "
                f"(reference {booking.reference}).",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(f"{_day_url()}?date={local:%Y-%m-%d}")
    if form.is_bound and request.POST.get("action") != "book":
        # "Show free times" is not a booking yet: only the session's fields may complain.
        for name in [n for n in form.errors if n not in SESSION_FIELDS]:
            del form.errors[name]
    free = _free_times(form)
    link = _free_link(form)
    context = admin_context(request, booking_admin, "Book a phone or walk-in client")
    context |= {
        "form": form,
        "session_fields": [form[n] for n in SESSION_FIELDS],
        "client_search_fields": [form["client_search"]],
        "client_choice_fields": [form["client"]] if clients else [],
        "client_fields": [
            form[n] for n in ("client_name", "client_phone", "sms_opt_in", "client_email")
        ],
        **form.grouped_safety_fields(),
        "safety_fields": [form[n] for n in ("told_to_see_doctor", "consent")],
        "clinical_override_fields": [
            form[n] for n in ("clinical_override", "clinical_override_reason")
        ],
        "override_fields": [form[n] for n in ("outside_hours", "outside_hours_reason")],
        "free_times": free,
        "free_base": f"?{link}&" if link else "?",
        "shown_day": free[0].date() if free else _chosen_day(form),
    }
    return no_store(render(request, "admin/bookings/booking/staff_book.html", context))


def _free_link(form: StaffBookingForm) -> str:
    """The query a free time's link keeps (technique, length, therapist), as a GET prefix."""
    source = getattr(form, "cleaned_data", {}) if form.is_bound else form.initial
    params: dict[str, Any] = {}
    for name in ("technique", "therapist"):
        value = source.get(name)
        if value:
            params[name] = value.pk if hasattr(value, "pk") else value
    if source.get("length_minutes"):
        params["length_minutes"] = source["length_minutes"]
    client = source.get("client")
    if client:
        params["client"] = client.pk if hasattr(client, "pk") else client
    return urlencode(params)


def _day_url() -> str:
    return reverse("admin:bookings_booking_day")


# Moving and cancelling ------------------------------------------------------------


def _booking_for(
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


def move_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int
) -> HttpResponse:
    """Move a session to another time or therapist; staff may move it inside the
    cancellation window and sooner than the notice clients need."""
    booking = _booking_for(request, booking_admin, booking_id)
    change_url = reverse("admin:bookings_booking_change", args=[booking.pk])
    if booking.status != BookingStatus.CONFIRMED:
        booking_admin.message_user(
            request, "Only a confirmed booking can be moved.", messages.ERROR
        )
        return HttpResponseRedirect(change_url)
    therapists = _movable_to(request, booking)
    day, wall = local_day_and_time(booking.start)
    initial: dict[str, Any] = {"day": day, "time": wall, "therapist": booking.therapist_id}
    try:
        asked_start: datetime | None = availability.parse_start(request.GET.get("start", ""))
    except ValueError:
        asked_start = None
    if asked_start is not None:
        initial["day"], initial["time"] = local_day_and_time(asked_start)
    elif asked := parse_day(request.GET.get("date", "")):
        initial["day"] = asked
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
            booking_admin.message_user(
                request,
                f"Moved {moved.reference} to "
                f"{clinic_datetime(moved.start, selectors.clinic_zone())} with "
                f"{moved.therapist.display_name}.{told}",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
    shown_day = form.cleaned_data.get("day") if form.is_bound and form.is_valid() else None
    shown_day = shown_day or initial["day"]
    free = [
        timezone.localtime(slot.start, selectors.clinic_zone())
        for slot in staff_free_starts(
            technique=booking.technique,
            length_minutes=booking.length_minutes,
            therapist_id=booking.therapist_id,
            day=shown_day,
            now=timezone.now(),
            leaving_out=booking.pk,
        )
    ]
    context = admin_context(request, booking_admin, f"Move {booking.reference}")
    context |= {
        "booking": booking,
        "form": form,
        "free_times": free,
        "shown_day": shown_day,
        "free_base": f"?date={shown_day:%Y-%m-%d}&",
        "change_url": change_url,
        "original": booking,
    }
    return no_store(render(request, "admin/bookings/booking/move.html", context))


def cancel_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int
) -> HttpResponse:
    """Ask before cancelling, with an optional reason kept on the booking."""
    booking = _booking_for(request, booking_admin, booking_id)
    change_url = reverse("admin:bookings_booking_change", args=[booking.pk])
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_booking(
                booking=booking, reason=form.cleaned_data["reason"], by=_staff_user(request)
            )
        except BookingError as error:
            booking_admin.message_user(request, error.message, messages.ERROR)
        else:
            booking_admin.message_user(request, f"Cancelled {booking.reference}.", messages.SUCCESS)
        return HttpResponseRedirect(change_url)
    context = admin_context(request, booking_admin, f"Cancel {booking.reference}?")
    context |= {
        "bookings": [booking],
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
        form = CancelForm(request.POST)
        if form.is_valid():
            done = 0
            for booking in bookings:
                try:
                    services.cancel_booking(
                        booking=booking, reason=form.cleaned_data["reason"], by=_staff_user(request)
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
        form = CancelForm()
    context = admin_context(request, booking_admin, "Cancel these bookings?")
    context |= {
        "bookings": bookings,
        "form": form,
        "change_url": reverse("admin:bookings_booking_changelist"),
        "action_url": request.get_full_path(),
        "selected": [str(b.pk) for b in bookings],
    }
    return no_store(render(request, "admin/bookings/booking/cancel.html", context))
