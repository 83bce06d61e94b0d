"""What a client's answers allow: the triage, and per technique whether it may be booked.

Pure: answers and technique profiles in, a `Screen` out. One rule set for the result
page, the suggestion and the booking service:

- an urgent warning sign: emergency care today (triage URGENT, nothing is booked);
- a doctor-first warning sign: see a doctor first (triage SEE_DOCTOR);
- a warning sign or a risk factor brings the health conditions it implies (a fever is
  an infection's, `catalog.vocabulary.IMPLIED_CONDITIONS`), ticked or not;
- risk factors are condition codes too: each condition rule of a technique, for a
  condition or a risk factor, decides: EXCLUDE rules it out, DOCTOR_FIRST lets it be
  booked only once the client confirms a doctor agreed (triage SEE_DOCTOR), DEMOTE
  moves it down the suggestion and makes its reason a caution the booking shows and
  has acknowledged; a condition's own caution (pregnancy) applies to every technique;
- when every technique is ruled out or moved down, massage should wait: nothing is
  booked online, and the front desk only with a clinical override and its reason.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from bookings.intake.answers import IntakeAnswers, Triage
from bookings.intake.profiles import ConditionRule, TechniqueProfile
from catalog.vocabulary import (
    CONDITIONS,
    DOCTOR_FIRST_SIGNS,
    IMPLIED_CONDITIONS,
    RISK_FACTORS,
    RISK_IMPLIES,
    RULE_CONDITION_CODES,
    URGENT_SIGNS,
    WARNING_SIGNS,
    RuleEffect,
)


class Verdict(StrEnum):
    OK = "ok"
    DOCTOR_FIRST = "doctor_first"
    """Bookable only with the see-a-doctor acknowledgement; flagged for the therapist."""
    RULED_OUT = "ruled_out"
    """Cannot be booked."""


@dataclass(frozen=True)
class Screen:
    triage: Triage
    """URGENT / SEE_DOCTOR / ROUTINE, conditions included."""
    verdicts: Mapping[str, Verdict]
    """Technique slug -> verdict, for every profile given."""
    reasons: Mapping[str, tuple[str, ...]]
    """Technique slug -> the sentences why (every condition rule that applies)."""
    doctor_first_reasons: tuple[str, ...]
    """What the client must acknowledge before booking, in sentences."""
    conditions: tuple[str, ...]
    """Conditions and risk factors, ticked or implied by warning signs and risk factors,
    in the form's order."""
    massage_should_wait: bool
    """Every technique is ruled out or moved down: better to wait, or see a doctor."""
    cautions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Technique slug -> the care it needs with these answers, in sentences the client
    reads and acknowledges before booking (DEMOTE rules, conditions' own cautions)."""

    def verdict(self, slug: str) -> Verdict:
        """An unknown (or no longer offered) technique is ruled out."""
        return self.verdicts.get(slug, Verdict.RULED_OUT)

    def cautions_for(self, slug: str) -> tuple[str, ...]:
        return tuple(self.cautions.get(slug, ()))

    def advised(self) -> tuple[str, ...]:
        """The techniques that are not ruled out; ranking them is the suggestion's job."""
        return tuple(slug for slug, v in self.verdicts.items() if v is not Verdict.RULED_OUT)


def implied_conditions(signs: Iterable[str], risks: Iterable[str] = ()) -> tuple[str, ...]:
    """The health conditions these warning signs and risk factors bring with them, in
    the form's order."""
    implied = {condition for sign in signs for condition in IMPLIED_CONDITIONS.get(sign, ())}
    implied |= {condition for risk in risks for condition in RISK_IMPLIES.get(risk, ())}
    return CONDITIONS.in_order(implied)


def all_conditions(answers: IntakeAnswers) -> tuple[str, ...]:
    """Ticked conditions and risk factors, and the conditions they and the warning signs
    imply, in the form's order (conditions first)."""
    present = {
        *answers.conditions,
        *answers.risk_factors,
        *implied_conditions(answers.warning_signs, answers.risk_factors),
    }
    return tuple(code for code in RULE_CONDITION_CODES if code in present)


def applying_rules(
    profile: TechniqueProfile, conditions: Iterable[str]
) -> tuple[ConditionRule, ...]:
    """The technique's rules for these conditions, in the form's order of conditions."""
    present = set(conditions)
    return tuple(
        sorted(
            (rule for rule in profile.rules if rule.condition in present),
            key=lambda rule: (RULE_CONDITION_CODES.index(rule.condition), rule.effect),
        )
    )


def verdict_of(rules: Iterable[ConditionRule]) -> Verdict:
    effects = {rule.effect for rule in rules}
    if RuleEffect.EXCLUDE in effects:
        return Verdict.RULED_OUT
    if RuleEffect.DOCTOR_FIRST in effects:
        return Verdict.DOCTOR_FIRST
    return Verdict.OK


def rule_sentence(rule: ConditionRule, answers: IntakeAnswers) -> str:
    """'You said <what they told us>. <the rule's reason>'.

    A condition only implied by a warning sign quotes the sign ("you have a fever with
    the pain"), since that is what the client said.
    """
    return f"You said {said(rule.condition, answers)}. {rule.reason}"


def said(condition: str, answers: IntakeAnswers) -> str:
    if condition in RISK_FACTORS.codes:
        return RISK_FACTORS.choice(condition).phrase
    if condition not in answers.conditions:
        for risk in answers.risk_factors:
            if condition in RISK_IMPLIES.get(risk, ()):
                return RISK_FACTORS.choice(risk).phrase
        for sign in answers.warning_signs:
            if condition in IMPLIED_CONDITIONS.get(sign, ()):
                return WARNING_SIGNS.choice(sign).phrase
    return CONDITIONS.choice(condition).phrase


def condition_cautions(conditions: Iterable[str]) -> tuple[str, ...]:
    """The cautions every technique carries for these conditions (pregnancy)."""
    present = set(conditions)
    return tuple(
        f"You said {c.phrase}. {c.caution}"
        for c in CONDITIONS.choices
        if c.caution and c.code in present
    )


def screen(answers: IntakeAnswers, profiles: Iterable[TechniqueProfile]) -> Screen:
    conditions = all_conditions(answers)
    verdicts: dict[str, Verdict] = {}
    reasons: dict[str, tuple[str, ...]] = {}
    cautions: dict[str, tuple[str, ...]] = {}
    everywhere = condition_cautions(conditions)
    moved_down: dict[str, bool] = {}
    doctor_first: list[str] = [
        f"You said {WARNING_SIGNS.choice(sign).phrase}: please see a doctor before a massage."
        for sign in WARNING_SIGNS.in_order(answers.warning_signs)
        if sign in DOCTOR_FIRST_SIGNS
    ]
    for profile in sorted(profiles, key=lambda p: (p.display_order, p.name, p.slug)):
        rules = applying_rules(profile, conditions)
        verdict = verdict_of(rules)
        verdicts[profile.slug] = verdict
        reasons[profile.slug] = tuple(rule_sentence(rule, answers) for rule in rules)
        cautions[profile.slug] = (
            *(rule_sentence(r, answers) for r in rules if r.effect == RuleEffect.DEMOTE),
            *everywhere,
        )
        moved_down[profile.slug] = verdict is not Verdict.OK or any(
            rule.effect == RuleEffect.DEMOTE for rule in rules
        )
        for rule in rules:
            if verdict is Verdict.DOCTOR_FIRST and rule.effect == RuleEffect.DOCTOR_FIRST:
                sentence = rule_sentence(rule, answers)
                if sentence not in doctor_first:
                    doctor_first.append(sentence)

    signs = set(answers.warning_signs)
    if signs & URGENT_SIGNS:
        triage = Triage.URGENT
    elif signs & DOCTOR_FIRST_SIGNS or Verdict.DOCTOR_FIRST in verdicts.values():
        triage = Triage.SEE_DOCTOR
    else:
        triage = Triage.ROUTINE
    return Screen(
        triage=triage,
        verdicts=MappingProxyType(verdicts),
        reasons=MappingProxyType(reasons),
        doctor_first_reasons=tuple(doctor_first),
        conditions=conditions,
        massage_should_wait=bool(moved_down) and all(moved_down.values()),
        cautions=MappingProxyType(cautions),
    )
