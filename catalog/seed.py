"""What a fresh clinic opens with: the catalog's copy and the suggestion's tuning.

Plain data, plus the functions the migrations call with their historical `apps` (so
nothing here imports a model). Staff edit all of it in admin afterwards; seeding only
fills what is missing and never overwrites their edits.
"""

from decimal import Decimal
from typing import TypedDict

from django.apps.registry import Apps
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


class TechniqueSeed(TypedDict):
    name: str
    slug: str
    pressure: str
    summary: str
    indications: str
    method: str
    what_to_expect: str
    cautions: str
    lengths: list[tuple[int, str]]  # (minutes, price)


class MechanismSeed(TypedDict):
    title: str
    slug: str
    how_it_works: str
    what_it_does: str


TECHNIQUES: list[TechniqueSeed] = [
    {
        "name": "Deep Tissue Massage",
        "slug": "deep-tissue",
        "pressure": "firm",
        "summary": (
            "Slow, firm work that reaches the deeper layers of muscle, for back pain "
            "that has settled in over months or comes from strain."
        ),
        "indications": (
            "Long-standing (chronic) back pain, muscles that feel tight deep down, and "
            "soft tissue that has been strained or overworked. It is a good match when "
            "lighter massage has only helped for a short while."
        ),
        "method": (
            "The therapist uses slow strokes and firm, sinking pressure from the "
            "fingers, knuckles, forearms or elbows to reach below the surface muscles. "
            "The aim is to ease knots, loosen stiff areas and free tissue that has "
            "become strained."
        ),
        "what_to_expect": (
            "Pressure builds gradually and can feel intense in the tightest spots. Tell "
            "your therapist whenever it is too much: useful pressure feels strong, not "
            "sharp. Some soreness for a day or two afterwards is common; drinking water "
            "and gentle movement help."
        ),
        "cautions": (
            "Firm pressure is not advised if you take blood thinners or have a bleeding "
            "disorder, have had surgery in the last three months, have osteoporosis, or "
            "have a blood clot (DVT) now or in the past. It is also avoided over broken "
            "or inflamed skin and during a fever. Your therapist checks your health "
            "before every session and will suggest a gentler approach when needed."
        ),
        "lengths": [(45, "60.00"), (60, "75.00"), (90, "105.00")],
    },
    {
        "name": "Swedish Massage",
        "slug": "swedish",
        "pressure": "gentle",
        "summary": (
            "Flowing, gentle-to-medium massage that relaxes the back, eases mild aches "
            "and tiredness, and takes the edge off stress."
        ),
        "indications": (
            "Mild back pain, a tired or achy back at the end of the week, and tension "
            "that comes with stress. A comfortable first massage if you are not sure "
            "what you need."
        ),
        "method": (
            "Long gliding strokes, kneading and light rhythmic tapping warm the muscles "
            "and get blood moving through them, which helps the whole body let go."
        ),
        "what_to_expect": (
            "A calm, steady session with pressure you choose. Most people feel relaxed "
            "and a little sleepy afterwards."
        ),
        "cautions": (
            "Usually suits most people. It is postponed during a fever or an infection, "
            "and the therapist avoids areas with skin problems, recent injuries or a "
            "known blood clot. In pregnancy it is adapted with side-lying positions. "
            "Your therapist confirms what is safe for you before starting."
        ),
        "lengths": [(30, "40.00"), (60, "65.00"), (90, "95.00")],
    },
    {
        "name": "Trigger Point Therapy",
        "slug": "trigger-point",
        "pressure": "firm",
        "summary": (
            "Focused pressure on the tender knots in a muscle that keep pain going, "
            "often felt as a sore spot that aches when pressed."
        ),
        "indications": (
            "Pain from muscle knots (trigger points): small, tender lumps you can often "
            "find yourself, sometimes sending pain to a nearby area. Common in the upper "
            "back, shoulders and lower back."
        ),
        "method": (
            "The therapist finds each knot and holds steady, targeted pressure on it "
            "until the muscle softens, then stretches the area so it stays released."
        ),
        "what_to_expect": (
            "The pressure on a knot can feel strong and may echo elsewhere for a moment; "
            "it should ease as you breathe. The spots may feel bruised for a day."
        ),
        "cautions": (
            "The same cautions as other firm pressure apply: blood thinners or a "
            "bleeding disorder, recent surgery, osteoporosis, and a current or past "
            "blood clot. Pressure is never applied to broken or irritated skin. Your "
            "therapist confirms what is safe for you before starting."
        ),
        "lengths": [(30, "45.00"), (45, "60.00"), (60, "75.00")],
    },
    {
        "name": "Myofascial Release",
        "slug": "myofascial-release",
        "pressure": "medium",
        "summary": (
            "Slow, sustained stretching of the fascia, the thin wrap around muscles, "
            "for a back that feels tight and restricted after sitting or exercise."
        ),
        "indications": (
            "Tightness from long hours sitting or from training, and stiffness that "
            "limits how far you can bend or turn. Helpful when the back feels "
            "'stuck' rather than sore in one spot."
        ),
        "method": (
            "Light but sustained pressure and slow stretches are held on the fascia "
            "until it gives, improving how freely muscles and joints move. Little or no "
            "oil is used so the hands can grip the tissue."
        ),
        "what_to_expect": (
            "Long, patient holds rather than strokes. You may feel warmth or a gentle "
            "pulling sensation; many people notice they move more easily straight after."
        ),
        "cautions": (
            "Avoided over recent surgical scars (under three months), areas of broken or "
            "inflamed skin, and during a fever. It is used carefully with osteoporosis "
            "or blood thinners. Your therapist confirms what is safe for you before "
            "starting."
        ),
        "lengths": [(45, "60.00"), (60, "75.00")],
    },
    {
        "name": "Lymphatic Drainage Massage",
        "slug": "lymphatic-drainage",
        "pressure": "gentle",
        "summary": (
            "Very light, rhythmic massage that helps fluid drain, for back pain that "
            "comes with swelling, puffiness or heaviness."
        ),
        "indications": (
            "Back pain with swelling or a sense of fluid build-up, heaviness, poor "
            "circulation, or soft tissue that is inflamed."
        ),
        "method": (
            "Slow, very gentle skin-stretching movements follow the direction the lymph "
            "flows, encouraging the fluid to move on and taking pressure off sore tissue."
        ),
        "what_to_expect": (
            "A soft, soothing touch that many people find very relaxing. You may need the "
            "toilet more often afterwards as the body clears fluid."
        ),
        "cautions": (
            "Not advised with heart failure or kidney failure, an active infection or "
            "fever, or a current blood clot, because moving fluid can put extra strain "
            "on the body. Your therapist confirms what is safe for you before starting, "
            "and may ask you to check with your doctor first."
        ),
        "lengths": [(60, "70.00"), (90, "100.00")],
    },
]

