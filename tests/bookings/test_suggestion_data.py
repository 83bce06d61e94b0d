import pytest
from hypothesis import HealthCheck, given, settings

from bookings.intake.answers import IntakeAnswers
from bookings.intake.selectors import load_profiles
from bookings.intake.suggestion import suggest
from catalog.models import ConditionRule, Technique

from .test_suggestion import PROFILES, valid_answers

pytestmark = pytest.mark.django_db


def test_the_seeded_catalog_loads_as_the_profiles_the_pure_tests_use():
    loaded = {p.slug: p for p in load_profiles()}
    expected = {p.slug: p for p in PROFILES}

    assert loaded.keys() == expected.keys()
    for slug, profile in expected.items():
        assert dict(loaded[slug].weights) == dict(profile.weights), slug
        assert dict(loaded[slug].keywords) == dict(profile.keywords), slug
        assert set(loaded[slug].rules) == set(profile.rules), slug
        assert loaded[slug].name == profile.name
        assert loaded[slug].pressure == profile.pressure


def test_profiles_load_in_four_queries(django_assert_num_queries):
    with django_assert_num_queries(4):
        load_profiles()


def test_only_offered_techniques_are_loaded():
    Technique.objects.filter(slug="swedish").update(is_active=False)

    assert "swedish" not in {p.slug for p in load_profiles()}


def test_a_new_condition_rule_changes_the_next_suggestion():
    answers = IntakeAnswers(feelings=("swelling",), conditions=("skin",), pressure="gentle")
    assert suggest(answers, load_profiles())[0].slug == "lymphatic-drainage"

    ConditionRule.objects.create(
        technique=Technique.objects.get(slug="lymphatic-drainage"),
        condition="skin",
        effect="exclude",
        reason="Not over broken skin.",
    )

    ranked = suggest(answers, load_profiles())
    assert ranked[0].slug != "lymphatic-drainage"
    assert ranked[-1].slug == "lymphatic-drainage"
    assert ranked[-1].cautions == (
        "You said you have skin problems on your back. Not over broken skin.",
    )


def test_any_valid_intake_ranks_exactly_the_active_techniques():
    Technique.objects.filter(slug="myofascial-release").update(is_active=False)
    profiles = load_profiles()
    active = sorted(Technique.objects.active().values_list("slug", flat=True))

    @settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
    @given(answers=valid_answers)
    def ranks_exactly_the_active_techniques(answers):
        assert sorted(s.slug for s in suggest(answers, profiles)) == active

    ranks_exactly_the_active_techniques()
