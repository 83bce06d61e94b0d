"""Reads the booking flow shares: the views, the services and the bench call these.

They return plain values (availability's schedules, frozen dataclasses), never model
instances with attributes written onto them, and each makes a fixed number of queries.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from catalog.models import SessionLength, Technique, WarningPhrase

from . import availability, day_grid, owner_report, week_grid
from .models import (
    Booking,
    BookingStatus,
    ClinicClosure,
    ClinicRules,
    OutcomeRequest,
    Therapist,
    TimeOff,
    WorkingHours,
)
from .outcome_report import SessionOutcome
from .pain_chart import PainPoint
from .suggestion import ConditionRule, TechniqueProfile


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local_dates(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    return start.astimezone(zone).date(), end.astimezone(zone).date()


def schedules_between(
    therapist_ids: Sequence[int],
    start: datetime,
    end: datetime,
    *,
    leaving_out: int | None = None,
) -> list[availability.TherapistSchedule]:
    """The therapists' hours, and their time off, the clinic's closures and their
    bookings around [start, end), in order.

    Four queries, none when there is nobody. `leaving_out` is a booking that does not
    stand in its own way: the client's session when they move it by half an hour.
    Closures become time off for everyone; hours rows dated to hold only part of the
    window become `dated_hours`, so the common case (no dates) costs nothing more.
    """
    if not therapist_ids:
        return []
    zone = clinic_zone()
    first_day, last_day = _local_dates(start, end, zone)
    hours: dict[int, dict[int, list[tuple[time, time]]]] = {pk: {} for pk in therapist_ids}
    dated: dict[int, list[availability.DatedHours]] = {pk: [] for pk in therapist_ids}
    for therapist_id, weekday, start_time, end_time, valid_from, valid_until in (
        WorkingHours.objects.filter(therapist_id__in=therapist_ids)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last_day))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first_day))
        .order_by("start_time")
        .values_list(
            "therapist_id", "weekday", "start_time", "end_time", "valid_from", "valid_until"
        )
    ):
        if (valid_from is None or valid_from <= first_day) and (
            valid_until is None or valid_until >= last_day
        ):
            hours[therapist_id].setdefault(weekday, []).append((start_time, end_time))
        else:
            dated[therapist_id].append(
                availability.DatedHours(weekday, start_time, end_time, valid_from, valid_until)
            )
    closed = [
        availability.local_day_interval(closure.start, closure.end, zone)
        for closure in closures_between(first_day, last_day)
    ]
    time_off: dict[int, list[availability.Interval]] = {pk: list(closed) for pk in therapist_ids}
    for therapist_id, off_start, off_end in TimeOff.objects.filter(
        therapist_id__in=therapist_ids, start__lt=end, end__gt=start
    ).values_list("therapist_id", "start", "end"):
        time_off[therapist_id].append(availability.Interval(off_start, off_end))
    busy: dict[int, list[availability.Interval]] = {pk: [] for pk in therapist_ids}
    bookings = Booking.objects.active().filter(
        therapist_id__in=therapist_ids, start__lt=end, blocked_until__gt=start
    )
    if leaving_out is not None:
        bookings = bookings.exclude(pk=leaving_out)
    for therapist_id, busy_start, blocked_until in bookings.order_by("start").values_list(
        "therapist_id", "start", "blocked_until"
    ):
        busy[therapist_id].append(availability.Interval(busy_start, blocked_until))
    return [
        availability.TherapistSchedule(
            therapist_id=pk,
            working_hours=hours[pk],
            time_off=tuple(time_off[pk]),
            busy=tuple(busy[pk]),
            dated_hours=tuple(dated[pk]),
        )
        for pk in therapist_ids
    ]


@dataclass(frozen=True)
class Closure:
    """The clinic closed from `start` to `end`, both days included."""

    start: date
    end: date
    reason: str


def closures_between(start: date, end: date) -> list[Closure]:
    """The clinic's closures touching the days from `start` to `end` (both included),
    by first day, in one query. Datetimes are read as their day in the clinic's zone."""
    zone = clinic_zone()
    first = start.astimezone(zone).date() if isinstance(start, datetime) else start
    last = end.astimezone(zone).date() if isinstance(end, datetime) else end
    return [
        Closure(start_date, end_date, reason)
        for start_date, end_date, reason in ClinicClosure.objects.filter(
            start_date__lte=last, end_date__gte=first
        )
        .order_by("start_date", "pk")
        .values_list("start_date", "end_date", "reason")
    ]