MECHANISMS: list[MechanismSeed] = [
    {
        "title": "Relaxing tense muscles",
        "slug": "relaxing-tense-muscles",
        "how_it_works": (
            "Back muscles that stay switched on for long periods, from hours at a desk, "
            "stress, or too little recovery after exercise, become sore and stiff. "
            "Pressure applied at the right strength helps them let go."
        ),
        "what_it_does": "The back loosens and the ache that comes from tight muscles eases.",
    },
    {
        "title": "Better blood circulation",
        "slug": "better-blood-circulation",
        "how_it_works": (
            "Massage moves blood through the tissue, bringing oxygen and nutrients to "
            "strained areas and carrying away waste products that build up in "
            "overworked muscle, such as lactic acid."
        ),
        "what_it_does": (
            "Strained tissue recovers faster, and discomfort caused by poor blood flow fades."
        ),
    },
    {
        "title": "Calming inflammation",
        "slug": "calming-inflammation",
        "how_it_works": (
            "Some back pain comes from inflamed muscles or joints. Better local "
            "circulation and the clearing of waste from the tissue help the inflammation "
            "settle."
        ),
        "what_it_does": "Pain from inflammation lessens and swollen soft tissue goes down.",
    },
    {
        "title": "Releasing trigger points and fascia",
        "slug": "releasing-trigger-points-and-fascia",
        "how_it_works": (
            "Trigger points are small knots in a muscle that keep one area hurting. "
            "Targeted pressure on them relaxes the stiff muscle and eases the fascia, "
            "the connective tissue that wraps and links the muscles."
        ),
        "what_it_does": ("Tender spots calm down and pain from tight fascia is relieved."),
    },
    {
        "title": "Easing muscle spasms",
        "slug": "easing-muscle-spasms",
        "how_it_works": (
            "Spasms tend to follow overuse, poor posture or an imbalance of the body's "
            "salts (electrolytes). Massage relaxes the muscle and improves its blood "
            "supply, which helps the spasm release."
        ),
        "what_it_does": "Sudden, sharp cramping in the back becomes less frequent and less severe.",
    },
    {
        "title": "Settling the nervous system",
        "slug": "settling-the-nervous-system",
        "how_it_works": (
            "Touch does more than work on muscle: it signals the nervous system to shift "
            "into its 'rest and recover' mode (the parasympathetic system), so the whole "
            "body can relax."
        ),
        "what_it_does": (
            "Stress and anxiety ease, and with them back pain that is fed by worry or pressure."
        ),
    },
]

