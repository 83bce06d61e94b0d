"""Planning a course of care: which weekly (or 2- or 4-weekly) occurrences of a session
are free, why the others are not, and the nearest free times instead. No database.

An occurrence keeps the source session's wall-clock time in the clinic's zone: a course
at 10:00 stays at 10:00 across a clock change, so the weeks are stepped as dates and
each made an instant with `wall_to_utc`, never by adding 7 x 24 hours.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bookings.scheduling import availability
from bookings.scheduling.availability import Interval, Problem, TherapistSchedule

COURSE_INTERVALS = (1, 2, 4)
MIN_SESSIONS = 2
MAX_SESSIONS = 12  # models.courses.COURSE_MAX_SESSIONS, kept here for the pure module
MAX_OPTIONS = 6
MAX_PER_KIND = 3

SAME_THERAPIST = "same therapist, same day"
OTHER_THERAPIST = "another therapist, same day"
NEXT_DAY = "next day"
OPTION_KINDS = (SAME_THERAPIST, OTHER_THERAPIST, NEXT_DAY)

OFF_GRID = "The clinic no longer starts sessions at that time of day."
NOT_TAKING = "That therapist is not taking bookings."


@dataclass(frozen=True)
class Option:
    """A free alternative for an occurrence that is not free."""

    start: datetime
    therapist_id: int
    therapist_name: str
    kind: str


@dataclass(frozen=True)
class Occurrence:
    position: int
    """2..N: 1 is the session the course is made from, booked already."""
    start: datetime
    therapist_id: int
    free: bool
    problem: str
    """Why it is not free, in plain words; "" when it is."""
    options: tuple[Option, ...]
    recheck_due: bool
    """It falls after the source's safety answers are older than the re-check interval."""


@dataclass(frozen=True)
class Pick:
    """An occurrence the user kept: the wanted time, or one of its options."""

    position: int
    start: datetime
    therapist_id: int


def occurrence_starts(
    source_start: datetime, *, every_weeks: int, sessions: int, zone: ZoneInfo
) -> list[tuple[int, datetime]]:
    """(position, start) of occurrences 2..`sessions`: the source's wall-clock time,
    `every_weeks` weeks apart, as aware UTC instants."""
    local = source_start.astimezone(zone)
    return [
        (
            position,
            availability.wall_to_utc(
                local.date() + timedelta(weeks=every_weeks * (position - 1)), local.time(), zone
            ),
        )
        for position in range(2, sessions + 1)
    ]


def off_their_day(
    picks: Sequence[Pick], *, source_start: datetime, every_weeks: int, zone: ZoneInfo
) -> list[int]:
    """The positions of picks on neither their occurrence's day nor the day after (the
    only days `plan` offers): a course keeps its rhythm whatever a post says."""
    last = max((p.position for p in picks), default=1)
    days = {
        position: start.astimezone(zone).date()
        for position, start in occurrence_starts(
            source_start, every_weeks=every_weeks, sessions=last, zone=zone
        )
    }
    return [
        p.position
        for p in picks
        if p.start.astimezone(zone).date() - days[p.position] not in (timedelta(0), timedelta(1))
    ]


def left_out(planned: int, picks: Sequence[Pick]) -> list[int]:
    """The positions 2..`planned` of a course that were not kept (the first is the
    source)."""
    kept = {p.position for p in picks}
    return [n for n in range(2, planned + 1) if n not in kept]


def problem_words(problem: Problem, therapist_name: str, closure: str = "") -> str:
    """Why an occurrence is not free, as the course page says it; `closure`: the name of
    the clinic's closure that day, which time off then means."""
    if problem == Problem.TIME_OFF and closure:
        return f"Clinic closed: {closure.rstrip('.')}."
    return {
        Problem.PAST: "That time has already passed.",
        Problem.TOO_SOON: "That time is too soon to book online.",
        Problem.TOO_FAR: "That is too far ahead to book online. Please phone the clinic to "
        "book it.",
        Problem.DAY_OFF: f"{therapist_name} does not work on that day.",
        Problem.OUTSIDE_HOURS: f"That time is outside {therapist_name}'s working hours.",
        Problem.TIME_OFF: f"{therapist_name} is away then.",
        Problem.TAKEN: f"{therapist_name} already has a session then.",
    }[problem]


