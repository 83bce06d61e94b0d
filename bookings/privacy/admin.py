"""The trail of looks at health data in the admin: superusers only, read-only, per
client (the client page links here) and per staff member.

django-auditlog ships a LogEntry admin that any user given `auditlog.view_logentry`
could read, with a search over entries' texts and changes. It is replaced here by one
that only superusers reach and that shows only access entries, whoever holds which
permission: no role in clinic/roles.py gets any of auditlog's.
"""

from typing import Any, cast

from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import BigIntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString

from bookings.frontdesk.staff_scope import ReadOnlyAdmin
from bookings.models import Booking, Client, TreatmentNote
from bookings.privacy import looks
from bookings.scheduling import selectors
from clinic.display import clinic_datetime

LOOK_LABELS = dict(looks.Look.choices)
CAPPED_COUNT = 10_000


def may_read_the_trail(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


class ClientFilter(admin.SimpleListFilter):
    """`?client=<id>`: the client's looks, those at duplicates merged into them included.
    Not a list of every client: it is reached from the client's page."""

    title = "client"
    parameter_name = "client"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        value = self.value()
        self.ids: list[int] = []
        if value is None:
            return []
        if value.isdigit() and int(value) < 2**63:
            rows = Client.objects.filter(Q(pk=int(value)) | Q(merged_into=int(value)))
            names = dict(rows.values_list("pk", "name"))
            self.ids = list(names)
            # Always a choice when asked: a filter without one is dropped, and the list
            # would show every client's looks.
            return [(value, names.get(int(value), "No such client"))]
        return [(value, "No such client")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() is None:
            return queryset
        # An unknown or mistyped client has no looks: an empty list, not an error page.
        return queryset.filter(additional_data__client__in=self.ids)


class WhatFilter(admin.SimpleListFilter):
    title = "what was opened"
    parameter_name = "what"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(looks.Look.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in LOOK_LABELS:
            return queryset.filter(additional_data__what=self.value())
        return queryset


class StaffFilter(admin.SimpleListFilter):
    """`?actor__id__exact=<id>`, as the library's filter was. The choices are the staff
    accounts, not a DISTINCT over the whole trail."""

    title = "staff member"
    parameter_name = "actor__id__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        staff = User.objects.filter(is_staff=True).order_by("username")
        return [(str(u.pk), u.get_full_name() or u.get_username()) for u in staff]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value is None:
            return queryset
        if value.isdigit() and int(value) < 2**31:
            return queryset.filter(actor_id=int(value))
        return queryset.none()


class CappedPaginator(Paginator[Any]):
    """Counts at most CAPPED_COUNT + 1 entries: the trail grows by millions, and counting
    them all on every page was most of its cost. Past the cap the last pages are not
    linked; the filters and the search narrow it down."""

    @cached_property
    def count(self) -> int:
        entries = cast(QuerySet[Any], self.object_list)
        counted: int = entries[: CAPPED_COUNT + 1].count()
        return counted


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LookAdmin(ReadOnlyAdmin[LogEntry]):
    list_display = ["when", "staff", "what", "opened", "client"]
    list_display_links = None
    list_filter = [WhatFilter, ClientFilter, StaffFilter]
    list_per_page = 100
    # No date drill-down: its year and month links read MIN/MAX and DISTINCT dates over
    # the whole trail. The search is a booking's reference, looked up by the booking.
    search_fields = ["object_repr"]
    search_help_text = "A booking's reference."
    ordering = ["-timestamp", "-pk"]
    paginator = CappedPaginator
    show_full_result_count = False
    fields = ["timestamp", "actor", "content_type", "object_repr", "additional_data"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_the_trail(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_read_the_trail(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[LogEntry]:
        client_id = Cast(KT("additional_data__client"), BigIntegerField())
        name = Client.objects.filter(pk=OuterRef("client_id")).values("name")[:1]
        entries: QuerySet[LogEntry] = (
            looks.looks()
            .select_related("actor")
            .annotate(client_id=client_id)
            .annotate(client_name=Subquery(name))
        )
        return entries

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[LogEntry], search_term: str
    ) -> tuple[QuerySet[LogEntry], bool]:
        words = search_term.split()
        if not words:
            return queryset, False
        # "ABCD2345" or the entry's own text, "Booking ABCD2345": the last word.
        term = words[-1]
        booking_ids = list(Booking.objects.filter(reference__iexact=term).values("pk"))
        note_ids = TreatmentNote.objects.filter(booking__in=[b["pk"] for b in booking_ids])
        types = ContentType.objects.get_for_models(Booking, TreatmentNote)
        found = queryset.filter(
            Q(content_type=types[Booking], object_id__in=[b["pk"] for b in booking_ids])
            | Q(content_type=types[TreatmentNote], object_id__in=note_ids.values("pk"))
        )
        return found, False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "title": "Looks at health data"}
        return super().changelist_view(request, extra_context)

    @admin.display(description="When", ordering="timestamp")
    def when(self, entry: LogEntry) -> str:
        return clinic_datetime(entry.timestamp, selectors.clinic_zone())

    @admin.display(description="Staff member")
    def staff(self, entry: LogEntry) -> str:
        actor: User | None = entry.actor
        if actor is not None:
            return actor.get_full_name() or actor.get_username()
        return str((entry.additional_data or {}).get("staff", "—"))

    @admin.display(description="What was opened")
    def what(self, entry: LogEntry) -> str:
        return LOOK_LABELS.get(str((entry.additional_data or {}).get("what")), "—")

    @admin.display(description="Which")
    def opened(self, entry: LogEntry) -> str:
        shown: str = entry.object_repr
        # The trail never stores a client's name (erasure scrubs it); the row number
        # means nothing to staff, and the Client column names them while they exist.
        if shown.startswith("Client "):
            return "The client's record"
        return shown

    @admin.display(description="Client")
    def client(self, entry: LogEntry) -> SafeString | str:
        name = getattr(entry, "client_name", None)
        if name is None:
            return "—"
        url = reverse("admin:bookings_client_change", args=[entry.client_id])
        return format_html('<a href="{}">{}</a>', url, name)
