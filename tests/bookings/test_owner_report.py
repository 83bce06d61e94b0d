"""The owner's weekly report: the pure figures on a fixed week, then the admin page,
its CSV and its query count."""

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from bookings.frontdesk.owner_report import ReportSession, therapist_week, week_report
from bookings.scheduling.availability import Interval, TherapistSchedule
from tests.factories import BookingFactory, TherapistFactory, TimeOffFactory

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 3, 2)
WEEK = [MONDAY + timedelta(days=n) for n in range(7)]
# Monday 16:00: Monday's sessions are over, Thursday's to come.
AT = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2 + day, hour, minute, tzinfo=UTC)


# Weekdays 09:00-13:00 and 14:00-17:00 (7 hours); Tuesday morning off, Wednesday closed.
SCHEDULE = TherapistSchedule(
    therapist_id=1,
    working_hours={d: [(time(9), time(13)), (time(14), time(17))] for d in range(5)},
    time_off=(Interval(at(1, 9), at(1, 13)), Interval(at(2, 0), at(3, 0))),
)


def session(status: str, day: int, hour: float, minutes: int = 60, price: str = "60.00"):
    start = at(day, int(hour), int(hour % 1 * 60))
    return ReportSession(1, start, start + timedelta(minutes=minutes), status, Decimal(price))


@pytest.mark.parametrize(
    ("what", "sessions", "expected"),
    [
        ("nothing booked", [], (0, 0, 0, 0, "0.00")),
        (
            "completed: counted, booked, taken",
            [session("completed", 0, 10)],
            (1, 60, 0, 0, "60.00"),
        ),
        ("confirmed and over: taken", [session("confirmed", 0, 14)], (1, 60, 0, 0, "60.00")),
        (
            "confirmed to come: not yet taken",
            [session("confirmed", 3, 10, 30, "40.00")],
            (1, 30, 0, 0, "0.00"),
        ),
        ("no-show: time held, nothing taken", [session("no_show", 0, 11)], (0, 60, 0, 1, "0.00")),
        ("cancelled: counted apart", [session("cancelled", 4, 10)], (0, 0, 1, 0, "0.00")),
        (
            "over lunch: only the working part",
            [session("confirmed", 4, 12.5, 60)],
            (1, 30, 0, 0, "0.00"),
        ),
        (
            "on time off: no working time booked",
            [session("completed", 1, 10)],
            (1, 0, 0, 0, "60.00"),
        ),
    ],
)
def test_each_kind_of_session_counts_as_the_owner_expects(what, sessions, expected):
    row = therapist_week("Anna", SCHEDULE, sessions, WEEK, LONDON, AT)

    assert (
        row.sessions,
        row.booked_minutes,
        row.cancellations,
        row.no_shows,
        f"{row.takings:.2f}",
    ) == expected


def test_working_time_leaves_out_time_off_and_closures():
    row = therapist_week("Anna", SCHEDULE, [], WEEK, LONDON, AT)
    # 5 days of 7 hours, less Tuesday's 4 hours off and closed Wednesday's 7.
    assert row.working_minutes == (35 - 4 - 7) * 60
    assert row.share_booked == Decimal(0)


def test_the_fixed_week_adds_up_per_therapist_and_in_total():
    sessions = [
        session("completed", 0, 10),
        session("confirmed", 0, 14),
        session("no_show", 0, 11),
        session("confirmed", 3, 10, 30, "40.00"),
        session("cancelled", 4, 10),
        session("confirmed", 4, 12.5),
    ]
    idle = TherapistSchedule(therapist_id=2, working_hours={})

    rows, total = week_report({1: "Anna", 2: "Ben"}, [SCHEDULE, idle], sessions, WEEK, LONDON, AT)

    anna, ben = rows
    assert (anna.sessions, anna.booked_minutes, anna.working_minutes) == (4, 240, 1440)
    assert anna.share_booked == Decimal(1) / Decimal(6)
    assert (anna.cancellations, anna.no_shows, anna.takings) == (1, 1, Decimal("120.00"))
    assert ben.share_booked is None and ben.sessions == 0
    assert (total.sessions, total.booked_minutes, total.takings) == (4, 240, Decimal("120.00"))


# The admin page

REPORT_URL = reverse("admin:bookings_booking_week_report")


