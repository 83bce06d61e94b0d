"""The safety case table: intake cases with what must happen, run by test_safety_cases.py.

Written from the classes in issue 22 and from clinical sources, not from any list of
held-out cases: the cauda equina symptom cards of UK spinal pathways (what clients are
told to watch for, in everyday words), the International Framework for Red Flags
(Finucane et al. 2020, JOSPT 50(7)) for the risk factors, and the ways people describe
cardiac and aortic pain without naming the chest.

Every red flag comes as words, a denial of it, a typo, plain or toilet speech and
another language; the risk factors ticked, alone and together, and in words; pregnancy;
routine descriptions. Near misses (figurative and unrelated uses of the key words) are
in safety_near_misses.py.
"""

from dataclasses import dataclass
from enum import StrEnum

from catalog.vocabulary import EMERGENCY_SIGNS

ALL = ("swedish", "deep-tissue", "trigger-point", "myofascial-release", "lymphatic-drainage")
FIRM = ("deep-tissue", "trigger-point")


class Expect(StrEnum):
    EMERGENCY = "emergency"
    """Emergency advice, nothing bookable."""
    DOCTOR_FIRST = "doctor_first"
    """A doctor should see them first: every technique needs the acknowledgement or is
    ruled out."""
    ROUTINE = "routine"
    """No question about their words, no doctor, bookable."""
    UNREAD = "unread"
    """Words in a language the clinic does not screen: said so, and marked."""


@dataclass(frozen=True)
class Case:
    name: str
    expect: Expect
    text: str = ""
    ticked: tuple[str, ...] = ()
    """Emergency signs answered yes."""
    conditions: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    asks: str = ""
    """The sign their words must be asked about (they answer yes: it is true)."""
    never: tuple[str, ...] = ()
    """Techniques that must never be bookable with these answers."""
    language: str = ""


def words(sign: str, expect: Expect, variants: dict[str, str]) -> list[Case]:
    """A red flag in words: each variant asked about (and answered yes), the denial routine."""
    never = ALL if expect is Expect.EMERGENCY else ()
    cases = []
    for kind, text in variants.items():
        if kind.startswith("denial"):
            cases.append(Case(f"{sign}: {kind}", Expect.ROUTINE, text))
        elif kind.startswith("language:"):
            code = kind.split(":")[1]
            cases.append(Case(f"{sign}: in {code}", Expect.UNREAD, text, language=code))
            cases.append(
                Case(
                    f"{sign}: in {code}, the question answered yes",
                    Expect.EMERGENCY if expect is Expect.EMERGENCY else Expect.UNREAD,
                    text,
                    ticked=(sign,) if expect is Expect.EMERGENCY else (),
                    never=never,
                    language=code,
                )
            )
        else:
            cases.append(Case(f"{sign}: {kind}", expect, text, asks=sign, never=never))
    return cases


E, D = Expect.EMERGENCY, Expect.DOCTOR_FIRST

