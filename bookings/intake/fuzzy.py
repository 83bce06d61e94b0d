"""Typos in the key words of a warning phrase: "bladdar" is "bladder", "fall" is not "fail".

Pure: two folded words in, how close they are out. Edit distance is rapidfuzz's
optimal string alignment (a swap of two neighbouring letters is one edit).

How many edits a word may carry was measured on the screening corpus and the case
table (tests/bookings/test_screening_fuzzy.py): one edit on a four-letter word turns
"fall" into "fail", "ball" and "tall", and "legs" into "lens", so short words must be
exact, or two neighbouring letters swapped ("lges"). Typos keep the first letter far
more often than not, and letting it change brings in "never" for "fever", so it must
match. A correctly spelt everyday word is never read as a typo of another
(`REAL_WORDS`): "fewer" is not "fever".
"""

from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from rapidfuzz.distance import OSA

EXACT_UP_TO = 3
"""Words this short match exactly."""
SWAP_ONLY_UP_TO = 4
"""Words this short match exactly or with two neighbouring letters swapped."""
ONE_EDIT_UP_TO = 7
"""Words up to this long allow one edit; longer words two."""

REAL_WORDS = frozenset(
    {
        # Everyday words one or two edits from a key word of a phrase.
        "fewer",
        "never",
        "lever",
        "fevers",
        "chess",
        "cheat",
        "cheap",
        "chesty",
        "numbers",
        "number",
        "blunder",
        "ladder",
        "bladed",
        "bowls",
        "bowl",
        "towel",
        "bowels",
        "tinkling",
        "tickling",
        "twinkling",
        "shivering",
        "slipper",
        "slippers",
        "trapped",
        "tipped",
        "tapped",
        "cancel",
        "canter",
        "cancers",
        "tumble",
        "groan",
        "grown",
        "grains",
        "grin",
        "saddles",
        "sadder",
        "paddle",
        "weakly",
        "weekly",
        "weaken",
        "wakes",
        "waves",
        "waking",
        "walking",
        "talking",
        "leaking",
        "leading",
        "leaning",
        "learning",
        "leafing",
        "fainting",
        "painting",
        "pointing",
        "panting",
        "printing",
        "pinning",
        "planting",
        "tearing",
        "wearing",
        "hearing",
        "bearing",
        "fearing",
        "nearing",
        "tearful",
        "crushing",
        "crashing",
        "brushing",
        "rushing",
        "crossing",
        "crashed",
        "crushed",
        "collapse",
        "relapse",
        "accident",
        "incident",
        "thighs",
        "things",
        "sights",
        "nights",
        "lights",
        "fights",
        "tights",
        "weight",
        "weights",
        "height",
        "eight",
        "fracture",
        "structure",
        "infections",
        "injection",
        "injections",
        "inflection",
        "temper",
        "tempo",
        "temple",
        "stone",
        "store",
        "stove",
        "stores",
        "wiped",
        "wider",
        "wife",
        "wire",
        "wise",
        "peeling",
        "peeking",
        "peering",
        "feeling",
        "reeling",
        "seeing",
        "sweets",
        "sweaters",
        "sheets",
        "legal",
        "bleed",
        "blend",
        "blender",
    }
)


class Closeness(IntEnum):
    SAME = 0
    TYPO = 1
    """Within the allowed edits: counts."""
    NEAR = 2
    """One edit beyond what is allowed, or a real word: does not count, shown as a near miss."""
    FAR = 3


@dataclass(frozen=True)
class Compared:
    closeness: Closeness
    edits: int
    allowed: int


def allowed_edits(wanted: str) -> int:
    """How many edits a key word of this length may carry (a swap counts as one)."""
    if len(wanted) <= EXACT_UP_TO:
        return 0
    if len(wanted) <= ONE_EDIT_UP_TO:
        return 1
    return 2


@lru_cache(maxsize=65536)
def compare(word: str, wanted: str) -> Compared:
    """How close the client's word is to a phrase's word (a trailing * allows any ending)."""
    stem = wanted[:-1] if wanted.endswith("*") else wanted
    if word == stem or (stem != wanted and word.startswith(stem)):
        return Compared(Closeness.SAME, 0, 0)
    allowed = allowed_edits(stem)
    if stem != wanted:
        # A word start: compare with the start of their word, a letter more or less.
        edits = min(OSA.distance(stem, word[: len(stem) + d]) for d in (-1, 0, 1))
    else:
        edits = OSA.distance(stem, word)
    if len(stem) <= SWAP_ONLY_UP_TO:
        allowed = 1 if edits == 1 and sorted(word) == sorted(stem) else 0
    if word in REAL_WORDS:
        closeness = Closeness.NEAR if edits <= allowed + 1 else Closeness.FAR
        return Compared(closeness, edits, allowed)
    if not word or word[0] != stem[0]:
        # Only a one-letter change is worth showing ("never" for "fever").
        return Compared(Closeness.NEAR if edits <= 1 else Closeness.FAR, edits, 0)
    if edits <= allowed:
        return Compared(Closeness.TYPO, edits, allowed)
    if edits == allowed + 1 and len(stem) > EXACT_UP_TO:
        return Compared(Closeness.NEAR, edits, allowed)
    return Compared(Closeness.FAR, edits, allowed)


def counts(word: str, wanted: str) -> bool:
    return compare(word, wanted).closeness <= Closeness.TYPO
