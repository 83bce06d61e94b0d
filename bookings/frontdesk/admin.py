from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from bookings.booking import attendance, services
from bookings.booking.errors import BookingError
from bookings.frontdesk import booking_list, checkin, desk_booking, pages, reports, urls, views
from bookings.frontdesk import courses as desk_courses
from bookings.frontdesk.forms import BookingForm
from bookings.frontdesk.staff_scope import TherapistScopedAdmin, staff_scope
from bookings.intake.answers import (
    condition_labels,
    read_back,
    text_check_lines,
    warning_sign_labels,
)
from bookings.messaging.admin import recipient_shown
from bookings.models import (
    Booking,
    Notification,
)
from bookings.privacy import looks
from bookings.records import admin as records_admin
from bookings.records import notes
from bookings.records import services as records_services
from bookings.scheduling import selectors
from clinic.admin import LabelledTabularInline
from clinic.display import clinic_datetime, money, phone_link

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec


def clinic_time(value: datetime | None) -> str:
    return clinic_datetime(value, selectors.clinic_zone())


BookingService = Callable[..., object]


def _bullets(lines: list[str]) -> SafeString | str:
    if not lines:
        return "None"
    return format_html(
        '<ul class="booking-warning-list">{}</ul>',
        format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
    )


class NotificationInline(LabelledTabularInline[Notification, Booking]):
    """The message history of a booking: read-only, the worker writes it."""

    model = Notification
    classes = ["collapse"]
    verbose_name_plural = "Messages to the client"
    extra = 0
    can_delete = False
    fields = (
        "kind",
        "channel",
        "to",
        "status",
        "attempts",
        "scheduled_for",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields
    ordering = ["created_at", "pk"]

    def has_add_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False

    @admin.display(description="Recipient")
    def to(self, obj: Notification) -> str:
        return recipient_shown(obj)


@admin.register(Booking)
class BookingAdmin(TherapistScopedAdmin[Booking]):
    form = BookingForm
    inlines = [NotificationInline]
    list_display = [
        "reference",
        "starts",
        "client_shown",
        "phone",
        "therapist",
        "technique",
        "status_shown",
        "warnings",
    ]
    list_display_links = ["reference", "starts"]
    list_filter = [
        booking_list.WhenFilter,
        booking_list.StatusFilter,
        booking_list.NeedsAttentionFilter,
        "therapist",
        "technique",
    ]
    list_select_related = ["therapist", "technique"]
    # Years of bookings: no second count of the whole table under the filters.
    show_full_result_count = False
    search_fields = ["client_name", "client_email", "=reference"]
    ordering = ["start", "therapist__display_name"]
    actions = [
        "confirm_bookings",
        "cancel_bookings",
        "mark_completed",
        "mark_no_show",
        "resend_confirmation",
        "record_safety_check",
    ]
    readonly_fields = [
        "client_record",
        "reference",
        "status",
        "therapist",
        "technique",
        "length_minutes",
        "price_shown",
        "starts",
        "ends",
        "blocked_until_local",
        "warning_signs",
        "conditions",
        "their_words_checked",
        "advice_acknowledged",
        "warning_acknowledged_at",
        "safety_override_reason",
        "checked_with_client",
        "text_reminders",
        "health_answers",
        "health_consent_at",
        "created_at",
        "booked_by",
        "override_reason",
        "cancelled_at",
        "cancelled_by",
        "cancel_reason",
        "updated_at",
        "arrived_shown",
    ]

    class Media:
        css = {"all": ["css/admin-schedule.css"]}

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet[Booking], search_term: str
    ) -> tuple[models.QuerySet[Booking], bool]:
        term = search_term.strip()
        found = booking_list.phone_search(queryset, term)
        if found is not None:
            return found, False
        return super().get_search_results(request, queryset, term)

    def get_ordering(self, request: HttpRequest) -> Any:
        # The past is read from the most recent backwards.
        if request.GET.get(booking_list.WhenFilter.parameter_name) == "past":
            return ["-start", "therapist__display_name"]
        return super().get_ordering(request)

    def may_see_health_answers(self, request: HttpRequest, obj: Booking) -> bool:
        return staff_scope(request).allows(obj.therapist_id) and self.has_view_permission(
            request, obj
        )

    def get_fieldsets(self, request: HttpRequest, obj: Booking | None = None) -> "_FieldsetSpec":
        health: _FieldsetSpec = []
        if obj is not None and self.may_see_health_answers(request, obj):
            health = [
                (
                    "Check before starting",
                    {
                        "fields": [
                            "warning_signs",
                            "conditions",
                            "their_words_checked",
                            "advice_acknowledged",
                            "warning_acknowledged_at",
                            "safety_override_reason",
                            "checked_with_client",
                        ],
                        "description": "Kept with every booking, consent or not: needed to "
                        "treat safely. Go through them with the client, then press "
                        "“Checked with the client” at the top of the page.",
                    },
                ),
                (
                    "Health answers",
                    {"classes": ["collapse"], "fields": ["health_answers", "health_consent_at"]},
                ),
            ]
        # Who, what and when are at the top of the page with the day's buttons
        # (change_form.html); the client's details and the safety facts come first here,
        # the rest folds away.
        return [
            (
                "Client",
                {
                    "fields": [
                        "client_record",
                        "client_name",
                        "client_email",
                        "client_phone",
                        "text_reminders",
                    ]
                },
            ),
            *health,
            (
                "Session details",
                {
                    "classes": ["collapse"],
                    "fields": [
                        "reference",
                        "status",
                        "therapist",
                        "technique",
                        "length_minutes",
                        "price_shown",
                        "starts",
                        "ends",
                        "blocked_until_local",
                        "arrived_shown",
                    ],
                    "description": "Time and therapist cannot be edited here, so no clash can "
                    "slip in: use Move, which checks the new time.",
                },
            ),
            (
                "Record",
                {
                    "classes": ["collapse"],
                    "fields": [
                        "created_at",
                        "booked_by",
                        "override_reason",
                        "cancelled_at",
                        "cancelled_by",
                        "cancel_reason",
                        "updated_at",
                    ],
                },
            ),
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Front desk books phone and walk-in clients on their own page, through
        # book_session, which checks hours and clashes; therapists do not add.
        return super().has_add_permission(request) and staff_scope(request).sees_all

    def add_view(
        self,
        request: HttpRequest,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return desk_booking.staff_booking_view(request, self)

    def has_delete_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        # Cancel instead, so the history stays; only a superuser erases a booking.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    @admin.action(description="Resend the confirmation email", permissions=["change"])
    def resend_confirmation(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._apply(
            request, queryset, services.resend_confirmation, "queued for a new confirmation email"
        )

    @admin.display(description="Start", ordering="start")
    def starts(self, obj: Booking) -> str:
        return clinic_time(obj.start)

    @admin.display(description="End", ordering="end")
    def ends(self, obj: Booking) -> str:
        return clinic_time(obj.end)

    @admin.display(description="Room free again (after the buffer)")
    def blocked_until_local(self, obj: Booking) -> str:
        return clinic_time(obj.blocked_until)

    @admin.display(description="Arrived")
    def arrived_shown(self, obj: Booking) -> str:
        return clinic_time(obj.arrived_at) if obj.arrived_at else "Not yet"

    @admin.display(description="Client's record")
    def client_record(self, obj: Booking) -> str:
        if obj.client_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:bookings_client_change", args=[obj.client_id]),
            "Open the client's record (all their sessions)",
        )

    @admin.display(description="Client", ordering="client_name")
    def client_shown(self, obj: Booking) -> str:
        # The name given for this booking; the `client` field is the person's record.
        return obj.client_name

    @admin.display(description="Phone")
    def phone(self, obj: Booking) -> str:
        return phone_link(obj.client_phone)

    @admin.display(description="Text reminders")
    def text_reminders(self, obj: Booking) -> str:
        return "Yes, the client asked for them" if obj.sms_opt_in else "No"

    @admin.display(description="Safety")
    def warnings(self, obj: Booking) -> SafeString | str:
        labels = warning_sign_labels(obj.warning_flags)
        # Risk factors and cautions travel as confirmed advice; an override as its reason.
        if obj.acknowledged_advice and not labels:
            labels.append("Advice confirmed: check before starting")
        if obj.safety_override_reason:
            labels.append("Clinical override")
        if not labels:
            return ""
        return format_html('<span class="booking-warning">⚠ {}</span>', "; ".join(labels))

    @admin.display(description="Status", ordering="status")
    def status_shown(self, obj: Booking) -> SafeString | str:
        if obj.pk in booking_list.needing_attention():
            return format_html(
                '{}<br><span class="needs-attention">⚠ Needs attention</span>',
                obj.get_status_display(),
            )
        return obj.get_status_display()

    @admin.display(description="Price")
    def price_shown(self, obj: Booking) -> str:
        return money(obj.price)

    @admin.display(description="Warning signs from the intake")
    def warning_signs(self, obj: Booking) -> SafeString | str:
        return _bullets(warning_sign_labels(obj.warning_flags))

    @admin.display(description="Health conditions")
    def conditions(self, obj: Booking) -> SafeString | str:
        return _bullets(condition_labels(obj.health_conditions))

    @admin.display(description="Their own words, asked and answered “no”")
    def their_words_checked(self, obj: Booking) -> SafeString | str:
        return _bullets(text_check_lines(obj.text_checks))

    @admin.display(description="Advice and cautions they confirmed reading")
    def advice_acknowledged(self, obj: Booking) -> SafeString | str:
        advice = obj.acknowledged_advice if isinstance(obj.acknowledged_advice, list) else []
        return _bullets([str(line) for line in advice])

    @admin.display(description="Checked with the client")
    def checked_with_client(self, obj: Booking) -> str:
        if obj.safety_checked_at is None:
            return "Not yet"
        by = obj.safety_checked_by
        who = (by.get_full_name() or by.get_username()) if by is not None else "a former user"
        return f"{clinic_time(obj.safety_checked_at)}, by {who}"

    @admin.action(
        description="Record: safety facts checked with the client (your own sessions)",
        permissions=["change"],
    )
    def record_safety_check(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        now = timezone.now()

        def record(*, booking: Booking) -> object:
            return attendance.record_safety_check(booking=booking, by=request.user, now=now)

        self._apply(request, queryset, record, "recorded as checked with the client")

    @admin.display(description="Answers")
    def health_answers(self, obj: Booking) -> SafeString | str:
        if not isinstance(obj.intake_answers, dict):
            return "Not kept: the client did not consent to keeping their answers."
        return format_html(
            '<dl class="intake-answers">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", read_back(obj.intake_answers)),
        )

    def _apply(
        self,
        request: HttpRequest,
        queryset: models.QuerySet[Booking],
        service: BookingService,
        done: str,
    ) -> None:
        succeeded = 0
        for booking in queryset:
            if not self.has_change_permission(request, booking):
                continue
            try:
                service(booking=booking)
            except BookingError as error:
                self.message_user(request, f"{booking.reference}: {error.message}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            noun = "booking" if succeeded == 1 else "bookings"
            self.message_user(request, f"{succeeded} {noun} {done}.", messages.SUCCESS)

    @admin.action(description="Confirm the selected bookings again", permissions=["change"])
    def confirm_bookings(self, request: HttpRequest, queryset: models.QuerySet[Booking]) -> None:
        self._apply(request, queryset, services.reinstate_booking, "confirmed")

    @admin.action(description="Cancel the selected bookings…", permissions=["change"])
    def cancel_bookings(
        self, request: HttpRequest, queryset: models.QuerySet[Booking]
    ) -> HttpResponse | None:
        return views.cancel_selected(self, request, queryset)

    @admin.action(description="Mark the selected sessions as completed", permissions=["change"])
    def mark_completed(self, request: HttpRequest, queryset: models.QuerySet[Booking]) -> None:
        self._apply(request, queryset, attendance.mark_completed, "marked as completed")

    @admin.action(description="Mark the selected sessions as no-show", permissions=["change"])
    def mark_no_show(self, request: HttpRequest, queryset: models.QuerySet[Booking]) -> None:
        self._apply(request, queryset, attendance.mark_no_show, "marked as no-show")

    def get_urls(self) -> list[URLPattern]:
        return [
            *pages.urls(self),
            *urls.urls(self),
            *checkin.urls(self),
            *reports.urls(self),
            *records_admin.urls(self),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        booking = self.get_object(request, object_id)
        shows_health = booking is not None and self.may_see_health_answers(request, booking)
        extra_context = {
            **(extra_context or {}),
            "may_write_note": booking is not None and notes.may_write_note(request.user, booking),
            "may_write_home_care": booking is not None
            and records_services.may_write_home_care(request.user, booking, now=timezone.now()),
            **checkin.page_context(request, self, booking),
            **desk_courses.page_context(request, self, booking),
        }
        response = super().change_view(request, object_id, form_url, extra_context)
        if shows_health and request.method == "GET" and response.status_code == 200:
            # Every look at intake answers and safety facts is on the record.
            looks.record_look(user=request.user, opened=booking, now=timezone.now())
            response["Cache-Control"] = "private, no-store"
        return response

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "shows_client_data": staff_scope(request).sees_all,
        }
        with booking_list.attention_for_this_page():
            response = super().changelist_view(request, extra_context)
            # The rows ask while the template renders: render while the page's set lives.
            if isinstance(response, TemplateResponse):
                response.render()
                page = (response.context_data or {}).get("cl")
                if request.method == "GET" and page is not None:
                    # The Safety column names the warning signs: a look each.
                    looks.record_marks(
                        user=request.user,
                        bookings=page.result_list,
                        page=looks.Look.MARK_LIST,
                        now=timezone.now(),
                    )
            return response
