from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from clinic.admin import LabelledTabularInline
from clinic.roles import FRONT_DESK

from . import notifications, privacy, services, week_grid
from .intake import (
    Area,
    Condition,
    Duration,
    Feeling,
    Frequency,
    IntakeAnswers,
    PressurePreference,
    Trigger,
    WarningSign,
)
from .models import (
    Booking,
    ClinicRules,
    Notification,
    Therapist,
    TimeOff,
    WorkerHeartbeat,
    WorkingHours,
)

# The schedule page accepts any week in this range; anything else is a typo.
EARLIEST_WEEK = date(2000, 1, 3)
LATEST_WEEK = date(2099, 12, 28)


@dataclass(frozen=True)
class StaffScope:
    """Whose schedules and bookings a staff user may see in the admin."""

    sees_all: bool
    therapist: Therapist | None

    def allows(self, therapist_id: int | None) -> bool:
        if self.sees_all:
            return True
        return self.therapist is not None and therapist_id == self.therapist.pk


def staff_scope(request: HttpRequest) -> StaffScope:
    """Superusers and front desk see every therapist; a therapist only themselves.

    Anyone else (even with model permissions) sees no therapist's data: the
    schedules hold clients' names and health answers.
    """
    cached = getattr(request, "_clinic_staff_scope", None)
    if cached is not None:
        return cached
    user = request.user
    if not user.is_authenticated or not user.is_active:
        scope = StaffScope(sees_all=False, therapist=None)
    else:
        scope = StaffScope(
            sees_all=user.is_superuser or user.groups.filter(name=FRONT_DESK).exists(),
            therapist=Therapist.objects.filter(user=user).first(),
        )
    request._clinic_staff_scope = scope  # type: ignore[attr-defined]
    return scope


def clinic_time(value: datetime | None, *, with_day: bool = True) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value, services.clinic_zone())
    # The zone's abbreviation tells the two 01:30s of the autumn clock change apart.
    return local.strftime("%a %d %b %Y, %H:%M %Z" if with_day else "%H:%M %Z")


class TherapistScopedAdmin(admin.ModelAdmin):
    """Rows belong to a therapist; a therapist user reaches only their own."""

    therapist_lookup = "therapist"

    def therapist_id_of(self, obj: Any) -> int | None:
        return obj.therapist_id

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)
        scope = staff_scope(request)
        if scope.sees_all:
            return queryset
        if scope.therapist is None:
            return queryset.none()
        return queryset.filter(**{self.therapist_lookup: scope.therapist.pk})

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        # Someone else's object is "not found", never a redirect that hints it exists.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object.")
        return obj

    def _in_scope(self, request: HttpRequest, obj: Any) -> bool:
        return obj is None or staff_scope(request).allows(self.therapist_id_of(obj))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def get_list_filter(self, request: HttpRequest) -> Sequence[Any]:
        filters = super().get_list_filter(request)
        if staff_scope(request).sees_all:
            return filters
        return [f for f in filters if f != "therapist"]

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "therapist":
            scope = staff_scope(request)
            if not scope.sees_all:
                own = scope.therapist.pk if scope.therapist else None
                kwargs["queryset"] = Therapist.objects.filter(pk=own)
                kwargs["initial"] = own
                kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class WorkingHoursInline(LabelledTabularInline):
    model = WorkingHours
    extra = 0
    ordering = ["weekday", "start_time"]


class TimeOffInline(LabelledTabularInline):
    model = TimeOff
    extra = 0
    ordering = ["-start"]


