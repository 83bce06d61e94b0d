from collections.abc import Sequence
from datetime import datetime
from functools import cached_property, partial
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from bookings.messaging import phones
from bookings.models import Therapist
from bookings.scheduling import availability
from catalog.models import SessionLength
from clinic.protection import HONEYPOT_FIELD, HoneypotMixin, honeypot_layout

YES, NO = "yes", "no"


# Booking a session ----------------------------------------------------------

ANYONE = "any"


class DayField(forms.DateField):
    """A day within the site's years: `day=0001-01-01` is a day we do not understand,
    not an overflow in the arithmetic that follows (availability.day_in_range)."""

    def to_python(self, value: Any) -> Any:
        day = super().to_python(value)
        if day is not None and not availability.day_in_range(day):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return day


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
    day = DayField(
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
        # Listed when asked for (a page shows them, a post checks the one chosen): at 50
        # therapists, building the list was a tenth of a booking POST's own work.
        therapist_field.choices = partial(_therapist_choices, therapists)
        therapist_field.initial = ANYONE

    def clean_therapist(self) -> int | None:
        value = self.cleaned_data["therapist"]
        return None if value == ANYONE else int(value)

    def clean_start(self) -> datetime | None:
        value = self.cleaned_data["start"]
        if not value:
            return None
        return _strict_start(value, "That time is not one we understand. Please pick a time.")


def _therapist_choices(therapists: Sequence[Therapist]) -> list[tuple[str, str]]:
    return [(ANYONE, "Anyone who is free")] + [(str(t.pk), t.display_name) for t in therapists]


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
        help_text="Only used if we need to reach you about this session, or for the "
        "reminder below.",
    )
    sms_opt_in = forms.BooleanField(
        required=False,
        label="Text me a reminder the day before (no health details, just the time)",
    )
    consent = forms.BooleanField(
        required=False,
        label="Keep my answers about my back with this booking, so my therapist can read them "
        "before the session, and my pain score and where it hurts with my answer to how my "
        "back is afterwards.",
    )
    acknowledge_warning = forms.BooleanField(
        required=True,
        label="I have read the advice to see a doctor first, and I still want to book.",
        error_messages={"required": "Please tick this box to confirm you have read the advice."},
    )

    def __init__(
        self,
        *args: Any,
        has_intake: bool,
        needs_doctor: bool,
        cautions_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client_name"].widget.attrs["autocomplete"] = "name"
        self.fields["client_email"].widget.attrs["autocomplete"] = "email"
        self.fields["client_phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        if not has_intake:
            del self.fields["consent"]
        if not needs_doctor:
            del self.fields["acknowledge_warning"]
        elif cautions_only:
            self.fields[
                "acknowledge_warning"
            ].label = "I have read the care my session needs, and I still want to book."

    @cached_property
    def helper(self) -> FormHelper:
        """Built when the form is shown, not when a booking is only validated."""
        helper = FormHelper()
        helper.form_tag = False
        # The page's own <form> holds the one CSRF token.
        helper.disable_csrf = True
        helper.layout = Layout(
            *(name for name in self.fields if name != HONEYPOT_FIELD), honeypot_layout()
        )
        return helper

    def clean_client_name(self) -> str:
        name = " ".join(self.cleaned_data["client_name"].split())
        if not name:
            raise forms.ValidationError("Please tell us your name.", code="required")
        return name

    def clean_client_phone(self) -> str:
        """The number in E.164 (+447700900123), read with the clinic's country code."""
        phone = phones.to_e164(self.cleaned_data["client_phone"])
        if phone is None:
            raise forms.ValidationError(
                "Please enter a phone number we can reach, e.g. 07700 900123.", code="invalid"
            )
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        phone = cleaned.get("client_phone")
        if cleaned.get("sms_opt_in") and phone and not phones.can_receive_texts(phone):
            self.add_error(
                "client_phone",
                forms.ValidationError(
                    "Please enter a phone number we can text, e.g. 07700 900123, or untick "
                    "the text reminder.",
                    code="not_mobile",
                ),
            )
        return cleaned


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
