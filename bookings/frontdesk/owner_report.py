"""The owner's week in figures: sessions, share of working time booked, cancellations,
no-shows, money taken by card (payments, refunds, fees) and what is left to take at the
clinic at list price, per therapist.

Pure: schedules and sessions in, figures out (loading is `selectors.owner_week`).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bookings.scheduling.availability import Interval, TherapistSchedule, working_intervals

CANCELLED, COMPLETED, CONFIRMED, NO_SHOW = "cancelled", "completed", "confirmed", "no_show"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ReportSession:
    therapist_id: int
    start: datetime
    end: datetime
    status: str
    price: Decimal
    # Card money for this session (bookings/payments), by kind; zero when paid at the clinic.
    card: Decimal = Decimal("0.00")
    refunded: Decimal = Decimal("0.00")
    fees: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class TherapistWeek:
    therapist: str
    # Sessions held or still to be held: confirmed and completed (not no-shows).
    sessions: int
    booked_minutes: int
    working_minutes: int
    cancellations: int
    no_shows: int
    # At the clinic: the list price of sessions that took place, less what was kept of
    # their card payments. Card money is apart, whatever became of the session.
    takings: Decimal
    card: Decimal = Decimal("0.00")
    refunded: Decimal = Decimal("0.00")
    fees: Decimal = Decimal("0.00")

    @property
    def share_booked(self) -> Decimal | None:
        """Booked minutes over working minutes, or None when they had no working time."""
        if not self.working_minutes:
            return None
        return Decimal(self.booked_minutes) / Decimal(self.working_minutes)


def _minutes(intervals: Iterable[Interval]) -> int:
    return sum(int((i.end - i.start).total_seconds()) // 60 for i in intervals)


def _minus(intervals: Sequence[Interval], away: Sequence[Interval]) -> list[Interval]:
    """`intervals` without any moment of `away`."""
    result = list(intervals)
    for cut in away:
        kept: list[Interval] = []
        for i in result:
            if not i.overlaps(cut.start, cut.end):
                kept.append(i)
                continue
            if i.start < cut.start:
                kept.append(Interval(i.start, cut.start))
            if cut.end < i.end:
                kept.append(Interval(cut.end, i.end))
        result = kept
    return result


def _within(intervals: Sequence[Interval], session: Interval) -> list[Interval]:
    return [
        Interval(max(i.start, session.start), min(i.end, session.end))
        for i in intervals
        if i.overlaps(session.start, session.end)
    ]


def takes_money(session: ReportSession, now: datetime) -> bool:
    """Takings count sessions that took place: completed, or still confirmed once over
    (nobody marked them yet). Not no-shows, cancellations, nor sessions to come."""
    return session.status == COMPLETED or (session.status == CONFIRMED and session.end <= now)


def therapist_week(
    name: str,
    schedule: TherapistSchedule,
    sessions: Sequence[ReportSession],
    days: Sequence[date],
    zone: ZoneInfo,
    now: datetime,
) -> TherapistWeek:
    """Working time is their hours on `days` minus time off and closures; booked time
    is the part of their sessions (no-shows included: the time was held) inside it, so
    a session booked outside their hours does not push the share past 100%."""
    working = _minus(
        [i for day in days for i in working_intervals(schedule, day, zone)], schedule.time_off
    )
    held = [s for s in sessions if s.status != CANCELLED]
    booked = sum(_minutes(_within(working, Interval(s.start, s.end))) for s in held)
    return TherapistWeek(
        therapist=name,
        sessions=sum(s.status in (CONFIRMED, COMPLETED) for s in sessions),
        booked_minutes=booked,
        working_minutes=_minutes(working),
        cancellations=sum(s.status == CANCELLED for s in sessions),
        no_shows=sum(s.status == NO_SHOW for s in sessions),
        takings=sum(
            (max(s.price - (s.card - s.refunded), ZERO) for s in sessions if takes_money(s, now)),
            ZERO,
        ),
        card=sum((s.card for s in sessions), ZERO),
        refunded=sum((s.refunded for s in sessions), ZERO),
        fees=sum((s.fees for s in sessions), ZERO),
    )


def week_report(
    names: Mapping[int, str],
    schedules: Sequence[TherapistSchedule],
    sessions: Sequence[ReportSession],
    days: Sequence[date],
    zone: ZoneInfo,
    now: datetime,
) -> tuple[list[TherapistWeek], TherapistWeek]:
    """One row per therapist (in the order of `schedules`) and the clinic's total."""
    by_therapist: dict[int, list[ReportSession]] = {s.therapist_id: [] for s in schedules}
    for session in sessions:
        by_therapist.setdefault(session.therapist_id, []).append(session)
    rows = [
        therapist_week(names[s.therapist_id], s, by_therapist[s.therapist_id], days, zone, now)
        for s in schedules
    ]
    total = TherapistWeek(
        therapist="All therapists",
        sessions=sum(r.sessions for r in rows),
        booked_minutes=sum(r.booked_minutes for r in rows),
        working_minutes=sum(r.working_minutes for r in rows),
        cancellations=sum(r.cancellations for r in rows),
        no_shows=sum(r.no_shows for r in rows),
        takings=sum((r.takings for r in rows), ZERO),
        card=sum((r.card for r in rows), ZERO),
        refunded=sum((r.refunded for r in rows), ZERO),
        fees=sum((r.fees for r in rows), ZERO),
    )
    return rows, total
