"""A stand-in for the safety core (`safety.py`, `screening.py`) until it is merged.

The names and shapes follow SAFETY_API.md; `safety_gate` is the only importer. It
rules out what the suggestion excludes and asks a doctor first for doctor-first signs.
Delete this file once `bookings.safety` and `bookings.screening` exist.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from catalog.vocabulary import WARNING_SIGNS

from .answers import IntakeAnswers, Triage
from .suggestion import TechniqueProfile, suggest


@dataclass(frozen=True)
class PhraseMatch:
    sign: str
    phrase: str
    quote: str


def find_warning_phrases(text: str, phrases: Iterable[tuple[str, str]]) -> list[PhraseMatch]:
    words = f" {' '.join(text.lower().split())} "
    found: dict[str, PhraseMatch] = {}
    for sign, phrase in phrases:
        if sign not in found and f" {phrase.lower()} " in words:
            found[sign] = PhraseMatch(sign=sign, phrase=phrase, quote=phrase)
    return [found[code] for code in WARNING_SIGNS.codes if code in found]


class Verdict(StrEnum):
    OK = "ok"
    DOCTOR_FIRST = "doctor_first"
    RULED_OUT = "ruled_out"


@dataclass(frozen=True)
class Screen:
    triage: Triage
    verdicts: Mapping[str, Verdict]
    reasons: Mapping[str, tuple[str, ...]]
    doctor_first_reasons: tuple[str, ...]
    conditions: tuple[str, ...]
    massage_should_wait: bool

    def verdict(self, slug: str) -> Verdict:
        return self.verdicts.get(slug, Verdict.RULED_OUT)

    def advised(self) -> tuple[str, ...]:
        return tuple(s for s, v in self.verdicts.items() if v != Verdict.RULED_OUT)


def screen(answers: IntakeAnswers, profiles: Iterable[TechniqueProfile]) -> Screen:
    triage = answers.triage
    ranked = suggest(answers, profiles)
    doctor_first = tuple(
        f"You said {WARNING_SIGNS.choice(s).phrase}." for s in answers.doctor_first_signs
    )
    verdicts = {
        s.slug: Verdict.RULED_OUT
        if s.excluded or triage == Triage.URGENT
        else (Verdict.DOCTOR_FIRST if doctor_first else Verdict.OK)
        for s in ranked
    }
    return Screen(
        triage=triage,
        verdicts=verdicts,
        reasons={s.slug: s.cautions for s in ranked},
        doctor_first_reasons=doctor_first,
        conditions=answers.conditions,
        massage_should_wait=all(v == Verdict.RULED_OUT for v in verdicts.values()),
    )
