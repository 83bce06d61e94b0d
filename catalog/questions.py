"""The shape of an intake question: its kind, its choices, and what each choice means.

Pure and plain, like the table in `catalog.vocabulary` that fills it in; kept apart so
the table holds the clinic's words and nothing else.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    ONE = "one"
    """One choice (radio buttons)."""
    MANY = "many"
    """Any number of choices (tick boxes)."""
    NUMBER = "number"
    """A whole number; its choices are bands of numbers, for weighing."""
    TEXT = "text"
    """The client's own words."""


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    """What the client ticks on the form (and staff read on a booking)."""
    phrase: str
    """How the answer reads back to the client, after "You said ..."."""
    urgent: bool = False
    """Warning signs only: emergency care today, and no booking is offered."""
    up_to: int | None = None
    """Bands of a number only: the highest number in the band."""
    implies: tuple[str, ...] = ()
    """Warning signs and risk factors only: the health conditions (CONDITIONS codes) this
    answer means the client has too, so the conditions' rules apply whether or not they
    ticked them."""
    follows: tuple[str, ...] = ()
    """Risk factors only: asked only when one of these codes (a condition or a risk
    factor) was answered yes; the follow-up question is `label`."""
    caution: str = ""
    """Conditions only: what every booking shows and asks the client to acknowledge,
    whatever the technique (e.g. pregnancy)."""


@dataclass(frozen=True)
class Question:
    field: str
    """Its name in the form and in the answers kept with a booking."""
    code: str
    """The prefix of its answer codes, as in "area:lower"."""
    label: str
    """What the client reads on the form."""
    admin_label: str
    """What staff read above the answer on a booking."""
    kind: Kind
    choices: tuple[Choice, ...] = ()
    help_text: str = ""
    weight_label: str | None = None
    """What content editors read when they weigh its answers; None when nobody may
    (health conditions and warning signs decide safety, never preference)."""

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(choice.code for choice in self.choices)

    @property
    def form_choices(self) -> list[tuple[str, str]]:
        return [(choice.code, choice.label) for choice in self.choices]

    def choice(self, code: str) -> Choice:
        """The choice with this code; KeyError when there is none."""
        for choice in self.choices:
            if choice.code == code:
                return choice
        raise KeyError(code)

    def label_of(self, value: object) -> str:
        """The label for a stored code, or the value itself when it is no code (a number)."""
        if self.kind is not Kind.NUMBER:
            for choice in self.choices:
                if choice.code == value:
                    return choice.label
        return str(value)

    def in_order(self, codes: Iterable[str]) -> tuple[str, ...]:
        """These codes in the order the form lists them, each once."""
        chosen = set(codes)
        return tuple(code for code in self.codes if code in chosen)

    def band_of(self, number: int | None) -> str:
        """The code of the band this number falls in, "" for no number."""
        if number is None:
            return ""
        return next((c.code for c in self.choices if c.up_to is not None and number <= c.up_to), "")