# The suggestion's tuning follows the clinic's back-pain article: long-standing or deep
# tension and strain point to deep tissue work; mild pain, tiredness and stress to
# Swedish; knots and tender spots to trigger point therapy; tightness from sitting or
# exercise and stiffness to myofascial release; swelling, heaviness and poor
# circulation to lymphatic drainage.

# Technique slug -> intake answer code -> weight.
ANSWER_WEIGHTS: dict[str, dict[str, int]] = {
    "deep-tissue": {
        "duration:days": -1,
        "duration:weeks": 1,
        "duration:months": 3,
        "frequency:often": 1,
        "frequency:constant": 1,
        "feeling:tight": 2,
        "feeling:knots": 1,
        "feeling:spasms": -1,
        "trigger:exercise": 2,
        "pressure:gentle": -4,
        "pressure:firm": 3,
    },
    "swedish": {
        "duration:days": 1,
        "intensity:mild": 3,
        "intensity:moderate": 1,
        "frequency:sometimes": 1,
        "feeling:ache": 3,
        "feeling:spasms": 2,
        "trigger:stress": 3,
        "pressure:gentle": 3,
        "pressure:medium": 1,
        "pressure:firm": -2,
        "pressure:any": 1,
    },
    "trigger-point": {
        "area:upper": 1,
        "area:neck_shoulders": 1,
        "duration:weeks": 1,
        "duration:months": 1,
        "feeling:knots": 5,
        "trigger:sitting": 1,
        "pressure:gentle": -3,
        "pressure:medium": 1,
        "pressure:firm": 2,
    },
    "myofascial-release": {
        "duration:weeks": 1,
        "frequency:often": 1,
        "feeling:tight": 3,
        "feeling:knots": 1,
        "feeling:spasms": 2,
        "trigger:sitting": 3,
        "trigger:exercise": 2,
        "pressure:gentle": 1,
        "pressure:medium": 2,
    },
    "lymphatic-drainage": {
        "feeling:swelling": 5,
        "trigger:standing": 4,
        "pressure:gentle": 2,
        "pressure:firm": -2,
    },
}

# Technique slug -> keyword (lower case, matches words starting with it) -> weight.
KEYWORD_WEIGHTS: dict[str, dict[str, int]] = {
    "deep-tissue": {"chronic": 2, "strain": 2, "lifting": 1, "gym": 1, "deep": 1},
    "swedish": {"stress": 2, "tired": 2, "fatigue": 2, "anxi": 2, "relax": 2, "worn out": 1},
    "trigger-point": {"knot": 3, "tender": 2, "lump": 2, "nodule": 2, "sore spot": 2},
    "myofascial-release": {
        "desk": 2,
        "sitting": 2,
        "stiff": 2,
        "posture": 2,
        "bend": 1,
        "mobility": 1,
        "running": 1,
    },
    "lymphatic-drainage": {
        "swell": 3,
        "swollen": 3,
        "puff": 2,
        "heav": 2,
        "fluid": 2,
        "circulation": 2,
        "inflam": 2,
        "oedema": 3,
        "edema": 3,
    },
}

