"""Clients and treatment notes in the admin: the client page (history, pain chart,
notes, merge, data requests) and the note pages. The outcomes pages are in outcomes.py."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings.frontdesk import booking_list
from bookings.frontdesk.staff_scope import ReadOnlyAdmin, staff_scope
from bookings.messaging import phones
from bookings.models import Booking, Client, TreatmentNote
from bookings.privacy import looks
from bookings.privacy import services as privacy_services
from bookings.records import client_pages, notes, outcomes, services
from bookings.records.access import clients_in_care, health_data_rule
from bookings.records.forms import ClientForm
from bookings.records.selectors import (
    ClientHistory,
    client_history,
    shares_a_phone,
)
from bookings.scheduling import selectors
from catalog.models import Technique
from catalog.vocabulary import AREAS
from clinic.display import clinic_datetime, national_phone, phone_link, staff_name
from clinic.http import no_store
from clinic.roles import CLINICAL_LEADS


def search_clients(queryset: QuerySet[Client], term: str) -> QuerySet[Client]:
    """By phone digits when the term looks like a number (spaces and punctuation ignored,
    as in the booking list), else by part of the name or the email."""
    term = term.strip()
    if not term:
        return queryset.none()
    digits = booking_list.phone_digits_of(term)
    if digits is not None:
        # Numbers are stored in E.164: "07700 900123" is looked for as 447700900123.
        whole = phones.to_e164(term) if digits[0] == "0" or term[0] == "+" else None
        return booking_list.with_phone_digits(
            queryset, whole.lstrip("+") if whole else digits, field="phone"
        )
    return queryset.filter(models.Q(name__icontains=term) | models.Q(email__icontains=term))


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        label="Keep this client",
        queryset=Client.objects.none(),
        widget=forms.RadioSelect,
        help_text="Their record stays; every session of the duplicate moves to it.",
    )
    confirm = forms.BooleanField(
        label="I checked these are the same person. Merge them.",
        required=True,
        error_messages={"required": "Tick this box to confirm the merge."},
    )

    def __init__(self, *args: Any, choices: QuerySet[Client], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep: Any = self.fields["keep"]
        keep.queryset = choices
        keep.label_from_instance = lambda c: " · ".join(
            part for part in (c.name, national_phone(c.phone), c.email) if part
        )


class ClientDataForm(forms.Form):
    confirm_erase = forms.BooleanField(
        required=False,
        label="I have checked who is asking, and want to erase this client's personal data "
        "(upcoming sessions are cancelled).",
    )


def _is_clinical_lead(request: HttpRequest) -> bool:
    return request.user.groups.filter(name=CLINICAL_LEADS).exists()


def book_again_url(client: Client, history: ClientHistory) -> str:
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
    return f"{reverse('admin:bookings_booking_add')}?{urlencode(query)}"


class UnconfirmedFilter(admin.SimpleListFilter):
    title = "identity"
    parameter_name = "identity"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [
            ("unconfirmed", "Unconfirmed: same email as another client"),
            ("same_phone", "Possible duplicate: same phone as another client"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Client]) -> QuerySet[Client]:
        if self.value() == "unconfirmed":
            return queryset.filter(same_email_as__isnull=False)
        if self.value() == "same_phone":
            return queryset.filter(shares_a_phone())
        return queryset


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin[Client]):
    form = ClientForm
    change_form_template = "admin/bookings/client/change_form.html"
    change_list_template = "admin/bookings/client/change_list.html"
    list_display = ["name", "phone_shown", "email", "date_of_birth", "identity"]
    list_filter = [UnconfirmedFilter]
    list_select_related = ["same_email_as"]
    show_full_result_count = False
    search_fields = ["name", "email"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["name", "phone", "email", "date_of_birth", "staff_notes", "created_at", "updated_at"]

    def get_urls(self) -> list[URLPattern]:
        page = self.admin_site.admin_view
        return [
            path("<int:client_id>/merge/", page(self.merge_view), name="bookings_client_merge"),
            path("<int:client_id>/data/", page(self.data_view), name="bookings_client_data"),
            path(
                "review/",
                page(outcomes.review_view),
                {"admin_site": self.admin_site},
                name="bookings_client_review",
            ),
            path(
                "<int:client_id>/identity/",
                page(client_pages.identity_view),
                {"client_admin": self},
                name="bookings_client_identity",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Identity")
    def identity(self, obj: Client) -> str:
        return client_pages.unconfirmed(obj)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {**(extra_context or {}), "may_read_reviews": outcomes.may_read_reviews(request)}
        return super().changelist_view(request, extra)

    @admin.display(description="Phone", ordering="phone")
    def phone_shown(self, obj: Client) -> str:
        return phone_link(obj.phone)

    def get_fields(self, request: HttpRequest, obj: Client | None = None) -> Any:
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return ["phone_shown" if name == "phone" else name for name in fields]
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Client | None = None) -> bool:
        # A client leaves through the data page (erasure): deleting meets their bookings.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def _desk_client(self, request: HttpRequest, client_id: int, *, export: bool = False) -> Client:
        """Merging and privacy requests are front desk's (and superusers'); a clinical
        lead also downloads a client's whole record."""
        desk = staff_scope(request).sees_all and self.has_change_permission(request)
        if not (desk or (export and health_data_rule(request.user).whole)):
            raise PermissionDenied
        client = self.get_queryset(request).filter(pk=client_id).first()
        if client is None:
            raise Http404("No such client.")
        return client

    def _page(self, request: HttpRequest, client: Client, title: str) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "original": client,
        }

    def merge_view(self, request: HttpRequest, client_id: int) -> HttpResponse:
        """Merge this client (the duplicate) into one found by a search."""
        duplicate = self._desk_client(request, client_id)
        term = request.GET.get("q", "") or request.POST.get("q", "")
        others = self.get_queryset(request).exclude(pk=duplicate.pk)
        found = search_clients(others, term).order_by("name", "pk")[:20]
        posted = request.POST.get("keep", "")
        choices = others.filter(
            models.Q(pk__in=[c.pk for c in found])
            | models.Q(pk=int(posted) if posted.isdigit() else None)
        ).order_by("name", "pk")
        form = MergeForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            try:
                if not isinstance(request.user, User):
                    raise PermissionDenied
                kept = services.merge_clients(
                    keep=form.cleaned_data["keep"], duplicate=duplicate, by=request.user
                )
            except services.MergeError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request, f"Merged {duplicate.name} into {kept.name}: all sessions moved."
                )
                return HttpResponseRedirect(reverse("admin:bookings_client_change", args=[kept.pk]))
        context = self._page(request, duplicate, f"Merge {duplicate.name} into…")
        context |= {"form": form, "q": term, "history": client_history(duplicate.pk)}
        return no_store(render(request, "admin/bookings/client/merge.html", context))

    def data_view(self, request: HttpRequest, client_id: int) -> HttpResponse:
        """A client's request to see (download) or erase what the clinic holds."""
        client = self._desk_client(request, client_id, export=True)
        may_erase = staff_scope(request).sees_all and self.has_change_permission(request)
        form = ClientDataForm(request.POST or None)
        if request.method == "POST":
            if request.POST.get("action") == "download":
                data = privacy_services.export_client(
                    client=client, reader=request.user, now=timezone.now()
                )
                response = JsonResponse(data, json_dumps_params={"indent": 2})
                response["Content-Disposition"] = (
                    f'attachment; filename="client-{client.pk}-data.json"'
                )
                return no_store(response)
            if request.POST.get("action") == "erase" and not may_erase:
                raise PermissionDenied
            if request.POST.get("action") == "erase" and form.is_valid():
                if not form.cleaned_data["confirm_erase"]:
                    form.add_error("confirm_erase", "Tick this box to confirm the erasure.")
                else:
                    now = timezone.now()
                    kept = notes.retention_notice(client, now=now)
                    count = privacy_services.erase_client(client=client, now=now)
                    self.message_user(
                        request,
                        f"Erased this client's personal data and {count} booking(s). {kept}",
                    )
                    return HttpResponseRedirect(
                        reverse("admin:bookings_client_change", args=[client.pk])
                    )
        context = self._page(request, client, f"{client.name}'s data: see or erase")
        history = client_history(client.pk)
        context |= {
            "form": form,
            "booking_count": len(history.upcoming) + len(history.past),
            "may_erase": may_erase,
        }
        return no_store(render(request, "admin/bookings/client/data.html", context))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Client]:
        queryset = super().get_queryset(request).filter(merged_into__isnull=True)
        scope = staff_scope(request)
        if scope.sees_all or _is_clinical_lead(request):
            return queryset
        if scope.therapist is None:
            return queryset.none()
        # A therapist reaches the clients a confirmed session of theirs links them to
        # (records/access.py): a typed email opens nobody's record.
        return queryset.filter(pk__in=models.Subquery(clients_in_care(request.user)))

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Client:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such client.")
        return obj

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Client], search_term: str
    ) -> tuple[QuerySet[Client], bool]:
        if not search_term.strip():
            return queryset, False
        return search_clients(queryset, search_term), False

    def _kept_for_merged(self, request: HttpRequest, object_id: str) -> HttpResponse | None:
        """An old link to a merged duplicate leads to the record it was merged into, when
        this user may open that one."""
        if not object_id.isdigit():
            return None
        merged = Client.objects.filter(pk=int(object_id), merged_into__isnull=False).first()
        seen: set[int] = set()
        kept = merged
        while kept is not None and kept.merged_into_id is not None and kept.pk not in seen:
            seen.add(kept.pk)
            kept = kept.merged_into
        if merged is None or kept is None or not self.get_queryset(request).filter(pk=kept.pk):
            return None
        self.message_user(
            request,
            f"{merged.name}'s record was merged into this one ({kept.name}): old links lead here.",
            messages.INFO,
        )
        return HttpResponseRedirect(reverse("admin:bookings_client_change", args=[kept.pk]))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = dict(extra_context or {})
        try:
            client = self.get_object(request, object_id)
        except Http404:
            if kept := self._kept_for_merged(request, object_id):
                return kept
            raise
        history = client_pages.with_course_marks(client_history(client.pk, now=timezone.now()))
        desk = staff_scope(request).sees_all and self.has_change_permission(request, client)
        extra_context |= client_pages.page_context(request, self, client) | {
            "history": history,
            "desk": desk,
            # A clinical lead downloads the whole record; front desk has the data page.
            "may_export": not desk and health_data_rule(request.user).whole,
            "zone": selectors.clinic_zone(),
            "book_again_url": book_again_url(client, history)
            if staff_scope(request).sees_all
            else None,
        }
        response = super().change_view(request, object_id, form_url, extra_context)
        # The page lists a person's sessions: never kept by a browser or proxy.
        response["Cache-Control"] = "private, no-store"
        return response


