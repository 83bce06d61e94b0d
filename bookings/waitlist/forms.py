"""Forms to join the waitlist: online (the client) and in the admin (front desk)."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from bookings.booking.forms import ANYONE, DayField
from bookings.frontdesk.forms import DateInput, StaffScreenForm
from bookings.messaging import phones
from bookings.models import PartOfDay, Therapist
from bookings.scheduling import selectors
from bookings.waitlist.services import MAX_WAIT_DAYS
from catalog.models import SessionLength, Technique
from clinic.protection import HoneypotMixin


class PhoneDateInput(forms.DateInput):
    """The client's own date picker on their phone (staff type days in the clinic's
    order instead: frontdesk.forms.DateInput)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class WaitForm(forms.Form):
    """What the client waits for and how to reach them; the technique is chosen before."""

    length_minutes = forms.TypedChoiceField(label="Length", coerce=int, choices=())
    therapist = forms.ChoiceField(label="Therapist", choices=())
    first_day = DayField(label="First day that suits", widget=PhoneDateInput())
    last_day = DayField(label="Last day that suits", widget=PhoneDateInput())
    parts_of_day = forms.MultipleChoiceField(
        label="Parts of the day that suit you",
        choices=PartOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Please choose at least one part of the day."},
    )
    client_name = forms.CharField(label="Your name", max_length=120)
    client_email = forms.EmailField(label="Email")
    client_phone = forms.CharField(label="Phone", max_length=30)
    sms_opt_in = forms.BooleanField(label="Text me too when a time comes free", required=False)

    def __init__(
        self,
        *args: Any,
        lengths: list[SessionLength],
        therapists: list[Therapist],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        length_field: Any = self.fields["length_minutes"]
        length_field.choices = [(x.minutes, f"{x.minutes} minutes") for x in lengths]
        therapist_field: Any = self.fields["therapist"]
        therapist_field.choices = [(ANYONE, "Anyone")] + [
            (str(t.pk), t.display_name) for t in therapists
        ]

    def clean_client_phone(self) -> str:
        phone = phones.to_e164(self.cleaned_data["client_phone"])
        if phone is None:
            raise forms.ValidationError(
                "Please enter a phone number we can reach, e.g. 07700 900123.", code="invalid"
            )
        return phone

    def clean_last_day(self) -> date:
        last: date = self.cleaned_data["last_day"]
        today = timezone.localdate(timezone=selectors.clinic_zone())
        if last < today:
            raise forms.ValidationError("That day has passed.", code="past")
        if last > today + timedelta(days=MAX_WAIT_DAYS):
            raise forms.ValidationError(
                f"Please choose a day within the next {MAX_WAIT_DAYS} days.", code="too_far"
            )
        return last

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and first > last:
            self.add_error(
                "last_day",
                forms.ValidationError("The last day must not be before the first.", code="order"),
            )
        phone = cleaned.get("client_phone")
        if cleaned.get("sms_opt_in") and phone and not phones.can_receive_texts(phone):
            self.add_error(
                "sms_opt_in",
                forms.ValidationError(
                    "This number cannot take texts; untick the box.", code="no_texts"
                ),
            )
        return cleaned

    def therapist_id(self) -> int | None:
        value = self.cleaned_data["therapist"]
        return None if value == ANYONE else int(value)


class JoinWaitlistForm(HoneypotMixin, WaitForm):
    acknowledged_warning = forms.BooleanField(
        label="I have read the advice for my session (seeing a doctor first, or the care it needs)",
        required=False,
    )


class StaffWaitlistForm(StaffScreenForm, WaitForm):
    """Front desk adds a phone client: the same screen as a phone booking."""

    technique = forms.ModelChoiceField(queryset=Technique.objects.none(), label="Technique")
    client_email = forms.EmailField(label="Client's email (optional)", required=False)
    first_day = DayField(label="First day that suits", widget=DateInput())
    last_day = DayField(label="Last day that suits", widget=DateInput())

    field_order = ["technique", "length_minutes", "therapist"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        by_minutes = {x.minutes: x for x in SessionLength.objects.order_by("minutes")}
        unique = list(by_minutes.values())
        super().__init__(
            *args,
            lengths=unique,
            therapists=list(Therapist.objects.active().order_by("display_name")),
            **kwargs,
        )
        technique_field: Any = self.fields["technique"]
        technique_field.queryset = Technique.objects.active().order_by("display_order", "name")
        self.fields["client_name"].label = "Client's name"
        self.fields["client_phone"].label = "Client's phone"
        self.fields["sms_opt_in"].label = "Text the client when a time comes free"
        # "Massage should wait" keeps a client off the waitlist: no override here.
        del self.fields["clinical_override"], self.fields["clinical_override_reason"]

    def client_fields(self) -> list[forms.BoundField]:
        """Who is waiting: the visible fields that are neither the wait nor the screen."""
        screen = {f.name for group in self.grouped_safety_fields().values() for f in group}
        screen.add("told_to_see_doctor")
        return [f for f in self.visible_fields()[6:] if f.name not in screen]
