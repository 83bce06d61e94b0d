import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookings.intake.answers import IntakeAnswers, Triage
from bookings.intake.profiles import ConditionRule, TechniqueProfile
from bookings.intake.suggestion import NO_STRONG_MATCH, SEVERE_PAIN_CAUTION, suggest
from catalog import seed
from catalog.vocabulary import (
    ANSWER_CODES,
    AREAS,
    CONDITIONS,
    DURATION,
    FEELINGS,
    FREQUENCY,
    IMPLIED_CONDITIONS,
    PRESSURE,
    TRIGGERS,
    URGENT_SIGNS,
    WARNING_SIGNS,
    RuleEffect,
)

# The suggestion is tested against the very data a fresh clinic opens with.
NAMES = {
    "deep-tissue": "Deep Tissue Massage",
    "swedish": "Swedish Massage",
    "trigger-point": "Trigger Point Therapy",
    "myofascial-release": "Myofascial Release",
    "lymphatic-drainage": "Lymphatic Drainage Massage",
}
ALL_SLUGS = frozenset(NAMES)


def seeded_profiles() -> list[TechniqueProfile]:
    rules: dict[str, list[ConditionRule]] = {slug: [] for slug in NAMES}
    for condition, slug, effect, reason in seed.seeded_condition_rules():
        rules[slug].append(ConditionRule(condition, effect, reason))
    pressures = {t["slug"]: t["pressure"] for t in seed.TECHNIQUES}
    return [
        TechniqueProfile(
            slug=slug,
            name=name,
            display_order=order,
            weights=MappingProxyType(seed.ANSWER_WEIGHTS[slug]),
            keywords=MappingProxyType(seed.KEYWORD_WEIGHTS[slug]),
            rules=tuple(rules[slug]),
            pressure=pressures[slug],
        )
        for order, (slug, name) in enumerate(NAMES.items(), start=1)
    ]


PROFILES = seeded_profiles()


@dataclass(frozen=True)
class Case:
    id: str
    answers: IntakeAnswers
    top: str
    excluded: frozenset[str] = frozenset()
    demoted: frozenset[str] = frozenset()
    top_reason: str = ""
    triage: Triage = Triage.ROUTINE


def intake(**kwargs: Any) -> IntakeAnswers:
    defaults: dict[str, Any] = {
        "areas": ("lower",),
        "duration": "weeks",
        "intensity": 5,
        "frequency": "often",
        "pressure": "medium",
    }
    return IntakeAnswers(**(defaults | kwargs))


DEEP = {
    "duration": "months",
    "feelings": ("tight",),
    "triggers": ("exercise",),
    "pressure": "firm",
}
KNOTS = {"feelings": ("knots",), "pressure": "firm"}
SWELLING = {
    "feelings": ("swelling",),
    "triggers": ("standing",),
    "pressure": "gentle",
}
FIRM_TECHNIQUES = frozenset({"deep-tissue", "trigger-point"})

