import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookings.intake.negation import LOST_WORDS
from bookings.intake.screening import (
    NEGATIONS,
    PhraseMatch,
    find_warning_phrases,
    phrase_words,
    undenied_spans,
)
from catalog.seed_phrases import seeded_phrases
from catalog.vocabulary import WARNING_SIGNS

# The phrases a fresh clinic opens with: what is tested is what is seeded.
SEEDED = seeded_phrases()


def signs_in(text: str) -> list[str]:
    return [match.sign for match in find_warning_phrases(text, SEEDED)]


# (sign, a way a client writes it, the same sign denied)
MENTIONS = [
    (
        "bladder_bowel",
        "Since Sunday I have no control of my bladder",
        "I have never lost control of my bladder",
    ),
    ("bladder_bowel", "couldn't stop peeing last night", "no incontinence at all"),
    ("saddle_numbness", "numbness between my legs since Friday", "no numbness in the groin"),
    ("saddle_numbness", "my bum and groin feel numb", "denies saddle numbness"),
    ("both_legs", "I can't feel my legs properly", "my legs aren't weak"),
    ("both_legs", "both legs feel weak and wobbly", "no weakness in either leg"),
    ("wiping_change", "it feels strange when I wipe", "wiping feels normal, nothing different"),
    ("wiping_change", "can't feel the paper when I wipe", "I can feel everything when I wipe"),
    ("bladder_change", "it's hard to pee and it won't come", "no trouble peeing"),
    ("bladder_change", "I haven't peed since yesterday morning", "I pee normally"),
    ("sexual_change", "I can't get an erection since the back went", "no erection problems"),
    ("sexual_change", "sex feels numb since last week", "sex is fine, no change"),
    ("leg_weakness", "my left leg keeps giving way", "no weakness in my left leg"),
    ("chest_pain", "there is a tight pain across my chest", "no chest pain"),
    ("chest_pain", "short of breath when it flares", "not short of breath"),
    ("fever", "I think I have a fever", "no fever"),
    ("fever", "night sweats for a week", "without fever or chills"),
    ("injury", "I had a fall on the ice on Monday", "I haven't had a fall or an accident"),
    ("injury", "rear ended at a red light", "no accident, it just started"),
    ("cancer_weight", "I've lost 6 kilos without trying", "I haven't lost weight"),
    ("cancer_weight", "I finished chemo last year", "no history of cancer"),
    ("night_pain", "the pain wakes me up every night", "it never wakes me up"),
    ("night_pain", "it hurts even when I rest", "not worse at night"),
    ("leg_numbness", "pins and needles down my right leg", "no pins and needles"),
    ("leg_numbness", "my foot goes numb when I sit", "my leg is not numb"),
]


def test_the_table_covers_every_warning_sign():
    assert {sign for sign, _, _ in MENTIONS} == set(WARNING_SIGNS.codes)


def test_every_warning_sign_has_seeded_phrases():
    assert {sign for sign, _ in SEEDED} == set(WARNING_SIGNS.codes)


@pytest.mark.parametrize(("sign", "said", "denied"), MENTIONS, ids=[m[1] for m in MENTIONS])
def test_a_sign_in_the_clients_words_is_found_and_a_denied_one_is_not(
    sign: str, said: str, denied: str
):
    assert sign in signs_in(said)
    assert sign not in signs_in(denied)


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("No control of my Bladder since Monday", "No control of my Bladder"),
        ("I CAN'T FEEL MY LEGS", "CAN'T FEEL MY LEGS"),
        ("I can\u2019t feel my legs", "can\u2019t feel my legs"),
        ("Ich habe Fieber, a Févèr", "Févèr"),
        ("cant feel my legs", "cant feel my legs"),
    ],
)
def test_the_quote_is_the_clients_own_words_as_they_wrote_them(text: str, quote: str):
    assert [m.quote for m in find_warning_phrases(text, SEEDED)] == [quote]


