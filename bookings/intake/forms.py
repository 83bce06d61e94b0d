from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TypedDict

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
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
    EMERGENCY_SIGNS,
    FEELINGS,
    FOLLOW_UPS,
    FREQUENCY,
    INTENSITY,
    INTENSITY_MAX,
    NO_PRESSURE_PREFERENCE,
    NONE_OF_THESE,
    PRESSURE,
    RISK_FACTORS,
    TRIGGERS,
    WARNING_SIGNS,
    Choice,
    Question,
)
from clinic.protection import HoneypotMixin, honeypot_layout

YES_NO = [(YES, "Yes"), (NO, "No")]
ANSWER_EACH = "Please answer yes or no."
TICK_OR_NONE = "Please tick each one that applies, or “None of these”."
NONE_AND_TICKS = "“None of these” cannot go with a ticked answer: please check this list."
SIGNS_NONE = "signs_none"
"""Staff only: one explicit "asked, none apply" for every emergency sign at once."""


def sign_field(code: str) -> str:
    return f"sign_{code}"


def follow_up_field(code: str) -> str:
    return f"follow_{code}"


def _yes_no(label: str, *, required: bool = True) -> forms.ChoiceField:
    # Radios with no initial value: nothing is answered until the client answers it.
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": ANSWER_EACH, "invalid_choice": ANSWER_EACH},
    )


def _list_or_none(question: Question, choices: Sequence[Choice]) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=question.label,
        help_text=question.help_text,
        choices=[*((c.code, c.label) for c in choices), (NONE_OF_THESE, "None of these")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": TICK_OR_NONE, "invalid_choice": TICK_OR_NONE},
    )


class SafetyAnswers(TypedDict):
    """The safety questions' answers, as the `IntakeAnswers` fields they fill."""

    warning_signs: tuple[str, ...]
    conditions: tuple[str, ...]
    risk_factors: tuple[str, ...]


BASE_RISKS = tuple(c for c in RISK_FACTORS.choices if not c.follows)


