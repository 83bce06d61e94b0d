"""Forms front desk and therapists fill in the admin: book a phone client, move, cancel."""

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from bookings.booking.forms import CancelForm
from bookings.intake.answers import IntakeAnswers
from bookings.intake.forms import SIGNS_NONE, SafetyFieldsMixin, follow_up_field
from bookings.messaging import phones
from bookings.models import (
    COURSE_MAX_SESSIONS,
    DEFAULT_CLIENT_MESSAGE,
    Booking,
    Client,
    CourseInterval,
    Therapist,
)
from bookings.scheduling import availability, selectors
from catalog.models import SessionLength, Technique
from catalog.vocabulary import CONDITIONS, FOLLOW_UPS, RISK_FACTORS
from clinic.display import date_input_hint, national_phone

__all__ = [
    "BookingForm",
    "CancelForm",
    "CourseForm",
    "MoveForm",
    "StaffBookingForm",
    "StaffCancelForm",
    "local_day_and_time",
    "technique_lengths",
]

REASON_MAX_LENGTH = 200


def e164_or_error(typed: str) -> str:
    """A typed number in E.164, or the form's error for one no text or call can reach."""
    phone = phones.to_e164(typed)
    if phone is None:
        raise forms.ValidationError(
            "Please enter a phone number we can reach, e.g. 07700 900123.", code="invalid"
        )
    return phone


class DateInput(forms.DateInput):
    """A day typed in the clinic's order ("25/12/2026"), as every admin date field takes
    it: a browser's own date picker follows the browser's language instead, so one
    screen could read 12/25 beside 25/12. A link's 2026-12-25 is still read."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        shown = {"class": "vDateField", "size": "10", "inputmode": "numeric"}
        super().__init__(shown | {"placeholder": date_input_hint()} | (attrs or {}))


class TimeInput(forms.TimeInput):
    """A time as staff say it, "14:30", whatever the browser's 12- or 24-hour habit."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        shown = {"class": "vTimeField", "size": "5", "inputmode": "numeric", "placeholder": "hh:mm"}
        super().__init__(shown | (attrs or {}), format="%H:%M")


def parse_day(value: str) -> date | None:
    """A day typed in the clinic's order (25/12/2026) or from a link (2026-12-25), within
    the site's years; None for anything else."""
    try:
        day: date | None = forms.DateField().clean(value.strip())
    except forms.ValidationError:
        return None
    return day if day is not None and availability.day_in_range(day) else None


class WhenForm(forms.Form):
    """A day and a wall-clock time in the clinic's zone, turned into one aware instant."""

    day = forms.DateField(label="Date", widget=DateInput())
    time = forms.TimeField(label="Start time", widget=TimeInput())

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if not availability.EARLIEST_YEAR <= day.year <= availability.LATEST_YEAR:
            raise forms.ValidationError("Please enter a date near today.", code="out_of_range")
        return day

    def start(self) -> datetime:
        day: date = self.cleaned_data["day"]
        wall: time = self.cleaned_data["time"]
        return availability.wall_to_utc(day, wall, selectors.clinic_zone())


def technique_lengths(technique_id: object) -> list[int]:
    """The lengths a technique is offered in; every length offered anywhere when none
    (or nonsense) is chosen yet."""
    lengths = SessionLength.objects.all()
    if str(technique_id or "").isdigit():
        lengths = lengths.filter(technique_id=int(str(technique_id)))
    return sorted(set(lengths.values_list("minutes", flat=True)))


# Changing one of these re-reads the free times in place (django-htmx); each still
# works as a plain form field without JavaScript ("Show free times" posts the form).
LIVE = {"hx-trigger": "change", "hx-swap": "none", "hx-include": "closest form"}
CHOICES = "#id_technique, #id_length_minutes"


class ClientChoiceField(forms.ModelChoiceField[Client]):
    def label_from_instance(self, obj: Client) -> str:
        # Two people share a name often enough: the phone and email tell them apart.
        shown = (obj.name, national_phone(obj.phone), obj.email)
        return " · ".join(part for part in shown if part)


