"""Every "+" on the day view books: a free start is offered only where the shortest
session the therapist offers, with the buffer after it, fits. The day view, the desk's
free times and the public steps agree, and the real booking service takes each "+"."""

import re
from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.booking.selectors import free_starts, staff_free_starts, technique_choices
from bookings.booking.services import book_session
from bookings.frontdesk.day_grid import CellKind, Column, Session, build_day
from bookings.models import Booking, ClinicRules
from bookings.scheduling.availability import (
    Interval,
    Rules,
    TherapistSchedule,
    check_slot,
    free_slots,
)
from tests.factories import (
    SCREENED_INTAKE,
    BookingFactory,
    TechniqueFactory,
    TherapistFactory,
    TimeOffFactory,
)

LONDON = ZoneInfo("Europe/London")
TUESDAY = date(2026, 3, 3)
BEFORE = datetime(2026, 3, 2, 8, tzinfo=UTC)
STEP = timedelta(minutes=15)
DAY_URL = "/admin/bookings/booking/day/"


def local(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(0), LONDON).astimezone(UTC) + timedelta(minutes=minutes)


def plus_starts(grid, index: int = 0) -> list[datetime]:
    return [
        row.start
        for row in grid.rows
        if (cell := row.cells[index]) is not None and cell.kind == CellKind.FREE and cell.bookable
    ]


# Without a database: the grid against the pure availability rules.


def test_a_gap_shorter_than_the_shortest_session_has_no_plus():
    # 09:00-10:00 and 10:45-12:00 taken, each with a 15-minute buffer: the gap from
    # 10:15 to 10:45 holds 30 minutes, less than the 45 offered.
    sessions = [
        Session(1, local(TUESDAY, 9 * 60), local(TUESDAY, 10 * 60), local(TUESDAY, 615), "A", "S"),
        Session(2, local(TUESDAY, 645), local(TUESDAY, 12 * 60), local(TUESDAY, 735), "B", "S"),
    ]
    column = Column(
        therapist_id=1,
        name="Anna",
        working_hours=((time(9), time(13)),),
        sessions=sessions,
        shortest_length=timedelta(minutes=45),
    )
    grid = build_day(day=TUESDAY, zone=LONDON, step=STEP, columns=[column], now=BEFORE, buffer=STEP)
    free_rows = [r.label for r in grid.rows if r.cells[0] and r.cells[0].kind == CellKind.FREE]
    assert free_rows == ["10:15", "10:30", "12:15", "12:30", "12:45"]
    # 12:15 + 45 minutes ends at 13:00, the end of the day: offered; 12:30 would run over.
    assert [r.astimezone(LONDON).strftime("%H:%M") for r in plus_starts(grid)] == ["12:15"]


def test_a_therapist_who_offers_no_session_has_no_plus():
    column = Column(therapist_id=1, name="Anna", working_hours=((time(9), time(12)),))
    grid = build_day(day=TUESDAY, zone=LONDON, step=STEP, columns=[column], now=BEFORE)
    assert plus_starts(grid) == []
    assert any(r.cells[0] and r.cells[0].kind == CellKind.FREE for r in grid.rows)


