"""Whether a mention of a warning sign is about the client, today, in that sense.

Pure: folded words and where a phrase matched in, the reason it is not the client's
sign out (or None). After ConText (Harkema et al. 2009), NegEx's sequel: the
experiencer ("my mum had cancer", unless the client comes back in: "my wife says I
have a fever"), the time ("years ago", "as a child": a fall or a fever long over; a
cancer however long ago still counts), and the senses of a key word the clinic sees
in ordinary descriptions ("fell asleep", "chest press", "the room's temperature",
"tingling in my fingers").
"""

from collections.abc import Sequence

PAST = (
    ("years", "ago"),
    ("last", "year"),
    ("year", "ago"),
    ("decades", "ago"),
    ("long", "ago"),
    ("as", "a", "child"),
    ("as", "a", "kid"),
    ("as", "a", "teenager"),
    ("when", "i", "was", "young"),
    ("when", "i", "was", "a"),
    ("fully", "recovered"),
    ("fully", "healed"),
    ("long", "since"),
    ("in", "my", "twenties"),
    ("in", "my", "teens"),
    ("back", "in"),
)
"""A mention of the past: a fall or a fever long over is not a sign today."""
PAST_STILL_COUNTS = frozenset({"cancer_weight"})
"""Signs a history still raises: cancer, however long ago."""

SOMEONE_ELSE = frozenset(
    {
        "mum",
        "mom",
        "mother",
        "mums",
        "moms",
        "dad",
        "dads",
        "father",
        "wife",
        "wifes",
        "husband",
        "husbands",
        "son",
        "sons",
        "daughter",
        "daughters",
        "sister",
        "sisters",
        "brother",
        "brothers",
        "gran",
        "granny",
        "nan",
        "nana",
        "grandma",
        "grandmother",
        "grandad",
        "grandpa",
        "grandfather",
        "aunt",
        "auntie",
        "uncle",
        "cousin",
        "friend",
        "friends",
        "partner",
        "partners",
        "boyfriend",
        "girlfriend",
        "colleague",
        "colleagues",
        "neighbour",
        "neighbor",
        "boss",
        "baby",
        "babys",
        "toddler",
        "kid",
        "kids",
        "child",
        "children",
        "patient",
        "patients",
        "client",
        "clients",
        "dog",
        "cat",
        "family",
        "relative",
        "parents",
        "parent",
    }
)
FIRST_PERSON = frozenset({"i", "im", "ive", "id", "ill", "me", "myself"})

ELSEWHERE = frozenset(
    {
        "hand",
        "hands",
        "finger",
        "fingers",
        "fingertips",
        "thumb",
        "thumbs",
        "wrist",
        "wrists",
        "arm",
        "arms",
        "elbow",
        "elbows",
        "lip",
        "lips",
        "face",
        "cheek",
        "scalp",
        "tongue",
        "mouth",
        "jaw",
        "ear",
        "ears",
        "nose",
    }
)
"""Where numbness or tingling is not a leg or the saddle: "tingling in my fingers"."""
LOCATED_SIGNS = frozenset({"leg_numbness", "saddle_numbness", "leg_weakness"})
LOCATION_WORDS = frozenset(
    {
        "leg",
        "legs",
        "foot",
        "feet",
        "toe",
        "toes",
        "thigh",
        "thighs",
        "calf",
        "calves",
        "knee",
        "knees",
        "groin",
        "bum",
        "buttock",
        "buttocks",
        "genitals",
        "privates",
        "saddle",
    }
)