@pytest.fixture
def week(db, clock, therapist, other_therapist):
    """Anna: one completed session and a no-show on Monday; Ben: one cancelled."""
    clock.move_to(datetime(2026, 3, 2, 17, 0, tzinfo=UTC), tick=False)
    BookingFactory(therapist=therapist, start=at(0, 9), status="completed")
    BookingFactory(therapist=therapist, start=at(0, 11), status="no_show")
    BookingFactory(therapist=other_therapist, start=at(1, 10), status="cancelled")
    BookingFactory(therapist=therapist, start=at(7, 10))  # next week


def test_front_desk_reads_the_weeks_figures_with_the_currency(client, front_desk_user, week):
    client.force_login(front_desk_user)
    response = client.get(REPORT_URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Week of Mon 2 Mar 2026" in html
    anna = html.split('<th scope="row">Anna K.</th>')[1].split("</tr>")[0]
    # Weekdays with lunch: 9:00-13:00 and 14:00-17:00, Monday to Saturday: 42 hours.
    assert [c.strip("</td> \n") for c in anna.split("<td>")[1:]] == [
        "1",
        "2.0",
        "42.0",
        "5%",
        "0",
        "1",
        "£0.00",
        "£0.00",
        "£0.00",
        "£60.00",
    ]
    assert "?week=2026-02-23" in html and "?week=2026-03-09" in html


def test_the_csv_holds_the_same_figures_as_an_attachment(client, front_desk_user, week):
    client.force_login(front_desk_user)
    response = client.get(REPORT_URL, {"week": "2026-03-04", "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="week-report-2026-03-02.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][-4:] == [
        "Paid by card (£)",
        "Refunded (£)",
        "Fees (£)",
        "At the clinic, list price (£)",
    ]
    assert rows[1:] == [
        ["Anna K.", "1", "2.0", "42.0", "5%", "0", "1", "0.00", "0.00", "0.00", "60.00"],
        ["Ben M.", "0", "0.0", "42.0", "0%", "1", "0", "0.00", "0.00", "0.00", "0.00"],
        ["All therapists", "1", "2.0", "84.0", "2%", "1", "1", "0.00", "0.00", "0.00", "60.00"],
    ]


def test_another_week_and_a_week_that_cannot_be_read(client, front_desk_user, week):
    client.force_login(front_desk_user)
    assert (
        "Week of Mon 9 Mar 2026" in client.get(REPORT_URL, {"week": "2026-03-12"}).content.decode()
    )
    html = client.get(REPORT_URL, {"week": "the 5th"}).content.decode()
    assert "could not be read" in html and "Week of Mon 2 Mar 2026" in html


@pytest.mark.parametrize("who", ["therapist_user", "content_editor", "clinical_lead"])
def test_only_front_desk_and_superusers_read_the_report(client, request, who, therapist):
    client.force_login(request.getfixturevalue(who))
    assert client.get(REPORT_URL).status_code == 403
    assert client.get(REPORT_URL, {"format": "csv"}).status_code == 403


def test_the_report_costs_the_same_queries_for_2_or_8_therapists(
    client, superuser, now, django_assert_num_queries
):
    client.force_login(superuser)
    for n in range(2):
        BookingFactory(therapist=TherapistFactory(works_weekdays=True), start=at(1, 10 + n))
    client.get(REPORT_URL)
    with django_assert_num_queries(REPORT_QUERIES):
        client.get(REPORT_URL)
    for _ in range(6):
        therapist = TherapistFactory(works_weekdays=True)
        BookingFactory(therapist=therapist, start=at(2, 10), status="completed")
        TimeOffFactory(therapist=therapist)
    with django_assert_num_queries(REPORT_QUERIES):
        client.get(REPORT_URL)


# Session and user (2), staff scope (2), the week's sessions, the therapists,
# schedules_between (1), the admin's sidebar asking whether clinic rules exist (1), the
# week's card money (1).
REPORT_QUERIES = 8


def test_card_money_is_apart_and_the_clinic_takes_only_what_is_left():
    deposit = replace(session("completed", 2, 10), card=Decimal("20.00"))
    kept = replace(session("cancelled", 3, 10), card=Decimal("20.00"))
    refunded = replace(
        session("cancelled", 4, 10), card=Decimal("20.00"), refunded=Decimal("20.00")
    )
    fee = replace(session("no_show", 5, 10), fees=Decimal("30.00"))
    row = therapist_week("Anna", SCHEDULE, [deposit, kept, refunded, fee], WEEK, LONDON, AT)
    assert (row.card, row.refunded, row.fees, row.takings) == (
        Decimal("60.00"),
        Decimal("20.00"),
        Decimal("30.00"),
        Decimal("40.00"),
    )
