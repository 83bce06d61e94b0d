"""The technique profiles as the intake's selectors read them: the whole suggestion's,
and the safety screen's alone (what the booking steps read) in one query."""

import pytest

from bookings.intake.answers import IntakeAnswers
from bookings.intake.safety import screen
from bookings.intake.selectors import load_profiles, load_safety_profiles
from catalog.models import Technique
from catalog.vocabulary import CONDITIONS, RISK_FACTORS, WARNING_SIGNS

pytestmark = pytest.mark.django_db

SCREENED = IntakeAnswers(screened=True)
EVERY_ANSWER = [
    SCREENED,
    *(IntakeAnswers(conditions=(c,), screened=True) for c in CONDITIONS.codes),
    *(IntakeAnswers(risk_factors=(r,), screened=True) for r in RISK_FACTORS.codes),
    *(IntakeAnswers(warning_signs=(s.code,), screened=True) for s in WARNING_SIGNS.choices),
    IntakeAnswers(
        conditions=tuple(CONDITIONS.codes), risk_factors=tuple(RISK_FACTORS.codes), screened=True
    ),
]


def test_the_safety_profiles_come_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        profiles = load_safety_profiles()
    assert {p.slug for p in profiles} == set(
        Technique.objects.active().values_list("slug", flat=True)
    )


@pytest.mark.parametrize("answers", EVERY_ANSWER, ids=lambda a: repr(a)[:60])
def test_the_safety_profiles_screen_every_answer_as_the_full_profiles_do(answers):
    assert screen(answers, load_safety_profiles()) == screen(answers, load_profiles())


def test_a_technique_taken_off_the_offer_is_left_out_of_the_safety_profiles():
    Technique.objects.filter(slug="deep-tissue").update(is_active=False)

    slugs = {p.slug for p in load_safety_profiles()}

    assert "deep-tissue" not in slugs and "swedish" in slugs
    verdicts = screen(SCREENED, load_safety_profiles()).verdicts
    assert "deep-tissue" not in verdicts  # so it is ruled out for booking
