"""The outcomes pages of the admin: the clinical leads' report ("Outcomes") and the
Review list of clients whose answers say the plan needs another look.

The OutcomeRequest admin has no list or change pages of rows: its only page is the
report, figures over many clients, each with its N. A single answer stays out of sight
there; therapists read their clients' scores on the client page. The Review list is
for therapists (the clients in their care) and clinical leads (every client); front
desk and content editors read no outcome answers, so neither page is theirs.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from bookings.frontdesk.staff_scope import ReadOnlyAdmin
from bookings.models import OutcomeRequest
from bookings.privacy import looks
from bookings.records import responders, selectors
from bookings.records.access import health_data_rule
from bookings.records.outcome_figures import COUNTED_SECONDS, counted_figures
from bookings.records.outcome_report import MIN_CLIENTS
from catalog.vocabulary import AREAS
from clinic.http import no_store


def may_read_reviews(request: HttpRequest) -> bool:
    user = request.user
    rule = health_data_rule(user)
    return bool(
        user.is_active
        and user.is_staff
        and user.has_perm("bookings.view_outcomerequest")
        and (rule.whole or not rule.desk)
    )


def review_view(request: HttpRequest, admin_site: admin.AdminSite) -> HttpResponse:
    if not may_read_reviews(request):
        raise PermissionDenied
    now = timezone.now()
    rule = health_data_rule(request.user)
    flagged = selectors.clients_to_review(readable=rule.outcomes(), now=now)
    # Each listed client's scores were shown: a look at their health data, on the trail.
    looks.record_client_looks(
        user=request.user,
        client_ids=[p.client_id for p in flagged],
        what=looks.Look.CLIENT_OUTCOMES,
        now=now,
    )
    context = {
        **admin_site.each_context(request),
        "title": "Review: clients not getting better",
        "flagged": flagged,
        "review_after": responders.REVIEW_AFTER,
        "episode_days": selectors.EPISODE_DAYS,
        "whole": rule.whole,
    }
    return no_store(render(request, "admin/bookings/client/review.html", context))


def may_read_the_report(request: HttpRequest) -> bool:
    """Clinical leads and superusers. A permission, not a group lookup: the admin asks
    on every page (its app list), and permissions are read once per request."""
    user = request.user
    return user.is_active and user.is_staff and user.has_perm("bookings.report_outcomerequest")


@admin.register(OutcomeRequest)
class OutcomeRequestAdmin(ReadOnlyAdmin[OutcomeRequest]):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_the_report(request)

    def has_view_permission(self, request: HttpRequest, obj: OutcomeRequest | None = None) -> bool:
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
        figures, counted_at = counted_figures(
            area_labels={code: AREAS.label_of(code) for code in AREAS.codes}
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Outcomes: how pain changed after sessions",
            "opts": self.opts,
            "report": figures.report,
            "min_clients": MIN_CLIENTS,
            "rates": {
                "by_technique": figures.rates_by_technique,
                "by_area": figures.rates_by_area,
            },
            "review_after": responders.REVIEW_AFTER,
            "counted_at": counted_at,
            "counted_minutes": COUNTED_SECONDS // 60,
        }
        response = render(request, "admin/bookings/outcomerequest/report.html", context)
        response["Cache-Control"] = "private, no-store"
        return response
