from collections.abc import Sequence
from datetime import datetime, timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from bookings.frontdesk import day_grid
from bookings.frontdesk.selectors import day_columns
from bookings.frontdesk.staff_scope import staff_scope
from bookings.frontdesk.views import admin_context, parse_day
from bookings.models import ClinicRules
from bookings.privacy import looks
from bookings.scheduling import selectors
from bookings.waitlist import admin as admin_waitlist
from clinic.http import no_store


def day_view(request: HttpRequest, booking_admin: admin.ModelAdmin) -> HttpResponse:
    if not booking_admin.has_view_permission(request):
        raise PermissionDenied
    scope = staff_scope(request)
    if not scope.sees_all and scope.therapist is None:
        raise Http404("No such therapist.")
    zone = selectors.clinic_zone()
    today = timezone.localdate(timezone=zone)
    asked = request.GET.get("date", "")
    day = parse_day(asked) if asked else today
    error = ""
    if day is None:
        error = "That date could not be read: showing today. Please pick a date from the calendar."
        day = today
    therapist_id = None if scope.sees_all or scope.therapist is None else scope.therapist.pk
    clinic_day = day_columns(day, therapist_id=therapist_id)
    step = timedelta(minutes=ClinicRules.cached().slot_step_minutes)
    grid = day_grid.build_day(
        day=day, zone=zone, step=step, columns=clinic_day.columns, now=timezone.now()
    )
    context = admin_context(request, booking_admin, f"Day of {day:%A} {day.day} {day:%B %Y}")
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
    return no_store(render(request, "admin/bookings/booking/day.html", context))


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
