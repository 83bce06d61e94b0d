"""The safety screen as the booking flow asks it, for the pages and for `book_session`.

The rules themselves are the pure safety core (`safety.screen`,
`screening.find_warning_phrases`); this module loads what they need (the technique
profiles, the stored warning phrases) and turns their answer into the questions the
booking flow has: may this technique be booked, and if not, why and what instead;
what must be kept with the booking so the therapist can treat safely.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bookings.intake import selectors
from bookings.intake.answers import UNSCREENED_LANGUAGE, IntakeAnswers, Triage
from bookings.intake.profiles import TechniqueProfile
from bookings.intake.safety import Screen, Verdict, screen
from bookings.intake.screening import PhraseMatch, ScreeningResult, screen_text
from catalog.vocabulary import WARNING_SIGNS

__all__ = ["Advice", "PhraseMatch", "SafetyCheck", "Screen", "Stop", "Verdict", "check"]


class Stop(StrEnum):
    """Why a technique cannot be booked with these answers (yet)."""

    URGENT = "urgent"
    NOT_SCREENED = "not_screened"
    UNASKED_TEXT = "unasked_text"
    SHOULD_WAIT = "should_wait"
    """Massage should wait: no online booking; the front desk only with a clinical
    override and its reason."""
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
    """Doctor-first advice and cautions the client (or the desk for them) acknowledged."""


@dataclass(frozen=True)
class Advice:
    """What a booking asks the client to acknowledge, as the details page shows it."""

    doctor: bool
    """A doctor should see them first (else only cautions)."""
    signs: tuple[str, ...]
    """The doctor-first warning signs they answered, as labels."""
    reasons: tuple[str, ...]
    cautions: tuple[str, ...]


@dataclass(frozen=True)
class SafetyCheck:
    answers: IntakeAnswers
    screen: Screen
    matches: tuple[PhraseMatch, ...]
    profiles: tuple[TechniqueProfile, ...]
    """Every offered technique, as the suggestion reads them."""
    unscreened_language: str | None = None
    """The name of the language their words are in when the clinic does not screen it
    ("German"): said on the result page, and kept with the booking."""

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

    @property
    def should_wait(self) -> bool:
        """What the result page says as "massage should wait": nothing advised outright."""
        return self.screen.massage_should_wait or not self.screen.advised()

    def needs_doctor(self, slug: str) -> bool:
        return (
            self.screen.triage == Triage.SEE_DOCTOR
            or self.screen.verdict(slug) == Verdict.DOCTOR_FIRST
        )

    def cautions(self, slug: str) -> tuple[str, ...]:
        """The care this technique needs with these answers (pregnancy...), in sentences."""
        return self.screen.cautions_for(slug)

    def needs_acknowledgement(self, slug: str) -> bool:
        """Doctor-first advice or a caution: the booking asks the client to confirm it."""
        return self.needs_doctor(slug) or bool(self.cautions(slug))

    def stop(
        self, slug: str, *, acknowledged: bool = True, clinical_override: bool = False
    ) -> Stop | None:
        """Why this technique cannot be booked (yet), None when it can.

        An emergency sign comes before everything, even unanswered questions: emergency
        advice is never kept waiting behind a question. `clinical_override` (front desk,
        with a reason kept on the booking) books past "massage should wait" only.
        """
        if self.urgent:
            return Stop.URGENT
        if not self.answers.screened:
            return Stop.NOT_SCREENED
        if self.unasked:
            return Stop.UNASKED_TEXT
        if self.should_wait and not clinical_override:
            return Stop.SHOULD_WAIT
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

    def wait_reasons(self) -> tuple[str, ...]:
        """Why massage should wait: every doctor-first and rule sentence, each once."""
        sentences = [
            *self.screen.doctor_first_reasons,
            *(r for rs in self.screen.reasons.values() for r in rs),
        ]
        return tuple(dict.fromkeys(sentences))

    def advice(self, slug: str) -> Advice | None:
        """The doctor-first advice and cautions this booking must acknowledge, if any."""
        if not self.needs_acknowledgement(slug):
            return None
        doctor = self.needs_doctor(slug)
        return Advice(
            doctor=doctor,
            signs=tuple(sign_label(s) for s in self.answers.doctor_first_signs),
            reasons=self.doctor_first_reasons(slug) if doctor else (),
            cautions=self.cautions(slug),
        )

    def to_acknowledge(self, slug: str) -> tuple[str, ...]:
        """What the booking asks the client to confirm: doctor-first advice, then cautions."""
        doctor = self.doctor_first_reasons(slug) if self.needs_doctor(slug) else ()
        return tuple(dict.fromkeys((*doctor, *self.cautions(slug))))

    def explain(self, slug: str, stop: Stop) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
        """Why this stop, in sentences, and the techniques to offer instead (none when
        massage should wait)."""
        if stop == Stop.SHOULD_WAIT:
            return self.wait_reasons(), []
        if stop == Stop.NEEDS_ACKNOWLEDGEMENT:
            return self.to_acknowledge(slug), self.advised(leaving_out=slug)
        if stop == Stop.RULED_OUT:
            return self.why_not(slug), self.advised(leaving_out=slug)
        return (), self.advised(leaving_out=slug)

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
        if self.unscreened_language:
            return _with_language_note(self, slug)
        checked = set(self.answers.text_checked)
        return SafetyFacts(
            warning_flags=list(self.answers.doctor_first_signs),
            conditions=list(self.screen.conditions),
            text_checks=[
                {"sign": m.sign, "quote": m.quote} for m in self.matches if m.sign in checked
            ],
            acknowledged_advice=list(self.to_acknowledge(slug)),
        )


def check(
    answers: IntakeAnswers, profiles: Sequence[TechniqueProfile] | None = None
) -> SafetyCheck:
    """Screen these answers against every offered technique (a few queries), or against
    `profiles` when the caller already has them (the booking steps, from the cache)."""
    if profiles is None:
        profiles = selectors.load_profiles()
    # No words, nothing to match: the phrases are not even read.
    words = (
        screen_text(answers.description, selectors.warning_phrases())
        if answers.description
        else ScreeningResult(matches=())
    )
    return SafetyCheck(
        answers=answers,
        screen=screen(answers, profiles),
        matches=words.matches,
        profiles=tuple(profiles),
        unscreened_language=words.language_name if words.unscreened_language else None,
    )


def _with_language_note(check: SafetyCheck, slug: str) -> SafetyFacts:
    """The facts, with "description not screened (language)" for the therapist."""
    facts = replace(check, unscreened_language=None).facts(slug)
    note = {"sign": UNSCREENED_LANGUAGE, "quote": str(check.unscreened_language)}
    return replace(facts, text_checks=[*facts.text_checks, note])


def sign_label(code: str) -> str:
    return WARNING_SIGNS.label_of(code)
