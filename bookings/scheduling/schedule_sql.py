"""The statement of every schedule read (`selectors.schedules_between`), written out.

Every booking, move and reinstatement, and every booking step computed afresh, reads
the therapists' schedules. Built with the ORM (two UNION ALL querysets) the read cost
about 2.5 ms of Python to build and compile on each call against 0.6 ms in the
database (docs/benchmarks.md, issue 26); written out as one statement it costs what
the database takes, in one round trip. They are plain SQL that PostgreSQL and SQLite both run, with
the table and column names taken from the models, the values passed as parameters
(never formatted in), and what comes back read the same from either (SQLite returns
dates and times as text or as naive values).
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

from django.db import connection
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from bookings.models import Booking, BookingStatus, ClinicClosure, TimeOff, WorkingHours

# therapist, weekday, start, end, valid from, valid until; a closure's row has None in
# its first four and its first and last day in the last two.
HoursRow = tuple[int | None, int | None, time | None, time | None, date | None, date | None]
# therapist, start, end, whether it is a booking (else time off)
BusyRow = tuple[int, datetime, datetime, bool]


def column(model: Any, field: str) -> str:
    """A model field's column, quoted for this connection: what written-out SQL names."""
    return str(connection.ops.quote_name(model._meta.get_field(field).column))


def columns(model: Any, alias: str = "") -> str:
    """Every concrete column of a model, quoted, in field order (never `*`: a statement
    kept prepared keeps its columns while a migration adds one)."""
    prefix = f"{alias}." if alias else ""
    quote = connection.ops.quote_name
    return ", ".join(prefix + quote(str(f.column)) for f in model._meta.concrete_fields)


def table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _null(field: str) -> str:
    """A typed NULL: PostgreSQL resolves a UNION's column types two branches at a time,
    and two untyped NULLs would make the column text."""
    return f"CAST(NULL AS {connection.data_types[field]})"


@cache
def _schedule_sql(vendor: str, therapists: int, leaving_out: bool, with_bookings: bool) -> str:
    """Four branches, a kind each (HOURS, CLOSURE, TIME_OFF, BOOKING), each row: kind,
    therapist, weekday, start and end time, first and last day, start and end instant."""
    del vendor  # part of the key only: the quoting and the types are the connection's
    ids = ", ".join(["%s"] * therapists)
    hours, closure, off = WorkingHours, ClinicClosure, TimeOff
    no_day, no_time = _null("DateField"), _null("TimeField")
    no_instant, no_number = _null("DateTimeField"), _null("IntegerField")
    # Names from the models and placeholders only: no value is formatted in.
    return (
        f"SELECT {HOURS}, {column(hours, 'therapist')}, {column(hours, 'weekday')}, "  # noqa: S608
        f"{column(hours, 'start_time')}, {column(hours, 'end_time')}, "
        f"{column(hours, 'valid_from')}, {column(hours, 'valid_until')}, "
        f"{no_instant}, {no_instant} "
        f"FROM {table(hours)} WHERE {column(hours, 'therapist')} IN ({ids}) "
        f"AND ({column(hours, 'valid_from')} IS NULL OR {column(hours, 'valid_from')} <= %s) "
        f"AND ({column(hours, 'valid_until')} IS NULL OR {column(hours, 'valid_until')} >= %s) "
        f"UNION ALL SELECT {CLOSURE}, {no_number}, {no_number}, {no_time}, {no_time}, "
        f"{column(closure, 'start_date')}, {column(closure, 'end_date')}, "
        f"{no_instant}, {no_instant} FROM {table(closure)} "
        f"WHERE {column(closure, 'start_date')} <= %s AND {column(closure, 'end_date')} >= %s "
        f"UNION ALL SELECT {TIME_OFF}, {column(off, 'therapist')}, {no_number}, {no_time}, "
        f"{no_time}, {no_day}, {no_day}, {column(off, 'start')}, {column(off, 'end')} "
        f"FROM {table(off)} WHERE {column(off, 'therapist')} IN ({ids}) "
        f"AND {column(off, 'start')} < %s AND {column(off, 'end')} > %s "
        + (_bookings_sql(ids, leaving_out) if with_bookings else "")
    )


def _bookings_sql(ids: str, leaving_out: bool) -> str:
    booking = Booking
    no_day, no_time = _null("DateField"), _null("TimeField")
    no_number = _null("IntegerField")
    return (
        f" UNION ALL SELECT {BOOKING}, {column(booking, 'therapist')}, {no_number}, "  # noqa: S608
        f"{no_time}, {no_time}, {no_day}, {no_day}, {column(booking, 'start')}, "
        f"{column(booking, 'blocked_until')} "
        f"FROM {table(booking)} WHERE {column(booking, 'therapist')} IN ({ids}) "
        f"AND {column(booking, 'status')} <> %s "
        f"AND {column(booking, 'start')} < %s AND {column(booking, 'blocked_until')} > %s"
        + (f" AND {column(booking, 'id')} <> %s" if leaving_out else "")
    )


HOURS, CLOSURE, TIME_OFF, BOOKING = range(4)


def schedule_rows(
    therapist_ids: Sequence[int],
    *,
    first_day: date,
    last_day: date,
    start: datetime,
    end: datetime,
    leaving_out: int | None,
    with_bookings: bool = True,
) -> tuple[list[HoursRow], list[BusyRow]]:
    """In one statement: the therapists' hours that may hold on any day from `first_day`
    to `last_day` and the clinic's closures touching those days (the rows with days);
    their time off and active bookings (up to their blocked-until) overlapping
    [start, end), `leaving_out` left out (the rows with instants); `with_bookings=False`
    leaves the bookings out (whether sessions still fit a schedule needs none)."""
    first, last = (connection.ops.adapt_datefield_value(d) for d in (first_day, last_day))
    before, after = (connection.ops.adapt_datetimefield_value(t) for t in (end, start))
    params: list[Any] = [*therapist_ids, last, first, last, first]
    params += [*therapist_ids, before, after]
    if with_bookings:
        params += [*therapist_ids, BookingStatus.CANCELLED.value, before, after]
        if leaving_out is not None:
            params.append(leaving_out)
    sql = _schedule_sql(
        connection.vendor, len(therapist_ids), leaving_out is not None, with_bookings
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    days: list[HoursRow] = []
    instants: list[BusyRow] = []
    for kind, therapist, weekday, starts, ends, day_from, day_until, begins, until in rows:
        if kind in (HOURS, CLOSURE):
            days.append(
                (therapist, weekday, _time(starts), _time(ends), _date(day_from), _date(day_until))
            )
        else:
            instants.append((therapist, _instant(begins), _instant(until), kind == BOOKING))
    return days, instants


def _time(value: time | str | None) -> time | None:
    return parse_time(value) if isinstance(value, str) else value


def _date(value: date | str | None) -> date | None:
    return parse_date(value) if isinstance(value, str) else value


def _instant(value: datetime | str) -> datetime:
    """An aware UTC datetime, as the ORM reads one (SQLite keeps naive UTC text)."""
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None:
        raise ValueError(f"Not a datetime: {value!r}")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
