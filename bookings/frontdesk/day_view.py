from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypedDict

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings.booking import courses
from bookings.frontdesk import checkin, day_grid
from bookings.frontdesk.selectors import day_columns
from bookings.frontdesk.staff_scope import staff_scope
from bookings.frontdesk.views import admin_context, parse_day
from bookings.models import Booking, ClinicRules
from bookings.privacy import looks
from bookings.scheduling import selectors
from bookings.waitlist import admin as admin_waitlist
from clinic.display import clinic_date
from clinic.http import no_store


def day_view(request: HttpRequest, booking_admin: admin.ModelAdmin[Booking]) -> HttpResponse:
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
    columns = _with_course_marks(clinic_day.columns)
    rules = ClinicRules.cached().as_rules()
    grid = day_grid.build_day(
        day=day,
        zone=zone,
        step=rules.step,
        columns=columns,
        now=timezone.now(),
        buffer=rules.buffer,
    )
    context = admin_context(request, booking_admin, f"Day of {clinic_date(day, zone)}")
    links = _DayLinks(
        can_add=booking_admin.has_add_permission(request),
        can_check_in=booking_admin.has_change_permission(request),
        now=timezone.now(),
    )
    context |= {
        "grid": grid,
        "closures": clinic_day.closures,
        "rows": [(row, _row_cells(row, grid.columns, links)) for row in grid.rows],
        "lists": [
            (column, [links.block(block) for block in blocks]) for column, blocks in grid.lists
        ],
        "day": day,
        "is_today": day == today,
        "here": request.get_full_path(),
        "error": error,
        "previous_url": f"?date={day - timedelta(days=1):%Y-%m-%d}",
        "next_url": f"?date={day + timedelta(days=1):%Y-%m-%d}",
        "can_add": links.can_add,
        "waiting": admin_waitlist.waiting_on(request, day, scope),
        "to_call": admin_waitlist.to_call_on(request, day, scope),
        "can_book_calls": request.user.has_perm("bookings.add_booking"),
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


def _with_course_marks(columns: Sequence[day_grid.Column]) -> list[day_grid.Column]:
    """The columns with each course session's "3 of 6": one query, and none on a day
    without a course session."""
    in_course = [
        Booking(pk=s.booking_id, course_id=s.course_id)
        for column in columns
        for s in column.sessions
        if s.course_id is not None
    ]
    if not in_course:
        return list(columns)
    marks = courses.course_marks(in_course)
    return [
        replace(
            column,
            sessions=tuple(
                replace(s, course_mark=marks.get(s.booking_id, "")) for s in column.sessions
            ),
        )
        for column in columns
    ]


class _DayLinks:
    """The day view's hundreds of links from two reversed URLs: a template tag per cell
    made the page several times slower (docs/benchmarks.md)."""

    def __init__(self, *, can_add: bool, can_check_in: bool, now: datetime) -> None:
        self.can_add = can_add
        # The scope already narrowed the columns to the sessions this user may change.
        self.can_check_in = can_check_in
        self.now = now
        self.add = reverse("admin:bookings_booking_add")
        self._change = reverse("admin:bookings_booking_change", args=[0])
        self._checkin = reverse("admin:bookings_booking_checkin", args=[0, "arrived"])

    def change(self, booking_id: int) -> str:
        return self._change.replace("/0/", f"/{booking_id}/", 1)

    def block(self, block: day_grid.Block) -> "DayBlock":
        session = block.session
        shown = (
            checkin.buttons(
                status=session.status, start=session.start, arrived=session.arrived, now=self.now
            )
            if self.can_check_in
            else []
        )
        prefix = self._checkin.replace("/0/", f"/{session.booking_id}/", 1)
        return (
            block,
            self.change(session.booking_id),
            tuple((prefix.replace("/arrived/", f"/{step}/"), label) for step, label in shown),
        )

    def book(self, therapist_id: int, start: datetime) -> str:
        local = start.astimezone(selectors.clinic_zone())
        query: dict[str, str | int] = {"therapist": therapist_id, "start": local.isoformat()}
        return f"{self.add}?{urlencode(query)}"


# A session as shown: its block, its page's link, and its check-in buttons (action, label).
DayBlock = tuple[day_grid.Block, str, tuple[tuple[str, str], ...]]


class DayCell(TypedDict):
    """One cell of the grid as `_day_grid.html` shows it, its links already made. A dict,
    not a dataclass: templates look keys up first, and a day has hundreds of cells."""

    kind: day_grid.CellKind
    rowspan: int
    therapist: str
    # The cell's sessions, each with its booking's change link and check-in buttons.
    blocks: tuple[DayBlock, ...]
    # The link that books this free time; empty where staff may not book it.
    book_url: str


def _row_cells(
    row: day_grid.Row, columns: Sequence[day_grid.Column], links: _DayLinks
) -> list[DayCell]:
    return [
        DayCell(
            kind=cell.kind,
            rowspan=cell.rowspan,
            therapist=column.name,
            blocks=tuple(links.block(block) for block in cell.blocks),
            book_url=(
                links.book(column.therapist_id, cell.start)
                if cell.kind == day_grid.CellKind.FREE
                and cell.bookable
                and cell.start
                and links.can_add
                else ""
            ),
        )
        for column, cell in zip(columns, row.cells, strict=True)
        if cell is not None
    ]
