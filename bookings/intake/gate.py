"""The safety screen as the booking flow asks it, for the pages and for `book_session`.

The rules themselves are the pure safety core (`safety.screen`,
`screening.find_warning_phrases`); this module loads what they need (the technique
profiles, the stored warning phrases) and turns their answer into the questions the
booking flow has: may this technique be booked, and if not, why and what instead;
what must be kept with the booking so the therapist can treat safely.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bookings.intake import selectors
from bookings.intake.answers import IntakeAnswers, Triage
from bookings.intake.profiles import TechniqueProfile
from bookings.intake.safety import Screen, Verdict, screen
from bookings.intake.screening import PhraseMatch, find_warning_phrases
from catalog.vocabulary import WARNING_SIGNS

__all__ = ["PhraseMatch", "SafetyCheck", "Screen", "Stop", "Verdict", "check"]


class Stop(StrEnum):
    """Why a technique cannot be booked with these answers (yet)."""

    NOT_SCREENED = "not_screened"
    UNASKED_TEXT = "unasked_text"
    URGENT = "urgent"
    RULED_OUT = "ruled_out"
    NEEDS_ACKNOWLEDGEMENT = "needs_acknowledgement"


@dataclass(frozen=True)
class SafetyFacts:
    """What is kept with every booking, consent or not: the therapist needs it to treat
    safely."""

    warning_flags: list[str]
    conditions: list[str]
    text_checks: list[dict[str, str]]
    """Signs the client's words seemed to mention, answered "no": [{"sign", "quote"}]."""
    acknowledged_advice: list[str]


@dataclass(frozen=True)
class SafetyCheck:
    answers: IntakeAnswers
    screen: Screen
    matches: tuple[PhraseMatch, ...]
    profiles: tuple[TechniqueProfile, ...]
    """Every offered technique, as the suggestion reads them."""

    @property
    def names(self) -> dict[str, str]:
        return {p.slug: p.name for p in self.profiles}

    @property
    def unasked(self) -> tuple[PhraseMatch, ...]:
        """Signs their own words seem to mention that they neither ticked nor denied."""
        answered = set(self.answers.warning_signs) | set(self.answers.text_checked)
        return tuple(m for m in self.matches if m.sign not in answered)

    @property
    def urgent(self) -> bool:
        return self.screen.triage == Triage.URGENT

    def needs_acknowledgement(self, slug: str) -> bool:
        return (
            self.screen.triage == Triage.SEE_DOCTOR
            or self.screen.verdict(slug) == Verdict.DOCTOR_FIRST
        )

    def stop(self, slug: str, *, acknowledged: bool = True) -> Stop | None:
        if not self.answers.screened:
            return Stop.NOT_SCREENED
        if self.unasked:
            return Stop.UNASKED_TEXT
        if self.urgent:
            return Stop.URGENT
        if self.screen.verdict(slug) == Verdict.RULED_OUT:
            return Stop.RULED_OUT
        if self.needs_acknowledgement(slug) and not acknowledged:
            return Stop.NEEDS_ACKNOWLEDGEMENT
        return None

    def why_not(self, slug: str) -> tuple[str, ...]:
        return tuple(self.screen.reasons.get(slug, ()))

    def doctor_first_reasons(self, slug: str) -> tuple[str, ...]:
        reasons = list(self.screen.doctor_first_reasons)
        if self.screen.verdict(slug) == Verdict.DOCTOR_FIRST:
            reasons += [r for r in self.why_not(slug) if r not in reasons]
        return tuple(reasons)

    def advised(self, leaving_out: str = "") -> list[tuple[str, str]]:
        """(slug, name) of the techniques these answers allow, in the screen's order."""
        if self.urgent:
            return []
        return [
            (slug, self.names[slug])
            for slug in self.screen.advised()
            if slug != leaving_out and slug in self.names
        ]

    def facts(self, slug: str) -> SafetyFacts:
        checked = set(self.answers.text_checked)
        return SafetyFacts(
            warning_flags=list(self.answers.doctor_first_signs),
            conditions=list(self.screen.conditions),
            text_checks=[
                {"sign": m.sign, "quote": m.quote} for m in self.matches if m.sign in checked
            ],
            acknowledged_advice=list(self.doctor_first_reasons(slug))
            if self.needs_acknowledgement(slug)
            else [],
        )


def check(
    answers: IntakeAnswers, profiles: Sequence[TechniqueProfile] | None = None
) -> SafetyCheck:
    """Screen these answers against every offered technique (a few queries), or against
    `profiles` when the caller already has them (the booking steps, from the cache)."""
    if profiles is None:
        profiles = selectors.load_profiles()
    return SafetyCheck(
        answers=answers,
        screen=screen(answers, profiles),
        # No words, nothing to match: the phrases are not even read.
        matches=tuple(find_warning_phrases(answers.description, selectors.warning_phrases()))
        if answers.description
        else (),
        profiles=tuple(profiles),
    )


def sign_label(code: str) -> str:
    return WARNING_SIGNS.label_of(code)
