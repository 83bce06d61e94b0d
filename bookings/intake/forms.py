from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.urls import reverse

from bookings.booking.forms import NO, YES
from bookings.intake.answers import IntakeAnswers
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
from clinic.protection import HoneypotMixin, honeypot_layout


class SafetyQuestionsForm(HoneypotMixin):
    """The two questions every booking is screened with: warning signs, then conditions."""

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

    def clean_conditions(self) -> tuple[str, ...]:
        return CONDITIONS.in_order(self.cleaned_data["conditions"])

    def clean_warning_signs(self) -> tuple[str, ...]:
        return WARNING_SIGNS.in_order(self.cleaned_data["warning_signs"])

    def safety_fieldsets(self) -> tuple[Fieldset, Fieldset]:
        return (
            Fieldset("Warning signs", "warning_signs"),
            Fieldset("Your health", "conditions"),
        )


class ScreenForm(SafetyQuestionsForm):
    """The short screen for a client who starts booking from a technique page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.safety_fieldsets(), honeypot_layout())

    def answers(self, earlier: IntakeAnswers | None) -> IntakeAnswers:
        """Earlier answers (if any) with these two questions answered afresh."""
        return replace(
            earlier or IntakeAnswers(),
            conditions=self.cleaned_data["conditions"],
            warning_signs=self.cleaned_data["warning_signs"],
            screened=True,
        )


class IntakeForm(SafetyQuestionsForm):
    """The intake questions; their words and choices come from `catalog.vocabulary`.

    The safety questions come first, so nobody skips them on the way to a suggestion.
    """

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
            *self.safety_fieldsets(),
            Fieldset("Your back pain", "areas", "duration", "intensity", "frequency"),
            Fieldset("How it feels", "feelings", "triggers", "pressure"),
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

    def clean_description(self) -> str:
        # Line breaks and runs of spaces carry nothing the suggestion needs.
        return " ".join(self.cleaned_data["description"].split())

    def answers(self, earlier: IntakeAnswers | None = None) -> IntakeAnswers:
        """The validated answers; call only after `is_valid()`.

        What their own words were asked about stays answered while the words stay the same.
        """
        data = self.cleaned_data
        same_words = earlier is not None and earlier.description == data["description"]
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
            screened=True,
            text_checked=earlier.text_checked if earlier is not None and same_words else (),
        )

    @staticmethod
    def initial_from(answers: IntakeAnswers) -> dict[str, object]:
        """The form filled in with answers given before (from the cookie)."""
        data = answers.to_dict()
        return {k: v for k, v in data.items() if k not in ("screened", "text_checked")}


class TextCheckForm(HoneypotMixin):
    """One yes/no question per warning sign the client's own words seem to mention."""

    def __init__(self, *args: Any, signs: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for sign in signs:
            self.fields[sign] = forms.ChoiceField(
                label=f"{WARNING_SIGNS.label_of(sign)}: is this true for you now?",
                choices=[(YES, "Yes"), (NO, "No")],
                widget=forms.RadioSelect,
                error_messages={"required": "Please answer yes or no."},
            )
        self.signs = tuple(signs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.signs, honeypot_layout())

    def answers(self, earlier: IntakeAnswers) -> IntakeAnswers:
        """The answers with each "yes" ticked as a warning sign and each "no" noted."""
        said_yes = [s for s in self.signs if self.cleaned_data[s] == YES]
        said_no = [s for s in self.signs if self.cleaned_data[s] == NO]
        return replace(
            earlier,
            warning_signs=WARNING_SIGNS.in_order([*earlier.warning_signs, *said_yes]),
            text_checked=WARNING_SIGNS.in_order([*earlier.text_checked, *said_no]),
        )
