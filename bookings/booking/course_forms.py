"""The client's course pages' forms: how often and how many, which time for each
session, which sessions to cancel, and the safety questions asked again."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils import timezone

from bookings.booking.course_plan import MAX_SESSIONS, MIN_SESSIONS, Occurrence, Option, Pick
from bookings.booking.forms import YES
from bookings.intake.forms import (
    ANSWER_EACH,
    YES_NO,
    SafetyFieldsMixin,
    SafetyQuestionsForm,
    follow_up_field,
    sign_field,
)
from bookings.models import CourseInterval
from catalog.vocabulary import EMERGENCY_SIGNS, FOLLOW_UPS

SKIP = "skip"
CHOOSE_AGAIN = "That time is no longer free. Please choose one of these, or skip it."


class CourseShapeForm(forms.Form):
    """Sent by GET ("Show the dates"): nothing is booked until the dates are seen."""

    every_weeks = forms.TypedChoiceField(
        label="How often?",
        choices=CourseInterval.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose how often.",
            "invalid_choice": "Please choose every week, every 2 weeks or every 4 weeks.",
        },
    )
    sessions = forms.TypedChoiceField(
        label="How many sessions in all?",
        help_text="Counting the one you have booked.",
        choices=[(n, str(n)) for n in range(MIN_SESSIONS, MAX_SESSIONS + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose how many sessions.",
            "invalid_choice": f"Please choose from {MIN_SESSIONS} to {MAX_SESSIONS} sessions.",
        },
    )


def pick_value(start: datetime, therapist_id: int) -> str:
    return f"{therapist_id}@{int(start.timestamp())}"


def _pick_of(position: int, value: str) -> Pick:
    therapist, _, stamp = value.partition("@")
    start = datetime.fromtimestamp(int(stamp), tz=UTC)
    return Pick(position=position, start=start, therapist_id=int(therapist))


def option_label(option: Option, wanted: datetime) -> str:
    """ "11:00 with Anna K." on the wanted day; the day as well on another."""
    start = timezone.localtime(option.start)
    when = f"{start:%H:%M}"
    if start.date() != timezone.localtime(wanted).date():
        when = f"{start:%A} {start.day} {start:%B} at {start:%H:%M}"
    return f"{when} with {option.therapist_name}"


def pick_field(occurrence: Occurrence) -> str:
    return f"pick_{occurrence.position}"


class PicksForm(forms.Form):
    """One field per session after the first, built from the plan as it is now: a free
    one carries its time in a hidden field, one that clashes offers its alternatives
    and "Skip this one". A time that was free when the page was drawn and is not any
    more is an invalid choice, so the client chooses again."""

    every_weeks = CourseShapeForm.base_fields["every_weeks"]
    sessions = CourseShapeForm.base_fields["sessions"]

    def __init__(self, *args: Any, occurrences: Sequence[Occurrence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.occurrences = list(occurrences)
        for occurrence in self.occurrences:
            self.fields[pick_field(occurrence)] = self._field_for(occurrence)

    @staticmethod
    def _field_for(occurrence: Occurrence) -> forms.ChoiceField:
        errors = {"required": CHOOSE_AGAIN, "invalid_choice": CHOOSE_AGAIN}
        if occurrence.free:
            value = pick_value(occurrence.start, occurrence.therapist_id)
            return forms.ChoiceField(
                choices=[(value, "Free")],
                initial=value,
                widget=forms.HiddenInput,
                error_messages=errors,
            )
        choices = [
            (pick_value(o.start, o.therapist_id), option_label(o, occurrence.start))
            for o in occurrence.options
        ]
        return forms.ChoiceField(
            label=f"Session {occurrence.position}",
            choices=[*choices, (SKIP, "Skip this one")],
            initial=choices[0][0] if choices else SKIP,
            widget=forms.RadioSelect if choices else forms.HiddenInput,
            error_messages=errors,
        )

    def picks(self) -> list[Pick]:
        """The kept sessions; call only after `is_valid()`."""
        kept = []
        for occurrence in self.occurrences:
            value = self.cleaned_data[pick_field(occurrence)]
            if value != SKIP:
                kept.append(_pick_of(occurrence.position, value))
        return kept

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.picks():
            raise forms.ValidationError(
                "Every session after the first is skipped: please keep at least one, or go "
                "back to your booking.",
                code="nothing_kept",
            )
        return cleaned


def planned_count(occurrences: Sequence[Occurrence]) -> int:
    """The sessions "Book these N sessions" books as the page is drawn: the free ones
    and those with an alternative chosen (the nearest, until the client says skip)."""
    return sum(1 for o in occurrences if o.free or o.options)


class CourseCancelForm(forms.Form):
    scope = forms.ChoiceField(
        label="Which sessions?",
        choices=[
            ("one", "Cancel this session"),
            ("rest", "Cancel this and the later ones"),
            ("all", "Cancel all"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose which sessions to cancel.",
            "invalid_choice": "Please choose which sessions to cancel.",
        },
    )

    def show(self, choices: Sequence[tuple[str, str, list[str]]]) -> None:
        """Offer only these ways, each label naming the dates it cancels. A post naming
        another way still counts: it cancels what that way says."""
        self.fields["scope"].widget.choices = [
            (scope, f"{label}: {'; '.join(dates)}") for scope, label, dates in choices
        ]


class RecheckForm(SafetyFieldsMixin):
    """The emergency signs, exactly as the booking steps ask them (with "I have none of
    these right now"), and one question: has their health changed since the course's
    answers? The longer lists are not asked again: a change is for the therapist to go
    through with the client."""

    allow_signs_none = True
    signs_none_label = SafetyQuestionsForm.signs_none_label

    def __init__(self, *args: Any, since: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("conditions", "risk_factors", *(follow_up_field(f.code) for f in FOLLOW_UPS)):
            del self.fields[name]
        self.fields["health_changed"] = forms.ChoiceField(
            label=f"Has anything about your health changed since {since}?",
            help_text="For example a new diagnosis, an operation, a pregnancy or new medicines.",
            choices=YES_NO,
            widget=forms.RadioSelect,
            error_messages={"required": ANSWER_EACH, "invalid_choice": ANSWER_EACH},
        )

    @property
    def list_fields(self) -> list[forms.BoundField]:
        return []

    @property
    def follow_up_fields(self) -> list[dict[str, object]]:
        return []

    def emergency_signs(self) -> tuple[str, ...]:
        """The signs answered yes; call only after `is_valid()`."""
        return tuple(
            s.code for s in EMERGENCY_SIGNS if self.cleaned_data.get(sign_field(s.code)) == YES
        )

    def health_changed(self) -> bool:
        return bool(self.cleaned_data["health_changed"] == YES)
