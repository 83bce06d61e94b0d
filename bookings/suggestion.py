"""Which massage technique suits a client, and why, from their intake answers.

The core, `suggest()`, is pure: answers and plain technique profiles in, a ranked
list out. The weights and rules it applies are data content editors keep in the
catalog admin; `load_profiles()` reads them.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from catalog.models import RuleEffect, Technique

from .intake import (
    Area,
    Condition,
    Duration,
    Feeling,
    Frequency,
    IntakeAnswers,
    PressurePreference,
    Trigger,
    answer_codes,
)


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


# How each answer reads back to the client, after "You said ...".
ANSWER_PHRASES: dict[str, str] = {
    **{f"area:{area}": f"it hurts in your {label.lower()}" for area, label in Area.choices},
    f"duration:{Duration.DAYS}": "the pain started a few days ago",
    f"duration:{Duration.WEEKS}": "the pain has lasted a few weeks",
    f"duration:{Duration.MONTHS}": "the pain has lasted over three months",
    "intensity:mild": "the pain is mild ({intensity} out of 10)",
    "intensity:moderate": "the pain is moderate ({intensity} out of 10)",
    "intensity:strong": "the pain is strong ({intensity} out of 10)",
    f"frequency:{Frequency.SOMETIMES}": "it hurts now and then",
    f"frequency:{Frequency.OFTEN}": "it hurts most days",
    f"frequency:{Frequency.CONSTANT}": "it hurts all the time",
    f"feeling:{Feeling.TIGHT}": "it feels tight or stiff",
    f"feeling:{Feeling.KNOTS}": "you have knots or tender spots you can press",
    f"feeling:{Feeling.ACHE}": "it feels like a dull ache or tiredness",
    f"feeling:{Feeling.SWELLING}": "there is swelling, puffiness or heaviness",
    f"feeling:{Feeling.SPASMS}": "you get sudden spasms or cramps",
    f"trigger:{Trigger.SITTING}": "long sitting, desk work or posture brings it on",
    f"trigger:{Trigger.EXERCISE}": "exercise, sport or physical work brings it on",
    f"trigger:{Trigger.STRESS}": "stress or anxiety brings it on",
    f"trigger:{Trigger.STANDING}": "long standing or poor circulation brings it on",
    f"pressure:{PressurePreference.GENTLE}": "you prefer gentle pressure",
    f"pressure:{PressurePreference.MEDIUM}": "you prefer medium pressure",
    f"pressure:{PressurePreference.FIRM}": "you prefer firm pressure",
    f"pressure:{PressurePreference.ANY}": "you have no pressure preference",
}

CONDITION_PHRASES: dict[str, str] = {
    Condition.PREGNANCY: "you are pregnant",
    Condition.BLOOD_THINNERS: "you take blood thinners or have a bleeding disorder",
    Condition.RECENT_SURGERY: "you had surgery in the last three months",
    Condition.OSTEOPOROSIS: "you have osteoporosis",
    Condition.DVT: "you have, or have had, a blood clot (DVT)",
    Condition.INFECTION: "you have a fever or an infection now",
    Condition.HEART_KIDNEY: "you have heart failure or kidney failure",
    Condition.SKIN: "you have skin problems on your back",
}

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
            phrase = ANSWER_PHRASES[code].format(intensity=answers.intensity)
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
        key=lambda rule: (list(Condition.values).index(rule.condition), rule.effect),
    )
    cautions = tuple(
        f"You said {CONDITION_PHRASES[rule.condition]}. {rule.reason}" for rule in applying
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


def load_profiles() -> list[TechniqueProfile]:
    """The offered techniques' profiles, read in four queries whatever their number."""
    return [
        TechniqueProfile(
            slug=technique.slug,
            name=technique.name,
            summary=technique.summary,
            display_order=technique.display_order,
            weights=MappingProxyType({w.answer: w.weight for w in technique.answer_weights.all()}),
            keywords=MappingProxyType(
                {k.keyword: k.weight for k in technique.keyword_weights.all()}
            ),
            rules=tuple(
                ConditionRule(condition=r.condition, effect=r.effect, reason=r.reason)
                for r in technique.condition_rules.all()
            ),
        )
        for technique in Technique.objects.active().with_indications()
    ]