CASES = [
    # Each technique on top, as the article matches them.
    Case(
        "long-standing deep tightness from exercise, firm pressure",
        intake(**DEEP),
        "deep-tissue",
        top_reason="the pain has lasted over three months",
    ),
    Case(
        "a strain in their own words",
        intake(triggers=("exercise",), description="I strained it lifting at the gym"),
        "deep-tissue",
        top_reason="In your own words you mentioned “gym”, “lifting” and “strained”.",
    ),
    Case(
        "mild ache with stress, gentle pressure",
        intake(
            intensity=2,
            frequency="sometimes",
            feelings=("ache",),
            triggers=("stress",),
            pressure="gentle",
        ),
        "swedish",
        top_reason="the pain is mild (2 out of 10)",
    ),
    Case(
        "tiredness, no pressure preference",
        intake(intensity=3, feelings=("ache",), pressure="any"),
        "swedish",
        top_reason="it feels like a dull ache or tiredness",
    ),
    Case(
        "knots in the neck and shoulders, firm pressure",
        intake(areas=("neck_shoulders",), **KNOTS),
        "trigger-point",
        top_reason="you have knots or tender spots you can press",
    ),
    Case(
        "a sore spot in their own words, medium pressure",
        intake(feelings=("knots",), description="A SORE SPOT under my shoulder blade"),
        "trigger-point",
        top_reason="“SORE SPOT”",
    ),
    Case(
        "tightness from desk work",
        intake(feelings=("tight",), triggers=("sitting",)),
        "myofascial-release",
        top_reason="it feels tight or stiff; long sitting, desk work or posture brings it on",
    ),
    Case(
        "stiffness after exercise, gentle pressure",
        intake(
            feelings=("tight",),
            triggers=("exercise",),
            pressure="gentle",
        ),
        "myofascial-release",
    ),
    Case(
        "swelling from long standing",
        intake(**SWELLING),
        "lymphatic-drainage",
        top_reason="there is swelling, puffiness or heaviness",
    ),
    Case(
        "swelling only in their own words",
        intake(
            pressure="any",
            description="My back feels swollen and heavy; poor circulation runs in the family.",
        ),
        "lymphatic-drainage",
        top_reason="“circulation”",
    ),
    # Pressure preference and spasms weigh in.
    Case(
        "spasms with gentle pressure",
        intake(feelings=("spasms",), pressure="gentle"),
        "swedish",
        top_reason="you get sudden spasms or cramps",
    ),
    Case(
        "spasms and tightness with medium pressure",
        intake(feelings=("spasms", "tight")),
        "myofascial-release",
    ),
    Case(
        "chronic tightness but gentle pressure wanted",
        intake(duration="months", feelings=("tight",), pressure="gentle"),
        "myofascial-release",
    ),
    # Every health condition.
    Case(
        "blood thinners rule out firm pressure",
        intake(**DEEP, conditions=("blood_thinners",)),
        "myofascial-release",
        excluded=FIRM_TECHNIQUES,
    ),
    Case(
        "osteoporosis rules out firm pressure and calls for care with stretching",
        intake(**KNOTS, conditions=("osteoporosis",)),
        "swedish",
        excluded=FIRM_TECHNIQUES,
        demoted=frozenset({"myofascial-release"}),
    ),
    Case(
        "a blood clot rules out firm pressure and lymphatic drainage",
        intake(**SWELLING, conditions=("dvt",)),
        "swedish",
        excluded=FIRM_TECHNIQUES | {"lymphatic-drainage"},
        demoted=frozenset({"swedish", "myofascial-release"}),
    ),
    Case(
        "recent surgery rules out firm pressure",
        intake(**DEEP, conditions=("recent_surgery",)),
        "swedish",
        excluded=FIRM_TECHNIQUES,
        demoted=frozenset({"myofascial-release"}),
    ),
    Case(
        "an infection rules out lymphatic drainage and puts every massage off",
        intake(**SWELLING, conditions=("infection",)),
        "swedish",
        excluded=frozenset({"lymphatic-drainage"}),
        demoted=ALL_SLUGS - {"lymphatic-drainage"},
    ),
    Case(
        "heart or kidney failure rules out lymphatic drainage",
        intake(**SWELLING, conditions=("heart_kidney",)),
        "swedish",
        excluded=frozenset({"lymphatic-drainage"}),
        demoted=frozenset({"deep-tissue"}),
    ),
    Case(
        "pregnancy moves firm pressure and lymphatic drainage down",
        intake(**KNOTS, conditions=("pregnancy",)),
        "myofascial-release",
        demoted=FIRM_TECHNIQUES | {"lymphatic-drainage"},
    ),
    Case(
        "skin problems move pressure and stretching down",
        intake(feelings=("tight",), triggers=("sitting",), conditions=("skin",)),
        "swedish",
        demoted=FIRM_TECHNIQUES | {"myofascial-release"},
    ),
    Case(
        "every condition at once leaves only careful options",
        intake(**DEEP, conditions=CONDITIONS.codes),
        "myofascial-release",
        excluded=FIRM_TECHNIQUES | {"lymphatic-drainage"},
        demoted=frozenset({"swedish", "myofascial-release"}),
    ),
    # Every warning sign: triage changes, the ranking still works.
    *(
        Case(
            f"warning sign {sign}",
            intake(**KNOTS, warning_signs=(sign,)),
            "trigger-point",
            triage=Triage.URGENT
            if sign in URGENT_SIGNS
            # Doctor-first signs still let the client see their suggestion.
            else Triage.SEE_DOCTOR,
        )
        for sign in WARNING_SIGNS.codes
        if sign not in IMPLIED_CONDITIONS
    ),
    Case(
        "a fever counts as an infection: lymphatic drainage is out, every massage waits",
        intake(**SWELLING, warning_signs=("fever",)),
        "swedish",
        excluded=frozenset({"lymphatic-drainage"}),
        demoted=ALL_SLUGS - {"lymphatic-drainage"},
        triage=Triage.SEE_DOCTOR,
    ),
    Case(
        "an emergency sign outweighs a doctor-first sign",
        intake(**SWELLING, warning_signs=("night_pain", "leg_weakness")),
        "lymphatic-drainage",
        triage=Triage.URGENT,
    ),
    # Mixed answers.
    Case(
        "knots and swelling with gentle pressure",
        intake(feelings=("knots", "swelling"), pressure="gentle"),
        "lymphatic-drainage",
    ),
    Case(
        "desk tightness and stress",
        intake(feelings=("tight",), triggers=("sitting", "stress")),
        "myofascial-release",
    ),
    Case(
        "knots with blood thinners",
        intake(feelings=("knots",), conditions=("blood_thinners",)),
        "myofascial-release",
        excluded=FIRM_TECHNIQUES,
    ),
    Case(
        "a doctor-first sign together with a condition",
        intake(**DEEP, conditions=("osteoporosis",), warning_signs=("injury",)),
        "swedish",
        excluded=FIRM_TECHNIQUES,
        demoted=frozenset({"myofascial-release"}),
        triage=Triage.SEE_DOCTOR,
    ),
    # Empty and minimal answers.
    Case("no answers at all", IntakeAnswers(), "swedish"),
    Case(
        "only a description that matches nothing",
        IntakeAnswers(description="it just hurts, a lot, since last Tuesday"),
        "swedish",
    ),
    Case(
        "only where it hurts",
        IntakeAnswers(areas=("upper",), pressure=""),
        "trigger-point",
        top_reason="it hurts in your upper back",
    ),
    Case(
        "nothing that any technique weighs goes to the gentlest",
        IntakeAnswers(areas=("lower",), pressure=""),
        "swedish",
        top_reason=NO_STRONG_MATCH,
    ),
]