def bookings_needing_attention(start: datetime, end: datetime) -> set[int]:
    """The confirmed bookings starting in [start, end) that their therapist's schedule no
    longer holds (hours changed, time off or a closure saved over them anyway), until
    they are moved or cancelled. Computed, never stored: five queries."""
    sessions: dict[int, list[tuple[int, availability.Interval]]] = {}
    for pk, therapist_id, session_start, session_end in (
        Booking.objects.filter(status=BookingStatus.CONFIRMED, start__gte=start, start__lt=end)
        .order_by("start")
        .values_list("pk", "therapist_id", "start", "end")
    ):
        sessions.setdefault(therapist_id, []).append(
            (pk, availability.Interval(session_start, session_end))
        )
    if not sessions:
        return set()
    zone = clinic_zone()
    # A day either side: a session starting late at night reaches into the next day.
    schedules = schedules_between(
        list(sessions), start - timedelta(days=1), end + timedelta(days=1)
    )
    return {
        pk
        for schedule in schedules
        for pk in availability.clashes(schedule, sessions[schedule.therapist_id], zone)
    }


@dataclass(frozen=True)
class ClashingBooking:
    """A confirmed upcoming booking a schedule change would leave outside its therapist's
    schedule, as staff need it to decide: no health data."""

    pk: int
    reference: str
    start: datetime
    end: datetime
    client_first_name: str
    technique: str
    therapist: str


def schedule_clashes(
    *,
    now: datetime,
    therapist_id: int | None,
    hours: Sequence[availability.DatedHours] | None = None,
    time_off: Sequence[availability.Interval] | None = None,
    closures: Sequence[tuple[date, date]] | None = None,
) -> list[ClashingBooking]:
    """The confirmed bookings from `now` on that a proposed change would newly leave
    outside the schedule, by start: `hours`, `time_off` and `closures`, when given,
    replace what is stored for the therapist (`None`: every therapist, for a closure).
    Bookings the stored schedule already does not hold are not listed again.
    Four queries, one when nobody is booked."""
    zone = clinic_zone()
    bookings = Booking.objects.filter(status=BookingStatus.CONFIRMED, start__gte=now)
    if therapist_id is not None:
        bookings = bookings.filter(therapist_id=therapist_id)
    upcoming: list[ClashingBooking] = []
    therapist_of: dict[int, int] = {}
    for pk, who_id, reference, start, end, name, technique, who in bookings.order_by(
        "start", "pk"
    ).values_list(
        "pk",
        "therapist_id",
        "reference",
        "start",
        "end",
        "client_name",
        "technique__name",
        "therapist__display_name",
    ):
        first_name = name.split()[0] if name.split() else ""
        upcoming.append(ClashingBooking(pk, reference, start, end, first_name, technique, who))
        therapist_of[pk] = who_id
    if not upcoming:
        return []
    ids = sorted(set(therapist_of.values()))
    first_day = upcoming[0].start.astimezone(zone).date() - timedelta(days=1)
    last_day = max(b.end for b in upcoming).astimezone(zone).date() + timedelta(days=1)

    stored_hours: dict[int, list[availability.DatedHours]] = {pk: [] for pk in ids}
    for row in WorkingHours.objects.filter(therapist_id__in=ids).values_list(
        "therapist_id", "weekday", "start_time", "end_time", "valid_from", "valid_until"
    ):
        stored_hours[row[0]].append(availability.DatedHours(*row[1:]))
    stored_off: dict[int, list[availability.Interval]] = {pk: [] for pk in ids}
    for pk, off_start, off_end in TimeOff.objects.filter(
        therapist_id__in=ids, end__gt=now
    ).values_list("therapist_id", "start", "end"):
        stored_off[pk].append(availability.Interval(off_start, off_end))
    stored_closures = [(c.start, c.end) for c in closures_between(first_day, last_day)]

    def schedule(
        pk: int,
        rows: Sequence[availability.DatedHours],
        away: Sequence[availability.Interval],
        closed: Sequence[tuple[date, date]],
    ) -> availability.TherapistSchedule:
        closed_intervals = [availability.local_day_interval(a, b, zone) for a, b in closed]
        return availability.TherapistSchedule(
            pk, {}, time_off=(*away, *closed_intervals), dated_hours=tuple(rows)
        )

    newly: set[int] = set()
    for pk in ids:
        sessions = [
            (b.pk, availability.Interval(b.start, b.end))
            for b in upcoming
            if therapist_of[b.pk] == pk
        ]
        before = schedule(pk, stored_hours[pk], stored_off[pk], stored_closures)
        after = schedule(
            pk,
            stored_hours[pk] if hours is None else hours,
            stored_off[pk] if time_off is None else time_off,
            stored_closures if closures is None else closures,
        )
        newly |= set(availability.clashes(after, sessions, zone)) - set(
            availability.clashes(before, sessions, zone)
        )
    return [b for b in upcoming if b.pk in newly]


