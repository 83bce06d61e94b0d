"""The clinic's words for the back-pain intake, in one table everyone derives from.

Each question has a code, the label clients read on the form, the label staff read
on a booking, and its choices: a code (what is stored), a label (what is ticked) and
a phrase (how the answer reads back to the client after "You said ...").

Plain Python on purpose: the intake form, the booking admin, the suggestion engine
and the catalog's weights all read it, and none of them may drag the others in.
Codes are stored; labels and phrases are copy and can change freely (no migration).
Adding a choice to a question touches this file and a test.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from types import MappingProxyType


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
    """Warning signs only: the health conditions (CONDITIONS codes) this sign means the
    client has too, so the conditions' rules apply whether or not they ticked them."""


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


DESCRIPTION_MAX_LENGTH = 1000
INTENSITY_MAX = 10
NO_PRESSURE_PREFERENCE = "any"

AREAS = Question(
    field="areas",
    code="area",
    label="Where does it hurt?",
    help_text="Tick all that apply.",
    admin_label="Where it hurts",
    weight_label="Where it hurts",
    kind=Kind.MANY,
    choices=(
        Choice("lower", "Lower back", "it hurts in your lower back"),
        Choice("middle", "Middle back", "it hurts in your middle back"),
        Choice("upper", "Upper back", "it hurts in your upper back"),
        Choice("neck_shoulders", "Neck and shoulders", "it hurts in your neck and shoulders"),
    ),
)
DURATION = Question(
    field="duration",
    code="duration",
    label="How long has it hurt?",
    admin_label="For how long",
    weight_label="How long it has hurt",
    kind=Kind.ONE,
    choices=(
        Choice("days", "A few days", "the pain started a few days ago"),
        Choice("weeks", "A few weeks", "the pain has lasted a few weeks"),
        Choice("months", "Over three months", "the pain has lasted over three months"),
    ),
)
INTENSITY = Question(
    field="intensity",
    code="intensity",
    label=f"How strong is the pain right now, from 0 to {INTENSITY_MAX}?",
    help_text=f"0 is no pain at all, {INTENSITY_MAX} is the worst pain you can imagine.",
    admin_label=f"How strong (0 to {INTENSITY_MAX})",
    weight_label="How strong it is",
    kind=Kind.NUMBER,
    # "{intensity}" is the client's own number.
    choices=(
        Choice(
            "mild",
            "Mild (0 to 3 out of 10)",
            "the pain is mild ({intensity} out of 10)",
            up_to=3,
        ),
        Choice(
            "moderate",
            "Moderate (4 to 6 out of 10)",
            "the pain is moderate ({intensity} out of 10)",
            up_to=6,
        ),
        Choice(
            "strong",
            "Strong (7 to 10 out of 10)",
            "the pain is strong ({intensity} out of 10)",
            up_to=INTENSITY_MAX,
        ),
    ),
)
FREQUENCY = Question(
    field="frequency",
    code="frequency",
    label="How often does it hurt?",
    admin_label="How often",
    weight_label="How often it hurts",
    kind=Kind.ONE,
    choices=(
        Choice("sometimes", "Now and then", "it hurts now and then"),
        Choice("often", "Most days", "it hurts most days"),
        Choice("constant", "All the time", "it hurts all the time"),
    ),
)
FEELINGS = Question(
    field="feelings",
    code="feeling",
    label="What does it feel like?",
    help_text="Tick all that apply, or none.",
    admin_label="What it feels like",
    weight_label="What it feels like",
    kind=Kind.MANY,
    choices=(
        Choice("tight", "Tight or stiff", "it feels tight or stiff"),
        Choice(
            "knots",
            "Knots or tender spots I can press",
            "you have knots or tender spots you can press",
        ),
        Choice("ache", "A dull ache or tiredness", "it feels like a dull ache or tiredness"),
        Choice(
            "swelling",
            "Swelling, puffiness or heaviness",
            "there is swelling, puffiness or heaviness",
        ),
        Choice("spasms", "Sudden spasms or cramps", "you get sudden spasms or cramps"),
    ),
)
TRIGGERS = Question(
    field="triggers",
    code="trigger",
    label="What brings it on or makes it worse?",
    help_text="Tick all that apply, or none.",
    admin_label="What brings it on",
    weight_label="What brings it on",
    kind=Kind.MANY,
    choices=(
        Choice(
            "sitting",
            "Long sitting, desk work or posture",
            "long sitting, desk work or posture brings it on",
        ),
        Choice(
            "exercise",
            "Exercise, sport or physical work",
            "exercise, sport or physical work brings it on",
        ),
        Choice("stress", "Stress or anxiety", "stress or anxiety brings it on"),
        Choice(
            "standing",
            "Long standing or poor circulation",
            "long standing or poor circulation brings it on",
        ),
    ),
)
PRESSURE = Question(
    field="pressure",
    code="pressure",
    label="What pressure do you like in a massage?",
    admin_label="Pressure they prefer",
    weight_label="Pressure they prefer",
    kind=Kind.ONE,
    choices=(
        Choice("gentle", "Gentle", "you prefer gentle pressure"),
        Choice("medium", "Medium", "you prefer medium pressure"),
        Choice("firm", "Firm", "you prefer firm pressure"),
        Choice(NO_PRESSURE_PREFERENCE, "No preference", "you have no pressure preference"),
    ),
)
CONDITIONS = Question(
    field="conditions",
    code="condition",
    label="Do any of these apply to you?",
    help_text="They change which massage is safe for you. Tick all that apply, or none.",
    admin_label="Health conditions",
    kind=Kind.MANY,
    choices=(
        Choice("pregnancy", "Pregnancy", "you are pregnant"),
        Choice(
            "blood_thinners",
            "Blood thinners or a bleeding disorder",
            "you take blood thinners or have a bleeding disorder",
        ),
        Choice(
            "recent_surgery",
            "Surgery in the last three months",
            "you had surgery in the last three months",
        ),
        Choice("osteoporosis", "Osteoporosis", "you have osteoporosis"),
        Choice(
            "dvt",
            "A blood clot (DVT), now or in the past",
            "you have, or have had, a blood clot (DVT)",
        ),
        Choice("infection", "A fever or an infection now", "you have a fever or an infection now"),
        Choice(
            "heart_kidney",
            "Heart failure or kidney failure",
            "you have heart failure or kidney failure",
        ),
        Choice("skin", "Skin problems on the back", "you have skin problems on your back"),
    ),
)
WARNING_SIGNS = Question(
    field="warning_signs",
    code="warning_sign",
    label="Do you have any of these right now?",
    help_text="Tick all that apply, or none.",
    admin_label="Warning signs",
    kind=Kind.MANY,
    # Urgent: get care today, no booking is offered. The others: see a doctor before
    # booking; booking only with an acknowledgement.
    choices=(
        Choice(
            "bladder_bowel",
            "New loss of bladder or bowel control",
            "you have newly lost control of your bladder or bowel",
            urgent=True,
        ),
        Choice(
            "saddle_numbness",
            "Numbness around the groin or buttocks",
            "you have numbness around your groin or buttocks",
            urgent=True,
        ),
        Choice(
            "leg_weakness",
            "Weakness in the legs that is quickly getting worse",
            "your legs are weak and quickly getting weaker",
            urgent=True,
        ),
        Choice(
            "chest_pain",
            "Chest pain together with the back pain",
            "you have chest pain as well as the back pain",
            urgent=True,
        ),
        Choice(
            "fever",
            "Fever together with the back pain",
            "you have a fever with the pain",
            implies=("infection",),
        ),
        Choice("injury", "A recent fall or accident", "you had a fall or an accident recently"),
        Choice(
            "cancer_weight",
            "A history of cancer, or weight loss you cannot explain",
            "you have had cancer, or lost weight you cannot explain",
        ),
        Choice(
            "night_pain",
            "Constant pain at night or at rest",
            "it hurts constantly at night or at rest",
        ),
        Choice(
            "leg_numbness",
            "Numbness or tingling down one leg",
            "you have numbness or tingling down one leg",
        ),
    ),
)
DESCRIPTION = Question(
    field="description",
    code="description",
    label="Anything else, in your own words? (optional)",
    help_text=(
        "For example what you were doing when it started. "
        f"Up to {DESCRIPTION_MAX_LENGTH} characters."
    ),
    admin_label="In their own words",
    kind=Kind.TEXT,
)

