"""Warning signs a client wrote in their own words, found with the clinic's phrases.

Pure: text and (sign, phrase) pairs in, matches out. The phrases are data clinical
leads keep in admin (`catalog.WarningPhrase`, read by `selectors.warning_phrases()`).

A phrase is words matched whole, ignoring case and accents (apostrophes too, so
"cant" is "can't"), with typos in its longer words allowed (`fuzzy`). A word ending
in * matches words that start with it; "..." between words allows up to three other
words of the same clause in between. A mention that the words around it take back
does not count (`negation`: "no fever", "my mum had cancer", "fell asleep"); a denial
inside the phrase itself ("no control ... bladder", "can't feel my legs") is part of
what it says, so it still counts. Where two signs' phrases match the same words, the
longer phrase names the sign ("numb between my legs" is the saddle's, not a leg's).
Text in a language the clinic does not screen is said so (`language`), never passed
as if it had been read.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bookings.intake import language
from bookings.intake.context import LOCATED_SIGNS
from bookings.intake.fuzzy import Closeness, compare
from bookings.intake.negation import LOST_WHERE, NEGATIONS, why_not_counted
from catalog.vocabulary import WARNING_SIGNS

__all__ = [
    "GAP",
    "NEGATIONS",
    "NearMiss",
    "PhraseMatch",
    "ScreeningResult",
    "find_warning_phrases",
    "fold",
    "phrase_words",
    "screen_text",
    "tokens",
    "undenied_spans",
]


@dataclass(frozen=True)
class PhraseMatch:
    sign: str
    """A WARNING_SIGNS code."""
    phrase: str
    """The stored phrase that matched."""
    quote: str
    """The client's own words that matched, exactly as they wrote them."""
    typos: tuple[tuple[str, str], ...] = ()
    """(their word, the phrase's word) where a typo was read as the word."""


@dataclass(frozen=True)
class Token:
    word: str
    """Folded: lower case, no accents, no apostrophes."""
    start: int
    end: int
    """Where it is in the original text."""
    clause: int
    """Clauses end at punctuation and at words that turn the sentence ("but")."""


GAP = "..."
MAX_GAP = 3
CLAUSE_WORDS = frozenset(
    {
        "but",
        "although",
        "though",
        "however",
        "except",
        "yet",
        "whereas",
        "and",
        "because",
        "cause",
        "since",
        "so",
        "which",
        "while",
        "whilst",
    }
)
CLAUSE_PUNCTUATION = re.compile(r"[.,;:!?()\[\]\n]|\s[-\u2013\u2014]\s")
# Numbers stand apart from the letters they are written with: "8kg" is "8" and "kg".
_WORD = re.compile(r"\d+|[^\W\d_]+(?:'[^\W\d_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def fold(text: str) -> str:
    """Lower case without accents: "Fièvre" -> "fievre"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> list[Token]:
    """The text's words, folded, each with its place and its clause."""
    # Fold character by character so every folded character knows where it came from.
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text.translate(_APOSTROPHES)):
        for out in fold(char):
            folded.append(out)
            origin.append(index)
    flat = "".join(folded)
    found: list[Token] = []
    clause = 0
    previous_end = 0
    for match in _WORD.finditer(flat):
        word = match.group().replace("'", "")
        if CLAUSE_PUNCTUATION.search(flat[previous_end : match.start()]):
            clause += 1
        previous_end = match.end()
        if word in CLAUSE_WORDS and not _idiom(found, flat, match.end()):
            clause += 1
        found.append(Token(word, origin[match.start()], origin[match.end() - 1] + 1, clause))
    return _one_word_for_cannot(found)


AND_IDIOMS = frozenset({("pins", "needles"), ("hot", "cold"), ("aches", "pains")})
"""Pairs joined by "and" that are one thing: "no pins and needles or numbness" is one clause."""


def _idiom(before: Sequence[Token], flat: str, after: int) -> bool:
    following = _WORD.match(flat, after + 1)
    return bool(
        before and following and (before[-1].word, following.group().replace("'", "")) in AND_IDIOMS
    )


CANNOT = "cant"
INABILITY: tuple[tuple[str, ...], ...] = (
    ("havent", "been", "able", "to"),
    ("hasnt", "been", "able", "to"),
    ("not", "been", "able", "to"),
    ("no", "longer", "able", "to"),
    ("can", "no", "longer"),
    ("not", "able", "to"),
    ("wasnt", "able", "to"),
    ("werent", "able", "to"),
    ("isnt", "able", "to"),
    ("unable", "to"),
    ("cannot",),
    ("couldnt",),
)
"""Ways of saying "can't": read as "can't", in the text and in the phrases alike, so
"can't hold ... pee" also finds "no longer able to hold my pee"."""