def horizon(now: datetime, rules: availability.Rules) -> tuple[datetime, datetime]:
    """An instant range holding every session clients may book, with a day's margin
    either side for bookings and time off that reach into it."""
    zone = clinic_zone()
    days = availability.local_days(now, rules.horizon_days, zone)
    return (
        availability.wall_to_utc(days[0], time(0), zone) - timedelta(days=1),
        availability.wall_to_utc(days[-1], time(0), zone) + timedelta(days=2),
    )


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
        `day` alone when the choices were read for one day's times. Read (four queries)
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


def _technique_and_lengths(slug: str) -> tuple[Technique, list[SessionLength]] | None:
    """An offered technique and its lengths in one query: the lengths carry the technique."""
    lengths = list(
        SessionLength.objects.filter(technique__slug=slug, technique__is_active=True)
        .select_related("technique")
        .order_by("minutes")
    )
    if lengths:
        return lengths[0].technique, lengths
    # No lengths yet: the first step says there is nothing to choose.
    technique = Technique.objects.active().filter(slug=slug).first()
    return None if technique is None else (technique, [])


def day_window(day: date, rules: availability.Rules) -> tuple[datetime, datetime]:
    """The instants of the clinic's `day` (23 or 25 hours on a clock change), widened
    by the buffer either side for bookings that reach into it."""
    zone = clinic_zone()
    return (
        availability.wall_to_utc(day, time(0), zone) - rules.buffer,
        availability.wall_to_utc(day + timedelta(days=1), time(0), zone) + rules.buffer,
    )


