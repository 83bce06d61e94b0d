from django.contrib import admin, messages
from django.http import HttpRequest

from bookings.frontdesk.staff_scope import staff_scope
from bookings.messaging import notifications
from bookings.models import Notification, NotificationChannel, WorkerHeartbeat
from bookings.models.messages import NotificationQuerySet
from clinic.display import national_phone


def recipient_shown(notification: Notification) -> str:
    """An email address as it is; a text's number as staff dial it."""
    if notification.channel == NotificationChannel.SMS:
        return national_phone(notification.recipient)
    return notification.recipient


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    """Every message across bookings, so failed ones (and ones whose delivery is
    unknown) are easy to find and send again."""

    list_display = [
        "booking",
        "kind",
        "channel",
        "to",
        "status",
        "attempts",
        "scheduled_for",
    ]
    list_filter = ["status", "kind", "channel"]
    list_select_related = ["booking"]
    # Newest first (the index on created_at serves it), and no count of a million rows
    # beside the filtered one.
    ordering = ["-created_at", "-pk"]
    show_full_result_count = False
    readonly_fields = ["to" if f.name == "recipient" else f.name for f in Notification._meta.fields]
    fields = tuple(readonly_fields)
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Recipient", ordering="recipient")
    def to(self, obj: Notification) -> str:
        return recipient_shown(obj)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("bookings.change_booking") and staff_scope(request).sees_all

    @admin.action(
        description="Send the selected failed or “delivery unknown” messages again",
        permissions=["resend"],
    )
    def send_again(self, request: HttpRequest, queryset: NotificationQuerySet) -> None:
        queued = sum(
            notifications.send_again(notification) is not None
            for notification in queryset.needing_staff()
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
class WorkerHeartbeatAdmin(admin.ModelAdmin[WorkerHeartbeat]):
    """When each email worker last went round its loop (it beats every few seconds)."""

    list_display = ["worker_id", "hostname", "started_at", "last_seen"]
    readonly_fields = ["worker_id", "hostname", "started_at", "last_seen"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
