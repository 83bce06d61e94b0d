import pytest

from catalog.models import Pressure, ReliefMechanism, Technique

pytestmark = pytest.mark.django_db

FIVE_TECHNIQUES = {
    "deep-tissue": "Deep Tissue Massage",
    "swedish": "Swedish Massage",
    "trigger-point": "Trigger Point Therapy",
    "myofascial-release": "Myofascial Release",
    "lymphatic-drainage": "Lymphatic Drainage Massage",
}


def test_the_five_back_pain_techniques_exist_after_migrate():
    assert dict(Technique.objects.values_list("slug", "name")) == FIVE_TECHNIQUES


def test_every_seeded_technique_is_complete_and_bookable():
    for technique in Technique.objects.prefetch_related("lengths"):
        assert technique.is_active
        for field in ("summary", "indications", "method", "what_to_expect", "cautions"):
            assert len(getattr(technique, field)) > 40, (technique.slug, field)
        minutes = [length.minutes for length in technique.lengths.all()]
        assert minutes, technique.slug
        assert all(length.price > 0 for length in technique.lengths.all())


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


def test_the_six_ways_massage_relieves_back_pain_exist_in_order():
    titles = list(ReliefMechanism.objects.values_list("title", flat=True))
    assert titles == [
        "Relaxing tense muscles",
        "Better blood circulation",
        "Calming inflammation",
        "Releasing trigger points and fascia",
        "Easing muscle spasms",
        "Settling the nervous system",
    ]
