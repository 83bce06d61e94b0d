from typing import Any

from django import forms
from django.http import HttpRequest


class LabelledListEditableMixin:
    """Give the inputs of `list_editable` columns an accessible name.

    Django renders them with no label at all (axe: "label", critical), so a screen reader
    announces a bare "edit text". Each is named after its column and its row instead:
    "Display order: Swedish Massage".
    """

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> type[forms.ModelForm]:
        form_class = super().get_changelist_form(request, **kwargs)

        class LabelledChangelistForm(form_class):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                for field in self.fields.values():
                    field.widget.attrs.setdefault("aria-label", f"{field.label}: {self.instance}")

        return LabelledChangelistForm
