"""One client's intake answers as plain values, and what they mean for booking.

Pure: no database, no request. The questions and their codes are in
`catalog.vocabulary`; how the answers travel to the booking form is in `intake`.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from catalog.vocabulary import (
    CONDITIONS,
    DESCRIPTION_MAX_LENGTH,
    DOCTOR_FIRST_SIGNS,
    INTENSITY_MAX,
    NO_PRESSURE_PREFERENCE,
    QUESTIONS,
    RISK_FACTORS,
    SAFETY_QUESTIONS,
    URGENT_SIGNS,
    WARNING_SIGNS,
    WEIGHED_QUESTIONS,
    Kind,
)


class Triage(StrEnum):
    ROUTINE = "routine"
    """No warning signs."""
    SEE_DOCTOR = "see_doctor"
    """See a doctor before booking."""
    URGENT = "urgent"
    """Emergency care today."""


@dataclass(frozen=True)
class IntakeAnswers:
    """One client's answers, as the codes in `catalog.vocabulary`.

    The fields are the questions' `field` names, then what the booking's safety screen
    needs to know about how they were asked.
    """

    areas: tuple[str, ...] = ()
    duration: str = ""
    intensity: int | None = None
    frequency: str = ""
    feelings: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    pressure: str = NO_PRESSURE_PREFERENCE
    conditions: tuple[str, ...] = ()
    risk_factors: tuple[str, ...] = ()
    warning_signs: tuple[str, ...] = ()
    description: str = ""
    screened: bool = False
    """True once the client (or staff for them) answered every safety question
    explicitly (`catalog.vocabulary.SAFETY_QUESTIONS`): each emergency sign yes or no,
    the conditions and the risk factors each with what applies or "None of these"."""
    text_checked: tuple[str, ...] = ()
    """Warning-sign codes their own words seemed to mention, asked explicitly and answered
    "no"."""

    @property
    def triage(self) -> Triage:
        signs = set(self.warning_signs)
        if signs & URGENT_SIGNS:
            return Triage.URGENT
        if signs & DOCTOR_FIRST_SIGNS:
            return Triage.SEE_DOCTOR
        return Triage.ROUTINE

    @property
    def urgent_signs(self) -> tuple[str, ...]:
        return tuple(s for s in self.warning_signs if s in URGENT_SIGNS)

    @property
    def doctor_first_signs(self) -> tuple[str, ...]:
        return tuple(s for s in self.warning_signs if s in DOCTOR_FIRST_SIGNS)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        kept = {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}
        # Which questions the screen asked travels with the answers, so answers given
        # to an older set of questions read back as not screened.
        return kept | {"asked": list(SAFETY_QUESTIONS) if self.screened else []}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "IntakeAnswers":
        """Rebuild answers from `to_dict()` output, dropping anything unknown."""
        kwargs: dict[str, Any] = {}
        for question in QUESTIONS:
            value = data.get(question.field)
            if question.kind is Kind.MANY:
                if isinstance(value, list):
                    kwargs[question.field] = tuple(v for v in value if v in question.codes)
            elif question.kind is Kind.ONE:
                if value in question.codes:
                    kwargs[question.field] = value
            elif question.kind is Kind.NUMBER:
                if isinstance(value, int) and 0 <= value <= INTENSITY_MAX:
                    kwargs[question.field] = value
            elif isinstance(value, str):
                kwargs[question.field] = value[:DESCRIPTION_MAX_LENGTH]
        asked = data.get("asked")
        kwargs["screened"] = (
            data.get("screened") is True
            and isinstance(asked, list)
            and set(SAFETY_QUESTIONS) <= set(asked)
        )
        checked = data.get("text_checked")
        if isinstance(checked, list):
            kwargs["text_checked"] = WARNING_SIGNS.in_order(
                c for c in checked if c in WARNING_SIGNS.codes
            )
        return cls(**kwargs)


def answer_codes(answers: IntakeAnswers) -> tuple[str, ...]:
    """The client's weighable answers as "question:choice" codes, in the order the form asks.

    A number counts as the band it falls in ("intensity:moderate").
    """
    codes: list[str] = []
    for question in WEIGHED_QUESTIONS:
        value = getattr(answers, question.field)
        if question.kind is Kind.NUMBER:
            value = question.band_of(value)
        values = value if isinstance(value, tuple) else (value,)
        codes += [f"{question.code}:{v}" for v in values if v]
    return tuple(codes)


def read_back(data: Mapping[str, object]) -> list[tuple[str, str]]:
    """Kept answers as staff read them: each question's admin label and the answer in words."""
    answers = IntakeAnswers.from_dict(data)
    rows = []
    for question in QUESTIONS:
        value = getattr(answers, question.field)
        if isinstance(value, tuple):
            text = ", ".join(question.label_of(v) for v in value)
        elif value is None or value == "":
            text = ""
        else:
            text = question.label_of(value)
        rows.append((question.admin_label, text or "Not answered"))
    return rows


def warning_sign_labels(codes: object) -> list[str]:
    """The labels of stored warning-sign codes (anything that is not a list reads as none)."""
    if not isinstance(codes, list):
        return []
    return [WARNING_SIGNS.label_of(code) for code in codes]


def condition_labels(codes: object) -> list[str]:
    """The labels of stored condition and risk-factor codes (anything that is not a list
    reads as none); a risk factor reads as its phrase, a statement about the client."""
    if not isinstance(codes, list):
        return []
    risks = {c.code: c.phrase for c in RISK_FACTORS.choices}
    return [
        risks[code].capitalize() if code in risks else CONDITIONS.label_of(code) for code in codes
    ]


UNSCREENED_LANGUAGE = "unscreened_language"
"""A text check that is no sign: their words were in a language the clinic does not
screen (the quote is its name)."""


def text_check_lines(checks: object) -> list[str]:
    """Stored text checks as staff read them: the sign, and the client's own words."""
    if not isinstance(checks, list):
        return []
    return [
        f"Description not screened (language: {c.get('quote', '')})"
        if c.get("sign") == UNSCREENED_LANGUAGE
        else f"{WARNING_SIGNS.label_of(c.get('sign'))}: they wrote “{c.get('quote', '')}”"
        for c in checks
        if isinstance(c, dict)
    ]