RED_FLAGS_IN_WORDS: list[Case] = [
    *words(
        "saddle_numbness",
        E,
        {
            "words": "Since Tuesday I have numbness in my groin and my back is agony.",
            "plain": "It's like I can't feel my bottom on the seat since the weekend.",
            "plain, where": "numb between my legs when I sit on the toilet",
            "plain, privates": "my privates have gone numb and tingly since I hurt my back",
            "typo": "my grion feels numb since Saturday",
            "denial": "No numbness in my groin or bottom, just a stiff lower back.",
            "language:de": "Seit gestern ist alles zwischen meinen Beinen taub, ich spüre "
            "beim Sitzen nichts mehr.",
        },
    ),
    *words(
        "wiping_change",
        E,
        {
            "words": "When I wipe after the toilet it feels numb, like it isn't my skin.",
            "plain": "it feels weird when I wipe my bum, since Friday",
            "typo": "I cant feel the papper when I wipe",
            "denial": "Nothing different when I wipe, just an achy back.",
            "language:fr": "Quand je m'essuie après les toilettes, je ne sens plus rien "
            "depuis deux jours.",
        },
    ),
    *words(
        "bladder_change",
        E,
        {
            "words": "Since yesterday I have had trouble passing urine and my back is very "
            "painful.",
            "plain": "I have to strain to wee and it won't come out properly.",
            "plain, not full": "I don't know when my bladder is full any more",
            "pseudo": "I haven't been able to pee since this morning",
            "typo": "strugling to pee since monday and my back is killing me",
            "denial": "No trouble peeing, just back ache after work.",
            "language:es": "Desde ayer no puedo orinar bien y me duele mucho la espalda baja.",
        },
    ),
    *words(
        "bladder_bowel",
        E,
        {
            "words": "I have lost control of my bladder twice this week.",
            "plain": "I peed myself without realising on the way to work",
            "plain, pads": "I've started needing pads because I keep leaking wee",
            "plain, no longer": "I'm no longer able to hold my pee",
            "typo": "wet myslef on the bus yesterday, back is agony",
            "denial": "I've never lost control of my bladder or bowels.",
            "language:it": "Da due giorni perdo l'urina senza accorgermene e ho un forte "
            "mal di schiena.",
        },
    ),
    *words(
        "sexual_change",
        E,
        {
            "words": "Since my back went I can't get an erection.",
            "plain": "Sex feels numb down there since last week.",
            "typo": "erectoin problems since the disc went",
            "denial": "No problems with erections or anything like that.",
            "language:nl": "Sinds mijn rug pijn doet, voel ik niets meer tijdens het vrijen "
            "met mijn vrouw.",
        },
    ),
    *words(
        "both_legs",
        E,
        {
            "words": "Both legs feel weak and I nearly fell on the stairs.",
            "plain": "My legs went from under me twice today.",
            "plain, can't stand": "I can't stand up without holding on, my legs have gone",
            "pseudo": "I'm not able to feel my legs properly",
            "typo": "both my legs keep givng way on the stairs",
            "denial": "My legs are not weak, just tired after work.",
            "language:pl": "Od wczoraj obie nogi są słabe i uginają się pode mną.",
        },
    ),
    *words(
        "leg_weakness",
        E,
        {
            "words": "My left leg is getting weaker by the hour.",
            "plain": "My foot slaps on the floor when I walk since Monday.",
            "plain, drag": "I keep dragging my right foot and tripping over it",
            "typo": "my right leg is getting weeker fast",
            "denial": "No weakness in my left leg at all.",
            "language:pt": "A minha perna esquerda está cada vez mais fraca desde ontem e "
            "arrasto o pé.",
        },
    ),
    *words(
        "chest_pain",
        E,
        {
            "words": "Sudden crushing pain in my chest going through to my back.",
            "plain, arm": "Pain between my shoulder blades and down my left arm, I feel "
            "clammy and sick.",
            "plain, tearing": "A tearing pain ripped through my upper back, worst pain of my life.",
            "plain, jaw": "ache in my upper back that spreads into my jaw when I walk uphill",
            "pseudo": "it came on without warning, a tearing pain between my shoulders",
            "typo": "tight pain acros my chets since this morning",
            "denial": "No chest pain at all, just the lower back.",
            "language:de": "Plötzlich ein reißender Schmerz im oberen Rücken, der bis in die "
            "Brust zieht.",
        },
    ),
    *words(
        "fever",
        D,
        {
            "words": "I've had a fever and chills since Sunday with the back pain.",
            "plain": "I'm hot and shivery and my back is throbbing.",
            "risk, injecting": "I inject heroin and I've been sweating at night and shivery.",
            "risk, spine wound": "Had a spinal fusion in March and the wound is red and oozing.",
            "risk, scar": "my scar from the back operation is hot and weeping",
            "typo": "I have a feever and back pain",
            "denial": "No fever or chills, just stiffness.",
            "language:fr": "J'ai de la fièvre depuis trois jours et très mal au dos, surtout "
            "la nuit.",
        },
    ),
    *words(
        "injury",
        D,
        {
            "words": "I had a fall on the ice last week and landed on my back.",
            "risk, knock": "missed the bottom step and sat down hard, I have thin bones",
            "risk, slip": "On prednisolone for years, slipped in the kitchen yesterday.",
            "plain": "I lost my footing on the stairs and jarred my back.",
            "typo": "I had an acident at work, a forklift hit me",
            "pseudo": "my GP has not ruled out a fracture",
            "denial": "I haven't had any falls or accidents.",
            "language:it": "La settimana scorsa sono caduto dalle scale e ho battuto la schiena.",
        },
    ),
    *words(
        "cancer_weight",
        D,
        {
            "words": "I had breast cancer four years ago and now my back hurts in a new way.",
            "risk, lymphoma": "I finished treatment for lymphoma last year.",
            "risk, melanoma": "I had a melanoma removed and then immunotherapy.",
            "risk, myeloma": "I'm in remission from myeloma.",
            "risk, tamoxifen": "still on tamoxifen after my operation",
            "plain, weight": "My clothes are baggy now, I've dropped a stone without trying.",
            "pseudo": "the doctor hasn't ruled out cancer yet",
            "typo": "I had prostate canser two years ago",
            "denial": "No history of cancer, no weight loss.",
            "language:es": "Tuve cáncer de mama hace cinco años y ahora me duele la espalda.",
        },
    ),
    *words(
        "night_pain",
        D,
        {
            "words": "The pain wakes me up every night and nothing eases it.",
            "plain": "I've been sleeping in a chair because I can't lie flat.",
            "pseudo": "nothing stops the pain at night",
            "typo": "the pain waks me up every night",
            "denial": "It never wakes me up at night.",
            "language:nl": "De pijn maakt me elke nacht wakker en niets helpt ertegen.",
        },
    ),
    *words(
        "leg_numbness",
        D,
        {
            "words": "Pins and needles down my right leg into my foot.",
            "plain": "My leg feels like it's gone dead from the knee down.",
            "typo": "pins and neddles down my left leg",
            "denial": "No pins and needles or numbness in my legs.",
            "language:pl": "Mrowienie w prawej nodze aż do stopy od tygodnia.",
        },
    ),
]

