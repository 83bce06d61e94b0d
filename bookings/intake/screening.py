"""Warning signs a client wrote in their own words, found with the clinic's phrases.

Pure: text and (sign, phrase) pairs in, matches out. The phrases are data clinical
leads keep in admin (`catalog.WarningPhrase`, read by `selectors.warning_phrases()`).

A phrase is words matched whole, ignoring case and accents (apostrophes too, so
"cant" is "can't"). A word ending in * matches words that start with it; "..."
between words allows up to three other words of the same clause in between. A
mention the client denies ("no fever", "I haven't fallen", "never lost control")
does not count: a denial word shortly before the phrase, in the same clause. A
denial inside the phrase itself ("no control ... bladder", "can't feel my legs") is
part of what it says, so it still counts.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from catalog.vocabulary import WARNING_SIGNS


@dataclass(frozen=True)
class PhraseMatch:
    sign: str
    """A WARNING_SIGNS code."""
    phrase: str
    """The stored phrase that matched."""
    quote: str
    """The client's own words that matched, exactly as they wrote them."""


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
NEGATION_REACH = 6
"""How many words before a mention a denial still reaches."""

NEGATIONS = frozenset(
    {
        "no",
        "not",
        "never",
        "without",
        "nor",
        "neither",
        "none",
        "nothing",
        "deny",
        "denies",
        "denied",
        "dont",
        "doesnt",
        "didnt",
        "havent",
        "hasnt",
        "hadnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "aint",
        "nope",
    }
)
"""Words that deny what follows them. "can't" and "couldn't" are left out on purpose:
they usually describe the sign ("I can't hold my pee"), not deny it."""

PSEUDO_NEGATIONS: tuple[tuple[str, ...], ...] = (
    ("not", "sure"),
    ("not", "certain"),
    ("not", "only"),
    ("not", "just"),
    ("no", "idea"),
    ("no", "doubt"),
    ("dont", "know"),
    ("didnt", "know"),
    ("doesnt", "help"),
    ("didnt", "help"),
    ("not", "to", "mention"),
    ("no", "longer", "able"),
)
"""Denial words that deny nothing after them ("not sure if it is a fever")."""

ANSWERS_NO = frozenset({"no", "none", "nope", "negative", "nil"})
"""A clause of one of these right after a mention denies it ("Fever? No.")."""

CLAUSE_WORDS = frozenset(
    {"but", "although", "though", "however", "except", "yet", "whereas", "and"}
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
        if word in CLAUSE_WORDS:
            clause += 1
        found.append(Token(word, origin[match.start()], origin[match.end() - 1] + 1, clause))
    return found


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
    return tuple(words)


def find_warning_phrases(text: str, phrases: Iterable[tuple[str, str]]) -> list[PhraseMatch]:
    """(sign, phrase) pairs in; at most one match per sign, in WARNING_SIGNS order.

    Whole words, case- and accent-insensitive, negated mentions ("no numbness",
    "never lost control") do not match. Of several mentions of one sign, the first in
    the text is quoted.
    """
    words = tokens(text)
    if not words:
        return []
    best: dict[str, tuple[int, int, PhraseMatch]] = {}
    for sign, phrase in phrases:
        pattern = phrase_words(phrase)
        if not pattern or pattern[0] == GAP:
            continue
        for matched in _occurrences(words, pattern):
            if _denied(words, matched):
                continue
            first, last = matched[0], matched[-1]
            key = (words[first].start, -words[last].end)
            if sign not in best or key < best[sign][:2]:
                quote = text[words[first].start : words[last].end]
                best[sign] = (*key, PhraseMatch(sign=sign, phrase=phrase, quote=quote))
            break
    return [best[sign][2] for sign in WARNING_SIGNS.codes if sign in best]


def undenied_spans(text: str, pattern: Sequence[str]) -> list[tuple[int, int]]:
    """Where the text mentions these words, as (start, end), only the mentions it does not deny.

    For keywords outside the warning signs (the suggestion's), with the same rules.
    """
    words = tokens(text)
    return [
        (words[matched[0]].start, words[matched[-1]].end)
        for matched in _occurrences(words, tuple(pattern))
        if not _denied(words, matched)
    ]


def _occurrences(words: Sequence[Token], pattern: Sequence[str]) -> Iterable[tuple[int, ...]]:
    """The token indexes of the pattern's words, wherever it matches, earliest first."""
    for first in range(len(words)):
        matched = _match_from(words, pattern, first)
        if matched is not None:
            yield matched


def _match_from(
    words: Sequence[Token], pattern: Sequence[str], first: int
) -> tuple[int, ...] | None:
    if not _same_word(words[first].word, pattern[0]):
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
            if _same_word(token.word, wanted) and (
                token.clause == clause or token.word in CLAUSE_WORDS
            ):
                at = candidate
                matched.append(at)
                break
            if token.clause != clause:
                return None
        else:
            return None
        # A clause word inside the phrase starts a new clause number: carry on from it.
        index += 1
    return tuple(matched)


def _same_word(word: str, wanted: str) -> bool:
    if wanted.endswith("*"):
        return word.startswith(wanted[:-1])
    return word == wanted


def _denied(words: Sequence[Token], matched: Sequence[int]) -> bool:
    first, last = matched[0], matched[-1]
    # A denial in a gap of the phrase ("my legs are not numb") denies it too; one that
    # is a word of the phrase itself does not.
    own = set(matched)
    if any(words[i].word in NEGATIONS for i in range(first, last + 1) if i not in own):
        return True
    clause = words[first].clause
    before = [
        token.word
        for token in words[max(0, first - NEGATION_REACH) : first]
        if token.clause == clause
    ]
    for index, word in enumerate(before):
        if word in NEGATIONS and not _pseudo_negation(before, index):
            return True
    after = last + 1
    if after < len(words) and words[after].clause != words[last].clause:
        answer = [t.word for t in words[after:] if t.clause == words[after].clause]
        if len(answer) == 1 and answer[0] in ANSWERS_NO:
            return True
    return False


def _pseudo_negation(words: Sequence[str], index: int) -> bool:
    return any(tuple(words[index : index + len(pseudo)]) == pseudo for pseudo in PSEUDO_NEGATIONS)
