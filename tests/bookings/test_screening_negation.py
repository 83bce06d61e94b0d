"""The denial scope, phrase by phrase: what takes a mention back and what does not."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookings.intake.negation import NEGATIONS, PSEUDO_NEGATIONS, why_not_counted
from bookings.intake.screening import screen_text, tokens
from catalog.seed_phrases import seeded_phrases

SEEDED = seeded_phrases()


def signs_in(text: str) -> list[str]:
    return [m.sign for m in screen_text(text, SEEDED).matches]


# (text, the sign it must raise): denial words that deny nothing.
STILL_THE_SIGN = [
    ("I'm not able to feel my legs properly", "both_legs"),
    ("I haven't been able to pee since yesterday", "bladder_change"),
    ("I can't feel anything when I wipe", "wiping_change"),
    ("I can no longer feel when I need the loo", "bladder_change"),
    ("no longer able to hold my pee", "bladder_bowel"),
    ("unable to pee since this morning", "bladder_change"),
    ("it came on without warning, a tearing pain in my back", "chest_pain"),
    ("I wet myself without realising", "bladder_bowel"),
    ("nothing stops the pain at night", "night_pain"),
    ("nothing eases the tingling down my leg", "leg_numbness"),
    ("the doctor hasn't ruled out cancer yet", "cancer_weight"),
    ("my GP has not ruled out a fracture", "injury"),
    ("not sure if it is a fever", "fever"),
    ("I don't know why but I've lost weight", "cancer_weight"),
    ("I don't have any control of my bladder", "bladder_bowel"),
    ("I have no control over my bowels", "bladder_bowel"),
    ("I haven't got any feeling down there", "saddle_numbness"),
    ("no matter what I do it wakes me up at night", "night_pain"),
    ("painkillers are not helping and the pain wakes me up", "night_pain"),
    ("I lost weight without trying", "cancer_weight"),
    ("No fever, but my legs keep giving way", "both_legs"),
    ("I didn't fall, but I do have numbness in my groin", "saddle_numbness"),
    ("my wife says I have a fever", "fever"),
    ("Since my son was born I wet myself when I sneeze", "bladder_bowel"),
    ("My breast cancer was treated ten years ago", "cancer_weight"),
]

# (text, a sign it must not raise): real denials and other senses.
NOT_THE_SIGN = [
    ("no fever", "fever"),
    ("no fever and chills", "fever"),
    ("I have never lost control of my bladder", "bladder_bowel"),
    ("I haven't had a fall", "injury"),
    ("denies saddle numbness", "saddle_numbness"),
    ("neither numbness nor weakness in my legs", "both_legs"),
    ("Fever? No.", "fever"),
    ("the fever has gone", "fever"),
    ("a fracture was ruled out on the x-ray", "injury"),
    ("Bit of sciatica-free back pain", "leg_numbness"),
    ("my mum had breast cancer", "cancer_weight"),
    ("my dad had a fall last week", "injury"),
    ("my daughter has a fever", "fever"),
    ("I fell asleep on the sofa", "injury"),
    ("we fell out with the neighbours", "injury"),
    ("the temperature in the room is freezing", "fever"),
    ("the water temperature of the pool was cold", "fever"),
    ("chest press at the gym", "chest_pain"),
    ("tingling in my fingers when I type", "leg_numbness"),
    ("pins and needles in my hands", "leg_numbness"),
    ("I had sciatica years ago, fully recovered", "leg_numbness"),
    ("I broke my ankle as a child", "injury"),
    ("I'm trying to lose weight at the gym", "cancer_weight"),
    ("it sends shivers down my spine", "fever"),
    ("slipped disc years ago", "injury"),
]


@pytest.mark.parametrize(("text", "sign"), STILL_THE_SIGN, ids=[t for t, _ in STILL_THE_SIGN])
def test_a_pseudo_negation_does_not_deny_the_sign(text: str, sign: str):
    assert sign in signs_in(text)


@pytest.mark.parametrize(("text", "sign"), NOT_THE_SIGN, ids=[t for t, _ in NOT_THE_SIGN])
def test_a_denial_or_another_sense_takes_the_mention_back(text: str, sign: str):
    assert sign not in signs_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "No fever. I have been shivering and I feel feverish",
        "No numbness, but my legs are giving way",
        "Not weak; I wet myself twice though",
        "I don't have a fever (but I can't pee)",
    ],
)
def test_a_denial_stops_at_the_clause_boundary(text: str):
    assert signs_in(text)


def test_a_denial_reaches_six_words_back_and_no_further():
    assert signs_in("no, not at all, my groin is numb") == ["saddle_numbness"]
    assert signs_in("never in my whole life lost control of my bladder") == []
    assert "bladder_bowel" in signs_in("I do not think it matters but I lost control of my bladder")


def test_every_pseudo_negation_starts_with_a_denial_word():
    assert all(pseudo[0] in NEGATIONS for pseudo in PSEUDO_NEGATIONS)


@pytest.mark.parametrize("pseudo", PSEUDO_NEGATIONS, ids=" ".join)
def test_each_pseudo_negation_leaves_a_mention_after_it_standing(pseudo: tuple[str, ...]):
    words = [*pseudo, "x", "numb"]
    assert why_not_counted(words, [0] * len(words), [len(words) - 1], "leg_numbness") is None


@given(st.sampled_from(sorted(NEGATIONS - {"free"})), st.integers(min_value=0, max_value=4))
def test_a_denial_word_a_few_words_before_in_the_clause_denies(word: str, filler: int):
    words = [word, *(["quite"] * filler), "fever"]
    assert why_not_counted(words, [0] * len(words), [len(words) - 1], "fever") is not None


@given(st.sampled_from(sorted(NEGATIONS)))
def test_a_denial_in_another_clause_does_not(word: str):
    text = f"{word} idea. Since then fevers every night"
    found = [t.word for t in tokens(text)]
    assert "fevers" in found
    assert "fever" in signs_in(text)
