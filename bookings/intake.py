"""The back-pain intake: the questions' choices, the answers, and how they travel.

Answers are not stored on the server until the client books and consents. Between
the result page and the booking they live only in the client's browser, in a
signed, HttpOnly cookie (signed so nobody can forge warning flags away; not in a
URL, so they never reach access logs).
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import signing
from django.db import models
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "intake"
COOKIE_SALT = "bookings.intake"
COOKIE_MAX_AGE = 2 * 60 * 60  # long enough to pick a time, short enough to forget
DESCRIPTION_MAX_LENGTH = 1000


class Area(models.TextChoices):
    LOWER = "lower", "Lower back"
    MIDDLE = "middle", "Middle back"
    UPPER = "upper", "Upper back"
    NECK_SHOULDERS = "neck_shoulders", "Neck and shoulders"


class Duration(models.TextChoices):
    DAYS = "days", "A few days"
    WEEKS = "weeks", "A few weeks"
    MONTHS = "months", "Over three months"


class Frequency(models.TextChoices):
    SOMETIMES = "sometimes", "Now and then"
    OFTEN = "often", "Most days"
    CONSTANT = "constant", "All the time"


class Feeling(models.TextChoices):
    TIGHT = "tight", "Tight or stiff"
    KNOTS = "knots", "Knots or tender spots I can press"
    ACHE = "ache", "A dull ache or tiredness"
    SWELLING = "swelling", "Swelling, puffiness or heaviness"
    SPASMS = "spasms", "Sudden spasms or cramps"


class Trigger(models.TextChoices):
    SITTING = "sitting", "Long sitting, desk work or posture"
    EXERCISE = "exercise", "Exercise, sport or physical work"
    STRESS = "stress", "Stress or anxiety"
    STANDING = "standing", "Long standing or poor circulation"


class PressurePreference(models.TextChoices):
    GENTLE = "gentle", "Gentle"
    MEDIUM = "medium", "Medium"
    FIRM = "firm", "Firm"
    ANY = "any", "No preference"


class Condition(models.TextChoices):
    PREGNANCY = "pregnancy", "Pregnancy"
    BLOOD_THINNERS = "blood_thinners", "Blood thinners or a bleeding disorder"
    RECENT_SURGERY = "recent_surgery", "Surgery in the last three months"
    OSTEOPOROSIS = "osteoporosis", "Osteoporosis"
    DVT = "dvt", "A blood clot (DVT), now or in the past"
    INFECTION = "infection", "A fever or an infection now"
    HEART_KIDNEY = "heart_kidney", "Heart failure or kidney failure"
    SKIN = "skin", "Skin problems on the back"


class WarningSign(models.TextChoices):
    # Emergency: get care today, no booking is offered.
    BLADDER_BOWEL = "bladder_bowel", "New loss of bladder or bowel control"
    SADDLE_NUMBNESS = "saddle_numbness", "Numbness around the groin or buttocks"
    LEG_WEAKNESS = "leg_weakness", "Weakness in the legs that is quickly getting worse"
    # See a doctor before booking; booking only with an acknowledgement.
    FEVER = "fever", "Fever together with the back pain"
    INJURY = "injury", "A recent fall or accident"
    CANCER_WEIGHT = "cancer_weight", "A history of cancer, or weight loss you cannot explain"
    NIGHT_PAIN = "night_pain", "Constant pain at night or at rest"
    LEG_NUMBNESS = "leg_numbness", "Numbness or tingling down one leg"


URGENT_SIGNS = frozenset(
    {WarningSign.BLADDER_BOWEL, WarningSign.SADDLE_NUMBNESS, WarningSign.LEG_WEAKNESS}
)
DOCTOR_FIRST_SIGNS = frozenset(set(WarningSign) - URGENT_SIGNS)


class Triage(models.TextChoices):
    ROUTINE = "routine", "No warning signs"
    SEE_DOCTOR = "see_doctor", "See a doctor before booking"
    URGENT = "urgent", "Emergency care today"


@dataclass(frozen=True)
class IntakeAnswers:
    """One client's answers, as plain values (the choices' codes above)."""

    areas: tuple[str, ...] = ()
    duration: str = ""
    intensity: int | None = None
    frequency: str = ""
    feelings: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    pressure: str = PressurePreference.ANY
    conditions: tuple[str, ...] = ()
    warning_signs: tuple[str, ...] = ()
    description: str = ""

    @property
    def triage(self) -> Triage:
        signs = set(self.warning_signs)
        if signs & URGENT_SIGNS:
            return Triage.URGENT
        if signs & DOCTOR_FIRST_SIGNS:
            return Triage.SEE_DOCTOR
        return Triage.ROUTINE

    @property
    def doctor_first_signs(self) -> tuple[str, ...]:
        return tuple(s for s in self.warning_signs if s in DOCTOR_FIRST_SIGNS)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "IntakeAnswers":
        """Rebuild answers from `to_dict()` output, dropping anything unknown."""
        choices: dict[str, type[models.TextChoices]] = {
            "areas": Area,
            "feelings": Feeling,
            "triggers": Trigger,
            "conditions": Condition,
            "warning_signs": WarningSign,
        }
        kwargs: dict[str, object] = {}
        for name, choice in choices.items():
            values = data.get(name) or []
            if isinstance(values, list):
                kwargs[name] = tuple(v for v in values if v in choice.values)
        for name, choice in (
            ("duration", Duration),
            ("frequency", Frequency),
            ("pressure", PressurePreference),
        ):
            if data.get(name) in choice.values:
                kwargs[name] = data[name]
        intensity = data.get("intensity")
        if isinstance(intensity, int) and 0 <= intensity <= 10:
            kwargs["intensity"] = intensity
        description = data.get("description")
        if isinstance(description, str):
            kwargs["description"] = description[:DESCRIPTION_MAX_LENGTH]
        return cls(**kwargs)


def remember(response: HttpResponse, answers: IntakeAnswers) -> None:
    """Keep the answers in the client's browser until they book (or the cookie expires)."""
    value = signing.dumps(answers.to_dict(), salt=COOKIE_SALT, compress=True)
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def recall(request: HttpRequest) -> IntakeAnswers | None:
    """The answers this browser gave, or None when there are none (or they were tampered with)."""
    value = request.COOKIES.get(COOKIE_NAME)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return IntakeAnswers.from_dict(data)