def test_the_table_has_at_least_thirty_intakes():
    assert len(CASES) >= 30


def test_the_table_covers_every_technique_condition_and_warning_sign():
    assert {case.top for case in CASES} == ALL_SLUGS
    assert {c for case in CASES for c in case.answers.conditions} == set(CONDITIONS.codes)
    assert {s for case in CASES for s in case.answers.warning_signs} == set(WARNING_SIGNS.codes)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_intake_gets_the_expected_suggestion(case: Case):
    ranked = suggest(case.answers, PROFILES)

    assert sorted(s.slug for s in ranked) == sorted(ALL_SLUGS)
    assert ranked[0].slug == case.top
    assert {s.slug for s in ranked if s.excluded} == case.excluded
    assert {s.slug for s in ranked if s.demoted} == case.demoted
    assert case.answers.triage == case.triage
    assert ranked[0].reasons
    assert case.top_reason in " ".join(ranked[0].reasons)
    for suggestion in ranked:
        if suggestion.excluded or suggestion.demoted:
            assert suggestion.cautions, suggestion.slug


def test_reasons_quote_the_clients_own_answers():
    ranked = suggest(intake(**DEEP), PROFILES)

    assert ranked[0].reasons == (
        "You said the pain has lasted over three months; it hurts most days; it feels "
        "tight or stiff; exercise, sport or physical work brings it on and you prefer "
        "firm pressure.",
    )


def test_answers_that_point_away_are_given_as_drawbacks():
    ranked = suggest(intake(pressure="gentle"), PROFILES)
    deep = next(s for s in ranked if s.slug == "deep-tissue")

    assert deep.drawbacks == ("Less suited because you said you prefer gentle pressure.",)


def test_an_excluded_technique_says_which_condition_and_why():
    ranked = suggest(intake(conditions=("blood_thinners",)), PROFILES)
    deep = next(s for s in ranked if s.slug == "deep-tissue")

    assert deep.excluded
    assert deep.cautions[0].startswith(
        "You said you take blood thinners or have a bleeding disorder. Firm pressure"
    )
    assert [s.excluded for s in ranked] == [False, False, False, True, True]


def profile(slug: str, order: int = 0, name: str = "", **kwargs: Any) -> TechniqueProfile:
    return TechniqueProfile(slug=slug, name=name or slug.title(), display_order=order, **kwargs)