def urls(booking_admin: admin.ModelAdmin[Booking]) -> list[URLPattern]:
    page = booking_admin.admin_site.admin_view
    return [
        path(
            "<int:booking_id>/note/",
            page(note_form_view),
            {"booking_admin": booking_admin},
            name="bookings_booking_note",
        ),
    ]


class TreatmentNoteForm(forms.ModelForm[TreatmentNote]):
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
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking_id: int
) -> HttpResponse:
    """The session's therapist writes its note; after 24 hours, changes are amendments."""
    booking = Booking.objects.select_related("therapist", "technique").filter(pk=booking_id).first()
    if booking is None or not notes.may_write_note(request.user, booking):
        raise Http404("No such booking.")
    now = timezone.now()
    if now < booking.start:
        booking_admin.message_user(request, notes.NOT_STARTED, messages.WARNING)
        return HttpResponseRedirect(reverse("admin:bookings_booking_change", args=[booking.pk]))
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
    return no_store(render(request, "admin/bookings/treatmentnote/write.html", context))


@admin.register(TreatmentNote)
class TreatmentNoteAdmin(ReadOnlyAdmin[TreatmentNote]):
    """Read-only: a note is written and amended from its booking's page."""

    list_display = ["session", "client", "therapist", "writer", "updated_at"]
    list_select_related = ["booking__therapist", "written_by"]
    show_full_result_count = False
    fields = ["session", "client", "writer", "created_at", "updated_at"]
    readonly_fields = ["session", "client", "writer", "created_at", "updated_at"]

    @admin.display(description="Session")
    def session(self, obj: TreatmentNote) -> str:
        when = clinic_datetime(obj.booking.start, selectors.clinic_zone())
        return f"{obj.booking.reference}, {when}"

    @admin.display(description="Written by", ordering="written_by__last_name")
    def writer(self, obj: TreatmentNote) -> str:
        return staff_name(obj.written_by)

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
        return no_store(response)
