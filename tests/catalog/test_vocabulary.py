import subprocess
import sys
from pathlib import Path
from string import Formatter

import pytest

from catalog.vocabulary import (
    ANSWER_CHOICES,
    DOCTOR_FIRST_SIGNS,
    INTENSITY,
    INTENSITY_MAX,
    QUESTIONS,
    URGENT_SIGNS,
    WARNING_SIGNS,
    WEIGHABLE_ANSWERS,
    Kind,
    Pressure,
    RuleEffect,
)
from tests.imports import ROOT, imported_modules, is_within

CATALOG_FILES = sorted((ROOT / "catalog").rglob("*.py"))
CHOICES = [(q, c) for q in QUESTIONS for c in q.choices]


@pytest.mark.parametrize("path", CATALOG_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_catalog_imports_nothing_from_bookings(path: Path):
    assert not {m for m in imported_modules(path) if is_within(m, "bookings")}


def test_the_vocabulary_is_plain_python():
    imported = imported_modules(ROOT / "catalog/vocabulary.py")
    assert not {m for m in imported if is_within(m, "django")}


def test_the_vocabulary_loads_without_django():
    script = "import sys, catalog.vocabulary; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True)


def test_every_question_has_a_form_label_and_an_admin_label():
    for question in QUESTIONS:
        assert question.label.strip() and question.admin_label.strip(), question.field


def test_fields_and_codes_are_unique():
    assert len({q.field for q in QUESTIONS}) == len(QUESTIONS)
    assert len({q.code for q in QUESTIONS}) == len(QUESTIONS)
    for question in QUESTIONS:
        assert len(set(question.codes)) == len(question.codes), question.field


@pytest.mark.parametrize(
    ("question", "choice"), CHOICES, ids=[f"{q.field}:{c.code}" for q, c in CHOICES]
)
def test_every_choice_has_a_code_a_label_and_a_read_back_phrase(question, choice):
    # Codes are stored and sent by the form: lower case, no spaces, no ":" (the
    # separator in answer codes).
    assert choice.code.isidentifier() and choice.code == choice.code.lower()
    assert choice.label.strip()
    assert choice.phrase.strip()
    # A phrase continues "You said ...", so it starts in lower case.
    assert choice.phrase[0] == choice.phrase[0].lower()
    placeholders = {name for _, name, _, _ in Formatter().parse(choice.phrase) if name}
    assert placeholders <= ({"intensity"} if question.kind is Kind.NUMBER else set())


def test_only_questions_with_choices_offer_them():
    for question in QUESTIONS:
        assert bool(question.choices) == (question.kind is not Kind.TEXT), question.field


def test_every_warning_sign_is_either_urgent_or_doctor_first():
    assert URGENT_SIGNS and DOCTOR_FIRST_SIGNS
    assert set(WARNING_SIGNS.codes) == URGENT_SIGNS | DOCTOR_FIRST_SIGNS
    assert not URGENT_SIGNS & DOCTOR_FIRST_SIGNS
    assert not any(c.urgent for q in QUESTIONS if q is not WARNING_SIGNS for c in q.choices)


def test_health_conditions_and_warning_signs_are_never_weighed():
    weighed = {code.split(":")[0] for code in WEIGHABLE_ANSWERS}
    assert "condition" not in weighed
    assert "warning_sign" not in weighed


def test_every_number_falls_in_exactly_one_intensity_band():
    assert [INTENSITY.band_of(n) for n in range(INTENSITY_MAX + 1)] == (
        ["mild"] * 4 + ["moderate"] * 3 + ["strong"] * 4
    )
    assert INTENSITY.band_of(None) == ""


def test_weighable_answers_are_grouped_by_question_with_both_labels():
    assert ANSWER_CHOICES[0] == (
        "Where it hurts",
        [
            ("area:lower", "Where it hurts: Lower back"),
            ("area:middle", "Where it hurts: Middle back"),
            ("area:upper", "Where it hurts: Upper back"),
            ("area:neck_shoulders", "Where it hurts: Neck and shoulders"),
        ],
    )
    assert [code for _, group in ANSWER_CHOICES for code, _ in group] == list(WEIGHABLE_ANSWERS)


def test_a_question_reads_codes_as_labels_and_anything_else_as_it_is():
    assert WARNING_SIGNS.label_of("injury") == "A recent fall or accident"
    assert WARNING_SIGNS.label_of("elbow") == "elbow"
    assert INTENSITY.label_of(6) == "6"
    assert WARNING_SIGNS.in_order(["night_pain", "fever", "night_pain"]) == ("fever", "night_pain")


def test_the_catalogs_own_codes_have_labels():
    assert [(p.value, p.label) for p in Pressure] == [
        ("gentle", "Gentle"),
        ("medium", "Medium"),
        ("firm", "Firm"),
    ]
    assert all(effect.label for effect in RuleEffect)