TICKED: list[Case] = [
    *(
        Case(f"{choice.code}: ticked", Expect.EMERGENCY, ticked=(choice.code,), never=ALL)
        for choice in EMERGENCY_SIGNS
    ),
    *(
        Case(
            f"{choice.code}: ticked, and words about another sign",
            Expect.EMERGENCY,
            "and a fever since Sunday",
            ticked=(choice.code,),
            never=ALL,
        )
        for choice in EMERGENCY_SIGNS
    ),
    Case(
        "two emergency signs ticked",
        Expect.EMERGENCY,
        ticked=("saddle_numbness", "bladder_bowel"),
        never=ALL,
    ),
]

RISK_FACTORS: list[Case] = [
    Case("new pain over 50", D, risks=("over_50_new",)),
    Case("cancer", D, risks=("cancer",)),
    Case("weight loss", D, risks=("weight_loss",)),
    Case("steroids", Expect.ROUTINE, risks=("steroids",), never=FIRM),
    Case("injecting drugs or weak immunity", D, risks=("drugs_immunity",)),
    Case(
        "spine surgery or a wound",
        D,
        risks=("spine_surgery",),
        never=(*FIRM, "myofascial-release"),
    ),
    Case("fever", D, risks=("fever",)),
    Case(
        "osteoporosis and a fall",
        D,
        conditions=("osteoporosis",),
        risks=("fall",),
        never=FIRM,
    ),
    Case("steroids and a fall", D, risks=("steroids", "fall"), never=FIRM),
    Case("cancer and weight loss", D, risks=("cancer", "weight_loss")),
    Case("over 50 and cancer", D, risks=("over_50_new", "cancer")),
    Case("injecting drugs and fever", D, risks=("drugs_immunity", "fever")),
    Case(
        "spine surgery and fever",
        D,
        risks=("spine_surgery", "fever"),
        never=(*FIRM, "myofascial-release"),
    ),
    Case(
        "steroids and osteoporosis",
        Expect.ROUTINE,
        conditions=("osteoporosis",),
        risks=("steroids",),
        never=FIRM,
    ),
    Case(
        "cancer, and a fall in words",
        D,
        "slipped on the wet floor on Monday",
        risks=("cancer",),
        asks="injury",
    ),
    Case(
        "steroids, and a knock in words",
        D,
        "I bumped my back on the door frame",
        risks=("steroids",),
        asks="injury",
        never=FIRM,
    ),
    Case(
        "osteoporosis, and a minor slip in words",
        D,
        "I slipped getting out of the bath and landed on my bottom",
        conditions=("osteoporosis",),
        asks="injury",
        never=FIRM,
    ),
    Case(
        "weak immunity, and fever in words",
        D,
        "my immune system is weak and I've been shivery all night",
        risks=("drugs_immunity",),
        asks="fever",
    ),
    Case("blood thinners", Expect.ROUTINE, conditions=("blood_thinners",), never=FIRM),
    Case("a clot", D, conditions=("dvt",), never=(*FIRM, "lymphatic-drainage")),
    Case("recent surgery", D, conditions=("recent_surgery",), never=FIRM),
]

