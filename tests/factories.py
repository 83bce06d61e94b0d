"""The one set of test factories.

Defaults are the plainest valid row, on the suite's calendar (`tests.clock.NOW`, Monday
2 March 2026): a therapist logs in as a member of the Therapists group, offers Swedish
massage and has no working hours; a booking is a confirmed hour on Tuesday 3 March.
Traits say what else a test needs: `TherapistFactory(works_weekdays=True)`,
`BookingFactory(past=True, with_intake=True)`.
"""

from collections.abc import Iterable, Mapping, Sequence
from copy import deepcopy
from datetime import date, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.contrib.auth.models import Group, User
from django.db import models
from factory.django import DjangoModelFactory, Password

from bookings.intake.answers import IntakeAnswers
from bookings.models import (
    Booking,
    BookingStatus,
    Client,
    ClinicClosure,
    OutcomeRequest,
    Therapist,
    TimeOff,
    WorkingHours,
)
from bookings.models.outcomes import intake_baseline
from catalog.models import SessionLength, Technique
from catalog.vocabulary import EMERGENCY_SIGNS, FOLLOW_UPS, NONE_OF_THESE
from clinic.roles import THERAPISTS
from tests.clock import NOW

ModelT = TypeVar("ModelT", bound=models.Model)

# {weekday: [(start, end), ...]}, Monday is 0.
Week = Mapping[int, Sequence[tuple[time, time]]]
WEEKDAYS_WITH_LUNCH: Week = {day: [(time(9), time(13)), (time(14), time(17))] for day in range(6)}
EVERY_DAY_NINE_TO_FIVE: Week = {day: [(time(9), time(17))] for day in range(7)}

# What every booking needs at least: every safety question answered, nothing applies.
SCREENED_INTAKE = IntakeAnswers(screened=True)


def safety_post(
    *,
    signs: Iterable[str] = (),
    conditions: Iterable[str] = (),
    risks: Iterable[str] = (),
) -> dict[str, object]:
    """The safety questions as a client (or the desk) posts them, every one answered:
    each emergency sign yes when in `signs`, else no; the lists as given or "None of
    these"; each follow-up whose parent is ticked answered yes when in `risks`."""
    signs, conditions, risks = set(signs), list(conditions), list(risks)
    follow_ups = {f.code for f in FOLLOW_UPS}
    data: dict[str, object] = {
        f"sign_{s.code}": "yes" if s.code in signs else "no" for s in EMERGENCY_SIGNS
    }
    base = [r for r in risks if r not in follow_ups]
    data["conditions"] = conditions or [NONE_OF_THESE]
    data["risk_factors"] = base or [NONE_OF_THESE]
    ticked = {*conditions, *base}
    for follow in FOLLOW_UPS:
        if ticked & set(follow.follows):
            data[f"follow_{follow.code}"] = "yes" if follow.code in risks else "no"
    return data


def answered(data: Mapping[str, object]) -> dict[str, object]:
    """Intake data with its safety answers given as lists (`warning_signs`, `conditions`,
    `risk_factors`) as the form posts them: every safety question answered. A warning
    sign that is not an emergency sign is no question of its own, and is left out."""
    rest = dict(data)
    signs = rest.pop("warning_signs", [])
    conditions = rest.pop("conditions", [])
    risks = rest.pop("risk_factors", [])
    assert isinstance(signs, list | tuple) and isinstance(conditions, list | tuple)
    assert isinstance(risks, list | tuple)
    return safety_post(signs=signs, conditions=conditions, risks=risks) | rest


# What a client who consented would have stored (the intake's codes, as in the database).
INTAKE_ANSWERS: dict[str, object] = {
    "areas": ["lower"],
    "duration": "weeks",
    "intensity": 5,
    "frequency": "often",
    "feelings": ["knots"],
    "triggers": ["sitting"],
    "pressure": "medium",
    "conditions": [],
    "warning_signs": [],
    "description": "Stiff after long drives",
}


