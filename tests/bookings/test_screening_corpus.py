from bookings.intake.screening import find_warning_phrases
from catalog.seed_phrases import seeded_phrases
from catalog.vocabulary import WARNING_SIGNS

from .screening_corpus import ORDINARY, RED_FLAGS

# Measured on the very phrases a fresh clinic opens with.
SEEDED = seeded_phrases()


def test_the_corpus_is_big_enough_and_covers_every_sign():
    assert len(ORDINARY) >= 50
    assert len(RED_FLAGS) >= 30
    assert {sign for _, sign in RED_FLAGS} == set(WARNING_SIGNS.codes)


def test_ordinary_descriptions_raise_at_most_two_false_alarms():
    false_alarms = [text for text in ORDINARY if find_warning_phrases(text, SEEDED)]

    assert len(false_alarms) <= 2, false_alarms


def test_no_red_flag_description_is_missed():
    missed = [
        (text, sign)
        for text, sign in RED_FLAGS
        if sign not in {match.sign for match in find_warning_phrases(text, SEEDED)}
    ]

    assert missed == []