def test_ties_keep_display_order_then_name():
    profiles = [profile("c", 2, "Alpha"), profile("b", 1, "Zed"), profile("a", 2, "Beta")]

    ranked = suggest(IntakeAnswers(), profiles)

    assert [s.slug for s in ranked] == ["b", "c", "a"]


def test_the_order_profiles_arrive_in_never_changes_the_result():
    answers = intake(feelings=("tight", "knots"), description="stiff and tender")
    shuffled = PROFILES.copy()
    random.Random(7).shuffle(shuffled)

    assert suggest(answers, shuffled) == suggest(answers, PROFILES)


def test_a_demoted_technique_ranks_below_every_technique_without_a_caution():
    profiles = [
        profile(
            "strong",
            weights={"feeling:knots": 9},
            rules=(ConditionRule("skin", "demote", "Care."),),
        ),
        profile("weak", weights={"feeling:knots": -3}),
    ]

    ranked = suggest(IntakeAnswers(feelings=("knots",), conditions=("skin",)), profiles)

    assert [(s.slug, s.demoted) for s in ranked] == [("weak", False), ("strong", True)]


def test_exclusion_wins_over_demotion_for_the_same_technique():
    rules = (ConditionRule("skin", "demote", "Care."), ConditionRule("dvt", "exclude", "No."))
    ranked = suggest(IntakeAnswers(conditions=("skin", "dvt")), [profile("x", rules=rules)])

    assert ranked[0].excluded
    assert not ranked[0].demoted
    assert len(ranked[0].cautions) == 2


def test_when_everything_is_excluded_no_technique_gets_a_made_up_reason():
    rules = (ConditionRule("dvt", "exclude", "No."),)
    ranked = suggest(IntakeAnswers(conditions=("dvt",)), [profile("x", rules=rules)])

    assert ranked[0].excluded
    assert ranked[0].reasons == ()


@pytest.mark.parametrize(
    ("description", "found"),
    [
        ("Knots everywhere", True),
        ("knotted up", True),
        ("it's a knot", True),
        ("unknotted", False),
        ("kn ot", False),
        ("", False),
    ],
)
def test_a_keyword_matches_the_start_of_a_word_whatever_the_case(description: str, found: bool):
    ranked = suggest(IntakeAnswers(description=description), [profile("x", keywords={"knot": 2})])

    assert (ranked[0].score == 2) is found


def test_a_negative_keyword_counts_against_a_technique():
    ranked = suggest(
        IntakeAnswers(description="very fragile"), [profile("x", keywords={"fragile": -4})]
    )

    assert ranked[0].score == -4
    assert ranked[0].drawbacks == ("Less suited because you mentioned “fragile”.",)


answer_codes_strategy = st.sampled_from(ANSWER_CODES)


def subsets(values: Sequence[str]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), unique=True).map(tuple)


valid_answers = st.builds(
    IntakeAnswers,
    areas=subsets(AREAS.codes),
    duration=st.sampled_from(["", *DURATION.codes]),
    intensity=st.one_of(st.none(), st.integers(0, 10)),
    frequency=st.sampled_from(["", *FREQUENCY.codes]),
    feelings=subsets(FEELINGS.codes),
    triggers=subsets(TRIGGERS.codes),
    pressure=st.sampled_from(PRESSURE.codes),
    conditions=subsets(CONDITIONS.codes),
    warning_signs=subsets(WARNING_SIGNS.codes),
    description=st.text(max_size=300),
)

random_profiles = st.lists(
    st.builds(
        TechniqueProfile,
        slug=st.from_regex(r"[a-z]{1,8}", fullmatch=True),
        name=st.text(min_size=1, max_size=10),
        display_order=st.integers(0, 5),
        weights=st.dictionaries(answer_codes_strategy, st.integers(-10, 10)),
        keywords=st.dictionaries(st.text(min_size=1, max_size=8), st.integers(-10, 10)),
        rules=st.lists(
            st.builds(
                ConditionRule,
                condition=st.sampled_from(CONDITIONS.codes),
                effect=st.sampled_from([e.value for e in RuleEffect]),
                reason=st.text(min_size=1, max_size=20),
            ),
            max_size=3,
        ).map(tuple),
    ),
    max_size=8,
    unique_by=lambda p: p.slug,
)


@given(answers=valid_answers)
def test_any_valid_intake_ranks_exactly_the_seeded_techniques(answers: IntakeAnswers):
    ranked = suggest(answers, PROFILES)

    assert sorted(s.slug for s in ranked) == sorted(ALL_SLUGS)
    assert ranked == suggest(answers, PROFILES)
    assert ranked[0].reasons or ranked[0].excluded