class ModelFactory(DjangoModelFactory[ModelT]):
    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # factory_boy's metaclass turns `SomeFactory(...)` into `create(...)`, which mypy does
        # not follow; it reads the type of a call from `__new__`, so say what the call returns.
        def __new__(cls, **kwargs: Any) -> ModelT: ...  # type: ignore[misc]


def _add_groups(user: User, create: bool, extracted: Iterable[str] | None, **_: object) -> None:
    if create and extracted:
        user.groups.add(*Group.objects.filter(name__in=extracted))


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@clinic.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = Password("a-long-test-password-1")
    groups = factory.PostGeneration(_add_groups)


class StaffFactory(UserFactory):
    is_staff = True


def _add_lengths(
    technique: Technique, create: bool, extracted: Iterable[int] | None, **_: object
) -> None:
    if create:
        SessionLength.objects.bulk_create(
            SessionLength(technique=technique, minutes=minutes, price=Decimal(minutes))
            for minutes in extracted or [60]
        )


class TechniqueFactory(ModelFactory[Technique]):
    """A technique with a 60-minute session at 60.00; `lengths=[30, 90]` for others."""

    class Meta:
        model = Technique
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Technique {n}")
    slug = factory.Sequence(lambda n: f"test-technique-{n}")
    summary = "A technique made for a test."
    indications = "Made-up indications."
    method = "Made-up method."
    what_to_expect = "Made-up expectations."
    cautions = "Made-up cautions."
    lengths = factory.PostGeneration(_add_lengths)


def _offer_techniques(
    therapist: Therapist,
    create: bool,
    extracted: Iterable[Technique | str] | None,
    **_: object,
) -> None:
    """Techniques as rows or slugs; Swedish massage unless the test says otherwise."""
    if not create:
        return
    wanted = ["swedish"] if extracted is None else list(extracted)
    slugs = [t for t in wanted if isinstance(t, str)]
    rows = [t for t in wanted if isinstance(t, Technique)]
    therapist.techniques.set([*rows, *Technique.objects.filter(slug__in=slugs)])


def _add_hours(
    therapist: Therapist,
    create: bool,
    extracted: Week | None,
    week: Week | None = None,
    **_: object,
) -> None:
    if create:
        WorkingHours.objects.bulk_create(
            WorkingHours(therapist=therapist, weekday=day, start_time=start, end_time=end)
            for day, ranges in (extracted or week or {}).items()
            for start, end in ranges
        )


class TherapistFactory(ModelFactory[Therapist]):
    """A therapist with a staff login in the Therapists group, offering Swedish massage.

    No working hours unless asked: `works_weekdays=True` (Monday to Saturday 09-17 with a
    13-14 lunch break), `works_every_day=True` (09-17, all week), or `hours={weekday:
    [(start, end), ...]}`. `techniques=[...]` takes rows or slugs.
    """

    class Meta:
        model = Therapist
        skip_postgeneration_save = True

    class Params:
        works_weekdays = factory.Trait(hours__week=WEEKDAYS_WITH_LUNCH)
        works_every_day = factory.Trait(hours__week=EVERY_DAY_NINE_TO_FIVE)

    user = factory.SubFactory(StaffFactory, groups=[THERAPISTS])
    display_name = factory.Sequence(lambda n: f"Therapist {n}")
    bio = "Works with back pain every day."
    techniques = factory.PostGeneration(_offer_techniques)
    hours = factory.PostGeneration(_add_hours)


class WorkingHoursFactory(ModelFactory[WorkingHours]):
    """Monday 09:00-17:00."""

    class Meta:
        model = WorkingHours

    therapist = factory.SubFactory(TherapistFactory)
    weekday = 0
    start_time = time(9)
    end_time = time(17)


class TimeOffFactory(ModelFactory[TimeOff]):
    """Tuesday 3 March 2026, 12:00-16:00 UTC."""

    class Meta:
        model = TimeOff

    therapist = factory.SubFactory(TherapistFactory)
    start = NOW + timedelta(days=1, hours=4)
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=4))
    reason = "Training"


class ClinicClosureFactory(ModelFactory[ClinicClosure]):
    """The clinic closed all day on Tuesday 3 March 2026."""

    class Meta:
        model = ClinicClosure

    start_date = date(2026, 3, 3)
    end_date = factory.LazyAttribute(lambda o: o.start_date)
    reason = "Bank holiday"


