"""Whether the words around a mention of a warning sign take it back.

Pure: the description's folded words (with the clause each is in) and where a phrase
matched in, the reason it does not count out (or None: it counts).

A NegEx-style scope (Chapman et al. 2001; someone else's, the past and other senses of
a word are `context`'s): a denial word reaches forward a few words, never past a clause boundary
(punctuation, "but", "and", "because"...); a few denials come after the sign ("numbness,
ruled out"). Pseudo-negations are denial words that deny nothing: inability ("not able
to", "haven't been able to"), "no longer", "without warning", "without realising",
"nothing stops it", a doctor who "hasn't ruled out" something, doubt ("not sure").
A denial of a phrase's own first word when that word is what was lost ("no control of
my bladder", "haven't any feeling down there") says the sign, not the opposite.
"""

from collections.abc import Sequence

from bookings.intake.context import other_sense, starts_with

NEGATION_REACH = 6
"""How many words before a mention a denial still reaches."""
AFTER_REACH = 10
"""How many words after a mention, in its clause, a trailing denial ("ruled out") reaches."""

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
        "free",
    }
)
"""Words that deny what follows them. "can't", "cannot", "unable" are left out on
purpose: they describe the sign ("I can't hold my pee"), never deny it."""

PSEUDO_NEGATIONS: tuple[tuple[str, ...], ...] = (
    ("not", "sure"),
    ("not", "certain"),
    ("not", "only"),
    ("not", "just"),
    ("not", "even"),
    ("not", "able"),
    ("not", "been", "able"),
    ("no", "idea"),
    ("no", "doubt"),
    ("no", "longer"),
    ("no", "matter"),
    ("no", "better"),
    ("not", "better"),
    ("not", "getting", "better"),
    ("not", "improving"),
    ("not", "going", "away"),
    ("not", "helping"),
    ("dont", "know"),
    ("didnt", "know"),
    ("doesnt", "help"),
    ("didnt", "help"),
    ("doesnt", "stop"),
    ("havent", "been", "able"),
    ("hasnt", "been", "able"),
    ("wasnt", "able"),
    ("werent", "able"),
    ("isnt", "able"),
    ("arent", "able"),
    ("hasnt", "ruled", "out"),
    ("havent", "ruled", "out"),
    ("hadnt", "ruled", "out"),
    ("not", "ruled", "out"),
    ("not", "yet", "ruled", "out"),
    ("not", "to", "mention"),
    ("without", "warning"),
    ("without", "any", "warning"),
    ("without", "realising"),
    ("without", "realizing"),
    ("without", "noticing"),
    ("without", "knowing"),
    ("without", "trying"),
    ("without", "meaning"),
    ("without", "reason"),
    ("without", "any", "reason"),
    ("without", "a", "reason"),
    ("without", "being", "able"),
    ("free", "to"),
)
"""Denial words that deny nothing after them ("not able to feel my legs")."""

FAILING_VERBS = frozenset(
    {
        "stops",
        "stop",
        "helps",
        "help",
        "eases",
        "ease",
        "shifts",
        "shift",
        "works",
        "work",
        "touches",
        "relieves",
        "settles",
        "changes",
    }
)
""""Nothing stops it", "nothing eases the numbness": the sign stays."""

AFTER_NEGATIONS: tuple[tuple[str, ...], ...] = (
    ("ruled", "out"),
    ("has", "gone"),
    ("is", "gone"),
    ("went", "away"),
    ("gone", "away"),
    ("cleared", "up"),
    ("has", "cleared"),
    ("resolved",),
    ("all", "clear"),
    ("not", "an", "issue"),
    ("not", "a", "problem"),
    ("not", "the", "issue"),
    ("not", "the", "problem"),
    ("free",),
)
"""Denials after the mention ("the fever has gone")."""

LOST_WORDS = frozenset({"control", "feeling", "sensation", "strength"})
"""A phrase that starts with one of these, then where or of what ("control ... bladder",
"feeling down there"), names what is lost: denying it says the sign ("no control of my
bladder", "I haven't got any feeling down there")."""
LOST_WHERE = frozenset({"...", "down", "in", "between", "of", "over", "around", "when", "on"})
LOST_FILLERS = frozenset({"have", "got", "any", "had", "much", "real", "the", "a", "full"})
"""Words that may stand between the denial and what is lost ("don't have any control")."""
LIST_WORDS = frozenset({"and", "or"})


def pseudo_negation(words: Sequence[str], at: int, end: int) -> bool:
    """The denial word at `at` denies nothing up to `end` (the mention's first word)."""
    if any(starts_with(words, at, pseudo) for pseudo in PSEUDO_NEGATIONS):
        return True
    # "Nothing stops it", "nothing I take eases the tingling".
    return words[at] in {"nothing", "no"} and any(w in FAILING_VERBS for w in words[at + 1 : end])


def why_not_counted(
    words: Sequence[str],
    clauses: Sequence[int],
    matched: Sequence[int],
    sign: str,
    *,
    lost_where: bool = False,
) -> str | None:
    """Why the mention at these word indexes does not count, or None when it does.

    `lost_where`: the phrase's second word says where or of what (`LOST_WHERE`), so a
    first word in `LOST_WORDS` names what is lost.
    """
    first, last = matched[0], matched[-1]
    own = set(matched)
    clause = clauses[first]
    # A denial in a gap of the phrase ("my legs are not numb") denies it too.
    for i in range(first, last + 1):
        if i not in own and words[i] in NEGATIONS and not pseudo_negation(words, i, last):
            return f"denied by “{words[i]}”"
    lost = words[first] in LOST_WORDS and bool(lost_where)
    # "no fever and chills": a denial carries over "and" to a one-word mention that
    # follows it straight away, as in a list; not to a new statement ("and my legs...").
    reach = {clause}
    if len(matched) == 1 and first >= 2 and words[first - 1] in LIST_WORDS:
        reach.add(clauses[first - 2])
    start = max(0, first - NEGATION_REACH)
    for i in range(start, first):
        if clauses[i] not in reach or words[i] not in NEGATIONS:
            continue
        if pseudo_negation(words, i, first):
            continue
        if lost and all(w in LOST_FILLERS for w in words[i + 1 : first]):
            continue
        return f"denied by “{words[i]}”"
    after = [i for i in range(last + 1, min(len(words), last + 1 + AFTER_REACH))]
    same_clause_after = [i for i in after if clauses[i] == clauses[last]]
    for i in same_clause_after:
        for trailing in AFTER_NEGATIONS:
            if starts_with(words, i, trailing) and not (i > 0 and words[i - 1] in NEGATIONS):
                return f"denied after it: “{' '.join(trailing)}”"
    if last + 1 < len(words) and clauses[last + 1] != clauses[last]:
        answer = [words[i] for i in range(last + 1, len(words)) if clauses[i] == clauses[last + 1]]
        if len(answer) == 1 and answer[0] in {"no", "none", "nope", "negative", "nil"}:
            return f"answered “{answer[0]}”"
    return other_sense(words, clauses, matched, sign)
