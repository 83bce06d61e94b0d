from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from clinic.roles import CLINICAL_LEADS

from . import booking_list, phones, selectors
from .models import Client
from .staff_scope import staff_scope


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["name", "phone", "email", "date_of_birth", "staff_notes"]

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        phone = phones.to_e164(raw)
        if phone is None:
            raise forms.ValidationError(
                "Please enter a phone number we can reach, e.g. 07700 900123.", code="invalid"
            )
        return phone

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()


def _is_clinical_lead(request: HttpRequest) -> bool:
    return request.user.groups.filter(name=CLINICAL_LEADS).exists()


def book_again_url(client: Client, history: selectors.ClientHistory) -> str:
    """The front desk's booking page for this client, with their last session's
    technique, length and therapist chosen; the time is left to pick."""
    query: dict[str, int] = {"client": client.pk}
    last = history.last_session
    if last is not None:
        query |= {
            "technique": last.technique_id,
            "length_minutes": last.length_minutes,
            "therapist": last.therapist_id,
        }
    return f"{reverse('admin:bookings_booking_staff_book')}?{urlencode(query)}"


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    form = ClientForm
    change_form_template = "admin/bookings/client/change_form.html"
    list_display = ["name", "phone", "email", "date_of_birth"]
    search_fields = ["name", "email"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["name", "phone", "email", "date_of_birth", "staff_notes", "created_at", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request).filter(merged_into__isnull=True)
        scope = staff_scope(request)
        if scope.sees_all or _is_clinical_lead(request):
            return queryset
        if scope.therapist is None:
            return queryset.none()
        # A therapist reaches the clients they have (or had) a session with.
        return queryset.filter(
            pk__in=models.Subquery(
                selectors.Booking.objects.for_therapist(scope.therapist)
                .filter(client__isnull=False)
                .values("client_id")
            )
        )

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such client.")
        return obj

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet, search_term: str
    ) -> tuple[models.QuerySet, bool]:
        term = search_term.strip()
        digits = booking_list.phone_digits_of(term)
        if digits is not None:
            return booking_list.with_phone_digits(queryset, digits, field="phone"), False
        return super().get_search_results(request, queryset, term)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = dict(extra_context or {})
        client = self.get_object(request, object_id)
        history = selectors.client_history(client.pk, now=timezone.now())
        extra_context |= {
            "history": history,
            "zone": selectors.clinic_zone(),
            "book_again_url": book_again_url(client, history)
            if staff_scope(request).sees_all
            else None,
        }
        response = super().change_view(request, object_id, form_url, extra_context)
        # The page lists a person's sessions: never kept by a browser or proxy.
        response["Cache-Control"] = "private, no-store"
        return response
