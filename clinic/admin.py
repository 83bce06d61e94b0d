from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

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
