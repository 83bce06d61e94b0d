"""The day view's layout, without a database: rows, blocks, gaps and the clock changes."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bookings.frontdesk.day_grid import CellKind, Column, Session, build_day
from bookings.scheduling.availability import Interval

LONDON = ZoneInfo("Europe/London")
STEP = timedelta(minutes=15)
WEDNESDAY = date(2026, 3, 4)
SPRING_FORWARD = date(2026, 3, 29)  # 01:00 GMT becomes 02:00 BST
FALL_BACK = date(2026, 10, 25)  # 02:00 BST becomes 01:00 GMT
BEFORE = datetime(2026, 1, 1, tzinfo=UTC)


def local(day: date, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).replace(fold=fold).astimezone(UTC)


def session(booking_id: int, start: datetime, minutes: int = 60, **kw: object) -> Session:
    end = start + timedelta(minutes=minutes)
    return Session(
        booking_id=booking_id,
        start=start,
        end=end,
        blocked_until=end + timedelta(minutes=15),
        client_first_name="Jane",
        technique="Swedish Massage",
        **kw,  # type: ignore[arg-type]
    )


def column(therapist_id: int = 1, **kw: object) -> Column:
    values: dict[str, object] = {
        "name": f"T{therapist_id}",
        "working_hours": ((time(9), time(12)),),
        "shortest_length": timedelta(minutes=30),
    }
    return Column(therapist_id=therapist_id, **(values | kw))  # type: ignore[arg-type]


def kinds(grid, index: int = 0) -> list[str | None]:
    return [None if row.cells[index] is None else row.cells[index].kind for row in grid.rows]


def test_rows_run_at_the_step_from_the_first_working_time_to_the_last():
    grid = build_day(
        day=WEDNESDAY,
        zone=LONDON,
        step=STEP,
        columns=[column(1), column(2, working_hours=((time(10), time(13)),))],
        now=BEFORE,
    )
    labels = [row.label for row in grid.rows]
    assert labels[0] == "09:00" and labels[-1] == "12:45" and len(labels) == 16
    assert kinds(grid, 0)[:12] == [CellKind.FREE] * 12
    assert kinds(grid, 0)[12:] == [CellKind.CLOSED] * 4
    assert kinds(grid, 1)[:4] == [CellKind.CLOSED] * 4


def test_a_session_is_one_block_spanning_its_rows_then_the_buffer():
    grid = build_day(
        day=WEDNESDAY,
        zone=LONDON,
        step=STEP,
        columns=[column(sessions=(session(7, local(WEDNESDAY, 10)),))],
        now=BEFORE,
    )
    cells = [row.cells[0] for row in grid.rows]
    block = cells[4]
    assert block is not None and block.kind == CellKind.SESSION and block.rowspan == 4
    assert [b.session.booking_id for b in block.blocks] == [7]
    assert block.blocks[0].when == "10:00 to 11:00"
    assert cells[5:8] == [None, None, None]
    assert cells[8] is not None and cells[8].kind == CellKind.BUFFER
    assert cells[9] is not None and cells[9].kind == CellKind.FREE


@pytest.mark.parametrize(
    ("now", "bookable"),
    [
        pytest.param(BEFORE, [True, True], id="the day ahead"),
        pytest.param(local(WEDNESDAY, 9, 10), [False, True], id="9:10, the 9:00 row is past"),
    ],
)
def test_only_free_rows_still_ahead_are_links_to_book(now, bookable):
    grid = build_day(day=WEDNESDAY, zone=LONDON, step=STEP, columns=[column()], now=now)
    assert [row.cells[0].bookable for row in grid.rows[:2]] == bookable  # type: ignore[union-attr]
    assert [row.is_now for row in grid.rows[:2]] == [now != BEFORE, False]
    assert grid.rows[0].cells[0].start == local(WEDNESDAY, 9)  # type: ignore[union-attr]


def test_time_off_is_shaded_and_not_bookable():
    away = Interval(local(WEDNESDAY, 11), local(WEDNESDAY, 12))
    grid = build_day(
        day=WEDNESDAY, zone=LONDON, step=STEP, columns=[column(time_off=(away,))], now=BEFORE
    )
    assert kinds(grid)[8:12] == [CellKind.TIME_OFF] * 4


def test_overlapping_sessions_share_one_block_so_neither_is_hidden():
    clash = (session(1, local(WEDNESDAY, 9)), session(2, local(WEDNESDAY, 9, 30)))
    grid = build_day(
        day=WEDNESDAY, zone=LONDON, step=STEP, columns=[column(sessions=clash)], now=BEFORE
    )
    block = grid.rows[0].cells[0]
    assert block is not None and block.rowspan == 6
    assert [b.session.booking_id for b in block.blocks] == [1, 2]


def test_a_day_nobody_works_reads_as_one_day_off_cell_over_office_hours():
    grid = build_day(
        day=WEDNESDAY, zone=LONDON, step=STEP, columns=[column(working_hours=())], now=BEFORE
    )
    assert (grid.rows[0].label, grid.rows[-1].label) == ("09:00", "16:45")
    first, *rest = kinds(grid)
    assert first == CellKind.DAY_OFF and set(rest) == {None}
    assert grid.rows[0].cells[0].rowspan == len(grid.rows)  # type: ignore[union-attr]
    assert not grid.anyone_working


def test_one_therapist_off_is_a_day_off_column_beside_a_working_one():
    grid = build_day(
        day=WEDNESDAY,
        zone=LONDON,
        step=STEP,
        columns=[column(1), column(2, working_hours=())],
        now=BEFORE,
    )
    assert kinds(grid, 1)[0] == CellKind.DAY_OFF
    assert kinds(grid, 0)[0] == CellKind.FREE
    assert grid.anyone_working


def test_the_gap_between_two_working_ranges_is_a_break_not_closed():
    grid = build_day(
        day=WEDNESDAY,
        zone=LONDON,
        step=STEP,
        columns=[column(working_hours=((time(9), time(10)), (time(11), time(12))))],
        now=BEFORE,
    )
    labels = {row.label: row.cells[0].kind for row in grid.rows if row.cells[0]}
    assert labels["09:45"] == CellKind.FREE
    assert labels["10:00"] == labels["10:45"] == CellKind.BREAK
    assert labels["11:00"] == CellKind.FREE


@pytest.mark.parametrize(
    ("day", "rows", "first_labels_after_one"),
    [
        pytest.param(
            SPRING_FORWARD, 12, ["00:45 GMT", "02:00 BST", "02:15 BST"], id="spring: 3 hours"
        ),
        pytest.param(
            FALL_BACK,
            20,
            ["00:45 BST", "01:00 BST", "01:15 BST", "01:30 BST", "01:45 BST", "01:00 GMT"],
            id="autumn: 5 hours",
        ),
    ],
)
def test_the_clock_change_days_have_the_rows_that_really_exist(day, rows, first_labels_after_one):
    night = column(working_hours=((time(0), time(4)),))
    grid = build_day(day=day, zone=LONDON, step=STEP, columns=[night], now=BEFORE)
    labels = [row.label for row in grid.rows]
    assert grid.clock_change
    assert len(labels) == rows
    assert len(set(labels)) == rows
    assert labels[3 : 3 + len(first_labels_after_one)] == first_labels_after_one
    starts = [row.start for row in grid.rows]
    assert all(b - a == STEP for a, b in pairwise(starts))


def test_the_second_half_past_one_of_autumn_sits_in_its_own_row():
    night = column(
        working_hours=((time(0), time(4)),),
        sessions=(session(5, local(FALL_BACK, 1, 30, fold=1), minutes=30),),
    )
    grid = build_day(day=FALL_BACK, zone=LONDON, step=STEP, columns=[night], now=BEFORE)
    row = next(r for r in grid.rows if r.cells[0] is not None and r.cells[0].kind == "session")
    assert row.label == "01:30 GMT"
    assert row.cells[0].blocks[0].when == "01:30 GMT to 02:00 GMT"  # type: ignore[union-attr]
    [(_, listed)] = grid.lists
    assert [b.session.booking_id for b in listed] == [5]


def test_the_narrow_list_holds_each_therapists_sessions_in_order():
    grid = build_day(
        day=WEDNESDAY,
        zone=LONDON,
        step=STEP,
        columns=[
            column(
                1,
                sessions=(session(2, local(WEDNESDAY, 11)), session(1, local(WEDNESDAY, 9))),
            ),
            column(2),
        ],
        now=BEFORE,
    )
    assert [[b.session.booking_id for b in blocks] for _, blocks in grid.lists] == [[1, 2], []]
