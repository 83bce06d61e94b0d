import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.urls import reverse

from catalog.models import SessionLength
from catalog.vocabulary import (
    AREAS,
    CONDITIONS,
    DESCRIPTION,
    DESCRIPTION_MAX_LENGTH,
    DURATION,
    FEELINGS,
    FREQUENCY,
    INTENSITY,
    INTENSITY_MAX,
    NO_PRESSURE_PREFERENCE,
    PRESSURE,
    TRIGGERS,
    WARNING_SIGNS,
)
from clinic.protection import HONEYPOT_FIELD, HoneypotMixin, honeypot_layout

from . import availability
from .answers import IntakeAnswers
from .models import Therapist


class IntakeForm(HoneypotMixin):
    """The intake questions; their words and choices come from `catalog.vocabulary`."""

    areas = forms.MultipleChoiceField(
        label=AREAS.label,
        help_text=AREAS.help_text,
        choices=AREAS.form_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Please tick at least one place where it hurts."},
    )
    duration = forms.ChoiceField(
        label=DURATION.label,
        choices=DURATION.form_choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please tell us how long it has hurt."},
    )
    intensity = forms.IntegerField(
        label=INTENSITY.label,
        help_text=INTENSITY.help_text,
        min_value=0,
        max_value=INTENSITY_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": f"Please give a number from 0 to {INTENSITY_MAX}.",
            "invalid": f"Please give a whole number from 0 to {INTENSITY_MAX}.",
            "min_value": f"Please give a number from 0 to {INTENSITY_MAX}.",
            "max_value": f"Please give a number from 0 to {INTENSITY_MAX}.",
        },
    )
    frequency = forms.ChoiceField(
        label=FREQUENCY.label,
        choices=FREQUENCY.form_choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please tell us how often it hurts."},
    )
    feelings = forms.MultipleChoiceField(
        label=FEELINGS.label,
        help_text=FEELINGS.help_text,
        choices=FEELINGS.form_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    triggers = forms.MultipleChoiceField(
        label=TRIGGERS.label,
        help_text=TRIGGERS.help_text,
        choices=TRIGGERS.form_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pressure = forms.ChoiceField(
        label=PRESSURE.label,
        choices=PRESSURE.form_choices,
        widget=forms.RadioSelect,
        initial=NO_PRESSURE_PREFERENCE,
        error_messages={"required": "Please choose a pressure, or “No preference”."},
    )
    conditions = forms.MultipleChoiceField(
        label=CONDITIONS.label,
        help_text=CONDITIONS.help_text,
        choices=CONDITIONS.form_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    warning_signs = forms.MultipleChoiceField(
        label=WARNING_SIGNS.label,
        help_text=WARNING_SIGNS.help_text,
        choices=WARNING_SIGNS.form_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    description = forms.CharField(
        label=DESCRIPTION.label,
        help_text=DESCRIPTION.help_text,
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                # The default repeats whatever was sent back to the client; plain words instead.
                field.error_messages["invalid_choice"] = "Please choose from the list."
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_action = reverse("bookings:intake")
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset("Your back pain", "areas", "duration", "intensity", "frequency"),
            Fieldset("How it feels", "feelings", "triggers", "pressure"),
            Fieldset("Your health", "conditions"),
            Fieldset("Warning signs", "warning_signs"),
            Fieldset("In your own words", "description"),
            honeypot_layout(),
            Submit("submit", "Show my suggestion", css_class="btn-lg"),
        )

    # Ticked boxes in the order the form lists them, so reasons read the same way.
    def clean_areas(self) -> tuple[str, ...]:
        return AREAS.in_order(self.cleaned_data["areas"])

    def clean_feelings(self) -> tuple[str, ...]:
        return FEELINGS.in_order(self.cleaned_data["feelings"])

    def clean_triggers(self) -> tuple[str, ...]:
        return TRIGGERS.in_order(self.cleaned_data["triggers"])

    def clean_conditions(self) -> tuple[str, ...]:
        return CONDITIONS.in_order(self.cleaned_data["conditions"])

    def clean_warning_signs(self) -> tuple[str, ...]:
        return WARNING_SIGNS.in_order(self.cleaned_data["warning_signs"])

    def clean_description(self) -> str:
        # Line breaks and runs of spaces carry nothing the suggestion needs.
        return " ".join(self.cleaned_data["description"].split())

    def answers(self) -> IntakeAnswers:
        """The validated answers; call only after `is_valid()`."""
        data = self.cleaned_data
        return IntakeAnswers(
            areas=data["areas"],
            duration=data["duration"],
            intensity=data["intensity"],
            frequency=data["frequency"],
            feelings=data["feelings"],
            triggers=data["triggers"],
            pressure=data["pressure"],
            conditions=data["conditions"],
            warning_signs=data["warning_signs"],
            description=data["description"],
        )


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
    start = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        lengths: Sequence[SessionLength],
        therapists: Sequence[Therapist],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        length_field = cast(forms.TypedChoiceField, self.fields["length"])
        therapist_field = cast(forms.ChoiceField, self.fields["therapist"])
        length_field.choices = [(length.minutes, f"{length.minutes} minutes") for length in lengths]
        therapist_field.choices = [(ANYONE, "Anyone who is free")] + [
            (str(t.pk), t.display_name) for t in therapists
        ]
        therapist_field.initial = ANYONE

    def clean_therapist(self) -> int | None:
        value = self.cleaned_data["therapist"]
        return None if value == ANYONE else int(value)

    def clean_start(self) -> datetime | None:
        value = self.cleaned_data["start"]
        if not value:
            return None
        return _strict_start(value, "That time is not one we understand. Please pick a time.")


def _strict_start(value: str, message: str) -> datetime:
    try:
        return availability.parse_start(value)
    except ValueError:
        raise forms.ValidationError(message, code="invalid_time") from None


class BookingDetailsForm(HoneypotMixin):
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
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(name for name in self.fields if name != HONEYPOT_FIELD), honeypot_layout()
        )

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


class RescheduleForm(forms.Form):
    start = forms.CharField(
        max_length=64,
        error_messages={"required": "Please choose a new time."},
        widget=forms.RadioSelect,
    )

    def clean_start(self) -> datetime:
        return _strict_start(
            self.cleaned_data["start"],
            "That time is not valid. Please choose one of the times offered.",
        )


class CancelForm(forms.Form):
    """Cancelling asks first; the reason is optional and kept with the booking."""

    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
