"""Treatment notes in the admin: the therapist's form from their booking's page, the
read-only note page (original and amendments)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from catalog.models import Technique
from catalog.vocabulary import AREAS

from . import looks, notes
from .admin_desk import _no_store
from .models import Booking, TreatmentNote
from .staff_scope import ReadOnlyAdmin


def urls(booking_admin: admin.ModelAdmin) -> list[URLPattern]:
    page = booking_admin.admin_site.admin_view
    return [
        path(
            "<int:booking_id>/note/",
            page(note_form_view),
            {"booking_admin": booking_admin},
            name="bookings_booking_note",
        ),
    ]


class TreatmentNoteForm(forms.ModelForm):
    techniques = forms.ModelMultipleChoiceField(
        queryset=Technique.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Techniques used",
    )
    areas = forms.MultipleChoiceField(
        choices=[(c.code, c.label) for c in AREAS.choices],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Areas treated",
    )
    pain_before = forms.IntegerField(
        min_value=0, max_value=10, required=False, label="Pain before (0 to 10)"
    )
    pain_after = forms.IntegerField(
        min_value=0, max_value=10, required=False, label="Pain after (0 to 10)"
    )

    class Meta:
        model = TreatmentNote
        fields = list(notes.NOTE_FIELDS)
        widgets = {field: forms.Textarea(attrs={"rows": 3}) for field in notes.TEXT_FIELDS}


def note_form_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin, booking_id: int
) -> HttpResponse:
    """The session's therapist writes its note; after 24 hours, changes are amendments."""
    booking = Booking.objects.select_related("therapist", "technique").filter(pk=booking_id).first()
    if booking is None or not notes.may_write_note(request.user, booking):
        raise Http404("No such booking.")
    now = timezone.now()
    note = TreatmentNote.objects.select_related("booking").filter(booking=booking).first()
    form = TreatmentNoteForm(request.POST or None, instance=note)
    if note is not None and request.method != "POST":
        looks.record_look(user=request.user, opened=note, now=now)
    amending = note is not None and not notes.is_editable(booking, now=now)
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in notes.NOTE_FIELDS}
        try:
            if amending and note is not None:
                notes.amend_note(note=note, by=request.user, now=now, **values)
            else:
                note = notes.write_note(booking=booking, by=request.user, now=now, **values)
        except notes.NoteError as error:
            form.add_error(None, str(error))
        else:
            booking_admin.message_user(request, "Treatment note saved.", messages.SUCCESS)
            return HttpResponseRedirect(
                reverse("admin:bookings_treatmentnote_change", args=[note.pk])
            )
    context = {
        **booking_admin.admin_site.each_context(request),
        "opts": TreatmentNote._meta,
        "title": f"Treatment note: {booking.reference}",
        "booking": booking,
        "form": form,
        "amending": amending,
        "editable_until": notes.editable_until(booking),
        "change_url": reverse("admin:bookings_booking_change", args=[booking.pk]),
    }
    return _no_store(render(request, "admin/bookings/treatmentnote/write.html", context))


@admin.register(TreatmentNote)
class TreatmentNoteAdmin(ReadOnlyAdmin):
    """Read-only: a note is written and amended from its booking's page."""

    list_display = ["session", "client", "therapist", "written_by", "updated_at"]
    list_select_related = ["booking__therapist", "written_by"]
    fields = ["session", "client", "written_by", "created_at", "updated_at"]
    readonly_fields = ["session", "client", "written_by", "created_at", "updated_at"]

    @admin.display(description="Session")
    def session(self, obj: TreatmentNote) -> str:
        start = timezone.localtime(obj.booking.start)
        return f"{obj.booking.reference}, {start:%a %d %b %Y %H:%M}"

    @admin.display(description="Client")
    def client(self, obj: TreatmentNote) -> str:
        return obj.booking.client_name

    @admin.display(description="Therapist")
    def therapist(self, obj: TreatmentNote) -> str:
        return obj.booking.therapist.display_name

    def get_queryset(self, request: HttpRequest) -> QuerySet[TreatmentNote]:
        return notes.visible_notes(request.user).select_related("booking__therapist", "written_by")

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        note = self.get_object(request, object_id)
        if note is None or not self.has_view_permission(request, note):
            raise Http404("No such note.")
        amendments = list(note.amendments.select_related("by"))
        extra_context = {
            **(extra_context or {}),
            "lines": notes.note_lines(note, amendments),
            "amendments": amendments,
            "may_write": notes.may_write_note(request.user, note.booking),
            "amending": not notes.is_editable(note, now=timezone.now()),
        }
        response = super().change_view(request, object_id, form_url, extra_context)
        if isinstance(response, TemplateResponse):
            response.render()
        looks.record_look(user=request.user, opened=note, now=timezone.now())
        return _no_store(response)
