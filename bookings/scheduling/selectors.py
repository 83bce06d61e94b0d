"""Reads the booking flow shares: the views, the services and the bench call these.

They return plain values (availability's schedules, frozen dataclasses), never model
instances with attributes written onto them, and each makes a fixed number of queries.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet

from bookings.models import (
    Booking,
    BookingStatus,
    ClinicClosure,
    TimeOff,
    WorkingHours,
)
from bookings.scheduling import availability, schedule_sql


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
    with_bookings: bool = True,
) -> list[availability.TherapistSchedule]:
    """The therapists' hours, and their time off, the clinic's closures and their
    bookings around [start, end), in order.

    One statement, none when there is nobody: the hours, the closures, the time off and
    the bookings, UNION ALL (`schedule_sql`), as a cold booking step reads them all.
    `leaving_out` is a booking that does not stand in its own way: the client's session
    when they move it by half an hour; `with_bookings=False` reads no booking (`busy` is
    empty), for whoever only asks whether sessions still fit the hours. Closures become
    time off for everyone; the hours are `hours_between`'s.
    """
    if not therapist_ids:
        return []
    zone = clinic_zone()
    first_day, last_day = _local_dates(start, end, zone)
    rows, instants = schedule_sql.schedule_rows(
        therapist_ids,
        first_day=first_day,
        last_day=last_day,
        start=start,
        end=end,
        leaving_out=leaving_out,
        with_bookings=with_bookings,
    )
    hours = _hours_of(
        therapist_ids,
        first_day,
        last_day,
        [cast(HoursRow, r) for r in rows if r[0] is not None],
    )
    closed = [
        availability.local_day_interval(cast(date, closure_start), cast(date, closure_end), zone)
        for _, _, _, _, closure_start, closure_end in sorted(
            (r for r in rows if r[0] is None), key=lambda r: cast(date, r[4])
        )
    ]
    time_off: dict[int, list[availability.Interval]] = {pk: list(closed) for pk in therapist_ids}
    busy: dict[int, list[availability.Interval]] = {pk: [] for pk in therapist_ids}
    for therapist_id, interval_start, interval_end, is_booking in sorted(
        instants, key=lambda row: row[1]
    ):
        into = busy if is_booking else time_off
        into[therapist_id].append(availability.Interval(interval_start, interval_end))
    return [
        replace(hours[pk], time_off=tuple(time_off[pk]), busy=tuple(busy[pk]))
        for pk in therapist_ids
    ]


HoursRow = tuple[int, int, time, time, date | None, date | None]


def _hours_rows(therapist_ids: Sequence[int], first_day: date, last_day: date) -> QuerySet[Any]:
    return (
        WorkingHours.objects.filter(therapist_id__in=therapist_ids)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last_day))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first_day))
        .order_by()
        .values_list(
            "therapist_id", "weekday", "start_time", "end_time", "valid_from", "valid_until"
        )
    )


def hours_between(
    therapist_ids: Sequence[int], first_day: date, last_day: date
) -> dict[int, availability.TherapistSchedule]:
    """The therapists' working hours on the clinic's days from `first_day` to `last_day`
    (both included), by therapist: schedules with no time off and nothing busy, whose
    `hours_on(day)` answers for any of those days. One query, none when there is nobody.

    Rows that hold on every one of the days are weekly hours; rows dated to hold on only
    some of them become `dated_hours`, so the common case (no dates) costs nothing more.
    """
    if not therapist_ids:
        return {}
    rows = list(_hours_rows(therapist_ids, first_day, last_day))
    return _hours_of(therapist_ids, first_day, last_day, rows)


def _hours_of(
    therapist_ids: Sequence[int], first_day: date, last_day: date, rows: Iterable[HoursRow]
) -> dict[int, availability.TherapistSchedule]:
    hours: dict[int, dict[int, list[tuple[time, time]]]] = {pk: {} for pk in therapist_ids}
    dated: dict[int, list[availability.DatedHours]] = {pk: [] for pk in therapist_ids}
    for therapist_id, weekday, start_time, end_time, valid_from, valid_until in sorted(
        rows, key=lambda row: row[2]
    ):
        if (valid_from is None or valid_from <= first_day) and (
            valid_until is None or valid_until >= last_day
        ):
            hours[therapist_id].setdefault(weekday, []).append((start_time, end_time))
        else:
            dated[therapist_id].append(
                availability.DatedHours(weekday, start_time, end_time, valid_from, valid_until)
            )
    return {
        pk: availability.TherapistSchedule(
            therapist_id=pk, working_hours=hours[pk], dated_hours=tuple(dated[pk])
        )
        for pk in therapist_ids
    }


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
    they are moved or cancelled. Computed, never stored: two queries."""
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
    # A day either side: a session starting late at night reaches into the next day. The
    # sessions themselves are read above: whether they fit needs no booking again (at L,
    # 15,000 upcoming sessions read twice cost the booking list 80 ms).
    schedules = schedules_between(
        list(sessions), start - timedelta(days=1), end + timedelta(days=1), with_bookings=False
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

    stored_hours = hours_between(ids, first_day, last_day)
    stored_off: dict[int, list[availability.Interval]] = {pk: [] for pk in ids}
    for pk, off_start, off_end in TimeOff.objects.filter(
        therapist_id__in=ids, end__gt=now
    ).values_list("therapist_id", "start", "end"):
        stored_off[pk].append(availability.Interval(off_start, off_end))
    stored_closures = [(c.start, c.end) for c in closures_between(first_day, last_day)]

    def schedule(
        hours_of: availability.TherapistSchedule,
        away: Sequence[availability.Interval],
        closed: Sequence[tuple[date, date]],
    ) -> availability.TherapistSchedule:
        closed_intervals = [availability.local_day_interval(a, b, zone) for a, b in closed]
        return replace(hours_of, time_off=(*away, *closed_intervals))

    newly: set[int] = set()
    for pk in ids:
        sessions = [
            (b.pk, availability.Interval(b.start, b.end))
            for b in upcoming
            if therapist_of[b.pk] == pk
        ]
        before = schedule(stored_hours[pk], stored_off[pk], stored_closures)
        after = schedule(
            (
                stored_hours[pk]
                if hours is None
                else availability.TherapistSchedule(pk, {}, dated_hours=tuple(hours))
            ),
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


def day_window(day: date, rules: availability.Rules) -> tuple[datetime, datetime]:
    """The instants of the clinic's `day` (23 or 25 hours on a clock change), widened
    by the buffer either side for bookings that reach into it."""
    zone = clinic_zone()
    return (
        availability.wall_to_utc(day, time(0), zone) - rules.buffer,
        availability.wall_to_utc(day + timedelta(days=1), time(0), zone) + rules.buffer,
    )
