"""Home-care plans: the clinic's exercise list in the admin, the therapist's page for
writing a session's plan, and the client's page that shows it behind the booking's
private link (records/services.save_home_care_plan writes and tells the client)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from bookings.booking.errors import BookingError
from bookings.models import Booking, HomeCarePlan, HomeExercise
from bookings.records import services
from clinic.http import no_store, row_by_token


@admin.register(HomeExercise)
class HomeExerciseAdmin(admin.ModelAdmin[HomeExercise]):
    list_display = ["name", "is_active", "display_order"]
    list_editable = ["is_active", "display_order"]
    search_fields = ["name"]
    fields = ["name", "how", "is_active", "display_order"]


class HomeCarePlanForm(forms.Form):
    exercises = forms.ModelMultipleChoiceField(
        queryset=HomeExercise.objects.offered(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Exercises from the clinic's list",
    )
    advice = forms.CharField(
        label="Advice in your words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Written to the client, who reads it at home: what to do, how often, "
        "what to avoid for now.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("exercises") and not cleaned.get("advice", "").strip():
            raise forms.ValidationError("Choose an exercise or write some advice.")
        return cleaned


@admin.register(HomeCarePlan)
class HomeCarePlanAdmin(admin.ModelAdmin[HomeCarePlan]):
    """No list of plans: a plan is written and read from its session's booking page."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        page = self.admin_site.admin_view(self.write_view)
        return [path("booking/<int:booking_id>/", page, name="bookings_homecareplan_write")]

    def write_view(self, request: HttpRequest, booking_id: int) -> HttpResponse:
        booking = get_object_or_404(
            Booking.objects.select_related("therapist", "technique"), pk=booking_id
        )
        now = timezone.now()
        if not services.may_write_home_care(request.user, booking, now=now):
            raise PermissionDenied
        plan = HomeCarePlan.objects.filter(booking=booking).first()
        initial = {"exercises": list(plan.exercises.all()), "advice": plan.advice} if plan else {}
        form = HomeCarePlanForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid() and request.user.is_authenticated:
            try:
                _, told = services.save_home_care_plan(
                    booking=booking,
                    exercises=form.cleaned_data["exercises"],
                    advice=form.cleaned_data["advice"],
                    by=request.user,
                    now=now,
                )
            except BookingError as error:
                form.add_error(None, str(error))
            else:
                if told:
                    done = f"{booking.client_name} has been emailed that it is waiting."
                elif booking.client_email or plan:
                    done = "The client was told about the plan when it was first saved."
                else:
                    done = "The client has no email address: give them a printed copy."
                self.message_user(request, f"Home-care plan saved. {done}", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:bookings_booking_change", args=[booking.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Home-care plan for {booking.client_name}",
            "opts": self.opts,
            "booking": booking,
            "form": form,
            "plan": plan,
        }
        return no_store(render(request, "admin/bookings/homecareplan/write.html", context))


@require_GET
def home_care(request: HttpRequest, token: str) -> HttpResponse:
    """The client's plan, behind their booking's private link: health data, never cached."""
    booking = row_by_token(
        Booking.objects.select_related("therapist", "technique"), "manage_token", token
    )
    plan = HomeCarePlan.objects.filter(booking=booking).first()
    if plan is None:
        raise Http404("No home-care plan for this session.")
    context = {
        "booking": booking,
        "plan": plan,
        "exercises": list(plan.exercises.all()),
        "start": timezone.localtime(booking.start),
    }
    return no_store(render(request, "bookings/home_care.html", context))
