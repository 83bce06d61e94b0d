from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property

from django.db.models import F, FilteredRelation, Q

from bookings.models import (
    Booking,
    ClinicRules,
    Therapist,
)
from bookings.scheduling import availability
from bookings.scheduling.free_runs import free_counts_by_day
from bookings.scheduling.selectors import clinic_zone, day_window, horizon, schedules_between
from catalog.models import SessionLength, Technique


@dataclass(frozen=True)
class TechniqueOffer:
    """An offered technique, its lengths and the therapists offering it: what the booking
    steps show before any schedule (the step cache keeps it)."""

    technique: Technique
    lengths: list[SessionLength]
    therapists: list[Therapist]


@dataclass(frozen=True)
class TechniqueChoices:
    """What a client may choose for one technique, with everything the steps need to
    say which times are free."""

    technique: Technique
    lengths: list[SessionLength]
    therapists: list[Therapist]
    rules: ClinicRules
    now: datetime
    day: date | None = None

    @cached_property
    def schedules(self) -> list[availability.TherapistSchedule]:
        """The therapists' schedules over the booking horizon, in the same order; around
        `day` alone when the choices were read for one day's times. Read (one query)
        the first time they are asked for: a step served from the cache never reads them."""
        if self.day is None:
            start, end = horizon(self.now, self.rules.as_rules())
        else:
            start, end = day_window(self.day, self.rules.as_rules())
        return schedules_between([t.pk for t in self.therapists], start, end)

    def therapist(self, therapist_id: int | None) -> Therapist | None:
        return next((t for t in self.therapists if t.pk == therapist_id), None)

    def price(self, length_minutes: int) -> Decimal | None:
        return next((x.price for x in self.lengths if x.minutes == length_minutes), None)

    def schedules_for(self, therapist_id: int | None) -> list[availability.TherapistSchedule]:
        """One therapist's schedule, or everyone's for "anyone" (None)."""
        return [s for s in self.schedules if therapist_id in (None, s.therapist_id)]


def technique_offer(slug: str) -> TechniqueOffer | None:
    """An offered technique, its lengths and its active therapists in one query (each
    length beside each therapist, the technique with them); None when it is not offered.

    A technique with no lengths yet takes two more: its row and its therapists."""
    fields = [f.attname for f in Therapist._meta.concrete_fields]
    offered_by = FilteredRelation(
        "technique__therapists", condition=Q(technique__therapists__is_active=True)
    )
    rows = list(
        SessionLength.objects.filter(technique__slug=slug, technique__is_active=True)
        .select_related("technique")
        .annotate(offered_by=offered_by)
        .annotate(**{f"therapist_{name}": F(f"offered_by__{name}") for name in fields})
        .order_by("minutes", "pk")
    )
    if not rows:
        # No lengths yet: the first step says there is nothing to choose.
        technique = Technique.objects.active().filter(slug=slug).first()
        if technique is None:
            return None
        offering = Therapist.objects.active().offering(technique)
        return TechniqueOffer(technique, [], list(offering.order_by("display_name", "pk")))
    lengths: list[SessionLength] = list({row.pk: row for row in rows}.values())
    found: dict[int, Therapist] = {}
    for row in rows:
        values = [getattr(row, f"therapist_{name}") for name in fields]
        if values[0] is not None and values[0] not in found:
            found[values[0]] = Therapist.from_db(rows[0]._state.db, fields, values)
    therapists = sorted(found.values(), key=lambda t: (t.display_name, t.pk))
    return TechniqueOffer(rows[0].technique, lengths, therapists)


def choices_for(
    offer: TechniqueOffer, *, now: datetime, day: date | None = None
) -> TechniqueChoices:
    """The choices of an offer; the schedules are read when first used."""
    return TechniqueChoices(
        offer.technique, offer.lengths, offer.therapists, ClinicRules.cached(), now, day
    )


def technique_choices(
    slug: str, *, now: datetime, day: date | None = None
) -> TechniqueChoices | None:
    """An offered technique, its lengths, the therapists offering it and their schedules,
    in two queries (the offer; the schedules when first used; the rules come from the
    cache); None when it is not offered.

    With `day` the schedules hold that day alone, so one day's times cost the same
    whatever the booking horizon.
    """
    offer = technique_offer(slug)
    return None if offer is None else choices_for(offer, now=now, day=day)


def free_starts(
    choices: TechniqueChoices, *, length_minutes: int, therapist_id: int | None
) -> list[availability.Slot]:
    """The free starts for a session of this length with one therapist, or anyone (None)."""
    return availability.free_slots_for_anyone(
        choices.schedules_for(therapist_id),
        length=timedelta(minutes=length_minutes),
        rules=choices.rules.as_rules(),
        now=choices.now,
        zone=clinic_zone(),
        days=None if choices.day is None else [choices.day],
    )


