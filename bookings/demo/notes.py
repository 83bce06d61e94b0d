"""What the demo's therapists write in a treatment note (SOAP), from a session's facts.

Pure: plain values in, four paragraphs out, varied by a seeded `random.Random`. Only
`demo_history` uses it; nothing here is advice, just plausible clinic English.
"""

import random
from dataclasses import dataclass

from catalog.vocabulary import AREAS, TRIGGERS


@dataclass(frozen=True)
class SessionFacts:
    first_name: str
    areas: tuple[str, ...]
    feelings: tuple[str, ...]
    triggers: tuple[str, ...]
    technique: str
    """The technique's name, as the client booked it."""
    number: int
    """1 for the first session of the course."""
    of: int
    """How many sessions the course has."""
    pain_before: int
    pain_after: int
    last_pain_before: int | None
    last_pain_after: int | None
    """The previous session's pain before and after, None on the first."""
    trend: str
    """"better", "same" or "worse": how the course is going."""


FINDINGS = {
    "lower": [
        "Tender erector spinae and quadratus lumborum from L3 to L5, left more than right.",
        "Lumbar paraspinals guarded; forward bend to mid-shin, limited by tightness "
        "rather than pain.",
        "Tight hip flexors and gluteus medius both sides; lumbar extension comfortable.",
    ],
    "middle": [
        "Rhomboids and mid-thoracic erectors tight; tender band medial to the left "
        "scapular border.",
        "Thoracic rotation reduced to the right; paraspinals at T6 to T9 firm to touch.",
    ],
    "upper": [
        "Rounded shoulders; pectorals short, upper thoracic paraspinals guarded.",
        "Rhomboids and middle trapezius long and weak; scapulae sit forward.",
    ],
    "neck_shoulders": [
        "Upper trapezius and levator scapulae hypertonic, right more than left; neck "
        "rotation slightly reduced to the right.",
        "Suboccipitals and upper trapezius tender; shoulders held high.",
    ],
}
FEELING_FINDINGS = {
    "knots": "Palpable trigger points reproducing their familiar ache.",
    "swelling": "Soft puffiness over the lower back and flanks; skin intact, no heat or redness.",
    "spasms": "Muscle twitches on deeper pressure; no spasm during the session.",
    "tight": "Tissue dense and slow to release.",
    "ache": "Diffuse tenderness rather than one sore point.",
}
SOFTER = [
    "Tissue softer than last time.",
    "Less guarding than at the last visit.",
    "Releases more quickly than before.",
]
SAME_TISSUE = ["Much as last time.", "Tissue as tight as at the last visit."]

ASSESSMENTS = {
    "better": [
        "Myofascial tension pattern; responding well, each session holding longer.",
        "Mechanical back pain with muscle guarding, settling steadily.",
        "Good response to treatment; pain lower between sessions.",
    ],
    "same": [
        "Relief during and just after the session, but it does not hold between visits.",
        "Slow response so far; the load at work seems to undo the gains.",
        "Little change across sessions despite good relief on the table.",
    ],
    "worse": [
        "Flare-up on top of a long-standing tension pattern.",
        "Pain creeping up between sessions; treatment eases it only for a day.",
    ],
}
HOME_CARE = {
    "sitting": "Desk set-up discussed; a stand-up break every 30 minutes.",
    "exercise": "Warm up before training; ease back on heavy lifting this week.",
    "stress": "Breathing exercise for the evenings; heat pack on the shoulders.",
    "standing": "Legs up for 15 minutes after long shifts; keep walking daily.",
}


def _area_words(areas: tuple[str, ...]) -> str:
    """ "lower back", "middle and lower back", "upper back, neck and shoulders"."""
    labels = [AREAS.label_of(code).lower() for code in areas] or ["back"]
    if len(labels) == 1:
        return labels[0]
    if all(label.endswith(" back") for label in labels):
        return " and ".join(label.removesuffix(" back") for label in labels) + " back"
    return ", ".join(labels)


def subjective(facts: SessionFacts, rng: random.Random) -> str:
    where = _area_words(facts.areas)
    if facts.number == 1:
        brought_on = [TRIGGERS.choice(code).label.lower() for code in facts.triggers]
        worse = f" Worse with {' and '.join(brought_on)}." if brought_on else ""
        return (
            f"First visit. {facts.first_name} describes pain in the {where}, "
            f"{facts.pain_before}/10 today.{worse} Screening questions answered, nothing "
            "to report; consent to keep the answers given."
        )
    earlier = (
        f" Left last time at {facts.last_pain_after}/10."
        if facts.last_pain_after is not None
        else ""
    )
    openings = {
        "better": [
            f"Reports less pain in the {where} since the last session.",
            "Sleeping better; only sore at the end of the day.",
            "Fewer bad days this week, managed a full day at work without painkillers.",
        ],
        "same": [
            f"Says the {where} eased for a day or two, then came back as before.",
            "Busy week; the pain is much as it was.",
            f"No real change in the {where} since the last session.",
        ],
        "worse": [
            f"Flare-up in the {where} after a long weekend of driving.",
            "Pain worse this week, stiff getting out of the car.",
        ],
    }
    # What they say follows today's score against last time's, not the course's trend.
    since = facts.pain_before - (facts.last_pain_before or facts.pain_before)
    said = "better" if since < 0 else "worse" if since > 0 else "same"
    return f"{rng.choice(openings[said])} Pain {facts.pain_before}/10 today.{earlier}"


def objective(facts: SessionFacts, rng: random.Random) -> str:
    parts = [rng.choice(FINDINGS[area]) for area in facts.areas if area in FINDINGS][:2]
    parts += [FEELING_FINDINGS[f] for f in facts.feelings if f in FEELING_FINDINGS][:1]
    if facts.number > 1:
        parts.append(rng.choice(SOFTER if facts.trend == "better" else SAME_TISSUE))
    return " ".join(parts)


def assessment(facts: SessionFacts, rng: random.Random) -> str:
    return (
        f"{rng.choice(ASSESSMENTS[facts.trend])} {facts.technique} well tolerated; "
        f"pain {facts.pain_before} to {facts.pain_after} out of 10 by the end."
    )


def plan(facts: SessionFacts, rng: random.Random) -> str:
    advice = [HOME_CARE[t] for t in facts.triggers if t in HOME_CARE][:1]
    if facts.number == facts.of and facts.trend == "better":
        next_step = "Course finished: back to self-management, book again if it flares."
    elif facts.trend != "better" and facts.number >= 3:
        next_step = rng.choice(
            [
                "If no change after the next session, suggest seeing their GP or a "
                "physiotherapist.",
                "Try a different approach next time; review progress in two sessions.",
            ]
        )
    else:
        next_step = rng.choice(
            [
                f"Continue {facts.technique.lower()}, same pressure.",
                f"Next session: more time on the {_area_words(facts.areas[-1:])}.",
                "Keep to the current plan; review after two more sessions.",
            ]
        )
    return " ".join([next_step, *advice])


def soap(facts: SessionFacts, rng: random.Random) -> dict[str, str]:
    return {
        "subjective": subjective(facts, rng),
        "objective": objective(facts, rng),
        "assessment": assessment(facts, rng),
        "plan": plan(facts, rng),
    }
