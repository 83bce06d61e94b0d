import re
from collections.abc import Sequence

from django import forms

from catalog.models import Technique

from .models import Therapist

# Booking a session ----------------------------------------------------------

ANYONE = "any"
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{7,20}$")


class SlotChoiceForm(forms.Form):
    """The choices made so far, carried in the query string (GET) or hidden fields (POST)."""

    length = forms.TypedChoiceField(
        label="Session length",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Please choose one of the session lengths offered."},
    )
    therapist = forms.ChoiceField(
        label="Therapist",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Please choose a therapist from the list, or “anyone”."},
    )
    day = forms.DateField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "That day is not a date we understand. Please pick a day."},
    )
    start = forms.DateTimeField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "That time is not one we understand. Please pick a time."},
    )

    def __init__(
        self, *args: object, technique: Technique, therapists: Sequence[Therapist], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["length"].choices = [
            (length.minutes, f"{length.minutes} minutes") for length in technique.lengths.all()
        ]
        self.fields["therapist"].choices = [(ANYONE, "Anyone who is free")] + [
            (str(t.pk), t.display_name) for t in therapists
        ]
        self.fields["therapist"].initial = ANYONE

    def clean_therapist(self) -> int | None:
        value = self.cleaned_data["therapist"]
        return None if value == ANYONE else int(value)


class BookingDetailsForm(forms.Form):
    client_name = forms.CharField(label="Your name", max_length=120)
    client_email = forms.EmailField(
        label="Email", help_text="We send the confirmation here.", max_length=254
    )
    client_phone = forms.CharField(
        label="Phone",
        max_length=30,
        help_text="Only used if we need to reach you about this session.",
    )
    consent = forms.BooleanField(
        required=False,
        label="Keep my answers about my back with this booking, so my therapist can read them "
        "before the session.",
    )
    acknowledge_warning = forms.BooleanField(
        required=True,
        label="I have read the advice to see a doctor first, and I still want to book.",
        error_messages={"required": "Please tick this box to confirm you have read the advice."},
    )

    def __init__(self, *args: object, has_intake: bool, needs_doctor: bool, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["client_name"].widget.attrs["autocomplete"] = "name"
        self.fields["client_email"].widget.attrs["autocomplete"] = "email"
        self.fields["client_phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        if not has_intake:
            del self.fields["consent"]
        if not needs_doctor:
            del self.fields["acknowledge_warning"]

    def clean_client_name(self) -> str:
        name = " ".join(self.cleaned_data["client_name"].split())
        if not name:
            raise forms.ValidationError("Please tell us your name.", code="required")
        return name

    def clean_client_phone(self) -> str:
        phone = self.cleaned_data["client_phone"].strip()
        if not PHONE_PATTERN.match(phone):
            raise forms.ValidationError(
                "Please enter a phone number using digits, e.g. 07700 900123.", code="invalid"
            )
        return phone
