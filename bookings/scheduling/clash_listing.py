"""Schedule edits in the admin that never go through silently.

Working hours, time off and clinic closures: a change that would leave confirmed
upcoming bookings outside a therapist's schedule first lists them, and saves only
when staff tick "Save anyway" (`SAVE_ANYWAY` in the post). The lists come from
`selectors.schedule_clashes()`; the forms only gather the proposed rows.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from bookings.models import ClinicClosure, Therapist, TimeOff, WorkingHours
from bookings.scheduling import availability, selectors
from bookings.scheduling.step_cache import diary_changed

SAVE_ANYWAY = "save_anyway"
SAVE_ANYWAY_VALUE = "yes"

_ModelT = TypeVar("_ModelT", bound=Model)


def _confirmed(data: Mapping[str, Any]) -> bool:
    return data.get(SAVE_ANYWAY) == SAVE_ANYWAY_VALUE


def _refuse_unless_confirmed(
    clashes: Sequence[selectors.ClashingBooking], data: Mapping[str, Any]
) -> None:
    if clashes and not _confirmed(data):
        count = len(clashes)
        noun = "confirmed booking" if count == 1 else "confirmed bookings"
        raise ValidationError(
            f"This change leaves {count} {noun} outside the therapist's schedule (listed "
            "above). Tick “Save anyway” to keep the change and move or cancel them next, "
            "or change the form.",
            code="clashes",
        )


def _hours_row(values: Mapping[str, Any]) -> availability.DatedHours:
    return availability.DatedHours(
        values["weekday"],
        values["start_time"],
        values["end_time"],
        values.get("valid_from"),
        values.get("valid_until"),
    )


def _stored_hours(therapist_id: int, *, leaving_out: int | None) -> list[availability.DatedHours]:
    rows = WorkingHours.objects.filter(therapist_id=therapist_id)
    if leaving_out is not None:
        rows = rows.exclude(pk=leaving_out)
    return [row.as_dated_hours() for row in rows]


def _stored_time_off(therapist_id: int, *, leaving_out: int | None) -> list[availability.Interval]:
    rows = TimeOff.objects.filter(therapist_id=therapist_id)
    if leaving_out is not None:
        rows = rows.exclude(pk=leaving_out)
    return [availability.Interval(start, end) for start, end in rows.values_list("start", "end")]


class ClashCheckedForm(forms.ModelForm[_ModelT]):
    """A schedule form whose `clashes` are the bookings its change would leave out."""

    clashes: list[selectors.ClashingBooking]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clashes = []


class WorkingHoursForm(ClashCheckedForm[WorkingHours]):
    class Meta:
        model = WorkingHours
        fields = ["therapist", "weekday", "start_time", "end_time", "valid_from", "valid_until"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors or cleaned.get("therapist") is None:
            return cleaned
        therapist = cleaned["therapist"]
        proposed = WorkingHours(pk=self.instance.pk, therapist=therapist, **_hours_fields(cleaned))
        if proposed.start_time >= proposed.end_time:
            return cleaned  # the model's clean() says so
        clash = proposed.overlapping().first()
        if clash is not None:
            # On "start_time", so PostgreSQL's constraint check does not repeat it.
            self.add_error(
                "start_time",
                ValidationError(
                    f"These hours overlap “{clash}”. Change or end that row first.",
                    code="overlap",
                ),
            )
            return cleaned
        now = timezone.now()
        self.clashes = selectors.schedule_clashes(
            now=now,
            therapist_id=therapist.pk,
            hours=[*_stored_hours(therapist.pk, leaving_out=self.instance.pk), _hours_row(cleaned)],
        )
        moved_from = self.instance.therapist_id if self.instance.pk else None
        if moved_from is not None and moved_from != therapist.pk:
            self.clashes += selectors.schedule_clashes(
                now=now,
                therapist_id=moved_from,
                hours=_stored_hours(moved_from, leaving_out=self.instance.pk),
            )
        _refuse_unless_confirmed(self.clashes, self.data)
        return cleaned


def _hours_fields(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: cleaned.get(name)
        for name in ("weekday", "start_time", "end_time", "valid_from", "valid_until")
    }


class TimeOffForm(ClashCheckedForm[TimeOff]):
    class Meta:
        model = TimeOff
        fields = ["therapist", "start", "end", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The admin's date and time boxes share one <label>: name each box.
        for field in (self.fields.get("start"), self.fields.get("end")):
            parts = getattr(field.widget, "widgets", []) if field is not None else []
            if field is not None and len(parts) == 2:
                parts[0].attrs.setdefault("aria-label", f"{field.label}: date")
                parts[1].attrs.setdefault("aria-label", f"{field.label}: time")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors or cleaned.get("therapist") is None:
            return cleaned
        if cleaned["start"] >= cleaned["end"]:
            return cleaned  # the model's constraint says so
        therapist_id = cleaned["therapist"].pk
        self.clashes = selectors.schedule_clashes(
            now=timezone.now(),
            therapist_id=therapist_id,
            time_off=[
                *_stored_time_off(therapist_id, leaving_out=self.instance.pk),
                availability.Interval(cleaned["start"], cleaned["end"]),
            ],
        )
        _refuse_unless_confirmed(self.clashes, self.data)
        return cleaned


class ClinicClosureForm(ClashCheckedForm[ClinicClosure]):
    class Meta:
        model = ClinicClosure
        fields = ["start_date", "end_date", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A one-day closure (a bank holiday) needs its day once.
        if last_day := self.fields.get("end_date"):
            last_day.required = False
            last_day.help_text = "Leave empty for one day."

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        first: date = cleaned["start_date"]
        last: date = cleaned.get("end_date") or first
        cleaned["end_date"] = last
        if first > last:
            raise ValidationError(
                {"end_date": "The last day must not be before the first day."}, code="end_first"
            )
        stored = ClinicClosure.objects.all()
        if self.instance.pk is not None:
            stored = stored.exclude(pk=self.instance.pk)
        self.clashes = selectors.schedule_clashes(
            now=timezone.now(),
            therapist_id=None,
            closures=[*stored.values_list("start_date", "end_date"), (first, last)],
        )
        _refuse_unless_confirmed(self.clashes, self.data)
        return cleaned


# The therapist page edits all of a therapist's hours and time off at once: the rows
# are checked against each other, then the whole set for clashes.


class WorkingHoursInlineForm(forms.ModelForm[WorkingHours]):
    def _get_validation_exclusions(self) -> set[str]:
        # The formset checks these rows against each other: the stored ones may be
        # changing in this same post (a day split for a new break), so PostgreSQL's
        # constraint is not asked about them one by one. It still refuses an overlap.
        # django-stubs leaves out this private BaseModelForm method; Django has it.
        exclusions: set[str] = super()._get_validation_exclusions()  # type: ignore[misc]
        return {*exclusions, "start_time"}


class ClashCheckedFormSet(BaseInlineFormSet[_ModelT, Therapist, forms.ModelForm[_ModelT]]):
    clashes: list[selectors.ClashingBooking]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clashes = []

    def kept(self) -> list[forms.ModelForm[_ModelT]]:
        """The rows that stay: an extra row left empty has no cleaned data."""
        return [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get(DELETION_FIELD_NAME)
        ]


class WorkingHoursFormSet(ClashCheckedFormSet[WorkingHours]):
    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = self.kept()
        rows = [_hours_row(form.cleaned_data) for form in kept]
        pairs = availability.overlapping_pairs(rows)
        if pairs:
            raise ValidationError(
                [
                    ValidationError(
                        f"“{kept[i].instance}” and “{kept[j].instance}” overlap: "
                        "change or end one of them.",
                        code="overlap",
                    )
                    for i, j in pairs
                ]
            )
        if self.instance.pk is None:
            return
        self.clashes = selectors.schedule_clashes(
            now=timezone.now(), therapist_id=self.instance.pk, hours=rows
        )
        _refuse_unless_confirmed(self.clashes, self.data)


class TimeOffFormSet(ClashCheckedFormSet[TimeOff]):
    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms) or self.instance.pk is None:
            return
        intervals = [
            availability.Interval(form.cleaned_data["start"], form.cleaned_data["end"])
            for form in self.kept()
        ]
        if any(i.start >= i.end for i in intervals):
            return  # the model's constraint says so, row by row
        self.clashes = selectors.schedule_clashes(
            now=timezone.now(), therapist_id=self.instance.pk, time_off=intervals
        )
        _refuse_unless_confirmed(self.clashes, self.data)


def collect_clashes(
    form: forms.BaseForm | None, formsets: Iterable[Any]
) -> list[selectors.ClashingBooking]:
    """Every clash the page's form and inline formsets found, once each, by start."""
    found: dict[int, selectors.ClashingBooking] = {}
    for clashes in [getattr(form, "clashes", [])] + [
        getattr(inline.formset, "clashes", []) for inline in formsets
    ]:
        for clash in clashes:
            found.setdefault(clash.pk, clash)
    return sorted(found.values(), key=lambda c: (c.start, c.pk))