@admin.register(Therapist)
class TherapistAdmin(TherapistScopedAdmin):
    therapist_lookup = "pk"
    list_display = ["display_name", "is_active", "techniques_offered"]
    list_filter = ["is_active", "techniques"]
    search_fields = ["display_name"]
    inlines = [WorkingHoursInline, TimeOffInline]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    actions = ["issue_new_calendar_link"]

    def therapist_id_of(self, obj: Any) -> int | None:
        return obj.pk

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).prefetch_related("techniques")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Therapists keep their own name, bio, hours and time off up to date;
        # what they offer and whether they take bookings is front desk's call.
        scope = staff_scope(request)
        if (
            obj is not None
            and scope.therapist is not None
            and obj.pk == scope.therapist.pk
            and self.has_view_permission(request, obj)
        ):
            return True
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        if staff_scope(request).sees_all:
            return ("calendar_feed",)
        return ("user", "techniques", "is_active", "calendar_feed")

    @admin.display(description="Calendar feed link")
    def calendar_feed(self, obj: Therapist) -> str:
        if obj.pk is None:
            return "Available once the therapist is saved."
        url = settings.SITE_URL + reverse("bookings:calendar_feed", args=[obj.calendar_token])
        return format_html(
            '<a href="{}">{}</a><br>Add this link to a phone calendar as a subscription. '
            "Keep it private; “Issue a new calendar feed link” replaces it.",
            url,
            url,
        )

    @admin.action(description="Issue a new calendar feed link (the old one stops working)")
    def issue_new_calendar_link(self, request: HttpRequest, queryset: QuerySet[Therapist]) -> None:
        for therapist in queryset:
            services.issue_calendar_link(therapist=therapist)
        self.message_user(request, f"New calendar link issued for {len(queryset)}.")

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Techniques")
    def techniques_offered(self, obj: Therapist) -> str:
        return ", ".join(t.name for t in obj.techniques.all())


@admin.register(WorkingHours)
class WorkingHoursAdmin(TherapistScopedAdmin):
    list_display = ["therapist", "weekday", "start_time", "end_time"]
    list_filter = ["therapist", "weekday"]
    list_select_related = ["therapist"]
    ordering = ["therapist__display_name", "weekday", "start_time"]


@admin.register(TimeOff)
class TimeOffAdmin(TherapistScopedAdmin):
    list_display = ["therapist", "starts", "ends", "reason"]
    list_filter = ["therapist"]
    list_select_related = ["therapist"]
    date_hierarchy = "start"
    ordering = ["-start"]

    @admin.display(description="From", ordering="start")
    def starts(self, obj: TimeOff) -> str:
        return clinic_time(obj.start)

    @admin.display(description="Until", ordering="end")
    def ends(self, obj: TimeOff) -> str:
        return clinic_time(obj.end)


@admin.register(ClinicRules)
class ClinicRulesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "buffer_minutes", "min_notice_minutes", "slot_step_minutes"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not ClinicRules.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ClinicRules, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The booking pages read the cached copy: the next one must see this edit.
        obj.remember()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rules = ClinicRules.load()
        return HttpResponseRedirect(reverse("admin:bookings_clinicrules_change", args=[rules.pk]))


INTAKE_QUESTIONS: list[tuple[str, str, type[models.TextChoices] | None]] = [
    ("areas", "Where it hurts", Area),
    ("duration", "For how long", Duration),
    ("intensity", "How strong (0 to 10)", None),
    ("frequency", "How often", Frequency),
    ("feelings", "What it feels like", Feeling),
    ("triggers", "What brings it on", Trigger),
    ("pressure", "Pressure they prefer", PressurePreference),
    ("conditions", "Health conditions", Condition),
    ("warning_signs", "Warning signs", WarningSign),
    ("description", "In their own words", None),
]


def _label(choices: type[models.TextChoices] | None, value: object) -> str:
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return str(value)


def readable_answers(data: dict[str, Any]) -> list[tuple[str, str]]:
    answers = IntakeAnswers.from_dict(data)
    rows = []
    for name, question, choices in INTAKE_QUESTIONS:
        value = getattr(answers, name)
        if isinstance(value, tuple):
            text = ", ".join(_label(choices, v) for v in value)
        elif value is None or value == "":
            text = ""
        else:
            text = _label(choices, value)
        rows.append((question, text or "Not answered"))
    return rows


def warning_labels(flags: object) -> list[str]:
    if not isinstance(flags, list):
        return []
    return [_label(WarningSign, flag) for flag in flags]


