"""The owner's weekly report in the admin, and its CSV download.

BookingAdmin.get_urls adds `urls(self)`, like the other booking pages.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from bookings.frontdesk import owner_report, week_grid
from bookings.frontdesk.forms import parse_day
from bookings.frontdesk.selectors import OwnerWeek, owner_week
from bookings.frontdesk.staff_scope import staff_scope
from bookings.models import Booking
from bookings.scheduling import availability, selectors
from clinic import csv_cells


def urls(booking_admin: admin.ModelAdmin[Booking]) -> list[URLPattern]:
    page = booking_admin.admin_site.admin_view
    return [
        path(
            "week-report/",
            page(week_report_view),
            {"booking_admin": booking_admin},
            name="bookings_booking_week_report",
        )
    ]


def _week(request: HttpRequest, booking_admin: admin.ModelAdmin[Booking]) -> date:
    today = timezone.localdate(timezone=selectors.clinic_zone())
    asked = request.GET.get("week", "")
    if not asked:
        return week_grid.monday_of(today)
    day = parse_day(asked)
    if day is None or not availability.day_in_range(monday := week_grid.monday_of(day)):
        booking_admin.message_user(
            request, "That week could not be read; showing this week.", messages.WARNING
        )
        return week_grid.monday_of(today)
    return monday


def percent(share: Decimal | None) -> str:
    if share is None:
        return "no hours"
    return f"{(share * 100).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


def hours(minutes: int) -> str:
    return f"{Decimal(minutes) / 60:.1f}"


def week_report_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking]
) -> HttpResponse:
    """Front desk and superusers: the figures hold no client's data, but they are the
    business's and the therapists'."""
    if not (staff_scope(request).sees_all and booking_admin.has_view_permission(request)):
        raise PermissionDenied
    monday = _week(request, booking_admin)
    week = owner_week(monday, now=timezone.now())
    if request.GET.get("format") == "csv":
        return _csv(week)
    context = {
        **booking_admin.admin_site.each_context(request),
        "title": f"Week of {monday:%a} {monday.day} {monday:%b %Y}",
        "opts": booking_admin.model._meta,
        "week": week,
        "rows": [_shown(r) for r in week.rows],
        "total": _shown(week.total),
        "previous": (monday - timedelta(days=7)).isoformat(),
        "next": (monday + timedelta(days=7)).isoformat(),
        "monday": monday.isoformat(),
        "monday_day": monday,
    }
    response = render(request, "admin/bookings/booking/week_report.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _shown(row: owner_report.TherapistWeek) -> dict[str, object]:
    return {
        "therapist": row.therapist,
        "sessions": row.sessions,
        "booked_hours": hours(row.booked_minutes),
        "working_hours": hours(row.working_minutes),
        "share": percent(row.share_booked),
        "cancellations": row.cancellations,
        "no_shows": row.no_shows,
        "takings": row.takings,
        "card": row.card,
        "refunded": row.refunded,
        "fees": row.fees,
    }


CSV_HEADER = [
    "Therapist",
    "Sessions",
    "Booked hours",
    "Working hours",
    "Share booked",
    "Cancellations",
    "No-shows",
]


def _csv(week: OwnerWeek) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="week-report-{week.monday.isoformat()}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    writer = csv_cells.writer(response)
    symbol = settings.CLINIC_CURRENCY_SYMBOL
    writer.writerow(
        [
            *CSV_HEADER,
            f"Paid by card ({symbol})",
            f"Refunded ({symbol})",
            f"Fees ({symbol})",
            f"At the clinic, list price ({symbol})",
        ]
    )
    for row in [*week.rows, week.total]:
        shown = _shown(row)
        writer.writerow(
            [
                shown["therapist"],
                shown["sessions"],
                shown["booked_hours"],
                shown["working_hours"],
                shown["share"],
                shown["cancellations"],
                shown["no_shows"],
                f"{row.card:.2f}",
                f"{row.refunded:.2f}",
                f"{row.fees:.2f}",
                f"{row.takings:.2f}",
            ]
        )
    return response
