from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookings.intake.answers import IntakeAnswers, Triage
from bookings.intake.profiles import ConditionRule, TechniqueProfile
from bookings.intake.safety import Verdict, implied_conditions, screen
from catalog.vocabulary import (
    CONDITIONS,
    DOCTOR_FIRST_SIGNS,
    IMPLIED_CONDITIONS,
    URGENT_SIGNS,
    WARNING_SIGNS,
    RuleEffect,
)

from .test_suggestion import ALL_SLUGS, PROFILES, random_profiles, valid_answers

FIRM = frozenset({"deep-tissue", "trigger-point"})


def verdicts(answers: IntakeAnswers) -> dict[str, set[str]]:
    """Verdict -> the seeded techniques that get it."""
    result: dict[str, set[str]] = {v.value: set() for v in Verdict}
    for slug, verdict in screen(answers, PROFILES).verdicts.items():
        result[verdict.value].add(slug)
    return result


def test_a_fever_brings_the_infection_condition_and_only_that():
    assert IMPLIED_CONDITIONS == {"fever": ("infection",)}
    assert implied_conditions(["fever", "injury"]) == ("infection",)
    assert implied_conditions(["injury"]) == ()
    for conditions in IMPLIED_CONDITIONS.values():
        assert set(conditions) <= set(CONDITIONS.codes)


def test_ticking_fever_applies_the_infection_rules():
    checked = screen(IntakeAnswers(feelings=("swelling",), warning_signs=("fever",)), PROFILES)

    assert checked.conditions == ("infection",)
    assert checked.verdict("lymphatic-drainage") is Verdict.RULED_OUT
    assert checked.reasons["lymphatic-drainage"][0].startswith(
        "You said you have a fever with the pain. Moving lymph fluid"
    )
    assert checked.massage_should_wait
    assert checked.triage is Triage.SEE_DOCTOR


def test_a_ticked_condition_and_the_sign_that_implies_it_count_once():
    checked = screen(IntakeAnswers(conditions=("infection",), warning_signs=("fever",)), PROFILES)

    assert checked.conditions == ("infection",)
    assert checked.reasons["swedish"][0].startswith("You said you have a fever or an infection")