BookingService = Callable[..., object]


class BookingForm(forms.ModelForm):
    class Meta:
        model = Booking
        fields = ["client_name", "client_email", "client_phone"]


class ClientDataForm(forms.Form):
    email = forms.EmailField(label="Client's email address")
    confirm_erase = forms.BooleanField(
        required=False,
        label="I have checked who is asking, and want to erase this client's personal data "
        "(upcoming sessions are cancelled).",
    )


class NotificationInline(LabelledTabularInline):
    """The message history of a booking: read-only, the worker writes it."""

    model = Notification
    extra = 0
    can_delete = False
    fields = ["kind", "recipient", "status", "attempts", "scheduled_for", "sent_at", "last_error"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(TherapistScopedAdmin):
    form = BookingForm
    inlines = [NotificationInline]
    list_display = [
        "starts",
        "therapist",
        "technique",
        "length_minutes",
        "client_name",
        "status",
        "warnings",
        "reference",
    ]
    list_display_links = ["starts", "reference"]
    list_filter = ["therapist", "status", "technique", ("start", admin.DateFieldListFilter)]
    list_select_related = ["therapist", "technique"]
    date_hierarchy = "start"
    search_fields = ["client_name", "client_email", "=reference"]
    ordering = ["start", "therapist__display_name"]
    actions = [
        "confirm_bookings",
        "cancel_bookings",
        "mark_completed",
        "mark_no_show",
        "resend_confirmation",
    ]
    readonly_fields = [
        "reference",
        "status",
        "therapist",
        "technique",
        "length_minutes",
        "price",
        "starts",
        "ends",
        "blocked_until_local",
        "warning_signs",
        "warning_acknowledged_at",
        "health_answers",
        "health_consent_at",
        "created_at",
        "updated_at",
    ]

    class Media:
        css = {"all": ["css/admin-schedule.css"]}

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet, search_term: str
    ) -> tuple[models.QuerySet, bool]:
        # References are typed in upper case from a phone call or an email.
        return super().get_search_results(request, queryset, search_term.strip())

    def may_see_health_answers(self, request: HttpRequest, obj: Booking) -> bool:
        return staff_scope(request).allows(obj.therapist_id) and self.has_view_permission(
            request, obj
        )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[str | None, dict]]:
        fieldsets: list[tuple[str | None, dict]] = [
            (
                "Session",
                {
                    "fields": [
                        "reference",
                        "status",
                        "therapist",
                        "technique",
                        "length_minutes",
                        "price",
                        "starts",
                        "ends",
                        "blocked_until_local",
                    ],
                    "description": "Time and therapist cannot be edited here, so no clash can "
                    "slip in; a session is moved only through rescheduling, which checks the "
                    "new time. Status changes are the actions on the booking list.",
                },
            ),
            ("Client", {"fields": ["client_name", "client_email", "client_phone"]}),
            ("Check before starting", {"fields": ["warning_signs", "warning_acknowledged_at"]}),
        ]
        if obj is not None and self.may_see_health_answers(request, obj):
            fieldsets.append(
                ("Health answers", {"fields": ["health_answers", "health_consent_at"]})
            )
        fieldsets.append(("Record", {"fields": ["created_at", "updated_at"]}))
        return fieldsets

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Bookings come from the booking flow (book_session), which checks hours and clashes.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
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

    @admin.display(description="Blocked until (with buffer)")
    def blocked_until_local(self, obj: Booking) -> str:
        return clinic_time(obj.blocked_until)

    @admin.display(description="Warnings")
    def warnings(self, obj: Booking) -> SafeString | str:
        labels = warning_labels(obj.warning_flags)
        if not labels:
            return ""
        return format_html('<span class="booking-warning">⚠ {}</span>', "; ".join(labels))

    @admin.display(description="Warning signs from the intake")
    def warning_signs(self, obj: Booking) -> SafeString | str:
        labels = warning_labels(obj.warning_flags)
        if not labels:
            return "None"
        return format_html(
            '<ul class="booking-warning-list">{}</ul>',
            format_html_join("", "<li>{}</li>", ((label,) for label in labels)),
        )

    @admin.display(description="Answers")
    def health_answers(self, obj: Booking) -> SafeString | str:
        if not isinstance(obj.intake_answers, dict):
            return "Not kept: the client did not consent to keeping their answers."
        return format_html(
            '<dl class="intake-answers">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", readable_answers(obj.intake_answers)),
        )

    def _apply(
        self,
        request: HttpRequest,
        queryset: models.QuerySet,
        service: BookingService,
        done: str,
    ) -> None:
        succeeded = 0
        for booking in queryset:
            if not self.has_change_permission(request, booking):
                continue
            try:
                service(booking=booking)
            except services.BookingError as error:
                self.message_user(request, f"{booking.reference}: {error.message}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            noun = "booking" if succeeded == 1 else "bookings"
            self.message_user(request, f"{succeeded} {noun} {done}.", messages.SUCCESS)

    @admin.action(description="Confirm the selected bookings again", permissions=["change"])
    def confirm_bookings(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._apply(request, queryset, services.confirm, "confirmed")

    @admin.action(description="Cancel the selected bookings", permissions=["change"])
    def cancel_bookings(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._apply(request, queryset, services.cancel_booking, "cancelled")

    @admin.action(description="Mark the selected sessions as completed", permissions=["change"])
    def mark_completed(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._apply(request, queryset, services.mark_completed, "marked as completed")

    @admin.action(description="Mark the selected sessions as no-show", permissions=["change"])
    def mark_no_show(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._apply(request, queryset, services.mark_no_show, "marked as no-show")

    def get_urls(self) -> list[URLPattern]:
        schedule = path(
            "schedule/",
            self.admin_site.admin_view(self.schedule_view),
            name="bookings_booking_schedule",
        )
        client_data = path(
            "client-data/",
            self.admin_site.admin_view(self.client_data_view),
            name="bookings_booking_client_data",
        )
        return [schedule, client_data, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            **(extra_context or {}),
            "shows_client_data": staff_scope(request).sees_all,
        }
        return super().changelist_view(request, extra_context)

    def client_data_view(self, request: HttpRequest) -> HttpResponse:
        """Front desk answers a client's request to see or erase what the clinic holds.

        POST only for the lookups too: an email address in a query string would end
        up in access logs.
        """
        if not (staff_scope(request).sees_all and self.has_change_permission(request)):
            raise PermissionDenied
        form = ClientDataForm(request.POST or None)
        found = None
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            action = request.POST.get("action")
            if action == "download":
                data = privacy.export_client_data(email=email)
                response = JsonResponse(data, json_dumps_params={"indent": 2})
                response["Content-Disposition"] = 'attachment; filename="client-data.json"'
                response["Cache-Control"] = "no-store"
                return response
            if action == "erase":
                if not form.cleaned_data["confirm_erase"]:
                    form.add_error("confirm_erase", "Tick this box to confirm the erasure.")
                else:
                    count = privacy.erase_client_data(email=email, now=timezone.now())
                    self.message_user(
                        request, f"Erased the personal data of {count} booking(s) for that address."
                    )
                    return HttpResponseRedirect(request.path)
            found = privacy.export_client_data(email=email)["bookings"]
        context = {
            **self.admin_site.each_context(request),
            "title": "A client's data: see or erase",
            "opts": self.model._meta,
            "form": form,
            "found": found,
        }
        return render(request, "admin/bookings/booking/client_data.html", context)

    def schedule_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        scope = staff_scope(request)
        zone = services.clinic_zone()
        monday = week_grid.monday_of(_requested_day(request) or timezone.localdate(timezone=zone))
        start, end = week_grid.week_bounds(monday, zone)

        choices: list[Therapist] = []
        chosen_id = _int_or_none(request.GET.get("therapist", ""))
        if request.GET.get("therapist") and chosen_id is None:
            raise Http404("No such therapist.")
        if scope.sees_all:
            choices = list(Therapist.objects.order_by("display_name"))
            if chosen_id is not None and chosen_id not in {t.pk for t in choices}:
                raise Http404("No such therapist.")
            shown = Therapist.objects.filter(
                **({"pk": chosen_id} if chosen_id is not None else {"is_active": True})
            )
        else:
            own = scope.therapist.pk if scope.therapist else None
            if own is None or chosen_id not in (None, own):
                raise Http404("No such therapist.")
            shown = Therapist.objects.filter(pk=own)

        therapists = shown.order_by("display_name").prefetch_related(
            Prefetch("working_hours", queryset=WorkingHours.objects.order_by("start_time")),
            Prefetch(
                "time_off",
                queryset=TimeOff.objects.filter(start__lt=end, end__gt=start).order_by("start"),
                to_attr="week_time_off",
            ),
            Prefetch(
                "bookings",
                queryset=Booking.objects.active()
                .filter(start__gte=start, start__lt=end)
                .select_related("technique")
                .order_by("start"),
                to_attr="week_bookings",
            ),
        )
        weeks = [(therapist, _week_of(therapist, monday, zone)) for therapist in therapists]
        query = f"&therapist={chosen_id}" if chosen_id is not None else ""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Week of {monday:%A} {monday.day} {monday:%B %Y}",
            "monday": monday,
            "weeks": weeks,
            "choices": choices,
            "chosen_id": chosen_id,
            "previous_url": f"?week={monday - timedelta(days=7):%Y-%m-%d}{query}",
            "next_url": f"?week={monday + timedelta(days=7):%Y-%m-%d}{query}",
            "this_week_url": f"?{query.lstrip('&')}",
        }
        return render(request, "admin/bookings/booking/schedule.html", context)


def _int_or_none(value: str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _requested_day(request: HttpRequest) -> date | None:
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return None
    return day if EARLIEST_WEEK <= day <= LATEST_WEEK else None


def _week_of(therapist: Therapist, monday: date, zone: Any) -> list[week_grid.Day]:
    hours: dict[int, list[tuple[Any, Any]]] = {}
    for wh in therapist.working_hours.all():
        hours.setdefault(wh.weekday, []).append((wh.start_time, wh.end_time))
    time_off = [
        week_grid.Entry(week_grid.Kind.TIME_OFF, off.start, off.end, off.reason or "Time off")
        for off in therapist.week_time_off  # type: ignore[attr-defined]
    ]
    sessions = [
        week_grid.Entry(
            week_grid.Kind.SESSION,
            b.start,
            b.end,
            f"{b.client_name}: {b.technique.name}, {b.length_minutes} min",
            booking_id=b.pk,
            status=b.get_status_display(),
            warning=bool(b.warning_flags),
        )
        for b in therapist.week_bookings  # type: ignore[attr-defined]
    ]
    return week_grid.build_week(
        monday=monday, zone=zone, working_hours=hours, time_off=time_off, sessions=sessions
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Every message across bookings, so failed ones (and ones whose delivery is
    unknown) are easy to find and send again."""

    list_display = ["booking", "kind", "recipient", "status", "attempts", "scheduled_for"]
    list_filter = ["status", "kind"]
    list_select_related = ["booking"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bookings.change_booking") and staff_scope(request).sees_all

    @admin.action(
        description="Send the selected failed or “delivery unknown” messages again",
        permissions=["resend"],
    )
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        queued = sum(
            notifications.send_again(notification) is not None
            for notification in queryset.needing_staff()  # type: ignore[attr-defined]
        )
        skipped = queryset.count() - queued
        self.message_user(request, f"{queued} queued to send again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} left alone: already sent or waiting, or no longer about the "
                "booking as it stands.",
                messages.WARNING,
            )


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """When each email worker last went round its loop (it beats every few seconds)."""

    list_display = ["worker_id", "hostname", "started_at", "last_seen"]
    readonly_fields = ["worker_id", "hostname", "started_at", "last_seen"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