@st.composite
def days(draw: st.DrawFn) -> tuple[Column, timedelta, datetime]:
    """A working day (one or two ranges), sessions and time off anywhere in it, a
    shortest length, a buffer and a moment to look from."""
    open_at = draw(st.integers(7 * 4, 10 * 4)) * 15
    split = draw(st.booleans())
    ranges = []
    if split:
        lunch = draw(st.integers(open_at // 15 + 4, 14 * 4)) * 15
        back = lunch + draw(st.sampled_from([30, 60]))
        ranges = [(open_at, lunch), (back, back + draw(st.integers(8, 20)) * 15)]
    else:
        ranges = [(open_at, open_at + draw(st.integers(8, 40)) * 15)]
    buffer = timedelta(minutes=draw(st.sampled_from([0, 5, 10, 15])))
    sessions = []
    for n in range(draw(st.integers(0, 4))):
        start = draw(st.integers(open_at // 5, 20 * 12)) * 5
        end = start + draw(st.sampled_from([30, 45, 60, 90]))
        sessions.append(
            Session(
                n + 1,
                local(TUESDAY, start),
                local(TUESDAY, end),
                local(TUESDAY, end) + buffer,
                "C",
                "S",
            )
        )
    time_off = []
    if draw(st.booleans()):
        start = draw(st.integers(open_at // 5, 20 * 12)) * 5
        time_off.append(
            Interval(local(TUESDAY, start), local(TUESDAY, start + draw(st.integers(1, 30)) * 5))
        )
    column = Column(
        therapist_id=1,
        name="Anna",
        working_hours=tuple((time(a // 60, a % 60), time(b // 60, b % 60)) for a, b in ranges),
        time_off=tuple(time_off),
        sessions=tuple(sessions),
        shortest_length=timedelta(minutes=draw(st.sampled_from([30, 45, 60, 90]))),
    )
    now = local(TUESDAY, draw(st.integers(6 * 4, 20 * 4)) * 15) if draw(st.booleans()) else BEFORE
    return column, buffer, now


@given(days())
def test_every_plus_is_a_start_the_public_rules_call_free_and_none_is_missing(day):
    column, buffer, now = day
    assert column.shortest_length is not None
    grid = build_day(day=TUESDAY, zone=LONDON, step=STEP, columns=[column], now=now, buffer=buffer)
    schedule = TherapistSchedule(
        1,
        {TUESDAY.weekday(): column.working_hours},
        time_off=column.time_off,
        busy=[Interval(s.start, s.blocked_until) for s in column.sessions],
    )
    # The desk's rules: no notice, today counts.
    rules = Rules(buffer=buffer, min_notice=timedelta(0), horizon_days=2, step=STEP)
    offered = plus_starts(grid)
    for start in offered:
        assert (
            check_slot(
                schedule,
                start=start,
                length=column.shortest_length,
                rules=rules,
                now=now,
                zone=LONDON,
            )
            is None
        )
    free = free_slots(
        schedule, length=column.shortest_length, rules=rules, now=now, zone=LONDON, days=[TUESDAY]
    )
    assert offered == free


# Through the database: the day view's "+" links, the desk's free times, the public steps
# and book_session.


def plus_links(html: str) -> list[tuple[int, datetime]]:
    found = []
    for href in re.findall(r'class="day-free-link" href="([^"]+)"', html):
        query = parse_qs(urlsplit(unescape(href)).query)
        found.append(
            (int(query["therapist"][0]), datetime.fromisoformat(query["start"][0]).astimezone(UTC))
        )
    return found


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lengths=st.lists(st.sampled_from([30, 45, 60, 75, 90]), min_size=1, max_size=3, unique=True),
    buffer=st.sampled_from([0, 10, 15]),
    sessions=st.lists(
        st.tuples(st.integers(9 * 12, 16 * 12), st.sampled_from([30, 60, 90])), max_size=4
    ),
    away=st.one_of(st.none(), st.tuples(st.integers(9 * 12, 16 * 12), st.integers(3, 24))),
)
def test_every_plus_on_the_day_view_books_for_the_shortest_length(
    client, front_desk_user, clock, lengths, buffer, sessions, away
):
    try:
        with transaction.atomic():
            _check_day(client, front_desk_user, lengths, buffer, sessions, away)
            raise Rollback
    except Rollback:
        pass


def _check_day(client, front_desk_user, lengths, buffer, sessions, away) -> None:
    rules = ClinicRules.load()
    rules.buffer_minutes = buffer
    rules.slot_step_minutes = 15
    rules.save()
    # The cached rules of the example before (rolled back, so never refreshed) must go.
    cache.clear()
    short = TechniqueFactory(lengths=[min(lengths)])
    long = TechniqueFactory(lengths=[*lengths, 120])
    therapist = TherapistFactory(
        techniques=[long, short],
        hours={TUESDAY.weekday(): [(time(9), time(13)), (time(14), time(17))]},
    )
    for start, minutes in sessions:
        begins = local(TUESDAY, start * 5)
        ends = begins + timedelta(minutes=minutes)
        if not Booking.objects.filter(
            start__lt=ends + timedelta(minutes=buffer), blocked_until__gt=begins
        ).exists():
            BookingFactory(
                therapist=therapist,
                technique=long,
                length_minutes=minutes,
                start=begins,
                end=ends,
                blocked_until=ends + timedelta(minutes=buffer),
            )
    if away is not None:
        begins = local(TUESDAY, away[0] * 5)
        TimeOffFactory(
            therapist=therapist, start=begins, end=begins + timedelta(minutes=away[1] * 5)
        )
    client.force_login(front_desk_user)
    page = client.get(DAY_URL, {"date": TUESDAY.isoformat()})
    assert page.status_code == 200
    offered = plus_links(page.content.decode())
    assert {t for t, _ in offered} <= {therapist.pk}
    starts = [start for _, start in offered]
    desk = staff_free_starts(
        technique=short,
        length_minutes=min(lengths),
        therapist_id=therapist.pk,
        day=TUESDAY,
        now=BEFORE,
    )
    assert starts == [slot.start for slot in desk]
    # The public steps offer the same, less the notice (none of it reaches Tuesday here).
    choices = technique_choices(short.slug, now=BEFORE, day=TUESDAY)
    assert choices is not None
    public = free_starts(choices, length_minutes=min(lengths), therapist_id=therapist.pk)
    assert [slot.start for slot in public] == starts
    for start in starts:
        with transaction.atomic():
            booking = book_session(
                therapist_id=therapist.pk,
                technique=short,
                length_minutes=min(lengths),
                start=start,
                client_name="Pat Phone",
                client_email="",
                client_phone="07700 900456",
                intake=SCREENED_INTAKE,
                now=BEFORE,
                by=front_desk_user,
                ignore_notice_and_horizon=True,
                notify=False,
            )
            assert booking.start == start
            transaction.set_rollback(True)
