import subprocess
import sys
from dataclasses import fields

import pytest
from hypothesis import given

from bookings.intake.answers import (
    IntakeAnswers,
    Triage,
    answer_codes,
    read_back,
    warning_sign_labels,
)
from catalog.vocabulary import DESCRIPTION_MAX_LENGTH, QUESTIONS, WEIGHABLE_ANSWERS
from tests.imports import ROOT, imported_modules, is_within

from .test_suggestion import valid_answers

PURE_MODULES = ["bookings.intake.answers", "bookings.intake.suggestion"]


def answers(**kwargs) -> IntakeAnswers:
    return IntakeAnswers(areas=("lower",), duration="weeks", intensity=5, **kwargs)


@pytest.mark.parametrize("module", PURE_MODULES)
def test_the_pure_modules_import_no_orm_and_no_http(module: str):
    path = ROOT / (module.replace(".", "/") + ".py")
    imported = imported_modules(path)
    assert not {m for m in imported if is_within(m, "django.db") or is_within(m, "django.http")}
    assert not {m for m in imported if is_within(m, "catalog.models")}


@pytest.mark.parametrize("module", PURE_MODULES)
def test_the_pure_modules_load_without_django(module: str):
    # Catches what they import indirectly, too.
    script = f"import sys, {module}; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True)


def test_the_answers_have_one_field_per_question_then_how_they_were_screened():
    assert [f.name for f in fields(IntakeAnswers)] == [
        *(q.field for q in QUESTIONS),
        "screened",
        "text_checked",
    ]


def test_unknown_codes_and_out_of_range_values_are_dropped():
    rebuilt = IntakeAnswers.from_dict(
        {"areas": ["lower", "elbow"], "intensity": 42, "duration": "forever", "feelings": "x"}
    )
    assert rebuilt.areas == ("lower",)
    assert rebuilt.intensity is None
    assert rebuilt.duration == ""
    assert rebuilt.feelings == ()


def test_a_description_is_cut_to_its_longest_length():
    rebuilt = IntakeAnswers.from_dict({"description": "a" * (DESCRIPTION_MAX_LENGTH + 5)})
    assert len(rebuilt.description) == DESCRIPTION_MAX_LENGTH


@given(answers=valid_answers)
def test_valid_answers_survive_the_round_trip_through_a_dict(answers: IntakeAnswers):
    assert IntakeAnswers.from_dict(answers.to_dict()) == answers


def test_triage_puts_emergencies_before_doctor_first_signs():
    assert answers().triage == Triage.ROUTINE
    assert answers(warning_signs=("fever",)).triage == Triage.SEE_DOCTOR
    assert answers(warning_signs=("fever", "bladder_bowel")).triage == Triage.URGENT


def test_signs_are_sorted_into_urgent_and_doctor_first():
    both = answers(warning_signs=("night_pain", "leg_weakness", "injury"))
    assert both.urgent_signs == ("leg_weakness",)
    assert both.doctor_first_signs == ("night_pain", "injury")


def test_answer_codes_follow_the_form_and_a_number_counts_as_its_band():
    codes = answer_codes(
        IntakeAnswers(
            areas=("upper", "lower"),
            duration="months",
            intensity=7,
            frequency="often",
            feelings=("knots",),
            triggers=("stress",),
            pressure="firm",
            conditions=("skin",),
            warning_signs=("injury",),
            description="knots",
        )
    )
    assert codes == (
        "area:upper",
        "area:lower",
        "duration:months",
        "intensity:strong",
        "frequency:often",
        "feeling:knots",
        "trigger:stress",
        "pressure:firm",
    )


def test_unanswered_questions_give_no_codes_but_no_preference_still_counts():
    assert answer_codes(IntakeAnswers()) == ("pressure:any",)
    assert answer_codes(IntakeAnswers(pressure="")) == ()


@given(answers=valid_answers)
def test_every_answer_code_can_be_weighed_and_read_back(answers: IntakeAnswers):
    assert set(answer_codes(answers)) <= set(WEIGHABLE_ANSWERS)


def test_kept_answers_read_back_in_words_for_staff():
    rows = read_back(
        {
            "areas": ["lower", "neck_shoulders"],
            "duration": "weeks",
            "intensity": 6,
            "frequency": "",
            "pressure": "any",
            "warning_signs": ["night_pain", "elbow"],
            "description": "sciatica",
        }
    )
    assert rows == [
        ("Where it hurts", "Lower back, Neck and shoulders"),
        ("For how long", "A few weeks"),
        ("How strong (0 to 10)", "6"),
        ("How often", "Not answered"),
        ("What it feels like", "Not answered"),
        ("What brings it on", "Not answered"),
        ("Pressure they prefer", "No preference"),
        ("Health conditions", "Not answered"),
        ("Risk factors", "Not answered"),
        ("Warning signs", "Constant pain at night or at rest"),
        ("In their own words", "sciatica"),
    ]


def test_warning_flags_read_as_labels_and_anything_else_as_none():
    assert warning_sign_labels(["injury", "gone"]) == ["A recent fall or accident", "gone"]
    assert warning_sign_labels(None) == []
    assert warning_sign_labels("injury") == []
