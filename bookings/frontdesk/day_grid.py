"""The whole clinic's day as the admin day view shows it: therapists side by side, the
time down the side at the clinic's step. No database.

Rows are real instants stepped in elapsed time from the first local grid time, so on
the spring-forward day the skipped hour has no rows and on the fall-back day the
repeated hour has two sets, told apart by the zone's abbreviation.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bookings.scheduling import availability

# A day nobody works still shows office hours, so there is something to book into.
DEFAULT_OPEN = time(9)
DEFAULT_CLOSE = time(17)


class CellKind(StrEnum):
    SESSION = "session"
    FREE = "free"
    BUFFER = "buffer"
    TIME_OFF = "time-off"
    # Between two working ranges of the day: lunch or a break.
    BREAK = "break"
    # Before or after the day's hours.
    CLOSED = "closed"
    # No hours and no sessions that day: one cell down the whole column.
    DAY_OFF = "day-off"


@dataclass(frozen=True)
class Session:
    booking_id: int
    start: datetime
    end: datetime
    blocked_until: datetime
    client_first_name: str
    technique: str
    warning: bool = False
    needs_attention: bool = False
    # Who and which, for the trail of looks when the warning mark is shown.
    client_id: int | None = None
    reference: str = ""
    status: str = "confirmed"
    arrived: bool = False
    # Its place in a course of care ("3 of 6"), when it is in one.
    course_id: int | None = None
    course_mark: str = ""
    # An "Awaiting payment" hold: the time is the client's until then, unpaid.
    hold_until: datetime | None = None

    @property
    def awaiting_payment(self) -> bool:
        return self.status == "awaiting"


@dataclass(frozen=True)
class Column:
    therapist_id: int
    name: str
    # The day's working ranges on the clinic's wall clock: its schedule's `hours_on(day)`.
    working_hours: Sequence[tuple[time, time]] = ()
    time_off: Sequence[availability.Interval] = ()
    sessions: Sequence[Session] = ()
    # The shortest session they offer for any technique: a free row is offered ("+")
    # only where that, with the buffer after it, fits. None: they offer nothing.
    shortest_length: timedelta | None = None


@dataclass(frozen=True)
class Block:
    """One session as placed in the grid, with its local times as shown."""

    session: Session
    when: str


@dataclass(frozen=True)
class Cell:
    kind: CellKind
    rowspan: int = 1
    # The free row's start (UTC), for the "book here" link.
    start: datetime | None = None
    blocks: tuple[Block, ...] = ()
    bookable: bool = False


@dataclass(frozen=True)
class Row:
    start: datetime
    label: str
    is_now: bool
    # One entry per column; None where a session from an earlier row spans this one.
    cells: tuple[Cell | None, ...]


@dataclass(frozen=True)
class DayGrid:
    day: date
    clock_change: bool
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    # Each column's sessions in order with their times, for the narrow list.
    lists: tuple[tuple[Column, tuple[Block, ...]], ...] = field(default=())

    @property
    def anyone_working(self) -> bool:
        """Whether any cell is free working time or a session: else the day is closed."""
        return any(
            cell is not None and cell.kind in (CellKind.FREE, CellKind.SESSION)
            for row in self.rows
            for cell in row.cells
        )


def _clock(instant: datetime, zone: ZoneInfo, *, with_zone: bool) -> str:
    # %Z honours `fold`: the two 01:30s of the autumn change read BST and GMT.
    return instant.astimezone(zone).strftime("%H:%M %Z" if with_zone else "%H:%M")


def _bounds(
    columns: Sequence[Column], day: date, zone: ZoneInfo, day_start: datetime, day_end: datetime
) -> tuple[datetime, datetime]:
    """From the earliest thing anyone has on to the latest, within the day."""
    starts: list[datetime] = []
    ends: list[datetime] = []
    for column in columns:
        for working in availability.intervals_of_hours(tuple(column.working_hours), day, zone):
            starts.append(working.start)
            ends.append(working.end)
        for session in column.sessions:
            starts.append(session.start)
            ends.append(session.end)
    if not starts:
        return (
            availability.wall_to_utc(day, DEFAULT_OPEN, zone),
            availability.wall_to_utc(day, DEFAULT_CLOSE, zone),
        )
    return max(min(starts), day_start), min(max(ends), day_end)


def _aligned_down(instant: datetime, step: timedelta, zone: ZoneInfo) -> datetime:
    local = instant.astimezone(zone)
    since_midnight = timedelta(hours=local.hour, minutes=local.minute, seconds=local.second)
    return instant - since_midnight % step - timedelta(microseconds=local.microsecond)


def build_day(
    *,
    day: date,
    zone: ZoneInfo,
    step: timedelta,
    columns: Sequence[Column],
    now: datetime,
    buffer: timedelta = timedelta(0),
) -> DayGrid:
    """Rows at the clinic's step from the first working time (or session) to the last; in
    each column a block for overlapping sessions (spanning their rows), time off, the
    buffer after a session, free working time, or closed.

    Everything is compared in UTC (aware datetimes sharing a tzinfo compare by wall
    clock, which would merge the two 01:30s of the autumn change).
    """
    day_start = availability.wall_to_utc(day, time(0), zone)
    day_end = availability.wall_to_utc(day + timedelta(days=1), time(0), zone)
    change = day_start.astimezone(zone).utcoffset() != day_end.astimezone(zone).utcoffset()
    first, last = _bounds(columns, day, zone, day_start, day_end)
    first = max(_aligned_down(first, step, zone), day_start)
    starts: list[datetime] = []
    instant = first
    while instant < last:
        starts.append(instant.astimezone(UTC))
        instant += step

    def when(session: Session) -> str:
        return (
            f"{_clock(session.start, zone, with_zone=change)} to "
            f"{_clock(session.end, zone, with_zone=change)}"
        )

    by_column = [
        _column_cells(column, day, zone, starts, step, now, when, buffer) for column in columns
    ]
    rows = tuple(
        Row(
            start=start,
            label=_clock(start, zone, with_zone=change),
            is_now=start <= now < start + step,
            cells=tuple(cells[index] for cells in by_column),
        )
        for index, start in enumerate(starts)
    )
    lists = tuple(
        (
            column,
            tuple(
                Block(s, when(s))
                for s in sorted(column.sessions, key=lambda s: (s.start, s.booking_id))
                if day_start <= s.start < day_end
            ),
        )
        for column in columns
    )
    return DayGrid(day=day, clock_change=change, columns=tuple(columns), rows=rows, lists=lists)


def _column_cells(
    column: Column,
    day: date,
    zone: ZoneInfo,
    starts: Sequence[datetime],
    step: timedelta,
    now: datetime,
    when: Callable[[Session], str],
    buffer: timedelta,
) -> list[Cell | None]:
    working = availability.intervals_of_hours(tuple(column.working_hours), day, zone)
    sessions = sorted(column.sessions, key=lambda s: (s.start.astimezone(UTC), s.booking_id))
    if not working and not sessions and starts:
        # A day off reads as one cell saying so, not a column of empty rows.
        return [Cell(CellKind.DAY_OFF, rowspan=len(starts)), *([None] * (len(starts) - 1))]
    # The same schedule the booking services check, so every "+" books.
    schedule = availability.TherapistSchedule(
        therapist_id=column.therapist_id,
        working_hours={day.weekday(): tuple(column.working_hours)},
        time_off=tuple(column.time_off),
        busy=tuple(availability.Interval(s.start, s.blocked_until) for s in sessions),
    )

    def bookable(start: datetime) -> bool:
        return (
            start >= now
            and column.shortest_length is not None
            and availability.fits(
                schedule, start=start, length=column.shortest_length, buffer=buffer, zone=zone
            )
            is None
        )

    cells: list[Cell | None] = []
    covered_until: datetime | None = None
    for index, row_start in enumerate(starts):
        row_end = row_start + step
        if covered_until is not None and row_start < covered_until:
            cells.append(None)
            continue
        here = [s for s in sessions if s.start < row_end and row_start < s.end]
        if here:
            block_end = max(s.end for s in here)
            # Sessions overlapping the block (a clash) share it, so nothing is hidden.
            for session in sessions:
                if session not in here and row_start <= session.start < block_end:
                    here.append(session)
                    block_end = max(block_end, session.end)
            rowspan = sum(1 for s in starts[index:] if s < block_end)
            covered_until = starts[index + rowspan - 1] + step
            cells.append(
                Cell(
                    CellKind.SESSION,
                    rowspan=rowspan,
                    blocks=tuple(Block(s, when(s)) for s in here),
                )
            )
            continue
        if any(off.overlaps(row_start, row_end) for off in column.time_off):
            cells.append(Cell(CellKind.TIME_OFF))
        elif any(s.end <= row_start < s.blocked_until for s in sessions):
            cells.append(Cell(CellKind.BUFFER))
        elif any(w.start <= row_start and row_end <= w.end for w in working):
            cells.append(Cell(CellKind.FREE, start=row_start, bookable=bookable(row_start)))
        elif working and working[0].start <= row_start and row_end <= working[-1].end:
            cells.append(Cell(CellKind.BREAK))
        else:
            cells.append(Cell(CellKind.CLOSED))
    return cells