QUESTIONS: tuple[Question, ...] = (
    AREAS,
    DURATION,
    INTENSITY,
    FREQUENCY,
    FEELINGS,
    TRIGGERS,
    PRESSURE,
    CONDITIONS,
    WARNING_SIGNS,
    DESCRIPTION,
)
"""Every question, in the order the form asks them."""

URGENT_SIGNS = frozenset(c.code for c in WARNING_SIGNS.choices if c.urgent)
DOCTOR_FIRST_SIGNS = frozenset(c.code for c in WARNING_SIGNS.choices if not c.urgent)
IMPLIED_CONDITIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {c.code: c.implies for c in WARNING_SIGNS.choices if c.implies}
)
"""Warning sign -> the health conditions it brings with it (a fever is an infection's)."""

WEIGHED_QUESTIONS = tuple(q for q in QUESTIONS if q.weight_label is not None)
"""The questions whose answers content editors weigh for each technique."""

WEIGHABLE_ANSWERS: Mapping[str, Choice] = MappingProxyType(
    {f"{q.code}:{c.code}": c for q in WEIGHED_QUESTIONS for c in q.choices}
)
"""Every answer a technique can be weighed on, by its "question:choice" code."""

ANSWER_CODES: list[str] = list(WEIGHABLE_ANSWERS)

ANSWER_CHOICES: list[tuple[str, list[tuple[str, str]]]] = [
    (
        str(q.weight_label),
        [(f"{q.code}:{c.code}", f"{q.weight_label}: {c.label}") for c in q.choices],
    )
    for q in WEIGHED_QUESTIONS
]
"""The weighable answers grouped by question, for a choice field."""


# The catalog's own codes. Plain enums so the suggestion engine needs no ORM to read
# them; the models store the codes and offer the labels.


class Pressure(StrEnum):
    """The pressure a technique usually uses."""

    GENTLE = "gentle"
    MEDIUM = "medium"
    FIRM = "firm"

    @property
    def label(self) -> str:
        return PRESSURE_LABELS[self]


PRESSURE_LABELS: Mapping[Pressure, str] = MappingProxyType(
    {Pressure.GENTLE: "Gentle", Pressure.MEDIUM: "Medium", Pressure.FIRM: "Firm"}
)


class RuleEffect(StrEnum):
    """What a health condition does to a technique's place in the suggestion."""

    EXCLUDE = "exclude"
    DOCTOR_FIRST = "doctor_first"
    DEMOTE = "demote"

    @property
    def label(self) -> str:
        return RULE_EFFECT_LABELS[self]


RULE_EFFECT_LABELS: Mapping[RuleEffect, str] = MappingProxyType(
    {
        RuleEffect.EXCLUDE: "Not advised: leave it out",
        RuleEffect.DOCTOR_FIRST: (
            "A doctor should agree first: bookable only once the client confirms it"
        ),
        RuleEffect.DEMOTE: "Needs care: suggest it only after the others",
    }
)
