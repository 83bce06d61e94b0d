import pytest

from bookings.intake.answers import IntakeAnswers
from bookings.intake.forms import IntakeForm
from catalog.vocabulary import DURATION, PRESSURE
from tests.factories import safety_post

pytestmark = pytest.mark.django_db


def test_the_form_turns_ticks_into_typed_answers_in_the_order_it_asks():
    form = IntakeForm(
        {
            "areas": ["neck_shoulders", "lower", "lower"],
            "duration": "days",
            "intensity": " 0 ",
            "frequency": "sometimes",
            "feelings": ["spasms", "tight"],
            "pressure": "gentle",
            "description": "  twisted   while\r\n gardening ",
        }
        | safety_post(signs=["leg_weakness", "chest_pain"], risks=["fever", "cancer"])
    )

    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers == IntakeAnswers(
        areas=("lower", "neck_shoulders"),
        duration="days",
        intensity=0,
        frequency="sometimes",
        feelings=("tight", "spasms"),
        pressure="gentle",
        risk_factors=("cancer", "fever"),
        warning_signs=("leg_weakness", "chest_pain"),
        description="twisted while gardening",
        screened=True,
    )
    assert answers.duration in DURATION.codes
    assert answers.pressure in PRESSURE.codes


def test_no_preference_is_the_pressure_offered_first():
    initial = IntakeForm().fields["pressure"].initial
    assert PRESSURE.label_of(initial) == "No preference"
    assert PRESSURE.form_choices[-1] == (initial, "No preference")