class StaffScreenForm(SafetyFieldsMixin):
    """The safety questions front desk asks a phone or walk-in client: the same questions
    and rules as online, each answered explicitly (the emergency signs one by one, or
    one "asked: none of these apply"); a booking and a waitlist entry both ask them."""

    allow_signs_none = True

    all_clear = forms.BooleanField(
        label="Asked every question above: the answer to each is no, and none of the "
        "conditions or risk factors apply",
        required=False,
    )

    told_to_see_doctor = forms.BooleanField(
        label="I advised the client to see a doctor before the session, and read them any "
        "care the session needs",
        required=False,
        help_text="Needed when their answers say a doctor should see them first, or the "
        "session needs care (pregnancy...).",
    )
    clinical_override = forms.BooleanField(
        label="Clinical override: book although massage should wait", required=False
    )
    clinical_override_reason = forms.CharField(
        label="Why (kept with the booking, staff only)",
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text="E.g. the client's GP has agreed in writing. Never shown to the client.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Two lists, two names staff tell apart at a glance.
        self.fields["conditions"].label = CONDITIONS.admin_label
        self.fields["risk_factors"].label = RISK_FACTORS.admin_label
        if self.is_bound and self.data.get(self.add_prefix("all_clear")):
            # One explicit answer for the lists too: "none of these" need not be ticked.
            for name in ("conditions", "risk_factors"):
                self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        if self.cleaned_data.get("all_clear"):
            self.cleaned_data[SIGNS_NONE] = True
            for name in ("conditions", "risk_factors"):
                if name not in self.errors and self.cleaned_data.get(name):
                    self.add_error(
                        name,
                        forms.ValidationError(
                            "This has a tick, but “the answer to each is no” is ticked too.",
                            code="all_clear_and_ticks",
                        ),
                    )
        cleaned = super().clean()
        if (
            cleaned.get("clinical_override")
            and not cleaned.get("clinical_override_reason", "").strip()
        ):
            self.add_error(
                "clinical_override_reason",
                forms.ValidationError("Say why massage need not wait.", code="reason_required"),
            )
        return cleaned

    def intake(self) -> IntakeAnswers:
        """The answers as the booking service takes them; call only after `is_valid()`."""
        return IntakeAnswers(**self.safety_answers(), screened=True)

    def grouped_safety_fields(self) -> dict[str, list[forms.BoundField]]:
        """The safety questions' fields, grouped as the desk's pages lay them out."""
        signs_none = self.signs_none_field
        return {
            "emergency_fields": self.emergency_fields,
            "signs_none_fields": [signs_none] if signs_none else [],
            "all_clear_fields": [self["all_clear"]],
            "list_fields": self.list_fields,
            "follow_up_fields": [self[follow_up_field(f.code)] for f in FOLLOW_UPS],
        }

    def override_reason(self) -> str:
        data = self.cleaned_data
        return data["clinical_override_reason"] if data.get("clinical_override") else ""


class StaffBookingForm(StaffScreenForm, WhenForm):
    technique = forms.ModelChoiceField(queryset=Technique.objects.none(), label="Technique")
    length_minutes = forms.TypedChoiceField(label="Length", coerce=int, choices=())
    therapist = forms.ModelChoiceField(
        queryset=Therapist.objects.none(), required=False, empty_label="Anyone free then"
    )
    client_search = forms.CharField(
        label="Find a client",
        required=False,
        max_length=120,
        help_text="Three letters of a name, phone digits or part of an email: the matches "
        "show as you type (without JavaScript: “Find client”). One match is chosen for you.",
    )
    client = ClientChoiceField(
        label="Client",
        queryset=Client.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        blank=True,
        empty_label="A new client (type their details below)",
        help_text="A client already on record keeps all their sessions in one place.",
    )
    client_name = forms.CharField(label="Client's name", max_length=120, required=False)
    client_phone = forms.CharField(label="Client's phone", max_length=30, required=False)
    sms_opt_in = forms.BooleanField(label="Text the client a reminder", required=False)
    client_email = forms.EmailField(
        label="Client's email (optional)",
        required=False,
        help_text="Without one, no emails are sent: tell the client the time yourself.",
    )
    consent = forms.BooleanField(
        label="The client agrees to the clinic keeping these health answers", required=False
    )
    outside_hours = forms.BooleanField(
        label="Book outside the therapist's working hours", required=False
    )
    outside_hours_reason = forms.CharField(
        label="Why (kept with the booking)", required=False, max_length=REASON_MAX_LENGTH
    )
    # "No, a different person": the desk saw the records with this phone and books a
    # new client all the same.
    different_person = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # Shown only under a paid policy with Stripe keys (payments.selectors.desk_may_ask).
    payment = forms.ChoiceField(
        label="How the client pays",
        choices=[("clinic", "Paid at the clinic"), ("link", "Send a payment link by email")],
        initial="clinic",
        required=False,
        widget=forms.RadioSelect,
        help_text="A link: the session is booked now and the client is emailed a link to pay "
        "what the clinic's rules ask online (a deposit, the full price or a card on file).",
    )

    def __init__(
        self, *args: Any, therapists: Any, clients: Any = None, live_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if live_url:
            for name in ("technique", "length_minutes", "therapist", "day", "time", "client"):
                self.fields[name].widget.attrs |= LIVE | {"hx-post": live_url}
            # What the answer may change cannot be changed meanwhile: a length picked
            # while the technique's lengths are on their way would be overwritten.
            self.fields["technique"].widget.attrs["hx-disabled-elt"] = "#id_length_minutes"
            self.fields["client"].widget.attrs["hx-disabled-elt"] = CHOICES
            self.fields["client_search"].widget.attrs |= LIVE | {
                "hx-disabled-elt": CHOICES,
                "hx-post": live_url,
                "hx-trigger": "input changed delay:250ms, search",
                "autocomplete": "off",
            }
            if not self.is_bound:
                # The gap's "+" opens the form to type the client straight away.
                self.fields["client_search"].widget.attrs["autofocus"] = True
        client_field: Any = self.fields["client"]
        client_field.queryset = clients if clients is not None else Client.objects.none()
        technique_field: Any = self.fields["technique"]
        technique_field.queryset = Technique.objects.active().order_by("display_order", "name")
        therapist_field: Any = self.fields["therapist"]
        therapist_field.queryset = therapists
        technique = self.data.get("technique") if self.is_bound else self.initial.get("technique")
        length_field: Any = self.fields["length_minutes"]
        length_field.choices = [(m, f"{m} minutes") for m in technique_lengths(technique)]

    def clean_client_phone(self) -> str:
        """Stored in E.164, like the numbers clients type online."""
        if not self.cleaned_data["client_phone"].strip():
            return ""
        return e164_or_error(self.cleaned_data["client_phone"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        client: Client | None = cleaned.get("client")
        if client is not None:
            # A client on record: what the desk left blank comes from their record.
            for field, value in (
                ("client_name", client.name),
                ("client_phone", client.phone),
                ("client_email", client.email),
            ):
                if field not in self.errors and not cleaned.get(field):
                    cleaned[field] = value
        for field, message in (
            ("client_name", "Type the client's name, or choose a client on record."),
            ("client_phone", "Type a phone number, e.g. 07700 900123."),
        ):
            if field not in self.errors and not cleaned.get(field):
                self.add_error(field, forms.ValidationError(message, code="required"))
        phone = cleaned.get("client_phone")
        if cleaned.get("sms_opt_in") and phone and not phones.can_receive_texts(phone):
            self.add_error(
                "sms_opt_in",
                forms.ValidationError(
                    "This number cannot take texts; untick the text reminder.", code="no_texts"
                ),
            )
        if cleaned.get("outside_hours") and not cleaned.get("outside_hours_reason", "").strip():
            self.add_error(
                "outside_hours_reason",
                forms.ValidationError(
                    "Say why this session is outside working hours.", code="reason_required"
                ),
            )
        return cleaned


class MoveForm(WhenForm):
    therapist = forms.ModelChoiceField(queryset=Therapist.objects.none(), empty_label=None)

    def __init__(self, *args: Any, therapists: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        therapist_field: Any = self.fields["therapist"]
        therapist_field.queryset = therapists


def local_day_and_time(instant: datetime) -> tuple[date, time]:
    local = timezone.localtime(instant, selectors.clinic_zone())
    return local.date(), local.time().replace(second=0, microsecond=0)


class StaffCancelForm(forms.Form):
    """The desk cancels: the clinic's reason stays with the clinic; the message to the
    client is the only thing from this form the client reads, word for word."""

    reason = forms.CharField(
        label="Reason, for the clinic (optional)",
        help_text="Kept with the booking for staff. The client never sees it.",
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    client_message = forms.CharField(
        label="Message to the client (optional)",
        help_text="Exactly what the client reads in the cancellation email. Leave it empty "
        "to say nothing more.",
        required=False,
        max_length=600,
        initial=DEFAULT_CLIENT_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    asked_by = forms.ChoiceField(
        label="Who asked to cancel?",
        choices=[("clinic", "The clinic cancelled"), ("client", "The client asked")],
        initial="clinic",
        required=False,
        widget=forms.RadioSelect,
    )

    def by_clinic(self) -> bool:
        """The clinic's own cancellation (its apology and message) unless the client
        asked: then their email says "As you asked" and carries no message."""
        return bool(self.cleaned_data.get("asked_by") != "client")

    def message_for_client(self) -> str:
        return str(self.cleaned_data["client_message"]) if self.by_clinic() else ""


class BookingForm(forms.ModelForm[Booking]):
    class Meta:
        model = Booking
        fields = ["client_name", "client_email", "client_phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["client_phone"] = national_phone(self.initial.get("client_phone"))

    def clean_client_phone(self) -> str:
        # Stored in E.164 like the booking form's, so texts reach it.
        return e164_or_error(self.cleaned_data["client_phone"])


class CourseForm(forms.Form):
    """How often and how many: the desk's "Repeat as a course" (the sessions in total,
    the booking it repeats included)."""

    every_weeks = forms.TypedChoiceField(
        label="How often",
        choices=CourseInterval.choices,
        coerce=int,
        initial=CourseInterval.WEEKLY,
        widget=forms.RadioSelect,
    )
    sessions = forms.IntegerField(
        label="Sessions in total",
        help_text=f"From 2 to {COURSE_MAX_SESSIONS}, this one included.",
        min_value=2,
        max_value=COURSE_MAX_SESSIONS,
        initial=6,
        widget=forms.NumberInput(attrs={"size": "3", "inputmode": "numeric"}),
        error_messages={
            "min_value": "A course has at least 2 sessions.",
            "max_value": f"A course has at most {COURSE_MAX_SESSIONS} sessions.",
            "invalid": "Please enter a number of sessions, e.g. 6.",
        },
    )
