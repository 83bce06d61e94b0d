"""The clinic's words for the back-pain intake, in one table everyone derives from.

Each question has a code, the label clients read on the form, the label staff read
on a booking, and its choices: a code (what is stored), a label (what is ticked) and
a phrase (how the answer reads back to the client after "You said ...").

Plain Python on purpose: the intake form, the booking admin, the suggestion engine
and the catalog's weights all read it, and none of them may drag the others in.
Codes are stored; labels and phrases are copy and can change freely (no migration).
Adding a choice to a question touches this file and a test.
"""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from catalog.questions import Choice as Choice
from catalog.questions import Kind as Kind
from catalog.questions import Question as Question

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
    help_text="They change which massage is safe for you. Tick each one that applies, "
    "or “None of these”.",
    admin_label="Health conditions",
    kind=Kind.MANY,
    choices=(
        Choice(
            "pregnancy",
            "Pregnancy",
            "you are pregnant",
            caution="Please tell your therapist how far along you are: they will have you "
            "lie on your side and keep the pressure gentle.",
        ),
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
    label="Right now, do you have any of these?",
    help_text="Answer yes or no to each one.",
    admin_label="Warning signs",
    kind=Kind.MANY,
    # Urgent: emergency signs, each asked as its own yes/no, modelled on the cauda equina
    # cards of UK spinal pathways plus chest or tearing pain and quickly failing legs; a
    # "yes" means emergency care today and no booking. The others are never asked as
    # such (the risk factors ask what they stood for): the client's own words may still
    # name them, and bookings made before keep them. A doctor should see them first.
    choices=(
        Choice(
            "saddle_numbness",
            "Numbness or pins and needles between your legs, around your genitals or "
            "back passage, or where you sit",
            "you have numbness or tingling between your legs or where you sit",
            urgent=True,
        ),
        Choice(
            "wiping_change",
            "Wiping after the toilet feels different or numb",
            "wiping after the toilet feels different",
            urgent=True,
        ),
        Choice(
            "bladder_change",
            "Trouble starting or stopping a wee, or not feeling your bladder is full",
            "you have trouble starting or stopping a wee, or cannot feel your bladder is full",
            urgent=True,
        ),
        Choice(
            "bladder_bowel",
            "Leaking wee or poo, or needing pads",
            "you are leaking wee or poo, or need pads",
            urgent=True,
        ),
        Choice(
            "sexual_change",
            "A change in sexual feeling or function",
            "your sexual feeling or function has changed",
            urgent=True,
        ),
        Choice(
            "both_legs",
            "Both legs weak or numb, or giving way",
            "both your legs are weak or numb, or give way",
            urgent=True,
        ),
        Choice(
            "leg_weakness",
            "A leg getting weaker quickly, over hours or days",
            "a leg is quickly getting weaker",
            urgent=True,
        ),
        Choice(
            "chest_pain",
            "Sudden severe chest pain, or a tearing pain in your upper back",
            "you have sudden severe chest pain or a tearing pain in your upper back",
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
RISK_FACTORS = Question(
    field="risk_factors",
    code="risk",
    label="Do any of these apply to you?",
    help_text="Tick each one that applies, or “None of these”.",
    admin_label="Risk factors",
    kind=Kind.MANY,
    # After the International Framework for Red Flags (Finucane et al. 2020): each is a
    # condition code too, so clinical leads' condition rules decide what it means for
    # each technique (doctor first, or ruled out). The follow-ups are asked only when
    # what they follow was answered yes.
    choices=(
        Choice(
            "over_50_new",
            "You are 50 or over, and this back pain is new",
            "you are 50 or over and this back pain is new",
        ),
        Choice("cancer", "Cancer of any kind, now or in the past", "you have had cancer"),
        Choice(
            "weight_loss", "Losing weight without trying", "you are losing weight without trying"
        ),
        Choice(
            "steroids",
            "Taking steroid tablets or injections for three months or more",
            "you have taken steroids for three months or more",
        ),
        Choice(
            "drugs_immunity",
            "Injecting drugs, or a weak immune system (for example from chemotherapy, HIV "
            "or transplant medicines)",
            "you inject drugs or your immune system is weak",
        ),
        Choice(
            "spine_surgery",
            "An operation on your spine in the last year, or a wound on your back that is "
            "hot, red or leaking",
            "you had spine surgery in the last year, or have a hot, red or leaking wound",
        ),
        Choice(
            "fever",
            "A fever, or feeling hot and shivery, with the back pain",
            "you have a fever with the pain",
            implies=("infection",),
        ),
        Choice(
            "fall",
            "With thin bones or steroids: have you had a fall, slip or knock recently, "
            "even a small one?",
            "you had a fall, slip or knock recently",
            follows=("osteoporosis", "steroids"),
        ),
        Choice(
            "pregnancy_problem",
            "In this pregnancy: do you have any bleeding, or severe pain in your tummy?",
            "you have bleeding or severe tummy pain in this pregnancy",
            follows=("pregnancy",),
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
    RISK_FACTORS,
    WARNING_SIGNS,
    DESCRIPTION,
)
"""Every question, in the order the form asks them."""

EMERGENCY_SIGNS: tuple[Choice, ...] = tuple(c for c in WARNING_SIGNS.choices if c.urgent)
"""The emergency signs, each asked as its own yes/no question, in the form's order."""
URGENT_SIGNS = frozenset(c.code for c in EMERGENCY_SIGNS)
DOCTOR_FIRST_SIGNS = frozenset(c.code for c in WARNING_SIGNS.choices if not c.urgent)
IMPLIED_CONDITIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {c.code: c.implies for c in WARNING_SIGNS.choices if c.implies}
)
"""Warning sign -> the health conditions it brings with it (a fever is an infection's)."""
RISK_IMPLIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {c.code: c.implies for c in RISK_FACTORS.choices if c.implies}
)
"""Risk factor -> the health conditions it brings with it."""
FOLLOW_UPS: tuple[Choice, ...] = tuple(c for c in RISK_FACTORS.choices if c.follows)
"""Risk factors asked only after what they follow was answered yes."""
NONE_OF_THESE = "none"
"""The explicit answer of a list where nothing applies: an empty list is no answer."""

RULE_CONDITIONS: tuple[Choice, ...] = (*CONDITIONS.choices, *RISK_FACTORS.choices)
"""What a condition rule can be about: a health condition or a risk factor, one code each."""
RULE_CONDITION_CODES: tuple[str, ...] = tuple(c.code for c in RULE_CONDITIONS)
RULE_CONDITION_CHOICES: list[tuple[str, list[tuple[str, str]]]] = [
    (CONDITIONS.admin_label, CONDITIONS.form_choices),
    (RISK_FACTORS.admin_label, [(c.code, c.phrase.capitalize()) for c in RISK_FACTORS.choices]),
]
"""The rule conditions grouped, for a choice field (the risk factors by their phrases,
which read as statements)."""

SAFETY_QUESTIONS: tuple[str, ...] = (
    *(f"{WARNING_SIGNS.code}:{c.code}" for c in EMERGENCY_SIGNS),
    CONDITIONS.code,
    RISK_FACTORS.code,
)
"""Every safety question a screened answer set has answered explicitly (each emergency
sign, the conditions list, the risk factors list). Answers kept with fewer (an older
set of questions) count as not screened, so the client is asked again."""

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