FIRM = ["deep-tissue", "trigger-point"]
EXCLUDE = "exclude"
DEMOTE = "demote"
SURGERY_SCAR = "Stretching near a recent scar needs care; your therapist works around it."

# condition -> [(technique slugs, effect, reason the client reads)]
CONDITION_RULES: dict[str, list[tuple[list[str], str, str]]] = {
    "blood_thinners": [
        (
            FIRM,
            EXCLUDE,
            "Firm pressure can leave bruises or cause bleeding under the skin when "
            "your blood clots less easily.",
        ),
    ],
    "osteoporosis": [
        (FIRM, EXCLUDE, "Firm pressure on thinner, more fragile bones could injure them."),
        (
            ["myofascial-release"],
            DEMOTE,
            "Sustained pressure and stretching need extra care with fragile bones; "
            "your therapist keeps it light.",
        ),
    ],
    "dvt": [
        (
            FIRM,
            EXCLUDE,
            "Firm pressure near a blood clot, or where one has formed before, could "
            "move it. Please check with your doctor first.",
        ),
        (
            ["lymphatic-drainage"],
            EXCLUDE,
            "Moving fluid through the body is not advised while a clot may be present. "
            "Please check with your doctor first.",
        ),
        (
            ["swedish", "myofascial-release"],
            DEMOTE,
            "Any massage near a clot needs care; your therapist avoids the affected "
            "area, and your doctor should agree first.",
        ),
    ],
    "recent_surgery": [
        (FIRM, EXCLUDE, "Firm pressure can disturb tissue that is still healing after surgery."),
        (
            ["myofascial-release"],
            DEMOTE,
            SURGERY_SCAR,
        ),
    ],
    "infection": [
        (
            ["lymphatic-drainage"],
            EXCLUDE,
            "Moving lymph fluid while you have a fever or an infection may spread it "
            "and tire the body further.",
        ),
        (
            ["deep-tissue", "swedish", "trigger-point", "myofascial-release"],
            DEMOTE,
            "Massage is best left until a fever or infection has passed; please book "
            "for a day when you feel well again.",
        ),
    ],
    "heart_kidney": [
        (
            ["lymphatic-drainage"],
            EXCLUDE,
            "Moving extra fluid back into the circulation adds work for a heart or "
            "kidneys that are already under strain.",
        ),
        (
            ["deep-tissue"],
            DEMOTE,
            "Strong pressure adds load on the circulation; a gentler technique is kinder.",
        ),
    ],
    "pregnancy": [
        (
            FIRM,
            DEMOTE,
            "Deep, firm pressure is usually avoided in pregnancy; a gentler technique "
            "in a comfortable side-lying position suits better.",
        ),
        (
            ["lymphatic-drainage"],
            DEMOTE,
            "In pregnancy, lymphatic drainage should first be agreed with your midwife or doctor.",
        ),
    ],
    "skin": [
        (
            ["deep-tissue", "trigger-point", "myofascial-release"],
            DEMOTE,
            "Firm or sustained pressure can irritate skin problems on the back; your "
            "therapist works around the affected areas.",
        ),
    ],
}


DOCTOR_FIRST = "doctor_first"

# Rules seeded above (CONDITION_RULES is what migration 0005 wrote) whose reason says a
# doctor should agree first: they now ask the client to confirm that before booking.
# (condition, technique slug, effect and reason as seeded, effect and reason now)
DOCTOR_FIRST_RULES: list[tuple[str, str, tuple[str, str], tuple[str, str]]] = [
    *(
        (
            "dvt",
            slug,
            (DEMOTE, CONDITION_RULES["dvt"][2][2]),
            (DOCTOR_FIRST, CONDITION_RULES["dvt"][2][2]),
        )
        for slug in ("swedish", "myofascial-release")
    ),
    (
        "recent_surgery",
        "myofascial-release",
        (DEMOTE, SURGERY_SCAR),
        (
            DOCTOR_FIRST,
            "Stretching near a recent scar needs care: your surgeon or doctor should "
            "agree first, and your therapist works around the scar.",
        ),
    ),
]


