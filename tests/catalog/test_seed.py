from decimal import Decimal

import pytest
from django.apps import apps

from bookings.intake.screening import phrase_words
from catalog.models import (
    AnswerWeight,
    ConditionRule,
    KeywordWeight,
    ReliefMechanism,
    SessionLength,
    Technique,
    WarningPhrase,
)
from catalog.seed import (
    DOCTOR_FIRST_RULES,
    RISK_FACTOR_RULES,
    ask_doctor_first,
    seed_catalog,
    seed_indications,
    seed_risk_factor_rules,
    seed_warning_phrases,
)
from catalog.seed_phrases import seeded_phrases
from catalog.vocabulary import CONDITIONS, RISK_FACTORS, Pressure

pytestmark = pytest.mark.django_db

# Technique slug -> session lengths in minutes, in the order the clinic lists them.
FIVE_TECHNIQUES = {
    "deep-tissue": [45, 60, 90],
    "swedish": [30, 60, 90],
    "trigger-point": [30, 45, 60],
    "myofascial-release": [45, 60],
    "lymphatic-drainage": [60, 90],
}
SIX_MECHANISMS = [
    "relaxing-tense-muscles",
    "better-blood-circulation",
    "calming-inflammation",
    "releasing-trigger-points-and-fascia",
    "easing-muscle-spasms",
    "settling-the-nervous-system",
]


def test_a_fresh_clinic_offers_the_five_techniques_in_order_with_their_lengths():
    offered = Technique.objects.active().prefetch_related("lengths")

    assert [t.slug for t in offered] == list(FIVE_TECHNIQUES)
    assert {t.slug: [length.minutes for length in t.lengths.all()] for t in offered} == (
        FIVE_TECHNIQUES
    )
    assert not SessionLength.objects.filter(price__lte=0).exists()


def test_a_fresh_clinic_explains_the_six_ways_massage_relieves_back_pain_in_order():
    assert list(ReliefMechanism.objects.values_list("slug", flat=True)) == SIX_MECHANISMS


def test_every_seeded_technique_has_all_its_texts_and_indications():
    for technique in Technique.objects.all():
        for field in ("summary", "indications", "method", "what_to_expect", "cautions"):
            assert len(getattr(technique, field)) > 40, (technique.slug, field)
        assert technique.answer_weights.exists(), technique.slug
        assert technique.keyword_weights.exists(), technique.slug


def test_every_seeded_weight_and_rule_uses_a_known_answer_or_condition():
    # full_clean checks choices, validators and constraints, wherever the codes are kept.
    for model in (AnswerWeight, KeywordWeight, ConditionRule, WarningPhrase):
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            row.full_clean()


def test_cautions_say_a_therapist_confirms():
    for technique in Technique.objects.all():
        assert "therapist confirms" in technique.cautions.lower() or (
            "therapist checks" in technique.cautions.lower()
        ), technique.slug


def test_firm_techniques_warn_about_blood_thinners_and_lymphatic_about_heart_failure():
    assert "blood thinners" in Technique.objects.get(slug="deep-tissue").cautions
    assert "heart failure" in Technique.objects.get(slug="lymphatic-drainage").cautions
    assert Technique.objects.get(slug="deep-tissue").pressure == Pressure.FIRM
    assert Technique.objects.get(slug="lymphatic-drainage").pressure == Pressure.GENTLE


def test_the_seed_follows_the_article():
    def weight(slug: str, answer: str) -> int:
        return Technique.objects.get(slug=slug).answer_weights.get(answer=answer).weight

    assert weight("deep-tissue", "duration:months") > 0
    assert weight("swedish", "trigger:stress") > 0
    assert weight("trigger-point", "feeling:knots") > 0
    assert weight("myofascial-release", "trigger:sitting") > 0
    assert weight("lymphatic-drainage", "feeling:swelling") > 0
    excluded = set(
        ConditionRule.objects.filter(effect="exclude").values_list("technique__slug", "condition")
    )
    for condition in ["blood_thinners", "osteoporosis", "dvt", "recent_surgery"]:
        assert {("deep-tissue", condition), ("trigger-point", condition)} <= excluded
    for condition in ["heart_kidney", "infection", "dvt"]:
        assert ("lymphatic-drainage", condition) in excluded