class ClashListingAdmin(admin.ModelAdmin[_ModelT]):
    """Shows the clashes above the form, with the "Save anyway" box.

    Every save and delete here (therapists, their hours and time off, closures) changes
    who is free when: the booking steps' cached counts and starts are cleared on commit.
    """

    change_form_template = "admin/bookings/schedule_change_form.html"

    def save_model(self, request: HttpRequest, obj: _ModelT, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        diary_changed()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The therapist's techniques and the hours and time off inlines.
        super().save_related(request, form, formsets, change)
        diary_changed()

    def delete_model(self, request: HttpRequest, obj: _ModelT) -> None:
        super().delete_model(request, obj)
        diary_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[_ModelT]) -> None:
        super().delete_queryset(request, queryset)
        diary_changed()

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: _ModelT | None = None,
    ) -> HttpResponse:
        adminform = context.get("adminform")
        context["schedule_clashes"] = collect_clashes(
            adminform.form if adminform else None, context.get("inline_admin_formsets", [])
        )
        context["save_anyway_name"] = SAVE_ANYWAY
        context["save_anyway_value"] = SAVE_ANYWAY_VALUE
        context["clinic_zone"] = selectors.clinic_zone()
        return super().render_change_form(request, context, add, change, form_url, obj)


def deletion_clashes(hours: WorkingHours, now: datetime) -> list[selectors.ClashingBooking]:
    """The bookings deleting this row of hours would leave outside the schedule."""
    return selectors.schedule_clashes(
        now=now,
        therapist_id=hours.therapist_id,
        hours=_stored_hours(hours.therapist_id, leaving_out=hours.pk),
    )