def _one_word_for_cannot(words: list[Token]) -> list[Token]:
    merged: list[Token] = []
    at = 0
    while at < len(words):
        said = next(
            (
                len(way)
                for way in INABILITY
                if tuple(t.word for t in words[at : at + len(way)]) == way
                and len({t.clause for t in words[at : at + len(way)]}) == 1
            ),
            0,
        )
        if said:
            last = words[at + said - 1]
            merged.append(Token(CANNOT, words[at].start, last.end, words[at].clause))
            at += said
        else:
            merged.append(words[at])
            at += 1
    return merged


@lru_cache(maxsize=4096)
def phrase_words(phrase: str) -> tuple[str, ...]:
    """A stored phrase as the words it matches, "..." for a gap and a trailing * kept."""
    words: list[str] = []
    for part in phrase.translate(_APOSTROPHES).split():
        if part in (GAP, "…"):
            if words and words[-1] != GAP:
                words.append(GAP)
            continue
        star = part.endswith("*")
        word = "".join(_WORD.findall(fold(part))).replace("'", "")
        if word:
            words.append(word + ("*" if star else ""))
    while words and words[-1] == GAP:
        words.pop()
    plain = [Token(w, 0, 0, 0) for w in words]
    return tuple(t.word for t in _one_word_for_cannot(plain))


@dataclass(frozen=True)
class NearMiss:
    """A phrase that almost matched, and why it did not count (for "Try a sentence")."""

    sign: str
    phrase: str
    quote: str
    why: str


@dataclass(frozen=True)
class ScreeningResult:
    matches: tuple[PhraseMatch, ...]
    """At most one per sign, in WARNING_SIGNS order."""
    near_misses: tuple[NearMiss, ...] = ()
    unscreened_language: str | None = None
    """The code of a language the clinic does not screen that (part of) the text is in:
    its warning signs cannot be read from it."""

    @property
    def language_name(self) -> str:
        return language.language_name(self.unscreened_language or "")


@dataclass(frozen=True)
class _Found:
    sign: str
    phrase: str
    matched: tuple[int, ...]
    weight: int
    typos: tuple[tuple[str, str], ...]
    near: str
    """Why a word only nearly matched; "" when every word counts."""


def screen_text(
    text: str, phrases: Iterable[tuple[str, str]], *, near_misses: bool = False
) -> ScreeningResult:
    """The warning signs in the text, and whether the text could be read at all.

    `near_misses` also lists phrases that almost matched and why they did not count
    (a denial, a typo too far from the word, another sign's longer phrase).
    """
    words = tokens(text)
    unscreened = language.unscreened_language(text) if words else None
    if not words:
        return ScreeningResult(matches=())
    folded = [t.word for t in words]
    clauses = [t.clause for t in words]
    counted: list[_Found] = []
    missed: list[NearMiss] = []
    starts = _Starts(words, loose=near_misses)

    def quote(matched: Sequence[int]) -> str:
        return text[words[matched[0]].start : words[matched[-1]].end]

    for sign, phrase in phrases:
        pattern = phrase_words(phrase)
        if not pattern or pattern[0] == GAP:
            continue
        for found in _occurrences(words, pattern, loose=near_misses, starts=starts):
            if found.near:
                missed.append(NearMiss(sign, phrase, quote(found.matched), found.near))
                continue
            why = why_not_counted(
                folded, clauses, found.matched, sign, lost_where=_names_a_loss(pattern)
            )
            if why is not None:
                if near_misses:
                    missed.append(NearMiss(sign, phrase, quote(found.matched), why))
                continue
            counted.append(_Found(sign, phrase, found.matched, len(pattern), found.typos, ""))
    kept: list[_Found] = []
    # The longest phrase names the sign of the words it matched; shorter phrases of
    # other signs over the same words stand down.
    for found in sorted(counted, key=lambda f: (-f.weight, f.matched[0])):
        rival = next(
            (
                k
                for k in kept
                if k.sign != found.sign
                and (set(k.matched) & set(found.matched) or _says_where(k, found, words))
            ),
            None,
        )
        if rival is None:
            kept.append(found)
        elif near_misses:
            why = f"the same words match the longer “{rival.phrase}”"
            missed.append(NearMiss(found.sign, found.phrase, quote(found.matched), why))
    first: dict[str, _Found] = {}
    for found in sorted(kept, key=lambda f: (words[f.matched[0]].start, -words[f.matched[-1]].end)):
        first.setdefault(found.sign, found)
    matches = tuple(
        PhraseMatch(
            sign=sign,
            phrase=first[sign].phrase,
            quote=quote(first[sign].matched),
            typos=first[sign].typos,
        )
        for sign in WARNING_SIGNS.codes
        if sign in first
    )
    shown = {(m.sign, m.phrase) for m in matches}
    return ScreeningResult(
        matches=matches,
        near_misses=tuple(dict.fromkeys(m for m in missed if (m.sign, m.phrase) not in shown)),
        unscreened_language=unscreened,
    )