class SafetyFieldsMixin(forms.Form):
    """The safety questions every booking is screened with, from `catalog.vocabulary`:
    each emergency sign its own yes/no, then the conditions and the risk factors, each
    list answered with what applies or an explicit "None of these", then the follow-ups
    that matter (the fall question only with thin bones or steroids). Nothing is pre-set
    and nothing can be left unanswered: an unticked box is no answer.
    """

    allow_signs_none = False
    """Every emergency sign may be answered at once with an explicit "none of these"
    (the list is read first, each sign still has its own yes/no, and a yes beside a
    ticked "none" is refused)."""
    signs_none_label = "Asked: none of these apply"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        signs_required = not self.allow_signs_none
        for sign in EMERGENCY_SIGNS:
            self.fields[sign_field(sign.code)] = _yes_no(sign.label, required=signs_required)
        if self.allow_signs_none:
            self.fields[SIGNS_NONE] = forms.BooleanField(
                label=self.signs_none_label,
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
        self.fields["conditions"] = _list_or_none(CONDITIONS, CONDITIONS.choices)
        self.fields["risk_factors"] = _list_or_none(RISK_FACTORS, BASE_RISKS)
        for follow in FOLLOW_UPS:
            self.fields[follow_up_field(follow.code)] = _yes_no(follow.label, required=False)

    def urgent_signs_said(self) -> tuple[str, ...]:
        """Emergency signs answered "yes" in the post, whatever else is wrong with it: the
        emergency advice never waits behind another answer."""
        if not self.is_bound:
            return ()
        return tuple(
            s.code
            for s in EMERGENCY_SIGNS
            if self.data.get(self.add_prefix(sign_field(s.code))) == YES
        )

    def _clean_list(self, name: str) -> tuple[str, ...]:
        ticked = list(self.cleaned_data[name])
        if NONE_OF_THESE in ticked and len(ticked) > 1:
            raise forms.ValidationError(NONE_AND_TICKS, code="none_and_ticks")
        return tuple(t for t in ticked if t != NONE_OF_THESE)

    def clean_conditions(self) -> tuple[str, ...]:
        return CONDITIONS.in_order(self._clean_list("conditions"))

    def clean_risk_factors(self) -> tuple[str, ...]:
        return RISK_FACTORS.in_order(self._clean_list("risk_factors"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.allow_signs_none:
            answered = [s for s in EMERGENCY_SIGNS if cleaned.get(sign_field(s.code))]
            if cleaned.get(SIGNS_NONE):
                for sign in answered:
                    if cleaned[sign_field(sign.code)] == YES:
                        self.add_error(
                            sign_field(sign.code),
                            forms.ValidationError(
                                "This says yes, but “none of these apply” is ticked.",
                                code="none_and_yes",
                            ),
                        )
            else:
                for sign in EMERGENCY_SIGNS:
                    name = sign_field(sign.code)
                    if not cleaned.get(name) and name not in self.errors:
                        self.add_error(name, forms.ValidationError(ANSWER_EACH, code="required"))
        said_yes = {*cleaned.get("conditions", ()), *cleaned.get("risk_factors", ())}
        for follow in FOLLOW_UPS:
            name = follow_up_field(follow.code)
            if said_yes & set(follow.follows) and not cleaned.get(name) and name not in self.errors:
                self.add_error(name, forms.ValidationError(ANSWER_EACH, code="required"))
        return cleaned

    def safety_answers(self) -> SafetyAnswers:
        """The explicit answers as `IntakeAnswers` fields; call only after `is_valid()`."""
        data = self.cleaned_data
        said_yes = {*data["conditions"], *data["risk_factors"]}
        follow_ups = [
            f.code
            for f in FOLLOW_UPS
            if said_yes & set(f.follows) and data.get(follow_up_field(f.code)) == YES
        ]
        return SafetyAnswers(
            warning_signs=tuple(
                s.code for s in EMERGENCY_SIGNS if data.get(sign_field(s.code)) == YES
            ),
            conditions=data["conditions"],
            risk_factors=RISK_FACTORS.in_order([*data["risk_factors"], *follow_ups]),
        )

    @staticmethod
    def safety_initial(answers: IntakeAnswers) -> dict[str, object]:
        """The safety questions as these answers gave them, when they were all answered
        (answers to an older set of questions leave them blank, to be asked afresh)."""
        if not answers.screened:
            return {}
        initial: dict[str, object] = {
            sign_field(s.code): YES if s.code in answers.warning_signs else NO
            for s in EMERGENCY_SIGNS
        }
        base = [r for r in answers.risk_factors if r in {c.code for c in BASE_RISKS}]
        initial["conditions"] = list(answers.conditions) or [NONE_OF_THESE]
        initial["risk_factors"] = base or [NONE_OF_THESE]
        for follow in FOLLOW_UPS:
            said_yes = {*answers.conditions, *answers.risk_factors}
            if said_yes & set(follow.follows):
                initial[follow_up_field(follow.code)] = (
                    YES if follow.code in answers.risk_factors else NO
                )
        return initial

    @property
    def emergency_fields(self) -> list[forms.BoundField]:
        return [self[sign_field(s.code)] for s in EMERGENCY_SIGNS]

    @property
    def signs_none_field(self) -> forms.BoundField | None:
        return self[SIGNS_NONE] if SIGNS_NONE in self.fields else None

    @property
    def list_fields(self) -> list[forms.BoundField]:
        return [self["conditions"], self["risk_factors"]]

    @property
    def follow_up_fields(self) -> list[dict[str, object]]:
        """Each follow-up, and whether it shows without CSS's help: what it follows was
        ticked in this post or the answers given before, or it has an error."""
        if self.is_bound:
            ticked = (
                {*self.data.getlist(self.add_prefix("conditions"))}
                | {*self.data.getlist(self.add_prefix("risk_factors"))}
                if hasattr(self.data, "getlist")
                else set()
            )
        else:
            ticked = {*self._initial_list("conditions"), *self._initial_list("risk_factors")}
        return [
            {
                "code": f.code,
                "field": self[follow_up_field(f.code)],
                "shown": bool(ticked & set(f.follows)) or follow_up_field(f.code) in self.errors,
            }
            for f in FOLLOW_UPS
        ]

    def _initial_list(self, name: str) -> list[str]:
        value = self.initial.get(name) or []
        return [str(v) for v in value] if isinstance(value, list | tuple) else []

    def safety_layout(self) -> HTML:
        return HTML('{% include "bookings/_safety_questions.html" %}')


class SafetyQuestionsForm(SafetyFieldsMixin, HoneypotMixin):
    """The safety questions as clients answer them (with the honeypot). A client who has
    none of the emergency signs says so in one tap, as the desk does, after reading them."""

    allow_signs_none = True
    signs_none_label = "I have none of these right now"


class ScreenForm(SafetyQuestionsForm):
    """The short screen for a client who starts booking from a technique page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The page's own <form> holds the one CSRF token.
        self.helper.disable_csrf = True
        self.helper.layout = Layout(self.safety_layout(), honeypot_layout())

    def answers(self, earlier: IntakeAnswers | None) -> IntakeAnswers:
        """Earlier answers (if any) with the safety questions answered afresh."""
        return replace(earlier or IntakeAnswers(), **self.safety_answers(), screened=True)


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
            self.safety_layout(),
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
            **self.safety_answers(),
            description=data["description"],
            screened=True,
            text_checked=earlier.text_checked if earlier is not None and same_words else (),
        )

    @classmethod
    def initial_from(cls, answers: IntakeAnswers) -> dict[str, object]:
        """The form filled in with answers given before (from the cookie)."""
        data = answers.to_dict()
        skip = ("screened", "text_checked", "asked", "conditions", "risk_factors", "warning_signs")
        return {k: v for k, v in data.items() if k not in skip} | cls.safety_initial(answers)


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
        # The page's own <form> holds the one CSRF token.
        self.helper.disable_csrf = True
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