class ClientFactory(ModelFactory[Client]):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    phone = "+447700900123"


class BookingFactory(ModelFactory[Booking]):
    """A confirmed Swedish massage, 60 minutes at 60.00, Tuesday 3 March 2026 at 10:00 UTC.

    Traits: `past` (Friday 27 February), `cancelled`, `completed` (past, and took place),
    `unproven` (booked online, the email link not yet tapped),
    `with_intake` (consented health answers kept), `with_warning` (a doctor-first sign,
    acknowledged), `with_safety_facts` (what every booking keeps: a sign, a condition, words
    answered "no", the advice acknowledged).
    """

    class Meta:
        model = Booking

    class Params:
        past = factory.Trait(start=NOW - timedelta(days=3) + timedelta(hours=2))
        cancelled = factory.Trait(status=BookingStatus.CANCELLED)
        unproven = factory.Trait(email_confirmed_at=None)
        completed = factory.Trait(past=True, status=BookingStatus.COMPLETED)
        with_intake = factory.Trait(
            intake_answers=factory.LazyFunction(lambda: deepcopy(INTAKE_ANSWERS)),
            health_consent_at=factory.LazyAttribute(lambda o: o.start - timedelta(days=2)),
        )
        with_safety_facts = factory.Trait(
            warning_flags=["night_pain"],
            health_conditions=["osteoporosis"],
            text_checks=[{"sign": "leg_numbness", "quote": "leg goes numb"}],
            acknowledged_advice=["You said it hurts constantly at night or at rest."],
            warning_acknowledged_at=factory.LazyAttribute(lambda o: o.start - timedelta(days=2)),
        )
        with_warning = factory.Trait(
            warning_flags=["night_pain"],
            warning_acknowledged_at=factory.LazyAttribute(lambda o: o.start - timedelta(days=2)),
        )

    therapist = factory.SubFactory(TherapistFactory)
    technique = factory.LazyFunction(lambda: Technique.objects.get(slug="swedish"))
    client_name = factory.Sequence(lambda n: f"Client {n}")
    client_email = factory.Sequence(lambda n: f"client{n}@example.com")
    client_phone = "07700 900123"
    # The person: by default a record of their own with this booking's details.
    client = factory.SubFactory(
        ClientFactory,
        name=factory.SelfAttribute("..client_name"),
        email=factory.SelfAttribute("..client_email"),
    )
    length_minutes = 60
    price = Decimal("60.00")
    start = NOW + timedelta(days=1, hours=2)
    end = factory.LazyAttribute(lambda o: o.start + timedelta(minutes=o.length_minutes))
    blocked_until = factory.LazyAttribute(lambda o: o.end + timedelta(minutes=15))
    # The client tapped the link in the booking email: the session links its therapist to
    # the client's record of care (records/access.py). Trait `unproven`: not yet.
    email_confirmed_at = factory.LazyAttribute(lambda o: o.start - timedelta(days=3))


class OutcomeRequestFactory(ModelFactory[OutcomeRequest]):
    """The outcome link of a completed session (Friday 27 February), open for two weeks,
    keeping the baseline of its booking's kept intake answers as booking makes it.

    Trait: `answered` (score 3, answered on Sunday 1 March).
    """

    class Meta:
        model = OutcomeRequest

    class Params:
        answered = factory.Trait(score=3, answered_at=NOW - timedelta(days=1))

    booking = factory.SubFactory(BookingFactory, completed=True)
    expires = factory.LazyAttribute(lambda o: o.booking.end + timedelta(days=16))
    intake_score = factory.LazyAttribute(
        lambda o: intake_baseline(o.booking.intake_answers).get("intake_score")
    )
    intake_areas = factory.LazyAttribute(
        lambda o: intake_baseline(o.booking.intake_answers).get("intake_areas", [])
    )
    intake_feelings = factory.LazyAttribute(
        lambda o: intake_baseline(o.booking.intake_answers).get("intake_feelings", [])
    )
