"""Which language a description is in, so words the clinic cannot screen never pass silently.

Pure: text in, the language code of a part written in a language the clinic does not
screen out (or None). The identifier is py3langid (langid.py's model, shipped inside
the wheel, nothing downloaded), loaded once on first use.

A few words say too little ("numb bum" reads as Javanese), so only sentences of at
least `MIN_WORDS` words and `MIN_LETTERS` letters are judged, and a sentence that is
mostly everyday English words is English whatever the identifier says (English with
typos, "my bak hurts and i cant fel my legz"). Each sentence is judged on its own: a
German sentence inside an English description is not screened either.
"""

import re
from functools import lru_cache
from typing import Protocol

SCREENED_LANGUAGES = frozenset({"en"})
"""The languages the warning phrases are written in."""
MIN_WORDS = 4
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.8
ENGLISH_SHARE = 0.34
"""A sentence with at least this share of everyday English words is English."""

LANGUAGE_NAMES = {
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "pl": "Polish",
    "ro": "Romanian",
    "sv": "Swedish",
    "da": "Danish",
    "no": "Norwegian",
    "fi": "Finnish",
    "cs": "Czech",
    "sk": "Slovak",
    "hu": "Hungarian",
    "el": "Greek",
    "tr": "Turkish",
    "ru": "Russian",
    "uk": "Ukrainian",
    "bg": "Bulgarian",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "ar": "Arabic",
    "zh": "Chinese",
    "ja": "Japanese",
    "hi": "Hindi",
    "ur": "Urdu",
    "pa": "Punjabi",
    "bn": "Bengali",
    "cy": "Welsh",
    "ga": "Irish",
}

ENGLISH_WORDS = frozenset(
    """
    a about after again ago all also am an and any anything are around as at away back bad
    be been before being better between bit both but by can cant could couldnt day days did
    didnt do does doesnt dont down during each even ever every feel feels felt few for from
    get gets getting go goes going got had has have havent having he her here him his how i
    if im in into is it its ive just keep keeps know last left like little long lot lower
    made make many may me more morning most much my myself need never new next night no not
    now of off on once one only or other our out over pain past really right same see she
    should since sitting sleep so some something sometimes still such than that the their
    them then there these they thing think this those though through time to too two under
    until up upper us very was way we week weeks well went were what when where which while
    who why will with without work worse would year years yes yesterday you your hurts hurt
    hurting legs leg feet foot neck shoulder shoulders sore stiff today tonight
    """.split()  # noqa: SIM905 (a word list reads better as words)
)
"""Everyday English words; none of them is a common word of the other languages judged."""

_SENTENCE = re.compile(r"(?<=[.!?;\n])\s*")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


class Identifier(Protocol):
    def rank(self, text: str) -> list[tuple[str, float]]: ...


@lru_cache(maxsize=1)
def identifier() -> Identifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    found: Identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return found


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def judged(sentence: str) -> bool:
    """Long enough to judge: a few words say too little about their language."""
    words = _WORD.findall(sentence)
    return len(words) >= MIN_WORDS and sum(len(w) for w in words) >= MIN_LETTERS


def english_share(sentence: str) -> float:
    words = [w.casefold().replace("'", "").replace("\u2019", "") for w in _WORD.findall(sentence)]
    if not words:
        return 0.0
    return sum(w in ENGLISH_WORDS for w in words) / len(words)


def sentence_language(sentence: str) -> str | None:
    """The language of one sentence, or None when it is too short or not sure enough."""
    if not judged(sentence):
        return None
    if english_share(sentence) >= ENGLISH_SHARE:
        return "en"
    ranked = identifier().rank(sentence)
    code, confidence = ranked[0]
    if code in SCREENED_LANGUAGES:
        return code
    return code if confidence >= MIN_CONFIDENCE else None


def unscreened_language(text: str) -> str | None:
    """The language of the first part written in a language the clinic does not screen."""
    parts = [part for part in _SENTENCE.split(text) if part.strip()]
    # Short sentences say little one by one: what they say together is judged too.
    short = " ".join(p for p in parts if not judged(p))
    for part in [*(p for p in parts if judged(p)), short]:
        code = sentence_language(part)
        if code is not None and code not in SCREENED_LANGUAGES:
            return code
    return None
