"""The client record's form in the admin: a new client whose phone or name and date of
birth another record holds is asked about before anything is made."""

from typing import Any

from django import forms

from bookings.messaging import phones
from bookings.models import Client
from bookings.records.selectors import same_person_candidates
from clinic.display import national_phone


class ClientForm(forms.ModelForm[Client]):
    # Posted by the "No, a different person" button above the form, never shown as a field.
    different_person = forms.BooleanField(required=False)

    class Meta:
        model = Client
        fields = ["name", "phone", "email", "date_of_birth", "staff_notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duplicates: list[dict[str, object]] = []
        # Staff read and type numbers in national form; it is stored in E.164.
        self.initial["phone"] = national_phone(self.initial.get("phone"))

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
        email: str = self.cleaned_data["email"]
        return email.strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is None and not cleaned.get("different_person") and not self.errors:
            found = same_person_candidates(
                name=cleaned.get("name", ""),
                phone=cleaned.get("phone", ""),
                date_of_birth=cleaned.get("date_of_birth"),
            )
            self.duplicates = [{"client": c, "phone": national_phone(c.phone)} for c in found]
            if found:
                raise forms.ValidationError(
                    "This may be a client already on record: see above.", code="possible_duplicate"
                )
        return cleaned