def technique_offer(slug: str) -> TechniqueOffer | None:
    """An offered technique, its lengths and its therapists in two queries; None when it
    is not offered."""
    found = _technique_and_lengths(slug)
    if found is None:
        return None
    technique, lengths = found
    therapists = list(Therapist.objects.active().offering(technique).order_by("display_name", "pk"))
    return TechniqueOffer(technique, lengths, therapists)


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
    in six queries (the rules come from the cache; the schedules' four when first used);
    None when it is not offered.

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
    return availability.free_counts_by_day(
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


@dataclass(frozen=True)
class ClinicDay:
    """The clinic's day for the admin day view: one column per therapist, and why the
    clinic is closed, if it is."""

    columns: list[day_grid.Column]
    closures: list[Closure]


def day_columns(day: date, *, therapist_id: int | None = None) -> ClinicDay:
    """Each active therapist (or one) with that day's hours (dated ones included), time
    off, closures and active sessions, the confirmed ones their schedule no longer holds
    marked as needing attention. Seven queries whatever the number of therapists."""
    zone = clinic_zone()
    start = availability.wall_to_utc(day, time(0), zone)
    end = availability.wall_to_utc(day + timedelta(days=1), time(0), zone)
    therapists = Therapist.objects.order_by("display_name", "pk")
    if therapist_id is None:
        therapists = therapists.filter(is_active=True)
    else:
        therapists = therapists.filter(pk=therapist_id)
    names = dict(therapists.values_list("pk", "display_name"))
    ids = list(names)
    closures = closures_between(day, day)
    if not ids:
        return ClinicDay([], closures)
    schedules = {s.therapist_id: s for s in schedules_between(ids, start, end)}
    sessions: dict[int, list[tuple[day_grid.Session, str]]] = {pk: [] for pk in ids}
    for row in (
        Booking.objects.active()
        .filter(therapist_id__in=ids, start__lt=end, end__gt=start)
        .order_by("start", "pk")
        .values(
            "pk",
            "therapist_id",
            "start",
            "end",
            "blocked_until",
            "status",
            "client_name",
            "technique__name",
            "warning_flags",
            "client_id",
            "reference",
        )
    ):
        session = day_grid.Session(
            booking_id=row["pk"],
            start=row["start"],
            end=row["end"],
            blocked_until=row["blocked_until"],
            client_first_name=first_name(row["client_name"]),
            technique=row["technique__name"],
            warning=bool(row["warning_flags"]),
            client_id=row["client_id"],
            reference=row["reference"],
        )
        sessions[row["therapist_id"]].append((session, row["status"]))
    columns = []
    for pk in ids:
        schedule = schedules[pk]
        # The same test as bookings_needing_attention, on the schedule already read.
        attention = set(
            availability.clashes(
                schedule,
                [
                    (s.booking_id, availability.Interval(s.start, s.end))
                    for s, status in sessions[pk]
                    if status == BookingStatus.CONFIRMED
                ],
                zone,
            )
        )
        columns.append(
            day_grid.Column(
                therapist_id=pk,
                name=names[pk],
                working_hours=schedule.hours_on(day),
                time_off=tuple(schedule.time_off),
                sessions=tuple(
                    replace(s, needs_attention=s.booking_id in attention) for s, _ in sessions[pk]
                ),
            )
        )
    return ClinicDay(columns, closures)


def first_name(full_name: str) -> str:
    parts = full_name.split()
    return parts[0] if parts else "Client"


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


# The suggestion ----------------------------------------------------------------


def load_profiles() -> list[TechniqueProfile]:
    """The offered techniques' profiles, read in four queries whatever their number."""
    return [
        TechniqueProfile(
            slug=technique.slug,
            name=technique.name,
            summary=technique.summary,
            display_order=technique.display_order,
            pressure=technique.pressure,
            weights=MappingProxyType({w.answer: w.weight for w in technique.answer_weights.all()}),
            keywords=MappingProxyType(
                {k.keyword: k.weight for k in technique.keyword_weights.all()}
            ),
            rules=tuple(
                ConditionRule(condition=r.condition, effect=r.effect, reason=r.reason)
                for r in technique.condition_rules.all()
            ),
        )
        for technique in Technique.objects.active().with_indications()
    ]


def warning_phrases() -> list[tuple[str, str]]:
    """Every (warning sign, phrase) clinical leads keep, for `screening.find_warning_phrases`."""
    return list(WarningPhrase.objects.order_by("sign", "phrase").values_list("sign", "phrase"))


def online_changes_until(start: datetime, *, rules: ClinicRules, now: datetime) -> datetime | None:
    """Until when (in the clinic's zone) a session at `start` can be moved or cancelled
    online; None when that time has passed and the client must phone."""
    closes = rules.online_changes_close_at(start)
    return closes.astimezone(clinic_zone()) if now < closes else None


@dataclass(frozen=True)
class ClientSession:
    booking_id: int
    reference: str
    start: datetime
    therapist_id: int
    therapist: str
    technique_id: int
    technique: str
    length_minutes: int
    price: Decimal
    status: str
    status_label: str


@dataclass(frozen=True)
class ClientHistory:
    """A client's sessions: confirmed ones still to come (soonest first), and the rest
    (taken place, no-shows, cancellations), newest first."""

    upcoming: tuple[ClientSession, ...]
    past: tuple[ClientSession, ...]
    completed_count: int
    cancelled_count: int
    no_show_count: int

    @property
    def last_session(self) -> ClientSession | None:
        """What "book again" repeats: the latest session that was not cancelled."""
        held = [s for s in (*self.upcoming[::-1], *self.past) if s.status != "cancelled"]
        return held[0] if held else None


def client_history(client_id: int, *, now: datetime | None = None) -> ClientHistory:
    """One query, whatever the number of bookings."""
    now = now or timezone.now()
    sessions = [
        ClientSession(
            booking_id=b.pk,
            reference=b.reference,
            start=b.start,
            therapist_id=b.therapist_id,
            therapist=b.therapist.display_name,
            technique_id=b.technique_id,
            technique=b.technique.name,
            length_minutes=b.length_minutes,
            price=b.price,
            status=b.status,
            status_label=b.get_status_display(),
        )
        for b in Booking.objects.filter(client_id=client_id)
        .select_related("therapist", "technique")
        .order_by("start", "pk")
    ]
    upcoming = [s for s in sessions if s.status == BookingStatus.CONFIRMED and s.start >= now]
    upcoming_ids = {s.booking_id for s in upcoming}
    past = [s for s in reversed(sessions) if s.booking_id not in upcoming_ids]
    return ClientHistory(
        upcoming=tuple(upcoming),
        past=tuple(past),
        completed_count=sum(s.status == BookingStatus.COMPLETED for s in sessions),
        cancelled_count=sum(s.status == BookingStatus.CANCELLED for s in sessions),
        no_show_count=sum(s.status == BookingStatus.NO_SHOW for s in sessions),
    )


@dataclass(frozen=True)
class OwnerWeek:
    monday: date
    rows: list[owner_report.TherapistWeek]
    total: owner_report.TherapistWeek


def owner_week(monday: date, *, now: datetime) -> OwnerWeek:
    """The owner's report for the clinic's week from `monday`: six queries, whatever
    the number of therapists (names, schedules_between's four, the week's sessions)."""
    zone = clinic_zone()
    start, end = week_grid.week_bounds(monday, zone)
    sessions = [
        owner_report.ReportSession(therapist_id=t, start=s, end=e, status=st, price=p)
        for t, s, e, st, p in Booking.objects.filter(start__gte=start, start__lt=end).values_list(
            "therapist_id", "start", "end", "status", "price"
        )
    ]
    # Everyone taking bookings, and anyone who is not any more but had sessions that week.
    with_sessions = {s.therapist_id for s in sessions}
    names = dict(
        Therapist.objects.filter(Q(is_active=True) | Q(pk__in=with_sessions))
        .order_by("display_name", "pk")
        .values_list("pk", "display_name")
    )
    schedules = schedules_between(list(names), start, end)
    days = [monday + timedelta(days=n) for n in range(7)]
    rows, total = owner_report.week_report(names, schedules, sessions, days, zone, now)
    return OwnerWeek(monday=monday, rows=rows, total=total)


# Outcomes: the client's pain over time and the clinical leads' report ------------


def client_pain_series(client_id: int) -> list[PainPoint]:
    """The client's first intake pain score (the baseline kept with the earliest
    session's outcome request that has one), then each session's answer to the outcome
    question, oldest first. One query."""
    zone = clinic_zone()
    intake: PainPoint | None = None
    answers: list[PainPoint] = []
    rows = (
        OutcomeRequest.objects.filter(booking__client_id=client_id)
        .filter(Q(intake_score__isnull=False) | Q(score__isnull=False))
        .order_by("booking__start", "pk")
        .values_list("booking__start", "intake_score", "answered_at", "score")
    )
    for session_start, intake_score, answered_at, score in rows:
        session_day = session_start.astimezone(zone).date()
        if intake_score is not None and intake is None:
            intake = PainPoint(session_day, intake_score, "Intake")
        if answered_at is None or score is None:
            continue
        answers.append(
            PainPoint(
                answered_at.astimezone(zone).date(),
                score,
                f"After the session of {session_day.day} {session_day:%B}",
            )
        )
    return answers if intake is None else [intake, *answers]


def session_outcomes() -> list[SessionOutcome]:
    """Every answered outcome whose request keeps its intake pain score, as plain values
    for the outcomes report. One query."""
    rows = (
        OutcomeRequest.objects.answered()
        .filter(intake_score__isnull=False)
        .values_list(
            "booking__client_id",
            "booking_id",
            "booking__technique__name",
            "intake_score",
            "intake_areas",
            "intake_feelings",
            "score",
        )
    )
    outcomes = []
    for client_id, booking_id, technique, intake_score, areas, feelings, score in rows:
        if intake_score is None or score is None:
            continue
        outcomes.append(
            SessionOutcome(
                # A booking without a client (none should be left) counts as its own client.
                client_id=client_id if client_id is not None else -booking_id,
                technique=technique,
                intake_score=intake_score,
                outcome_score=score,
                areas=tuple(areas or ()),
                feelings=tuple(feelings or ()),
            )
        )
    return outcomes
