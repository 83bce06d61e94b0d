"""Which massage technique suits a client, and why, from their intake answers.

The core, `suggest()`, is pure: answers and plain technique profiles in, a ranked
list out. The weights and rules it applies are data content editors keep in the
catalog admin; `selectors.load_profiles()` reads them. The phrases that quote the
client's answers back are in `catalog.vocabulary`.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from catalog.vocabulary import CONDITIONS, WEIGHABLE_ANSWERS, RuleEffect

from .answers import IntakeAnswers, answer_codes


@dataclass(frozen=True)
class ConditionRule:
    condition: str
    effect: str
    reason: str


@dataclass(frozen=True)
class TechniqueProfile:
    """What the suggestion knows about one technique: plain data, no database."""

    slug: str
    name: str
    summary: str = ""
    display_order: int = 0
    weights: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    keywords: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    rules: tuple[ConditionRule, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    slug: str
    name: str
    summary: str
    score: int
    excluded: bool
    demoted: bool
    reasons: tuple[str, ...]
    """Why it fits, in sentences that quote the client's answers."""
    drawbacks: tuple[str, ...]
    """Which answers point away from it."""
    cautions: tuple[str, ...]
    """Why a health condition rules it out or calls for care."""


NO_STRONG_MATCH = (
    "Nothing you told us points strongly to one technique, so this is a comfortable "
    "place to start; your therapist adjusts it to you."
)


def suggest(answers: IntakeAnswers, profiles: Iterable[TechniqueProfile]) -> list[Suggestion]:
    """Rank every given technique for these answers, best first.

    Excluded techniques go last and demoted ones after the rest; within each group the
    higher score wins, and ties keep the catalog's display order, then name.
    """
    codes = answer_codes(answers)
    words = _words(answers.description)
    scored = [_score(answers, codes, words, profile) for profile in profiles]
    scored.sort(
        key=lambda pair: (
            pair[1].excluded,
            pair[1].demoted,
            -pair[1].score,
            pair[0].display_order,
            pair[0].name,
            pair[0].slug,
        )
    )
    ranked = [suggestion for _, suggestion in scored]
    top = next((s for s in ranked if not s.excluded), None)
    if top is not None and not top.reasons:
        ranked[ranked.index(top)] = replace(top, reasons=(NO_STRONG_MATCH,))
    return ranked


def _score(
    answers: IntakeAnswers,
    codes: Sequence[str],
    words: str,
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
        if weight and _mentions(words, keyword):
            score += weight
            (mentioned if weight > 0 else mentioned_against).append(f"“{keyword}”")

    reasons: list[str] = []
    if for_it:
        reasons.append(f"You said {_join(for_it)}.")
    if mentioned:
        reasons.append(f"In your own words you mentioned {_join(mentioned)}.")
    drawbacks: list[str] = []
    if against_it:
        drawbacks.append(f"Less suited because you said {_join(against_it)}.")
    if mentioned_against:
        drawbacks.append(f"Less suited because you mentioned {_join(mentioned_against)}.")

    conditions = set(answers.conditions)
    applying = sorted(
        (rule for rule in profile.rules if rule.condition in conditions),
        key=lambda rule: (CONDITIONS.codes.index(rule.condition), rule.effect),
    )
    cautions = tuple(
        f"You said {CONDITIONS.choice(rule.condition).phrase}. {rule.reason}" for rule in applying
    )
    excluded = any(rule.effect == RuleEffect.EXCLUDE for rule in applying)
    demoted = not excluded and any(rule.effect == RuleEffect.DEMOTE for rule in applying)
    return profile, Suggestion(
        slug=profile.slug,
        name=profile.name,
        summary=profile.summary,
        score=score,
        excluded=excluded,
        demoted=demoted,
        reasons=tuple(reasons),
        drawbacks=tuple(drawbacks),
        cautions=cautions,
    )


def _words(description: str) -> str:
    return " ".join(re.findall(r"\w+", description.lower()))


def _mentions(words: str, keyword: str) -> bool:
    # A keyword matches the start of a word ("knot" finds "knots") but never the middle
    # of one, so "ache" does not find "headache".
    phrase = " ".join(re.findall(r"\w+", keyword.lower()))
    return bool(phrase) and re.search(rf"(?<!\w){re.escape(phrase)}", words) is not None


def _join(phrases: Sequence[str]) -> str:
    if len(phrases) == 1:
        return phrases[0]
    # Answers like "exercise, sport or physical work" carry their own commas.
    separator = "; " if any("," in phrase for phrase in phrases) else ", "
    return f"{separator.join(phrases[:-1])} and {phrases[-1]}"
