from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from . import services
from .models import Booking, Notification, Therapist


class NotificationInline(admin.TabularInline):
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


@admin.action(description="Resend the confirmation email")
def resend_confirmation(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Booking]
) -> None:
    sent = 0
    for booking in queryset:
        try:
            services.resend_confirmation(booking=booking)
        except services.BookingError as error:
            modeladmin.message_user(request, f"{booking}: {error.message}", messages.WARNING)
        else:
            sent += 1
    if sent:
        modeladmin.message_user(request, f"Confirmation queued for {sent} booking(s).")


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    # Minimal: the admin branch (issue-4-admin) owns this class; merge the inline and
    # the action into it.
    list_display = ["reference", "client_name", "start", "therapist", "status"]
    list_filter = ["status", "notifications__status"]
    search_fields = ["reference", "client_name", "client_email"]
    inlines = [NotificationInline]
    actions = [resend_confirmation]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Every message across bookings, so failed ones are easy to find."""

    list_display = ["booking", "kind", "recipient", "status", "attempts", "scheduled_for"]
    list_filter = ["status", "kind"]
    list_select_related = ["booking"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.action(description="Issue a new calendar feed link (the old one stops working)")
def issue_new_calendar_link(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Therapist]
) -> None:
    for therapist in queryset:
        services.issue_calendar_link(therapist=therapist)
    modeladmin.message_user(request, f"New calendar link issued for {queryset.count()}.")


def calendar_feed_url(therapist: Therapist) -> str:
    return settings.SITE_URL + reverse("bookings:calendar_feed", args=[therapist.calendar_token])


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):
    # Minimal, as BookingAdmin above.
    list_display = ["display_name", "is_active"]
    readonly_fields = ["calendar_feed"]
    actions = [issue_new_calendar_link]

    @admin.display(description="Calendar feed link")
    def calendar_feed(self, obj: Therapist) -> str:
        if obj.pk is None:
            return "Available once the therapist is saved."
        url = calendar_feed_url(obj)
        return format_html(
            '<a href="{}">{}</a><br>Add this link to a phone calendar as a subscription. '
            "Keep it private; “Issue a new calendar feed link” replaces it.",
            url,
            url,
        )