ALL_TECHNIQUES = [
    "deep-tissue",
    "swedish",
    "trigger-point",
    "myofascial-release",
    "lymphatic-drainage",
]
GENTLE = ["swedish", "myofascial-release", "lymphatic-drainage"]
DOCTOR_CHECK = (
    "Together with back pain, this can point to a problem a doctor should rule out "
    "before any massage; please see your GP first."
)

# Risk factor -> [(technique slugs, effect, reason the client reads)], after the
# International Framework for Red Flags (Finucane et al. 2020). Written by migration
# catalog 0013; clinical leads edit them in admin like any condition rule (history kept).
# A rule for every technique makes massage wait: no online booking, the desk only with
# a clinical override.
RISK_FACTOR_RULES: dict[str, list[tuple[list[str], str, str]]] = {
    "over_50_new": [
        (
            FIRM,
            DOCTOR_FIRST,
            "New back pain after 50 is worth a doctor's check before firm pressure.",
        ),
    ],
    "cancer": [
        (
            ALL_TECHNIQUES,
            DOCTOR_FIRST,
            "After any cancer, new back pain should be checked by your doctor or cancer "
            "team before massage.",
        ),
    ],
    "weight_loss": [
        (ALL_TECHNIQUES, DOCTOR_FIRST, f"Losing weight without trying. {DOCTOR_CHECK}")
    ],
    "steroids": [
        (
            FIRM,
            EXCLUDE,
            "Long use of steroids can thin the bones, so firm pressure could injure them.",
        ),
    ],
    "drugs_immunity": [
        (
            ALL_TECHNIQUES,
            DOCTOR_FIRST,
            "With a weaker defence against infection, back pain can come from an infection "
            "near the spine; a doctor should check first.",
        ),
    ],
    "spine_surgery": [
        (
            [*FIRM, "myofascial-release"],
            EXCLUDE,
            "Firm pressure or stretching near recent spine surgery or a wound could harm it.",
        ),
        (
            ["swedish", "lymphatic-drainage"],
            DOCTOR_FIRST,
            "After spine surgery, or with a hot, red or leaking wound, your surgeon or "
            "doctor should agree first.",
        ),
    ],
    "fever": [
        (
            ALL_TECHNIQUES,
            DOCTOR_FIRST,
            "A fever with back pain can mean an infection; please see a doctor first.",
        ),
    ],
    "fall": [
        (
            FIRM,
            EXCLUDE,
            "After a fall or knock with fragile bones, firm pressure could hurt a small "
            "break that has not been found.",
        ),
        (
            GENTLE,
            DOCTOR_FIRST,
            "Even a small fall or knock can break a fragile bone; a doctor should check first.",
        ),
    ],
    "pregnancy_problem": [
        (
            ALL_TECHNIQUES,
            EXCLUDE,
            "Bleeding or severe tummy pain in pregnancy needs your midwife or doctor today, "
            "not a massage.",
        ),
    ],
}


def seeded_condition_rules() -> list[tuple[str, str, str, str]]:
    """(condition, technique slug, effect, reason) as a fresh clinic has them today."""
    now = {(c, slug): after for c, slug, _, after in DOCTOR_FIRST_RULES}
    return [
        (condition, slug, *now.get((condition, slug), (effect, reason)))
        for condition, rules in CONDITION_RULES.items()
        for slugs, effect, reason in rules
        for slug in slugs
    ] + [
        (risk, slug, effect, reason)
        for risk, rules in RISK_FACTOR_RULES.items()
        for slugs, effect, reason in rules
        for slug in slugs
    ]


def seed_risk_factor_rules(
    apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None = None
) -> None:
    """Add the risk factors' rules that are missing, for the techniques there are; a
    rule a clinical lead already wrote for that technique and risk stays as it is."""
    Technique = apps.get_model("catalog", "Technique")
    ConditionRule = apps.get_model("catalog", "ConditionRule")
    techniques = {t.slug: t for t in Technique.objects.all()}
    existing = set(ConditionRule.objects.values_list("technique__slug", "condition"))
    ConditionRule.objects.bulk_create(
        ConditionRule(technique=techniques[slug], condition=risk, effect=effect, reason=reason)
        for risk, rules in RISK_FACTOR_RULES.items()
        for slugs, effect, reason in rules
        for slug in slugs
        if slug in techniques and (slug, risk) not in existing
    )


