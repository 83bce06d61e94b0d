"""Descriptions the clinic cannot read are said so, and English (typos and all) is read."""

import pytest

from bookings.intake.language import (
    english_share,
    judged,
    language_name,
    unscreened_language,
)
from bookings.intake.screening import screen_text
from catalog.seed_phrases import seeded_phrases

SEEDED = seeded_phrases()

OTHER_LANGUAGES = [
    ("Ich habe seit drei Tagen starke Rückenschmerzen und kann nicht mehr richtig laufen.", "de"),
    ("Seit gestern spüre ich nichts mehr zwischen den Beinen und kann kaum Wasser lassen.", "de"),
    ("J'ai mal au dos depuis une semaine et je ne sens plus mes jambes.", "fr"),
    ("Depuis hier, je n'arrive plus à uriner et j'ai très mal au bas du dos.", "fr"),
    ("Tengo dolor de espalda desde hace una semana y no siento las piernas.", "es"),
    ("Me duele mucho la espalda y tengo fiebre desde el domingo.", "es"),
    ("Mi fa male la schiena da una settimana e non sento più le gambe.", "it"),
    ("Ho un forte dolore al petto che arriva fino alla schiena.", "it"),
    ("Ik heb al een week rugpijn en mijn benen voelen slap aan.", "nl"),
    ("Mam bóle pleców od tygodnia i drętwieją mi nogi.", "pl"),
    ("Estou com dor nas costas há uma semana e sinto formigueiro nas pernas.", "pt"),
]

ENGLISH = [
    "my bak hurts and i cant fel my legz",
    "lower bak pian since sunday, cnat feel my legz propperly",
    "Stiff in the mornings, loosens up once I get moving and have a hot shower.",
    "Cant really feel when I need the loo anymore and my back hurts",
    "wet myself twice this week, back agony",
    "Desk job, bad posture, rounded shoulders.",
    "Physio said it is muscular. Tight hamstrings and glutes.",
    "Been doing pilates, quads and glutes tight, lumbar area sore",
]

SHORT = ["numb bum", "Rückenschmerzen", "dolor de espalda", "mal au dos", "Fieber!", "sciatica"]


@pytest.mark.parametrize(("text", "code"), OTHER_LANGUAGES, ids=[c for _, c in OTHER_LANGUAGES])
def test_a_description_in_another_language_is_not_screened(text: str, code: str):
    assert unscreened_language(text) == code
    assert screen_text(text, SEEDED).unscreened_language == code


@pytest.mark.parametrize("text", ENGLISH)
def test_english_with_typos_is_english(text: str):
    assert unscreened_language(text) is None


@pytest.mark.parametrize("text", SHORT)
def test_a_few_words_are_too_few_to_judge(text: str):
    assert not judged(text)
    assert unscreened_language(text) is None


def test_a_sentence_in_another_language_inside_english_is_caught():
    text = (
        "My lower back has been sore for a week. "
        "Seit gestern spüre ich nichts mehr zwischen den Beinen."
    )
    assert unscreened_language(text) == "de"


def test_short_sentences_together_are_judged_together():
    text = "Rückenschmerzen. Taubheit im Gesäß. Ich kann nicht pinkeln. Bitte helfen."
    assert unscreened_language(text) == "de"


def test_english_share_counts_everyday_words():
    assert english_share("my back hurts when I sit") > 0.5
    assert english_share("Ich habe Rückenschmerzen") == 0


def test_a_language_has_a_name_for_the_page():
    assert language_name("de") == "German"
    assert language_name("xx") == "xx"
    result = screen_text(OTHER_LANGUAGES[0][0], SEEDED)
    assert result.language_name == "German"
