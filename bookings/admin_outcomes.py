"""The clinical leads' outcomes report, in the admin as the "Outcomes" page.

The OutcomeRequest admin has no list or change pages of rows: its only page is the
report, figures over many clients, each with its N. A single answer stays out of sight
here; therapists read their clients' scores on the client page.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from . import selectors
from .models import OutcomeRequest
from .outcome_report import MIN_CLIENTS, outcome_report
from .staff_scope import ReadOnlyAdmin


def may_read_the_report(request: HttpRequest) -> bool:
    """Clinical leads and superusers. A permission, not a group lookup: the admin asks
    on every page (its app list), and permissions are read once per request."""
    user = request.user
    return user.is_active and user.is_staff and user.has_perm("bookings.report_outcomerequest")


@admin.register(OutcomeRequest)
class OutcomeRequestAdmin(ReadOnlyAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_the_report(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and may_read_the_report(request)

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        page = self.admin_site.admin_view(self.changelist_view)
        return [path("", page, name=f"{info[0]}_{info[1]}_changelist")]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not may_read_the_report(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Outcomes: how pain changed after sessions",
            "opts": self.opts,
            "report": outcome_report(selectors.session_outcomes()),
            "min_clients": MIN_CLIENTS,
        }
        response = render(request, "admin/bookings/outcomerequest/report.html", context)
        response["Cache-Control"] = "private, no-store"
        return response