def seed_catalog(apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None = None) -> None:
    """Add the techniques, with their session lengths, and the relief mechanisms.

    A technique or mechanism whose slug already exists is left as it is. Takes
    RunPython's arguments so a migration passes it as is.
    """
    Technique = apps.get_model("catalog", "Technique")
    SessionLength = apps.get_model("catalog", "SessionLength")
    ReliefMechanism = apps.get_model("catalog", "ReliefMechanism")

    for order, technique_data in enumerate(TECHNIQUES, start=1):
        fields = {k: v for k, v in technique_data.items() if k not in ("slug", "lengths")}
        technique, created = Technique.objects.get_or_create(
            slug=technique_data["slug"], defaults={**fields, "display_order": order}
        )
        if created:
            SessionLength.objects.bulk_create(
                SessionLength(technique=technique, minutes=minutes, price=Decimal(price))
                for minutes, price in technique_data["lengths"]
            )

    for order, mechanism_data in enumerate(MECHANISMS, start=1):
        fields = {k: v for k, v in mechanism_data.items() if k != "slug"}
        ReliefMechanism.objects.get_or_create(
            slug=mechanism_data["slug"], defaults={**fields, "display_order": order}
        )


def seed_indications(apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None = None) -> None:
    """Add answer and keyword weights to techniques that have none, and the condition
    rules if there are none at all. Takes RunPython's arguments, like `seed_catalog`.
    """
    Technique = apps.get_model("catalog", "Technique")
    AnswerWeight = apps.get_model("catalog", "AnswerWeight")
    KeywordWeight = apps.get_model("catalog", "KeywordWeight")
    ConditionRule = apps.get_model("catalog", "ConditionRule")
    techniques = {t.slug: t for t in Technique.objects.all()}

    for slug, weights in ANSWER_WEIGHTS.items():
        technique = techniques.get(slug)
        if technique and not AnswerWeight.objects.filter(technique=technique).exists():
            AnswerWeight.objects.bulk_create(
                AnswerWeight(technique=technique, answer=answer, weight=weight)
                for answer, weight in weights.items()
            )
    for slug, keywords in KEYWORD_WEIGHTS.items():
        technique = techniques.get(slug)
        if technique and not KeywordWeight.objects.filter(technique=technique).exists():
            KeywordWeight.objects.bulk_create(
                KeywordWeight(technique=technique, keyword=keyword, weight=weight)
                for keyword, weight in keywords.items()
            )
    if not ConditionRule.objects.exists():
        ConditionRule.objects.bulk_create(
            ConditionRule(
                technique=techniques[slug], condition=condition, effect=effect, reason=reason
            )
            for condition, rules in CONDITION_RULES.items()
            for slugs, effect, reason in rules
            for slug in slugs
            if slug in techniques
        )