def free_counts(
    choices: TechniqueChoices, *, length_minutes: int, therapist_id: int | None
) -> dict[date, int]:
    """How many free starts each day of the horizon has (days without any left out)."""
    return free_counts_by_day(
        choices.schedules_for(therapist_id),
        length=timedelta(minutes=length_minutes),
        rules=choices.rules.as_rules(),
        now=choices.now,
        zone=clinic_zone(),
    )


def free_starts_for_move(booking: Booking, *, rules: ClinicRules, now: datetime) -> list[datetime]:
    """Where the booking's therapist could take it instead; its own time counts as free."""
    rules_value = rules.as_rules()
    [schedule] = schedules_between(
        [booking.therapist_id],
        now,
        now + timedelta(days=rules_value.horizon_days + 1),
        leaving_out=booking.pk,
    )
    return availability.free_slots(
        schedule,
        length=timedelta(minutes=booking.length_minutes),
        rules=rules_value,
        now=now,
        zone=clinic_zone(),
    )


@dataclass(frozen=True)
class StartCheck:
    # The therapists who can take the session, in the order they were asked about.
    free: list[availability.TherapistSchedule]
    # Why nobody can: "taken" when it is taken for anyone, else the first one's reason.
    # None when someone is free, and when nobody was asked.
    problem: availability.Problem | None


def check_start(
    schedules: Iterable[availability.TherapistSchedule],
    *,
    start: datetime,
    length: timedelta,
    rules: availability.Rules,
    now: datetime,
) -> StartCheck:
    """Who is free for a session at `start`, and if nobody is, why the time is not free."""
    free: list[availability.TherapistSchedule] = []
    problems: list[availability.Problem] = []
    for schedule in schedules:
        problem = availability.check_slot(
            schedule, start=start, length=length, rules=rules, now=now, zone=clinic_zone()
        )
        if problem is None:
            free.append(schedule)
        else:
            problems.append(problem)
    if free or not problems:
        return StartCheck(free, None)
    if availability.Problem.TAKEN in problems:
        return StartCheck(free, availability.Problem.TAKEN)
    return StartCheck(free, problems[0])


def staff_free_starts(
    *,
    technique: Technique,
    length_minutes: int,
    therapist_id: int | None,
    day: date,
    now: datetime,
    leaving_out: int | None = None,
) -> list[availability.Slot]:
    """The free starts on `day` that front desk may book: no notice, no horizon."""
    rules = ClinicRules.cached().as_rules()
    rules = replace(rules, min_notice=timedelta(0), horizon_days=0)
    ids = list(
        Therapist.objects.active().offering(technique).order_by("pk").values_list("pk", flat=True)
    )
    if therapist_id is not None:
        ids = [pk for pk in ids if pk == therapist_id]
    start, end = day_window(day, rules)
    # free_slots only walks days from now's day: ask as if it were the day's start.
    asked_now = max(now, availability.wall_to_utc(day, time(0), clinic_zone()))
    return availability.free_slots_for_anyone(
        schedules_between(ids, start, end, leaving_out=leaving_out),
        length=timedelta(minutes=length_minutes),
        rules=rules,
        now=asked_now,
        zone=clinic_zone(),
        days=[day],
    )


def online_changes_until(start: datetime, *, rules: ClinicRules, now: datetime) -> datetime | None:
    """Until when (in the clinic's zone) a session at `start` can be moved or cancelled
    online; None when that time has passed and the client must phone."""
    closes = rules.online_changes_close_at(start)
    return closes.astimezone(clinic_zone()) if now < closes else None


def course_marks(bookings: Iterable[Booking]) -> dict[int, str]:
    """The "3 of 6" mark of each booking in a course: its place among the course's active
    sessions by start, and their count. One query, none when no booking is in a course."""
    wanted = {b.pk: b.course_id for b in bookings if b.course_id is not None}
    if not wanted:
        return {}
    by_course: dict[int, list[int]] = {}
    for course_id, pk in (
        Booking.objects.active()
        .filter(course_id__in=set(wanted.values()))
        .order_by("start", "pk")
        .values_list("course_id", "pk")
    ):
        by_course.setdefault(course_id, []).append(pk)
    marks = {}
    for pk, course_id in wanted.items():
        sessions = by_course.get(course_id, [])
        if pk in sessions:
            marks[pk] = f"{sessions.index(pk) + 1} of {len(sessions)}"
    return marks


def course_mark(booking: Booking) -> str | None:
    """The booking's "3 of 6" mark, or None when it is in no course (or cancelled)."""
    return course_marks([booking]).get(booking.pk)
