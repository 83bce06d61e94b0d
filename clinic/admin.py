from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges, ModelChange, ModelChangeValue
from simple_history.template_utils import HistoricalRecordContextHelper

_ModelT = TypeVar("_ModelT", bound=Model)
_ChildT = TypeVar("_ChildT", bound=Model)
_ParentT = TypeVar("_ParentT", bound=Model)


class LabelledListEditableMixin(admin.ModelAdmin[_ModelT]):
    """Give the inputs of `list_editable` columns an accessible name.

    Django renders them with no label at all (axe: "label", critical), so a screen reader
    announces a bare "edit text". Each is named after its column and its row instead:
    "Display order: Swedish Massage".
    """

    def get_changelist_form(
        self, request: HttpRequest, **kwargs: Any
    ) -> type[forms.ModelForm[_ModelT]]:
        form_class = super().get_changelist_form(request, **kwargs)

        class LabelledChangelistForm(form_class):  # type: ignore[valid-type,misc]  # a class made at run time
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                for field in self.fields.values():
                    field.widget.attrs.setdefault("aria-label", f"{field.label}: {self.instance}")

        return LabelledChangelistForm


class LabelledTabularInline(admin.TabularInline[_ChildT, _ParentT]):
    """A tabular inline whose inputs have an accessible name.

    Django puts the field names in column headings only, so every input is unlabelled
    (axe: "label", critical). Each is named after its column and row: "Price, row 2".
    """

    def get_formset(
        self, request: HttpRequest, obj: _ParentT | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[_ChildT, _ParentT, forms.ModelForm[_ChildT]]]:
        formset_class = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset_class):  # type: ignore[valid-type,misc]  # a class made at run time
            def add_fields(self, form: forms.Form, index: int | None) -> None:
                # After Django adds its own fields (DELETE), so they are named too.
                super().add_fields(form, index)
                row = "new row" if index is None else f"row {index + 1}"
                for field in form.fields.values():
                    field.widget.attrs.setdefault("aria-label", f"{field.label}, {row}")

        return LabelledFormSet


class ReadableHistory(HistoricalRecordContextHelper):
    """A history page's changes as staff read them: a choice by its label ("Ask a doctor
    first", never `doctor_first`), a list joined, and the whole text (never "Firm
    [56 chars]kin...")."""

    def prepare_delta_change_value(self, change: ModelChange, value: ModelChangeValue) -> Any:
        field = self.model._meta.get_field(change.field)
        labels = dict(getattr(field, "flatchoices", None) or [])
        if labels and not isinstance(value, list):
            return labels.get(value, value)
        return super().prepare_delta_change_value(change, value)

    def stringify_delta_change_values(
        self, change: ModelChange, old: Any, new: Any
    ) -> tuple[SafeString, SafeString]:
        def shown(value: Any) -> str:
            if value is None or value == "":
                return "(empty)"
            if isinstance(value, list):
                return ", ".join(str(item) for item in value)
            return str(value)

        return conditional_escape(shown(old)), conditional_escape(shown(new))


class StaffHistoryAdmin(SimpleHistoryAdmin[_ModelT]):
    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: HistoricalChanges
    ) -> HistoricalRecordContextHelper:
        return ReadableHistory(self.model, historical_record)