def forget(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, samesite="Lax")


class IntensityBand(models.TextChoices):
    MILD = "mild", "Mild (0 to 3 out of 10)"
    MODERATE = "moderate", "Moderate (4 to 6 out of 10)"
    STRONG = "strong", "Strong (7 to 10 out of 10)"


def intensity_band(intensity: int | None) -> str:
    if intensity is None:
        return ""
    if intensity <= 3:
        return IntensityBand.MILD
    if intensity <= 6:
        return IntensityBand.MODERATE
    return IntensityBand.STRONG


# The answers staff can weigh in admin, as "question:choice" codes. Conditions and
# warning signs are not here on purpose: they decide safety, never preference.
ANSWER_QUESTIONS: tuple[tuple[str, str, type[models.TextChoices]], ...] = (
    ("area", "Where it hurts", Area),
    ("duration", "How long it has hurt", Duration),
    ("intensity", "How strong it is", IntensityBand),
    ("frequency", "How often it hurts", Frequency),
    ("feeling", "What it feels like", Feeling),
    ("trigger", "What brings it on", Trigger),
    ("pressure", "Pressure they prefer", PressurePreference),
)

ANSWER_CHOICES: list[tuple[str, list[tuple[str, str]]]] = [
    (question, [(f"{prefix}:{value}", f"{question}: {label}") for value, label in choice.choices])
    for prefix, question, choice in ANSWER_QUESTIONS
]


def answer_codes(answers: IntakeAnswers) -> tuple[str, ...]:
    """The client's answers as "question:choice" codes, in the order the form asks them."""
    codes = [f"area:{a}" for a in answers.areas]
    if answers.duration:
        codes.append(f"duration:{answers.duration}")
    if band := intensity_band(answers.intensity):
        codes.append(f"intensity:{band}")
    if answers.frequency:
        codes.append(f"frequency:{answers.frequency}")
    codes += [f"feeling:{f}" for f in answers.feelings]
    codes += [f"trigger:{t}" for t in answers.triggers]
    if answers.pressure:
        codes.append(f"pressure:{answers.pressure}")
    return tuple(codes)
