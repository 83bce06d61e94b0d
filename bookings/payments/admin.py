"""Money in the admin: read-only. Rows are written by the payment services alone."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bookings.models import BookingCheckout, Payment, StripeEvent
from bookings.payments import selectors


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnly, admin.ModelAdmin[Payment]):
    list_display = ["at", "booking", "kind", "outcome", "amount", "card_last4", "by"]
    list_filter = ["kind", "outcome"]
    search_fields = ["booking__reference", "stripe_id"]
    date_hierarchy = "at"
    list_select_related = ["booking", "by"]

    @admin.display(description="amount")
    def amount(self, obj: Payment) -> str:
        return selectors.show(obj.amount_minor)


@admin.register(BookingCheckout)
class BookingCheckoutAdmin(ReadOnly, admin.ModelAdmin[BookingCheckout]):
    list_display = ["booking", "policy", "state", "hold_until", "card_last4"]
    list_filter = ["state", "policy"]
    search_fields = ["booking__reference"]
    list_select_related = ["booking"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnly, admin.ModelAdmin[StripeEvent]):
    list_display = ["received_at", "type", "event_id", "handled_at"]
    search_fields = ["event_id", "object_id"]