@dataclass(frozen=True)
class Diary:
    """What planning reads: the therapists who offer the technique (the source's
    therapist first), their schedules over the course's weeks, and the rules."""

    schedules: Sequence[TherapistSchedule]
    names: Mapping[int, str]
    rules: availability.Rules
    now: datetime
    zone: ZoneInfo
    length: timedelta
    # The clinic's closures over the course's days: (first day, last day, its name).
    closures: Sequence[tuple[date, date, str]] = ()

    def closure_on(self, start: datetime) -> str:
        """The name of the clinic's closure on `start`'s day in the clinic, or ""."""
        day = start.astimezone(self.zone).date()
        return next((name for first, last, name in self.closures if first <= day <= last), "")

    def schedule_of(self, therapist_id: int) -> TherapistSchedule | None:
        return next((s for s in self.schedules if s.therapist_id == therapist_id), None)

    def with_busy(self, therapist_id: int, start: datetime) -> "Diary":
        """The diary with a session kept at `start` (a pick booked before the next)."""
        taken = Interval(start, start + self.length + self.rules.buffer)
        return replace(
            self,
            schedules=[
                replace(s, busy=(*s.busy, taken)) if s.therapist_id == therapist_id else s
                for s in self.schedules
            ],
        )


def why_not(diary: Diary, *, therapist_id: int, start: datetime) -> str:
    """Why a session at `start` with this therapist cannot be booked, "" when it can:
    the same checks `book_session` makes (the step grid, notice, horizon, hours, time
    off and closures, other sessions with their buffer)."""
    return _check(diary, therapist_id=therapist_id, start=start)[0]


def _check(diary: Diary, *, therapist_id: int, start: datetime) -> tuple[str, Problem | None]:
    schedule = diary.schedule_of(therapist_id)
    if schedule is None:
        return NOT_TAKING, None
    if not availability.on_step_grid(start, diary.rules.step, diary.zone):
        return OFF_GRID, None
    problem = availability.check_slot(
        schedule,
        start=start,
        length=diary.length,
        rules=diary.rules,
        now=diary.now,
        zone=diary.zone,
    )
    if problem is None:
        return "", None
    name = diary.names.get(therapist_id, "")
    return problem_words(problem, name, diary.closure_on(start)), problem


def options_for(diary: Diary, *, therapist_id: int, start: datetime) -> tuple[Option, ...]:
    """The nearest free times instead of `start`: the same therapist that day, then
    another therapist that day, then the next day (the same therapist first), each
    by closeness to the wanted time; at most MAX_PER_KIND of a kind, MAX_OPTIONS in all."""
    day = start.astimezone(diary.zone).date()
    next_day = start + timedelta(days=1)
    kinds: dict[str, list[tuple[tuple[Any, ...], Option]]] = {k: [] for k in OPTION_KINDS}
    for schedule in diary.schedules:
        name = diary.names.get(schedule.therapist_id, "")
        mine = schedule.therapist_id == therapist_id
        kind = SAME_THERAPIST if mine else OTHER_THERAPIST
        for slot in _free_on(diary, schedule, day):
            if not (slot == start and mine):
                key: tuple[Any, ...] = (abs(slot - start), name, slot, schedule.therapist_id)
                kinds[kind].append((key, Option(slot, schedule.therapist_id, name, kind)))
        for slot in _free_on(diary, schedule, day + timedelta(days=1)):
            key = (not mine, abs(slot - next_day), name, slot, schedule.therapist_id)
            kinds[NEXT_DAY].append((key, Option(slot, schedule.therapist_id, name, NEXT_DAY)))
    ordered = [
        option
        for kind in OPTION_KINDS
        for _, option in sorted(kinds[kind], key=lambda row: row[0])[:MAX_PER_KIND]
    ]
    return tuple(ordered[:MAX_OPTIONS])


def _free_on(diary: Diary, schedule: TherapistSchedule, day: date) -> list[datetime]:
    return availability.free_slots(
        schedule, length=diary.length, rules=diary.rules, now=diary.now, zone=diary.zone, days=[day]
    )


def plan(
    diary: Diary,
    *,
    wanted: Sequence[tuple[int, datetime]],
    therapist_id: int,
    recheck_after: datetime | None,
) -> list[Occurrence]:
    """Each wanted (position, start) with the therapist: free, or why not and the
    options instead. Beyond the online horizon there are no options: the clinic books
    those by phone."""
    occurrences = []
    for position, start in wanted:
        problem, reason = _check(diary, therapist_id=therapist_id, start=start)
        options = (
            ()
            if not problem or reason == Problem.TOO_FAR
            else options_for(diary, therapist_id=therapist_id, start=start)
        )
        occurrences.append(
            Occurrence(
                position=position,
                start=start,
                therapist_id=therapist_id,
                free=not problem,
                problem=problem,
                options=options,
                recheck_due=recheck_after is not None and start > recheck_after,
            )
        )
    return occurrences


def clashing_picks(diary: Diary, picks: Sequence[Pick]) -> list[tuple[Pick, str]]:
    """The picks that cannot be booked, with why, each checked with the picks before it
    kept: two picks never overlap each other either."""
    clashes = []
    for pick in sorted(picks, key=lambda p: p.position):
        problem = why_not(diary, therapist_id=pick.therapist_id, start=pick.start)
        if problem:
            clashes.append((pick, problem))
        else:
            diary = diary.with_busy(pick.therapist_id, pick.start)
    return clashes
