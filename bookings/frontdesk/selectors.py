from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q, QuerySet

from bookings.frontdesk import day_grid, owner_report, week_grid
from bookings.models import Booking, BookingStatus, Therapist
from bookings.payments.selectors import card_money_by_booking
from bookings.scheduling import availability
from bookings.scheduling.selectors import Closure, clinic_zone, closures_between, schedules_between


@dataclass(frozen=True)
class ClinicDay:
    """The clinic's day for the admin day view: one column per therapist, and why the
    clinic is closed, if it is."""

    columns: list[day_grid.Column]
    closures: list[Closure]


def day_columns(day: date, *, therapist_id: int | None = None) -> ClinicDay:
    """Each active therapist (or one) with that day's hours (dated ones included), time
    off, closures and active sessions, the confirmed ones their schedule no longer holds
    marked as needing attention, and the shortest session each offers. Seven queries
    whatever the number of therapists."""
    zone = clinic_zone()
    start = availability.wall_to_utc(day, time(0), zone)
    end = availability.wall_to_utc(day + timedelta(days=1), time(0), zone)
    therapists = Therapist.objects.order_by("display_name", "pk")
    if therapist_id is None:
        therapists = therapists.filter(is_active=True)
    else:
        therapists = therapists.filter(pk=therapist_id)
    # With the shortest length each offers (for any technique still offered), in the same query.
    named = list(
        therapists.annotate(
            shortest=Min("techniques__lengths__minutes", filter=Q(techniques__is_active=True))
        ).values_list("pk", "display_name", "shortest")
    )
    names = {pk: name for pk, name, _ in named}
    shortest = {pk: minutes for pk, _, minutes in named}
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
            "acknowledged_advice",
            "safety_override_reason",
            "client_id",
            "reference",
            "arrived_at",
            "course_id",
            # The hold's end rides along in the same query (a join, no more queries).
            "checkout__hold_until",
        )
    ):
        session = day_grid.Session(
            booking_id=row["pk"],
            start=row["start"],
            end=row["end"],
            blocked_until=row["blocked_until"],
            client_first_name=first_name(row["client_name"]),
            technique=row["technique__name"],
            warning=bool(
                row["warning_flags"] or row["acknowledged_advice"] or row["safety_override_reason"]
            ),
            client_id=row["client_id"],
            reference=row["reference"],
            status=row["status"],
            arrived=row["arrived_at"] is not None,
            course_id=row["course_id"],
            hold_until=row["checkout__hold_until"],
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
                shortest_length=None if shortest[pk] is None else timedelta(minutes=shortest[pk]),
                sessions=tuple(
                    replace(s, needs_attention=s.booking_id in attention) for s, _ in sessions[pk]
                ),
            )
        )
    return ClinicDay(columns, closures)


def first_name(full_name: str) -> str:
    parts = full_name.split()
    return parts[0] if parts else "Client"


@dataclass(frozen=True)
class OwnerWeek:
    monday: date
    rows: list[owner_report.TherapistWeek]
    total: owner_report.TherapistWeek


def owner_week(monday: date, *, now: datetime) -> OwnerWeek:
    """The owner's report for the clinic's week from `monday`: seven queries, whatever
    the number of therapists (names, schedules_between's four, the week's sessions and
    their card money)."""
    zone = clinic_zone()
    start, end = week_grid.week_bounds(monday, zone)
    card = card_money_by_booking(start, end)
    sessions = [
        owner_report.ReportSession(
            therapist_id=t, start=s, end=e, status=st, price=p, **card.get(pk, {})
        )
        for pk, t, s, e, st, p in Booking.objects.filter(
            start__gte=start, start__lt=end
        ).values_list("pk", "therapist_id", "start", "end", "status", "price")
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


@dataclass(frozen=True)
class SessionDefault:
    """What the desk's booking form starts with: a technique and one of its lengths."""

    technique_id: int
    length_minutes: int


def _held(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.exclude(status=BookingStatus.CANCELLED).filter(technique__is_active=True)


def session_default(
    *, client_id: int | None, therapist_id: int | None, offered: set[int] | None = None
) -> SessionDefault | None:
    """The client's last session (not cancelled), else what the therapist is booked for
    most, else None. `offered`: the techniques the chosen therapist offers; a default
    outside them is skipped. Two queries at most."""
    if client_id is not None:
        last = (
            _held(Booking.objects.filter(client_id=client_id))
            .order_by("-start", "-pk")
            .values_list("technique_id", "length_minutes")
            .first()
        )
        if last is not None and (offered is None or last[0] in offered):
            return SessionDefault(*last)
    if therapist_id is not None:
        usual = (
            _held(Booking.objects.filter(therapist_id=therapist_id))
            .values("technique_id", "length_minutes")
            .annotate(times=Count("pk"))
            .order_by("-times", "technique_id", "length_minutes")
            .first()
        )
        if usual is not None:
            return SessionDefault(usual["technique_id"], usual["length_minutes"])
    return None


def offered_techniques(therapist_id: int | None) -> set[int] | None:
    """The techniques a therapist offers; None for "anyone"."""
    if therapist_id is None:
        return None
    return set(
        Therapist.objects.filter(pk=therapist_id).values_list("techniques__pk", flat=True)
    ) - {None}