def find_warning_phrases(text: str, phrases: Iterable[tuple[str, str]]) -> list[PhraseMatch]:
    """(sign, phrase) pairs in; at most one match per sign, in WARNING_SIGNS order.

    Of several mentions of one sign, the first in the text is quoted.
    """
    return list(screen_text(text, phrases).matches)


def undenied_spans(text: str, pattern: Sequence[str]) -> list[tuple[int, int]]:
    """Where the text mentions these words, as (start, end), only the mentions it does not deny.

    For keywords outside the warning signs (the suggestion's), with the same denials;
    as written, no typo read as a word (a preference is not worth a guess).
    """
    words = tokens(text)
    folded = [t.word for t in words]
    clauses = [t.clause for t in words]
    return [
        (words[found.matched[0]].start, words[found.matched[-1]].end)
        for found in _occurrences(words, tuple(pattern), loose=False)
        if not found.typos and why_not_counted(folded, clauses, found.matched, "") is None
    ]


def _occurrences(
    words: Sequence[Token], pattern: Sequence[str], *, loose: bool, starts: "_Starts | None" = None
) -> Iterable[_Found]:
    """The pattern's words wherever it matches, earliest first."""
    starts = starts or _Starts(words, loose=loose)
    for first in starts.of(pattern[0]):
        found = _match_from(words, pattern, first, loose=loose)
        if found is not None:
            yield found


class _Starts:
    """Where each phrase's first word is in the text: each distinct word compared once."""

    def __init__(self, words: Sequence[Token], *, loose: bool) -> None:
        self.worst = Closeness.NEAR if loose else Closeness.TYPO
        self.positions: dict[str, list[int]] = {}
        for index, token in enumerate(words):
            self.positions.setdefault(token.word, []).append(index)
        self.known: dict[str, list[int]] = {}

    def of(self, wanted: str) -> list[int]:
        if wanted not in self.known:
            self.known[wanted] = sorted(
                index
                for word, indexes in self.positions.items()
                if compare(word, wanted).closeness <= self.worst
                for index in indexes
            )
        return self.known[wanted]


def _match_from(
    words: Sequence[Token], pattern: Sequence[str], first: int, *, loose: bool
) -> _Found | None:
    typos: list[tuple[str, str]] = []
    near: list[str] = []

    def fits(at: int, wanted: str) -> bool:
        compared = compare(words[at].word, wanted)
        if compared.closeness == Closeness.SAME:
            return True
        if compared.closeness <= Closeness.TYPO:
            typos.append((words[at].word, wanted))
            return True
        if loose and compared.closeness == Closeness.NEAR:
            near.append(
                f"“{words[at].word}” is {compared.edits} edit(s) from “{wanted}”, "
                f"{compared.allowed} allowed for a word that long"
                if words[at].word[:1] == wanted[:1]
                else f"“{words[at].word}” is close to “{wanted}” but starts differently "
                "or is an everyday word"
            )
            return True
        return False

    if not fits(first, pattern[0]):
        return None
    at = first
    matched = [first]
    index = 1
    while index < len(pattern):
        gap = pattern[index] == GAP
        if gap:
            index += 1
        wanted = pattern[index]
        reach = MAX_GAP + 1 if gap else 1
        clause = words[at].clause
        for step in range(1, reach + 1):
            candidate = at + step
            if candidate >= len(words):
                return None
            token = words[candidate]
            # Words of the phrase itself may be clause words ("pins and needles"); the
            # gap may not cross into another clause.
            if (token.clause == clause or token.word in CLAUSE_WORDS) and fits(candidate, wanted):
                at = candidate
                matched.append(at)
                break
            if token.clause != clause:
                return None
        else:
            return None
        # A clause word inside the phrase starts a new clause number: carry on from it.
        index += 1
    return _Found(
        sign="",
        phrase="",
        matched=tuple(matched),
        weight=len(pattern),
        typos=tuple(typos),
        near="; ".join(near),
    )


def _names_a_loss(pattern: Sequence[str]) -> bool:
    return len(pattern) > 1 and pattern[1] in LOST_WHERE


def _says_where(longer: _Found, bare: _Found, words: Sequence[Token]) -> bool:
    """A bare "tingly" next to "my privates have gone numb" is the saddle's tingling."""
    if bare.weight > 1 or {longer.sign, bare.sign} - LOCATED_SIGNS:
        return False
    return abs(words[longer.matched[-1]].clause - words[bare.matched[0]].clause) <= 2