@given(answers=valid_answers, profiles=random_profiles)
def test_any_valid_intake_ranks_any_techniques_safest_first(
    answers: IntakeAnswers, profiles: list[TechniqueProfile]
):
    ranked = suggest(answers, profiles)

    assert sorted(s.slug for s in ranked) == sorted(p.slug for p in profiles)
    tiers = [(s.excluded, s.demoted) for s in ranked]
    assert tiers == sorted(tiers)
    for before, after in itertools.pairwise(ranked):
        if (before.excluded, before.demoted) == (after.excluded, after.demoted):
            assert before.score >= after.score


def test_ties_go_to_the_gentlest_technique_before_display_order():
    profiles = [
        profile("firm", 1, pressure="firm"),
        profile("medium", 2, pressure="medium"),
        profile("gentle", 3, pressure="gentle"),
    ]

    assert [s.slug for s in suggest(IntakeAnswers(), profiles)] == ["gentle", "medium", "firm"]


def test_with_no_answers_the_seeded_catalog_suggests_its_gentlest_technique():
    ranked = suggest(IntakeAnswers(), PROFILES)

    assert [s.slug for s in ranked[:2]] == ["swedish", "lymphatic-drainage"]
    assert ranked[-1].slug == "trigger-point"


@pytest.mark.parametrize(
    ("description", "quote"),
    [
        ("My back feels heavy", "heavy"),
        ("Puffy, HEAVY legs", "HEAVY"),
        ("no swelling at all", None),
        ("not heavy, just stiff", None),
        ("there is no swelling but it feels heavy", "heavy"),
        ("never puffy", None),
    ],
)
def test_a_keyword_quotes_the_clients_word_and_a_denied_one_does_not_count(
    description: str, quote: str | None
):
    ranked = suggest(
        IntakeAnswers(description=description), [profile("x", keywords={"heav": 2, "swell": 3})]
    )

    if quote is None:
        assert ranked[0].score == 0
        assert ranked[0].reasons == (NO_STRONG_MATCH,)
    else:
        assert ranked[0].reasons == (f"In your own words you mentioned “{quote}”.",)


def test_two_keywords_finding_the_same_word_quote_it_once():
    ranked = suggest(
        IntakeAnswers(description="swollen"), [profile("x", keywords={"swell": 1, "swoll": 1})]
    )

    assert ranked[0].score == 1
    assert ranked[0].reasons == ("In your own words you mentioned “swollen”.",)


SEVERE = {"intensity": 10, "duration": "days", "frequency": "constant"}


@pytest.mark.parametrize(
    ("answers", "cautioned"),
    [
        (intake(**SEVERE), True),
        (intake(**(SEVERE | {"intensity": 8})), True),
        (intake(**(SEVERE | {"intensity": 7})), False),
        (intake(**(SEVERE | {"duration": "weeks"})), False),
        (intake(**(SEVERE | {"frequency": "often"})), False),
        (intake(**(SEVERE | {"intensity": None})), False),
    ],
)
def test_severe_recent_constant_pain_gets_a_see_a_doctor_caution(
    answers: IntakeAnswers, cautioned: bool
):
    ranked = suggest(answers, PROFILES)

    assert (SEVERE_PAIN_CAUTION in ranked[0].cautions) is cautioned
    assert all(SEVERE_PAIN_CAUTION not in s.cautions for s in ranked[1:])
    assert "see a doctor if it gets worse or you feel unwell" in SEVERE_PAIN_CAUTION


def test_a_doctor_first_technique_is_marked_and_moved_down():
    ranked = suggest(intake(**DEEP, conditions=("recent_surgery",)), PROFILES)
    by_slug = {s.slug: s for s in ranked}

    assert by_slug["myofascial-release"].needs_doctor
    assert by_slug["myofascial-release"].demoted
    assert not any(s.needs_doctor for s in ranked if s.slug != "myofascial-release")
    assert ranked[0].slug == "swedish"


def test_a_fever_counts_as_an_infection_for_the_suggestion_too():
    ranked = suggest(intake(**SWELLING, warning_signs=("fever",)), PROFILES)
    drainage = next(s for s in ranked if s.slug == "lymphatic-drainage")

    assert drainage.excluded
    assert drainage.cautions[0].startswith("You said you have a fever with the pain.")