@pytest.mark.parametrize(
    ("case", "answers", "expected", "triage", "wait"),
    [
        (
            "nothing told",
            IntakeAnswers(),
            {"ok": ALL_SLUGS, "doctor_first": set(), "ruled_out": set()},
            Triage.ROUTINE,
            False,
        ),
        (
            "a clot: firm and drainage out, the rest after a doctor agrees",
            IntakeAnswers(conditions=("dvt",)),
            {
                "ok": set(),
                "doctor_first": {"swedish", "myofascial-release"},
                "ruled_out": FIRM | {"lymphatic-drainage"},
            },
            Triage.SEE_DOCTOR,
            True,
        ),
        (
            "recent surgery: firm out, stretching near the scar after a doctor agrees",
            IntakeAnswers(conditions=("recent_surgery",)),
            {
                "ok": {"swedish", "lymphatic-drainage"},
                "doctor_first": {"myofascial-release"},
                "ruled_out": FIRM,
            },
            Triage.SEE_DOCTOR,
            False,
        ),
        (
            "blood thinners: firm out, nothing else changes",
            IntakeAnswers(conditions=("blood_thinners",)),
            {"ok": ALL_SLUGS - FIRM, "doctor_first": set(), "ruled_out": FIRM},
            Triage.ROUTINE,
            False,
        ),
        (
            "skin problems only move techniques down",
            IntakeAnswers(conditions=("skin",)),
            {"ok": ALL_SLUGS, "doctor_first": set(), "ruled_out": set()},
            Triage.ROUTINE,
            False,
        ),
        (
            "every condition: nothing is plainly fine, massage should wait",
            IntakeAnswers(conditions=CONDITIONS.codes),
            {
                "ok": set(),
                "doctor_first": {"swedish", "myofascial-release"},
                "ruled_out": FIRM | {"lymphatic-drainage"},
            },
            Triage.SEE_DOCTOR,
            True,
        ),
        *(
            (
                f"warning sign {sign}",
                IntakeAnswers(warning_signs=(sign,)),
                {"ok": ALL_SLUGS, "doctor_first": set(), "ruled_out": set()},
                Triage.URGENT if sign in URGENT_SIGNS else Triage.SEE_DOCTOR,
                False,
            )
            for sign in WARNING_SIGNS.codes
            if sign not in IMPLIED_CONDITIONS
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_each_intake_gets_its_verdicts_and_triage(
    case: str, answers: IntakeAnswers, expected: dict[str, set[str]], triage: Triage, wait: bool
):
    checked = screen(answers, PROFILES)

    assert verdicts(answers) == expected
    assert checked.triage is triage
    assert checked.massage_should_wait is wait
    assert set(checked.advised()) == expected["ok"] | expected["doctor_first"]


def test_a_doctor_first_rule_says_what_the_client_must_acknowledge_once():
    checked = screen(IntakeAnswers(conditions=("dvt",)), PROFILES)

    assert checked.doctor_first_reasons == (
        "You said you have, or have had, a blood clot (DVT). Any massage near a clot needs "
        "care; your therapist avoids the affected area, and your doctor should agree first.",
    )


def test_doctor_first_signs_are_acknowledged_in_the_forms_order():
    checked = screen(IntakeAnswers(warning_signs=("leg_numbness", "injury")), PROFILES)

    assert checked.doctor_first_reasons == (
        "You said you had a fall or an accident recently: please see a doctor before a massage.",
        "You said you have numbness or tingling down one leg: please see a doctor before "
        "a massage.",
    )


def test_an_urgent_sign_outweighs_everything():
    answers = IntakeAnswers(conditions=("dvt",), warning_signs=("injury", "chest_pain"))

    assert screen(answers, PROFILES).triage is Triage.URGENT


def test_chest_pain_is_urgent_and_every_sign_is_urgent_or_doctor_first():
    assert "chest_pain" in URGENT_SIGNS
    assert set(WARNING_SIGNS.codes) == URGENT_SIGNS | DOCTOR_FIRST_SIGNS


def test_an_unknown_technique_is_ruled_out():
    assert screen(IntakeAnswers(), PROFILES).verdict("hot-stones") is Verdict.RULED_OUT


def profile(slug: str, *rules: tuple[str, str], **kwargs: Any) -> TechniqueProfile:
    return TechniqueProfile(
        slug=slug,
        name=slug,
        rules=tuple(ConditionRule(condition, effect, "Why.") for condition, effect in rules),
        **kwargs,
    )


def test_exclusion_wins_over_doctor_first_and_doctor_first_over_demotion():
    profiles = [
        profile("a", ("dvt", RuleEffect.DOCTOR_FIRST), ("skin", RuleEffect.EXCLUDE)),
        profile("b", ("dvt", RuleEffect.DOCTOR_FIRST), ("skin", RuleEffect.DEMOTE)),
        profile("c", ("skin", RuleEffect.DEMOTE)),
    ]
    checked = screen(IntakeAnswers(conditions=("dvt", "skin")), profiles)

    assert dict(checked.verdicts) == {
        "a": Verdict.RULED_OUT,
        "b": Verdict.DOCTOR_FIRST,
        "c": Verdict.OK,
    }
    assert checked.massage_should_wait
    assert len(checked.reasons["b"]) == 2


def test_one_plainly_fine_technique_means_massage_need_not_wait():
    profiles = [profile("a", ("skin", RuleEffect.EXCLUDE)), profile("b")]

    assert not screen(IntakeAnswers(conditions=("skin",)), profiles).massage_should_wait


def test_with_no_techniques_there_is_nothing_to_wait_for():
    assert not screen(IntakeAnswers(conditions=("dvt",)), []).massage_should_wait


@given(answers=valid_answers, profiles=random_profiles)
def test_a_technique_excluded_for_a_ticked_or_implied_condition_is_never_ok(
    answers: IntakeAnswers, profiles: list[TechniqueProfile]
):
    checked = screen(answers, profiles)
    present = set(answers.conditions) | set(implied_conditions(answers.warning_signs))

    assert set(checked.verdicts) == {p.slug for p in profiles}
    for p in profiles:
        if any(r.effect == RuleEffect.EXCLUDE and r.condition in present for r in p.rules):
            assert checked.verdict(p.slug) is Verdict.RULED_OUT
            assert p.slug not in checked.advised()
        if checked.verdict(p.slug) is Verdict.DOCTOR_FIRST:
            assert checked.triage is not Triage.ROUTINE
    if set(answers.warning_signs) & URGENT_SIGNS:
        assert checked.triage is Triage.URGENT


@given(answers=valid_answers, effect=st.sampled_from(list(RuleEffect)))
def test_every_rule_that_applies_gives_a_reason(answers: IntakeAnswers, effect: RuleEffect):
    profiles = [profile("x", *((c, effect) for c in CONDITIONS.codes))]
    checked = screen(answers, profiles)

    assert len(checked.reasons["x"]) == len(checked.conditions)