@pytest.mark.parametrize(
    "text",
    [
        "I fell asleep on the sofa and woke up stiff",
        "weight training three times a week",
        "chest press at the gym, then my lower back tightened",
        "I'm numb to the pain of deadlines",
        "my saddle is new",
        "Fever? No.",
        "no numbness, no tingling, no weakness, and no fever",
        "neither numbness nor weakness",
    ],
)
def test_ordinary_words_and_denials_raise_no_warning(text: str):
    assert signs_in(text) == []


def test_a_denial_reaches_only_within_its_clause():
    assert signs_in("No fever, but my legs keep giving way") == ["both_legs"]
    assert signs_in("No fever. I have been shivering and I feel feverish") == ["fever"]


def test_a_denial_further_back_than_a_few_words_does_not_count():
    text = "I don't know if it matters that I lost control of my bladder yesterday"
    assert signs_in(text) == ["bladder_bowel"]


def test_doubt_is_not_a_denial():
    assert signs_in("not sure if it is a fever") == ["fever"]


def test_whole_words_only_unless_the_phrase_says_a_word_may_go_on():
    phrases = [("fever", "temp"), ("leg_numbness", "tingl*")]
    assert find_warning_phrases("temperature", phrases) == []
    assert find_warning_phrases("a temp", phrases)[0].quote == "temp"
    assert find_warning_phrases("Tingling toes", phrases)[0].quote == "Tingling"


def test_a_gap_allows_up_to_three_words_in_the_same_clause():
    phrases = [("bladder_bowel", "control ... bladder")]
    assert find_warning_phrases("control of my own bladder", phrases)
    assert not find_warning_phrases("control of my very own bladder", phrases)
    assert not find_warning_phrases("control. My bladder", phrases)


def test_one_match_per_sign_in_the_forms_order_quoting_the_first_mention():
    text = "Leg pins and needles. Then a fever; and a temperature of 39."
    matches = find_warning_phrases(text, SEEDED)

    assert [m.sign for m in matches] == ["fever", "leg_numbness"]
    assert matches[0] == PhraseMatch(sign="fever", phrase="fever*", quote="fever")


def test_nothing_to_screen_finds_nothing():
    assert find_warning_phrases("", SEEDED) == []
    assert find_warning_phrases("a fever", []) == []
    assert find_warning_phrases("a fever", [("fever", "   "), ("fever", "... x")]) == []


def test_a_phrase_is_read_as_words_gaps_and_word_starts():
    assert phrase_words("  Can\u2019t  FEEL ... ... my leg* ...") == (
        "cant",
        "feel",
        "...",
        "my",
        "leg*",
    )


def test_undenied_spans_give_where_the_words_are():
    assert undenied_spans("no swelling, but swollen ankles", ("swoll*",)) == [(17, 24)]


@given(st.text(max_size=200))
def test_any_text_screens_without_error_and_quotes_what_it_contains(text: str):
    for match in find_warning_phrases(text, SEEDED):
        assert match.quote in text
        assert match.sign in WARNING_SIGNS.codes


PLAIN_PHRASES = [
    (sign, phrase)
    for sign, phrase in SEEDED
    if "*" not in phrase
    and "..." not in phrase
    and not set(phrase_words(phrase)) & NEGATIONS
    # "I have not had feeling down there" says the sign: what is lost, denied.
    and not (phrase_words(phrase)[0] in LOST_WORDS and phrase_words(phrase)[1:2] == ("down",))
]


@pytest.mark.parametrize(("sign", "phrase"), PLAIN_PHRASES, ids=[p for _, p in PLAIN_PHRASES])
def test_every_plain_seeded_phrase_is_found_said_and_not_found_denied(sign: str, phrase: str):
    assert sign in signs_in(f"Since Monday: {phrase.upper()}, and my back hurts")
    assert sign not in signs_in(f"I have not had {phrase} at all")
