"""The front desk's day in the admin: the clinic's day view, booking a phone or walk-in
client, moving a session and cancelling one with a reason.

BookingAdmin routes its add page here and adds the other pages through `urls(self)`;
each view gets the booking admin, so it shares its permissions and messages.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from catalog.models import Technique

from . import admin_waitlist, availability, day_grid, looks, selectors, services
from .admin_clients import search_clients
from .answers import IntakeAnswers
from .models import Booking, BookingStatus, Client, ClinicRules, Therapist
from .staff_forms import CancelForm, MoveForm, StaffBookingForm, local_day_and_time
from .staff_scope import staff_scope

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)


def urls(booking_admin: admin.ModelAdmin) -> list[URLPattern]:
    page = booking_admin.admin_site.admin_view
    kwargs = {"booking_admin": booking_admin}
    return [
        path("day/", page(day_view), kwargs, name="bookings_booking_day"),
        path("<int:booking_id>/move/", page(move_view), kwargs, name="bookings_booking_move"),
        path("<int:booking_id>/cancel/", page(cancel_view), kwargs, name="bookings_booking_cancel"),
    ]


def _context(request: HttpRequest, booking_admin: admin.ModelAdmin, title: str) -> dict[str, Any]:
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


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


# The day view ---------------------------------------------------------------------


def _parse_day(value: str) -> date | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None


def day_view(request: HttpRequest, booking_admin: admin.ModelAdmin) -> HttpResponse:
    if not booking_admin.has_view_permission(request):
        raise PermissionDenied
    scope = staff_scope(request)
    if not scope.sees_all and scope.therapist is None:
        raise Http404("No such therapist.")
    zone = selectors.clinic_zone()
    today = timezone.localdate(timezone=zone)
    asked = request.GET.get("date", "")
    day = _parse_day(asked) if asked else today
    error = ""
    if day is None:
        error = "That date could not be read: showing today. Please pick a date from the calendar."
        day = today
    therapist_id = None if scope.sees_all or scope.therapist is None else scope.therapist.pk
    clinic_day = selectors.day_columns(day, therapist_id=therapist_id)
    step = timedelta(minutes=ClinicRules.cached().slot_step_minutes)
    grid = day_grid.build_day(
        day=day, zone=zone, step=step, columns=clinic_day.columns, now=timezone.now()
    )
    context = _context(request, booking_admin, f"Day of {day:%A} {day.day} {day:%B %Y}")
    links = _DayLinks(can_add=booking_admin.has_add_permission(request))
    closed = bool(clinic_day.closures)
    context |= {
        "grid": grid,
        "closures": clinic_day.closures,
        "rows": [(row, _row_cells(row, grid.columns, links, closed=closed)) for row in grid.rows],
        "lists": [
            (column, [(block, links.change(block.session.booking_id)) for block in blocks])
            for column, blocks in grid.lists
        ],
        "day": day,
        "is_today": day == today,
        "error": error,
        "previous_url": f"?date={day - timedelta(days=1):%Y-%m-%d}",
        "next_url": f"?date={day + timedelta(days=1):%Y-%m-%d}",
        "can_add": links.can_add,
        "waiting": admin_waitlist.waiting_on(request, day, scope),
        "can_offer": request.user.has_perm("bookings.add_waitlistoffer"),
        "can_add_waiting": request.user.has_perm("bookings.add_waitlistentry"),
    }
    # The warning marks shown tell the viewer a client has warning signs: a look each.
    looks.record_marked(
        user=request.user,
        marked=[
            (session.booking_id, session.reference, session.client_id)
            for column in clinic_day.columns
            for session in column.sessions
            if session.warning
        ],
        page=looks.Look.MARK_DAY,
        now=timezone.now(),
    )
    return _no_store(render(request, "admin/bookings/booking/day.html", context))


class _DayLinks:
    """The day view's hundreds of links from two reversed URLs: a template tag per cell
    made the page several times slower (docs/benchmarks.md)."""

    def __init__(self, *, can_add: bool) -> None:
        self.can_add = can_add
        self.add = reverse("admin:bookings_booking_add")
        self._change = reverse("admin:bookings_booking_change", args=[0])

    def change(self, booking_id: int) -> str:
        return self._change.replace("/0/", f"/{booking_id}/", 1)

    def book(self, therapist_id: int, start: datetime) -> str:
        local = start.astimezone(selectors.clinic_zone())
        query: dict[str, str | int] = {"therapist": therapist_id, "start": local.isoformat()}
        return f"{self.add}?{urlencode(query)}"


def _row_cells(
    row: day_grid.Row, columns: Sequence[day_grid.Column], links: _DayLinks, *, closed: bool
) -> SafeString:
    """One row's cells as HTML (the template renders the rows and their headers).

    Plain strings with every value escaped: format_html per cell was most of the page.
    """
    return mark_safe(  # noqa: S308  (every value below goes through escape())
        "".join(
            _cell(cell, column, row, links, closed=closed)
            for column, cell in zip(columns, row.cells, strict=True)
            if cell is not None
        )
    )


def _cell(
    cell: day_grid.Cell,
    column: day_grid.Column,
    row: day_grid.Row,
    links: _DayLinks,
    *,
    closed: bool,
) -> str:
    rowspan = f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
    if cell.kind == day_grid.CellKind.SESSION:
        inside = "".join(_block(b, links) for b in cell.blocks)
    elif cell.kind == day_grid.CellKind.FREE and cell.bookable and cell.start and links.can_add:
        href = escape(links.book(column.therapist_id, cell.start))
        inside = (
            f'<a class="day-free-link" href="{href}">'
            f'+<span class="visually-hidden"> Book {escape(column.name)} at {escape(row.label)}'
            "</span></a>"
        )
    else:
        inside = CELL_TEXT[cell.kind].format("Closed" if closed else "Away")
    return f'<td class="day-{cell.kind}"{rowspan}>{inside}</td>'


CELL_TEXT = {
    day_grid.CellKind.FREE: '<span class="visually-hidden">Free</span>',
    day_grid.CellKind.TIME_OFF: '<span class="day-label">{}</span>',
    day_grid.CellKind.BUFFER: '<span class="visually-hidden">Buffer after a session</span>',
    day_grid.CellKind.CLOSED: '<span class="visually-hidden">Not working</span>',
}
WARNING_MARK = (
    ' <span class="booking-warning" title="Check the safety answers first">⚠'
    '<span class="visually-hidden"> Check the safety answers first</span></span>'
)
ATTENTION_MARK = ' <span class="day-attention">Needs attention</span>'


def _block(block: day_grid.Block, links: _DayLinks) -> str:
    session = block.session
    return (
        f'<a class="day-block" href="{escape(links.change(session.booking_id))}">'
        f'<span class="day-when">{escape(block.when)}</span> '
        f"{escape(session.client_first_name)} · {escape(session.technique)}"
        f"{WARNING_MARK if session.warning else ''}"
        f"{ATTENTION_MARK if session.needs_attention else ''}</a>"
    )


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
    elif day := _parse_day(request.GET.get("date", "")):
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
    slots = selectors.staff_free_starts(
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


def staff_booking_view(request: HttpRequest, booking_admin: admin.ModelAdmin) -> HttpResponse:
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
                # Staff asked the two screening questions: the same rules as online.
                intake=IntakeAnswers(
                    warning_signs=tuple(data["warning_signs"]),
                    conditions=tuple(data["conditions"]),
                    screened=True,
                ),
                sms_opt_in=data["sms_opt_in"],
                consent=data["consent"],
                acknowledged_warning=data["told_to_see_doctor"],
                by=_staff_user(request),
                ignore_notice_and_horizon=True,
                outside_hours_reason=data["outside_hours_reason"] if data["outside_hours"] else "",
            )
        except services.BookingError as error:
            form.add_error(None, error.message)
        else:
            local = timezone.localtime(booking.start, selectors.clinic_zone())
            booking_admin.message_user(
                request,
                f"Booked {booking.client_name} with {booking.therapist.display_name} on "
                f"{local:%a %d %b %Y, %H:%M %Z} (reference {booking.reference}).",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(f"{_day_url()}?date={local:%Y-%m-%d}")
    if form.is_bound and request.POST.get("action") != "book":
        # "Show free times" is not a booking yet: only the session's fields may complain.
        for name in [n for n in form.errors if n not in SESSION_FIELDS]:
            del form.errors[name]
    free = _free_times(form)
    link = _free_link(form)
    context = _context(request, booking_admin, "Book a phone or walk-in client")
    context |= {
        "form": form,
        "session_fields": [form[n] for n in SESSION_FIELDS],
        "client_search_fields": [form["client_search"]],
        "client_choice_fields": [form["client"]] if clients else [],
        "client_fields": [
            form[n] for n in ("client_name", "client_phone", "sms_opt_in", "client_email")
        ],
        "safety_fields": [
            form[n] for n in ("warning_signs", "conditions", "told_to_see_doctor", "consent")
        ],
        "override_fields": [form[n] for n in ("outside_hours", "outside_hours_reason")],
        "free_times": free,
        "free_base": f"?{link}&" if link else "?",
        "shown_day": free[0].date() if free else _chosen_day(form),
    }
    return _no_store(render(request, "admin/bookings/booking/staff_book.html", context))


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


def _booking_for(request: HttpRequest, booking_admin: admin.ModelAdmin, booking_id: int) -> Booking:
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
    request: HttpRequest, booking_admin: admin.ModelAdmin, booking_id: int
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
    elif asked := _parse_day(request.GET.get("date", "")):
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
        except services.BookingError as error:
            form.add_error(None, error.message)
        else:
            local = timezone.localtime(moved.start, selectors.clinic_zone())
            told = " The client has been emailed the new time." if moved.client_email else ""
            booking_admin.message_user(
                request,
                f"Moved {moved.reference} to {local:%a %d %b %Y, %H:%M %Z} with "
                f"{moved.therapist.display_name}.{told}",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
    shown_day = form.cleaned_data.get("day") if form.is_bound and form.is_valid() else None
    shown_day = shown_day or initial["day"]
    free = [
        timezone.localtime(slot.start, selectors.clinic_zone())
        for slot in selectors.staff_free_starts(
            technique=booking.technique,
            length_minutes=booking.length_minutes,
            therapist_id=booking.therapist_id,
            day=shown_day,
            now=timezone.now(),
            leaving_out=booking.pk,
        )
    ]
    context = _context(request, booking_admin, f"Move {booking.reference}")
    context |= {
        "booking": booking,
        "form": form,
        "free_times": free,
        "shown_day": shown_day,
        "free_base": f"?date={shown_day:%Y-%m-%d}&",
        "change_url": change_url,
        "original": booking,
    }
    return _no_store(render(request, "admin/bookings/booking/move.html", context))


def cancel_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin, booking_id: int
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
        except services.BookingError as error:
            booking_admin.message_user(request, error.message, messages.ERROR)
        else:
            booking_admin.message_user(request, f"Cancelled {booking.reference}.", messages.SUCCESS)
        return HttpResponseRedirect(change_url)
    context = _context(request, booking_admin, f"Cancel {booking.reference}?")
    context |= {
        "bookings": [booking],
        "form": form,
        "change_url": change_url,
        "original": booking,
        "action_url": request.path,
    }
    return _no_store(render(request, "admin/bookings/booking/cancel.html", context))


def cancel_selected(
    booking_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Booking]
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
                except services.BookingError as error:
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
    context = _context(request, booking_admin, "Cancel these bookings?")
    context |= {
        "bookings": bookings,
        "form": form,
        "change_url": reverse("admin:bookings_booking_changelist"),
        "action_url": request.get_full_path(),
        "selected": [str(b.pk) for b in bookings],
    }
    return _no_store(render(request, "admin/bookings/booking/cancel.html", context))