# Warning sign -> the ways clients write it in their own words (see
# catalog.models.PHRASE_HELP for "*" and "..."). Clinical leads add more in admin.
WARNING_PHRASES: dict[str, list[str]] = {
    "bladder_bowel": [
        "control ... bladder",
        "control ... bowel*",
        "bladder ... control",
        "bowel* ... control",
        "no control ... bladder",
        "no control ... bowel*",
        "incontinen*",
        "wet myself",
        "wetting myself",
        "wet the bed",
        "peed myself",
        "pee myself",
        "pissed myself",
        "soiled myself",
        "pooed myself",
        "pooped myself",
        "couldn't stop peeing",
        "can't stop peeing",
        "can't hold ... pee",
        "can't hold ... wee",
        "can't hold ... urine",
        "couldn't hold ... pee",
        "couldn't hold ... wee",
        "leak* urine",
        "leak* ... pee",
        "leaking wee",
        "can't pee",
        "cannot pee",
        "couldn't pee",
        "can't wee",
        "can't urinate",
        "unable to urinate",
        "unable to pee",
        "trouble peeing",
        "trouble passing urine",
        "difficulty passing urine",
        "difficulty peeing",
        "feel when i need ... pee",
        "feel when i need ... wee",
        "feel when i need ... loo",
        "feel when i need ... toilet",
        "don't feel when i need",
        "can't tell when i need",
    ],
    "saddle_numbness": [
        "numb* ... groin",
        "groin ... numb*",
        "numb* ... buttock*",
        "buttock* ... numb*",
        "numb* ... bum",
        "bum ... numb*",
        "numb* ... backside",
        "numb* ... genital*",
        "numb* ... privates",
        "numb* ... private parts",
        "genital* ... numb*",
        "privates ... numb*",
        "private parts ... numb*",
        "numb* between my legs",
        "numb* down there",
        "numb* ... inner thigh*",
        "inner thigh* ... numb*",
        "feeling down there",
        "saddle numb*",
        "saddle area",
        "saddle anaes*",
        "saddle anes*",
        "numb* ... saddle",
        "perine*",
        "can't feel ... groin",
        "can't feel ... bum",
        "can't feel ... buttock*",
        "can't feel ... genital*",
        "can't feel ... toilet paper",
        "can't feel ... wipe",
        "numb* when i wipe",
        "can't feel down there",
        "no feeling down there",
        "no feeling ... groin",
        "no feeling between my legs",
        "tingl* ... groin",
        "pins and needles ... groin",
    ],
    "leg_weakness": [
        "legs ... giving way",
        "leg ... giving way",
        "legs ... gave way",
        "leg ... gave way",
        "legs ... give way",
        "leg ... gives way",
        "legs ... buckl*",
        "knees ... buckl*",
        "weak* ... legs",
        "weak* ... leg",
        "legs ... weak*",
        "leg ... weak*",
        "can't feel my legs",
        "can't move my legs",
        "can't move my leg",
        "can't lift ... foot",
        "can't lift ... leg",
        "foot ... drag*",
        "drag* ... foot",
        "foot drop",
        "dropped foot",
        "dragging my foot",
        "dragging my leg",
        "legs ... stopped working",
        "legs ... not working",
        "legs ... won't work",
        "legs ... like jelly",
        "legs ... collaps*",
        "paralys*",
        "paralyz*",
    ],
    "chest_pain": [
        "chest pain*",
        "pain* ... chest",
        "chest ... pain*",
        "chest ... hurt*",
        "hurt* ... chest",
        "chest ... tight*",
        "tight* ... chest",
        "chest ... pressure",
        "pressure ... chest",
        "chest ... ache*",
        "ache* ... chest",
        "chest ... crushing",
        "crushing ... chest",
        "chest ... sore",
        "sore chest",
        "in my chest",
        "across my chest",
        "heart attack",
        "angina",
        "short of breath",
        "shortness of breath",
        "breathless*",
        "can't breathe",
        "tearing pain",
        "ripping pain",
    ],
    "fever": [
        "fever*",
        "febrile",
        "a temperature",
        "high temperature",
        "temperature of",
        "running a temp*",
        "high temp",
        "chills",
        "shivering",
        "rigors",
        "sweats",
        "night sweats",
        "sweating at night",
        "burning up",
        "going hot and cold",
        "feel hot and cold",
        "feeling hot and cold",
        "flu like",
        "kidney infection",
        "uti",
        "urine infection",
        "infection",
    ],
    "injury": [
        "accident",
        "car crash",
        "bike crash",
        "crashed my",
        "crashed into",
        "collision",
        "rear ended",
        "whiplash",
        "fell down",
        "fell over",
        "fell off",
        "fell from",
        "fell on",
        "fell onto",
        "fell backwards",
        "fell down the stairs",
        "fallen down",
        "fallen over",
        "fallen off",
        "fallen from",
        "fallen on",
        "had a fall",
        "took a fall",
        "bad fall",
        "nasty fall",
        "a fall",
        "fall from",
        "fall down",
        "fall off",
        "fall on",
        "tripped",
        "slipped on",
        "slipped and",
        "slipped down",
        "slipped off",
        "knocked over",
        "knocked off",
        "came off my",
        "thrown off",
        "knocked down",
        "hit by",
        "landed on my back",
        "landed hard",
        "tackled",
        "fracture*",
    ],
    "cancer_weight": [
        "cancer",
        "tumour*",
        "tumor*",
        "chemo*",
        "radiotherapy",
        "radiation therapy",
        "oncolog*",
        "lymphoma",
        "leukaemia",
        "leukemia",
        "myeloma",
        "malignan*",
        "metasta*",
        "lost weight",
        "losing weight",
        "lost ... kilo*",
        "lost ... kg*",
        "lost ... stone",
        "lost ... pounds",
        "lost ... lbs",
        "lost a lot of weight",
        "dropped weight",
        "dropped ... kilos",
        "dropped ... pounds",
        "dropped ... stone",
        "dropped ... kg*",
        "unexplained weight loss",
        "weight loss without",
        "weight has dropped",
        "weight ... dropping",
        "clothes are loose",
        "clothes ... hanging off",
    ],
    "night_pain": [
        "wakes me up",
        "wakes me ... night",
        "woke me up",
        "waking me up",
        "woken up by",
        "keeps me awake",
        "keeps me up at night",
        "can't sleep ... pain*",
        "cannot sleep ... pain*",
        "pain at night",
        "pain ... at night",
        "hurts at night",
        "worse at night",
        "worst at night",
        "all night ... pain*",
        "pain* ... all night",
        "night pain",
        "even at rest",
        "even when resting",
        "even when i rest",
        "even when i'm resting",
        "even lying down",
        "even lying still",
        "even when lying",
        "at rest",
        "never goes away",
        "never lets up",
        "never eases",
        "never stops",
        "doesn't ease",
        "doesn't go away",
        "nothing eases",
        "no position",
        "every position",
    ],
    "leg_numbness": [
        "numb* ... leg*",
        "leg* ... numb*",
        "numb* ... foot",
        "numb* ... feet",
        "numb* ... toes",
        "foot ... numb*",
        "feet ... numb*",
        "toes ... numb*",
        "numb* ... thigh",
        "numb* ... calf",
        "tingl*",
        "pins and needles",
        "dead leg",
        "no feeling in my leg",
        "no feeling in my foot",
        "sciatica",
        "shooting ... down my leg",
        "down ... leg ... electric",
        "electric shock* ... leg",
        "burning ... down my leg",
    ],
}