FALL_SENSES = frozenset(
    {
        "asleep",
        "behind",
        "apart",
        "in love",
        "for",
        "short",
        "through",
        "out with",
        "pregnant",
        "ill",
        "silent",
        "quiet",
        "into place",
        "into a routine",
        "off the wagon",
        "in with",
    }
)
FIGURATIVE_NEXT: dict[str, frozenset[str]] = {
    "fall": FALL_SENSES,
    "fell": FALL_SENSES,
    "falling": FALL_SENSES,
    "fallen": FALL_SENSES,
    "falls": FALL_SENSES,
    "chest": frozenset(
        {"press", "presses", "fly", "flies", "day", "workout", "stretch", "stretches", "freezer"}
    ),
    "chills": frozenset({"out", "down", "up"}),
    "shivers": frozenset({"down", "up"}),
    "slipped": frozenset({"disc", "disk", "my mind", "out", "away"}),
    "stumbled": frozenset({"across", "on", "upon"}),
    "temperature": frozenset({"outside", "in the room", "in here"}),
}
"""A key word followed by one of these is not the sign: "fell asleep", "chest press"."""
FIGURATIVE_CLAUSE: dict[str, frozenset[str]] = {
    "temperature": frozenset(
        {
            "room",
            "rooms",
            "water",
            "bath",
            "shower",
            "pool",
            "weather",
            "office",
            "house",
            "flat",
            "outside",
            "air",
            "oven",
            "fridge",
            "heating",
            "thermostat",
            "studio",
        }
    ),
    "temp": frozenset({"room", "water", "bath", "shower", "pool", "weather", "office", "job"}),
    "weight": frozenset(
        {
            "diet",
            "dieting",
            "purpose",
            "gym",
            "slimming",
            "plan",
            "calories",
            "deliberately",
            "intentionally",
            "training",
            "program",
            "programme",
            "want",
            "need",
            "wanted",
            "lose",
            "goal",
        }
    ),
    "losing": frozenset({"diet", "dieting", "purpose", "slimming", "deliberately"}),
    "sweats": frozenset({"gym", "workout", "sauna", "wear", "wearing", "running", "exercise"}),
    "rest": frozenset({"mind"}),
    "accident": frozenset({"potty", "toilet"}),
}
"""A key word with one of these in its clause is not the sign: "the room's temperature"."""
FIGURATIVE_BEFORE: dict[str, frozenset[str]] = {
    "fever": frozenset({"hay", "cabin", "spring", "saturday", "football", "election"}),
    "temperature": frozenset({"room", "water", "outside"}),
}
"""A key word right after one of these is not the sign: "hay fever"."""


def starts_with(words: Sequence[str], at: int, pattern: Sequence[str]) -> bool:
    return tuple(words[at : at + len(pattern)]) == tuple(pattern)


def other_sense(
    words: Sequence[str],
    clauses: Sequence[int],
    matched: Sequence[int],
    sign: str,
) -> str | None:
    """Why the mention is not the client's sign today, or None: someone else's, in the
    past, another sense of the word, or somewhere else in the body."""
    first = matched[0]
    clause = clauses[first]
    # A phrase may span clause words of its own ("pins and needles in my hands").
    in_clause = [i for i in range(len(words)) if clause <= clauses[i] <= clauses[matched[-1]]]
    clause_words = {words[i] for i in in_clause}
    # Someone else's: "my mum had a fall", unless the client comes back in ("my wife says I").
    for i in range(in_clause[0], first):
        if words[i] in SOMEONE_ELSE and not any(w in FIRST_PERSON for w in words[i + 1 : first]):
            return f"someone else's: “{words[i]}”"
    if first > 0 and words[first - 1] in {"nearly", "almost"}:
        return f"did not happen: “{words[first - 1]}”"
    if first > 0 and words[first - 1] in FIGURATIVE_BEFORE.get(words[first], ()):
        return f"another sense: “{words[first - 1]} {words[first]}”"
    if sign not in PAST_STILL_COUNTS:
        for i in in_clause:
            for past in PAST:
                if starts_with(words, i, past):
                    return f"in the past: “{' '.join(past)}”"
    for i in matched:
        for sense in FIGURATIVE_NEXT.get(words[i], ()):
            if starts_with(words, i + 1, sense.split()):
                return f"another sense: “{words[i]} {sense}”"
        around = FIGURATIVE_CLAUSE.get(words[i])
        if around and clause_words & around:
            return f"another sense: “{words[i]}” with “{sorted(clause_words & around)[0]}”"
    if sign in LOCATED_SIGNS and not {words[i] for i in matched} & LOCATION_WORDS:
        elsewhere = clause_words & ELSEWHERE
        if elsewhere and not clause_words & LOCATION_WORDS:
            return f"somewhere else: “{sorted(elsewhere)[0]}”"
    return None
