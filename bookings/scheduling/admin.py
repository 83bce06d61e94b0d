from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from bookings.booking import services
from bookings.frontdesk.admin import clinic_time
from bookings.frontdesk.staff_scope import TherapistScopedAdmin, staff_scope
from bookings.models import ClinicClosure, ClinicRules, Therapist, TimeOff, WorkingHours
from bookings.scheduling import availability, clash_listing
from bookings.scheduling.step_cache import diary_changed
from clinic.admin import LabelledTabularInline

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class WorkingHoursInline(LabelledTabularInline[WorkingHours, Therapist]):
    model = WorkingHours
    form = clash_listing.WorkingHoursInlineForm
    formset = clash_listing.WorkingHoursFormSet
    extra = 0
    ordering = ["weekday", "start_time", "valid_from"]


class TimeOffInline(LabelledTabularInline[TimeOff, Therapist]):
    model = TimeOff
    formset = clash_listing.TimeOffFormSet
    extra = 0
    ordering = ["-start"]


class TherapistForm(forms.ModelForm[Therapist]):
    class Meta:
        model = Therapist
        fields = ["user", "display_name", "bio", "techniques", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.fields.get("user")
        if isinstance(user, forms.ModelChoiceField):
            # Active staff logins nobody is linked to yet (never a superuser's), and
            # the therapist's own when editing.
            free = Q(is_active=True, is_staff=True, is_superuser=False, therapist__isnull=True)
            user.queryset = (
                get_user_model()
                .objects.filter(free | Q(pk=self.instance.user_id))
                .order_by("username")
            )
            user.help_text = "Active staff logins not linked to a therapist yet."


@admin.register(Therapist)
class TherapistAdmin(clash_listing.ClashListingAdmin[Therapist], TherapistScopedAdmin[Therapist]):
    form = TherapistForm
    therapist_lookup = "pk"
    list_display = ["display_name", "is_active", "techniques_offered"]
    list_filter = ["is_active", "techniques"]
    search_fields = ["display_name"]
    inlines = [WorkingHoursInline, TimeOffInline]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    actions = ["issue_new_calendar_link"]

    def therapist_id_of(self, obj: Therapist) -> int | None:
        return obj.pk

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Therapist]:
        return super().get_queryset(request).prefetch_related("techniques")

    def has_change_permission(self, request: HttpRequest, obj: Therapist | None = None) -> bool:
        # Therapists keep their own name, bio, hours and time off up to date;
        # what they offer and whether they take bookings is front desk's call.
        if (
            obj is not None
            and staff_scope(request).is_own(obj.pk)
            and self.has_view_permission(request, obj)
        ):
            return True
        return super().has_change_permission(request, obj)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Therapist | None = None
    ) -> tuple[str, ...]:
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

    @admin.display(description="Techniques")
    def techniques_offered(self, obj: Therapist) -> str:
        return ", ".join(t.name for t in obj.techniques.all())


@admin.register(WorkingHours)
class WorkingHoursAdmin(
    clash_listing.ClashListingAdmin[WorkingHours], TherapistScopedAdmin[WorkingHours]
):
    form = clash_listing.WorkingHoursForm
    delete_confirmation_template = "admin/bookings/workinghours/delete_confirmation.html"
    list_display = ["therapist", "weekday", "start_time", "end_time", "valid_from", "valid_until"]
    list_filter = ["therapist", "weekday"]
    list_select_related = ["therapist"]
    ordering = ["therapist__display_name", "weekday", "start_time"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Deleting hours may leave bookings outside them: one row at a time, through
        # the page that lists those bookings first.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        hours = self.get_object(request, object_id)
        clashes = clash_listing.deletion_clashes(hours, timezone.now())
        return super().delete_view(
            request, object_id, {**(extra_context or {}), "schedule_clashes": clashes}
        )


def _drill_down_out_of_range(request: HttpRequest, field: str) -> HttpResponse | None:
    """The date drill-down (`date_hierarchy`) for years the site works in: Django adds a
    day or a month to the one asked for, which overflows at year 9999. Out of range, the
    list says its filter was wrong, as Django does for other bad filters."""
    year = request.GET.get(f"{field}__year")
    if year is None or (
        year.isdigit() and availability.EARLIEST_YEAR <= int(year) <= availability.LATEST_YEAR
    ):
        return None
    return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")


@admin.register(TimeOff)
class TimeOffAdmin(clash_listing.ClashListingAdmin[TimeOff], TherapistScopedAdmin[TimeOff]):
    form = clash_listing.TimeOffForm
    list_display = ["therapist", "starts", "ends", "reason"]
    list_filter = ["therapist"]
    list_select_related = ["therapist"]
    date_hierarchy = "start"
    ordering = ["-start"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        refused = _drill_down_out_of_range(request, "start")
        return refused or super().changelist_view(request, extra_context)

    @admin.display(description="From", ordering="start")
    def starts(self, obj: TimeOff) -> str:
        return clinic_time(obj.start)

    @admin.display(description="Until", ordering="end")
    def ends(self, obj: TimeOff) -> str:
        return clinic_time(obj.end)


@admin.register(ClinicClosure)
class ClinicClosureAdmin(clash_listing.ClashListingAdmin[ClinicClosure]):
    form = clash_listing.ClinicClosureForm
    list_display = ["reason", "start_date", "end_date"]
    date_hierarchy = "start_date"
    ordering = ["-start_date"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        refused = _drill_down_out_of_range(request, "start_date")
        return refused or super().changelist_view(request, extra_context)


@admin.register(ClinicRules)
class ClinicRulesAdmin(admin.ModelAdmin[ClinicRules]):
    list_display = ["__str__", "buffer_minutes", "min_notice_minutes", "slot_step_minutes"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not ClinicRules.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: ClinicRules | None = None) -> bool:
        return False

    def message_user(
        self,
        request: HttpRequest,
        message: "StrOrPromise",
        level: int | str = messages.INFO,
        extra_tags: str = "",
        fail_silently: bool = False,
    ) -> None:
        # The one thing saved here: plain words, not Django's "The clinic rules
        # “Clinic rules” was changed successfully."
        if level == messages.SUCCESS:
            message = "Clinic rules saved."
        super().message_user(request, message, level, extra_tags, fail_silently)

    def save_model(self, request: HttpRequest, obj: ClinicRules, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The booking pages read the cached copy: the next one must see this edit.
        obj.remember()
        diary_changed()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rules = ClinicRules.load()
        return HttpResponseRedirect(reverse("admin:bookings_clinicrules_change", args=[rules.pk]))