def test_seeding_again_keeps_what_staff_changed():
    swedish = Technique.objects.get(slug="swedish")
    swedish.name = "Relaxing Massage"
    swedish.save()
    swedish.lengths.filter(minutes=60).update(price=Decimal("99.00"))
    swedish.answer_weights.filter(answer="trigger:stress").update(weight=1)
    ConditionRule.objects.filter(condition="skin").delete()
    counts = [m.objects.count() for m in (Technique, SessionLength, AnswerWeight, ConditionRule)]

    seed_catalog(apps)
    seed_indications(apps)

    swedish.refresh_from_db()
    assert swedish.name == "Relaxing Massage"
    assert swedish.lengths.get(minutes=60).price == Decimal("99.00")
    assert swedish.answer_weights.get(answer="trigger:stress").weight == 1
    assert not ConditionRule.objects.filter(condition="skin").exists()
    assert [
        m.objects.count() for m in (Technique, SessionLength, AnswerWeight, ConditionRule)
    ] == counts


def test_a_fresh_clinic_screens_with_every_seeded_warning_phrase():
    seeded = set(seeded_phrases())

    assert set(WarningPhrase.objects.values_list("sign", "phrase")) == seeded
    for _, phrase in seeded:
        words = phrase_words(phrase)
        assert words, phrase
        assert words[0] != "...", phrase


def test_seeding_phrases_again_adds_only_the_missing_ones():
    WarningPhrase.objects.filter(phrase="fever*").delete()
    WarningPhrase.objects.create(sign="fever", phrase="pyrexia")
    count = WarningPhrase.objects.count()

    seed_warning_phrases(apps)

    assert WarningPhrase.objects.count() == count + 1
    assert WarningPhrase.objects.filter(phrase="pyrexia").exists()


def test_rules_saying_a_doctor_should_agree_first_ask_for_it():
    doctor_first = set(
        ConditionRule.objects.filter(
            effect="doctor_first", condition__in=CONDITIONS.codes
        ).values_list("technique__slug", "condition")
    )

    assert doctor_first == {
        ("swedish", "dvt"),
        ("myofascial-release", "dvt"),
        ("myofascial-release", "recent_surgery"),
    }
    assert "doctor should agree first" in (
        ConditionRule.objects.get(
            technique__slug="myofascial-release", condition="recent_surgery"
        ).reason
    )


def test_every_risk_factor_rule_is_seeded_as_written():
    seeded = {
        (risk, slug, effect, reason)
        for risk, rules in RISK_FACTOR_RULES.items()
        for slugs, effect, reason in rules
        for slug in slugs
    }
    stored = set(
        ConditionRule.objects.filter(condition__in=RISK_FACTORS.codes).values_list(
            "condition", "technique__slug", "effect", "reason"
        )
    )

    assert stored == seeded
    assert {risk for risk, *_ in stored} == set(RISK_FACTORS.codes)


def test_seeding_risk_factor_rules_again_leaves_a_leads_edit_alone():
    rule = ConditionRule.objects.get(technique__slug="swedish", condition="cancer")
    rule.effect, rule.reason = "demote", "Edited by a clinical lead."
    rule.save()
    count = ConditionRule.objects.count()

    seed_risk_factor_rules(apps)

    rule.refresh_from_db()
    assert (rule.effect, rule.reason) == ("demote", "Edited by a clinical lead.")
    assert ConditionRule.objects.count() == count


def test_the_doctor_first_change_leaves_a_rule_staff_edited_alone():
    ConditionRule.objects.filter(effect="doctor_first").delete()
    condition, slug, (effect, reason), _ = DOCTOR_FIRST_RULES[0]
    rule = ConditionRule.objects.create(
        technique=Technique.objects.get(slug=slug),
        condition=condition,
        effect=effect,
        reason=reason + " Edited.",
    )

    ask_doctor_first(apps)

    rule.refresh_from_db()
    assert rule.effect == effect