def seed_warning_phrases(apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None = None) -> None:
    """Add the warning phrases that are missing; clinical leads' edits stay as they are."""
    WarningPhrase = apps.get_model("catalog", "WarningPhrase")
    # A phrase kept under any sign stays where it is (catalog/seed_phrases.MOVED).
    existing = set(WarningPhrase.objects.values_list("phrase", flat=True))
    WarningPhrase.objects.bulk_create(
        WarningPhrase(sign=sign, phrase=phrase)
        for sign, phrases in WARNING_PHRASES.items()
        for phrase in phrases
        if phrase not in existing
    )


def ask_doctor_first(apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None = None) -> None:
    """Make the DOCTOR_FIRST_RULES so, on rows that still say what was seeded."""
    ConditionRule = apps.get_model("catalog", "ConditionRule")
    for condition, slug, (effect, reason), (new_effect, new_reason) in DOCTOR_FIRST_RULES:
        ConditionRule.objects.filter(
            condition=condition, technique__slug=slug, effect=effect, reason=reason
        ).update(effect=new_effect, reason=new_reason)


def record_safety_history_baseline(
    apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None = None
) -> None:
    """Give each condition rule and warning phrase without a history its first record.

    Rows the seed wrote in bulk have none; with this one, the first change a clinical
    lead makes shows what the rule said before it.
    """
    from django.utils import timezone

    for model_name in ("ConditionRule", "WarningPhrase"):
        model = apps.get_model("catalog", model_name)
        historical = apps.get_model("catalog", f"Historical{model_name}")
        recorded = set(historical.objects.values_list("id", flat=True))
        fields = [f.attname for f in model._meta.concrete_fields]
        historical.objects.bulk_create(
            historical(
                **{name: getattr(row, name) for name in fields},
                history_date=timezone.now(),
                history_type="+",
                history_change_reason="As seeded",
            )
            for row in model.objects.exclude(pk__in=recorded)
        )
