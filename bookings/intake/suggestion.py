"""Which massage technique suits a client, and why, from their intake answers.

The core, `suggest()`, is pure: answers and plain technique profiles in, a ranked
list out. The weights are data content editors keep in the catalog admin, the health
rules data clinical leads keep, applied by `safety.screen`; `selectors.load_profiles()`
reads both. The phrases that quote the client's answers back are in `catalog.vocabulary`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bookings.intake import safety
from bookings.intake.answers import IntakeAnswers, answer_codes
from bookings.intake.profiles import ConditionRule, TechniqueProfile
from bookings.intake.screening import GAP, phrase_words, undenied_spans
from catalog.vocabulary import WEIGHABLE_ANSWERS, Pressure, RuleEffect

__all__ = ["ConditionRule", "Suggestion", "TechniqueProfile", "suggest"]


@dataclass(frozen=True)
class Suggestion:
    slug: str
    name: str
    summary: str
    score: int
    excluded: bool
    """A health condition rules it out: it cannot be booked."""
    demoted: bool
    """Not excluded, but moved after the others: it needs care, or a doctor first."""
    reasons: tuple[str, ...]
    """Why it fits, in sentences that quote the client's answers."""
    drawbacks: tuple[str, ...]
    """Which answers point away from it."""
    cautions: tuple[str, ...]
    """Why a health condition rules it out or calls for care; on the top suggestion,
    also the see-a-doctor caution for severe, recent, constant pain."""
    needs_doctor: bool = False
    """A condition rule says a doctor should agree first: bookable only once the client
    confirms it (`safety.Verdict.DOCTOR_FIRST`)."""
    self_care: str = ""
    """What to do between sessions (reviewed advice), shown with the top suggestion."""


NO_STRONG_MATCH = (
    "Nothing you told us points strongly to one technique, so this is a comfortable "
    "place to start; your therapist adjusts it to you."
)
SEVERE_PAIN_CAUTION = (
    "Strong pain that started a few days ago and never lets up deserves care: please "
    "see a doctor if it gets worse or you feel unwell."
)
SEVERE_PAIN_FROM = 8
"""From this intensity (out of 10), recent constant pain gets SEVERE_PAIN_CAUTION."""

GENTLEST_FIRST: dict[str, int] = {Pressure.GENTLE: 0, Pressure.MEDIUM: 1, Pressure.FIRM: 2}


def suggest(answers: IntakeAnswers, profiles: Iterable[TechniqueProfile]) -> list[Suggestion]:
    """Rank every given technique for these answers, best first.

    Excluded techniques go last and demoted ones (needing care or a doctor first) after
    the rest; within each group the higher score wins, ties go to the gentler technique,
    then keep the catalog's display order, then name. The health rules are
    `safety.screen`'s, so a fever counts as an infection here too.
    """
    profiles = list(profiles)
    codes = answer_codes(answers)
    checked = safety.screen(answers, profiles)
    scored = [_score(answers, codes, checked, profile) for profile in profiles]
    scored.sort(
        key=lambda pair: (
            pair[1].excluded,
            pair[1].demoted,
            -pair[1].score,
            GENTLEST_FIRST.get(pair[0].pressure, len(GENTLEST_FIRST)),
            pair[0].display_order,
            pair[0].name,
            pair[0].slug,
        )
    )
    ranked = [suggestion for _, suggestion in scored]
    top = next((s for s in ranked if not s.excluded), None)
    if top is not None:
        reasons = top.reasons or (NO_STRONG_MATCH,)
        cautions = top.cautions + pain_cautions(answers)
        ranked[ranked.index(top)] = replace(top, reasons=reasons, cautions=cautions)
    return ranked


def pain_cautions(answers: IntakeAnswers) -> tuple[str, ...]:
    """The see-a-doctor caution when the pain is severe, recent and constant, else none."""
    severe = answers.intensity is not None and answers.intensity >= SEVERE_PAIN_FROM
    if severe and answers.duration == "days" and answers.frequency == "constant":
        return (SEVERE_PAIN_CAUTION,)
    return ()


def _score(
    answers: IntakeAnswers,
    codes: Sequence[str],
    checked: safety.Screen,
    profile: TechniqueProfile,
) -> tuple[TechniqueProfile, Suggestion]:
    for_it: list[str] = []
    against_it: list[str] = []
    score = 0
    for code in codes:
        weight = profile.weights.get(code, 0)
        score += weight
        if weight:
            phrase = WEIGHABLE_ANSWERS[code].phrase.format(intensity=answers.intensity)
            (for_it if weight > 0 else against_it).append(phrase)

    mentioned: list[str] = []
    mentioned_against: list[str] = []
    # Sorted so the order of reasons never depends on how the data was loaded.
    for keyword, weight in sorted(profile.keywords.items()):
        quote = _mention(answers.description, keyword) if weight else None
        if quote is not None:
            score += weight
            (mentioned if weight > 0 else mentioned_against).append(f"“{quote}”")

    reasons: list[str] = []
    if for_it:
        reasons.append(f"You said {_join(for_it)}.")
    if mentioned:
        reasons.append(f"In your own words you mentioned {_join(_unique(mentioned))}.")
    drawbacks: list[str] = []
    if against_it:
        drawbacks.append(f"Less suited because you said {_join(against_it)}.")
    if mentioned_against:
        drawbacks.append(f"Less suited because you mentioned {_join(_unique(mentioned_against))}.")

    verdict = checked.verdict(profile.slug)
    rules = safety.applying_rules(profile, checked.conditions)
    excluded = verdict is safety.Verdict.RULED_OUT
    needs_doctor = verdict is safety.Verdict.DOCTOR_FIRST
    demoted = not excluded and (
        needs_doctor or any(rule.effect == RuleEffect.DEMOTE for rule in rules)
    )
    return profile, Suggestion(
        slug=profile.slug,
        name=profile.name,
        summary=profile.summary,
        score=score,
        excluded=excluded,
        demoted=demoted,
        reasons=tuple(reasons),
        drawbacks=tuple(drawbacks),
        cautions=checked.reasons.get(profile.slug, ()),
        needs_doctor=needs_doctor,
        self_care=profile.self_care,
    )


def _mention(description: str, keyword: str) -> str | None:
    """The client's own words for this keyword, as written, or None when they did not use
    it or denied it ("no swelling").

    A keyword matches whole words except its last, which may go on ("knot" finds
    "knots", "heav" finds "heavy"), but never the middle of one ("ache" is not in
    "headache").
    """
    words = phrase_words(keyword)
    if not words or any(word == GAP for word in words):
        return None
    last = words[-1] if words[-1].endswith("*") else f"{words[-1]}*"
    spans = undenied_spans(description, (*words[:-1], last))
    if not spans:
        return None
    start, end = spans[0]
    return description[start:end]


def _unique(quotes: Sequence[str]) -> list[str]:
    # Two keywords ("swell", "swollen") may find the same words.
    return list(dict.fromkeys(quotes))


def _join(phrases: Sequence[str]) -> str:
    if len(phrases) == 1:
        return phrases[0]
    # Answers like "exercise, sport or physical work" carry their own commas.
    separator = "; " if any("," in phrase for phrase in phrases) else ", "
    return f"{separator.join(phrases[:-1])} and {phrases[-1]}"