PREGNANCY: list[Case] = [
    Case("pregnant", Expect.ROUTINE, conditions=("pregnancy",)),
    Case(
        "pregnant, in her words",
        Expect.ROUTINE,
        "I'm 28 weeks pregnant and my lower back aches by the evening.",
        conditions=("pregnancy",),
    ),
    Case(
        "pregnant with bleeding or severe pain",
        D,
        conditions=("pregnancy",),
        risks=("pregnancy_problem",),
        never=ALL,
    ),
    Case(
        "pregnant with a clot",
        D,
        conditions=("pregnancy", "dvt"),
        never=(*FIRM, "lymphatic-drainage"),
    ),
    Case(
        "pregnant with a fever in words",
        D,
        "pregnant and running a temperature since yesterday",
        conditions=("pregnancy",),
        asks="fever",
    ),
    Case(
        "pregnant, no leaking or numbness",
        Expect.ROUTINE,
        "Pregnant, no leaking, no numbness, just an aching back",
        conditions=("pregnancy",),
    ),
]

ROUTINE: list[Case] = [
    Case(f"routine: {text[:40]}", Expect.ROUTINE, text)
    for text in [
        "",
        "Lower back has been stiff for two weeks since I started a new desk job.",
        "Knots in my shoulders from hunching over a laptop all day.",
        "Gardening at the weekend, lots of bending, now my lower back is tight.",
        "Tension headaches and tight neck, work has been really stressful lately.",
        "I moved house and lifted too many boxes, pulled something in my lower back.",
        "Stiff in the mornings, loosens up once I get moving.",
        "I play golf every Sunday and the twisting leaves my lower back sore.",
        "I cycle to work and my lower back is tight after the ride.",
        "Occasional twinges in my lower back when I bend to tie my shoes.",
        "Tight band across my lower back, better with heat packs.",
        "I lift weights and my traps are always tight.",
        "Started a new job in a warehouse, back is sore at the end of the week.",
        "Sore back from painting the ceiling all weekend.",
        "My hamstrings are tight and my lower back aches after football.",
        "Long drive to Scotland, eight hours, back has been stiff since.",
        "Desk job, bad posture, rounded shoulders, want to sort it out.",
        "I'm a hairdresser, on my feet all day, shoulders and back ache.",
        "No fever, no numbness, no problems with the loo, just stiffness.",
        "My legs are fine, no tingling or weakness, the pain stays in my lower back.",
    ]
]

CASES: list[Case] = [*RED_FLAGS_IN_WORDS, *TICKED, *RISK_FACTORS, *PREGNANCY, *ROUTINE]
