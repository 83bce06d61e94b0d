"""Every GET parameter that carries a day or a time, public and staff, over years 1 to
9999: never a 5xx. A day far outside the site's years is a day it does not understand
(availability.day_in_range), not an OverflowError in the arithmetic that follows."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.models import Booking
from tests.factories import BookingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.security]

FIRST_DAY, LAST_DAY = date(1, 1, 1), date(9999, 12, 31)
ZONES = [UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))]

days = st.one_of(
    st.sampled_from([FIRST_DAY, LAST_DAY, date(1999, 12, 31), date(2101, 1, 1)]),
    st.dates(min_value=FIRST_DAY, max_value=LAST_DAY),
).map(date.isoformat)
times = st.one_of(
    st.sampled_from(
        [
            datetime.min.replace(tzinfo=UTC),
            datetime.max.replace(tzinfo=UTC),
            datetime(1, 1, 1, tzinfo=ZONES[1]),
            datetime(9999, 12, 31, 23, 59, tzinfo=ZONES[2]),
        ]
    ),
    st.datetimes(
        min_value=datetime(1, 1, 2),  # noqa: DTZ001 (hypothesis adds the zone)
        max_value=datetime(9999, 12, 30),  # noqa: DTZ001
        timezones=st.sampled_from(ZONES),
    ),
).map(lambda t: t.isoformat(timespec="minutes"))


@pytest.fixture
def pages(clinic_rules, therapist, screened_client, superuser, settings):
    """(browser, URL, the parameters it takes a day or a time in) for every such page."""
    settings.RATELIMIT_ENABLE = False
    booking: Booking = BookingFactory(therapist=therapist)
    staff = Client(raise_request_exception=False)
    staff.force_login(superuser)
    screened_client.raise_request_exception = False
    book = reverse("bookings:book", args=["swedish"])
    admin = "/admin/bookings/"
    return [
        (screened_client, book, {"length": "60", "therapist": "any"}, "day", "start"),
        (screened_client, reverse("bookings:waitlist_join", args=["swedish"]), {}, "day", None),
        (
            screened_client,
            reverse("bookings:manage_reschedule", args=[booking.manage_token]),
            {},
            "day",
            None,
        ),
        (staff, f"{admin}booking/day/", {}, "date", None),
        (staff, f"{admin}booking/schedule/", {}, "week", None),
        (staff, f"{admin}booking/week-report/", {}, "week", None),
        (staff, f"{admin}booking/week-report/", {"format": "csv"}, "week", None),
        (staff, f"{admin}booking/add/", {}, "date", "start"),
        (staff, f"{admin}booking/{booking.pk}/move/", {}, "date", "start"),
    ]


def _get_all(pages, day: str, time: str) -> None:
    for browser, url, fixed, day_name, time_name in pages:
        asked = fixed | {day_name: day}
        response = browser.get(url, asked)
        assert response.status_code < 500, (url, asked, response.status_code)
        if time_name:
            asked = fixed | {time_name: time}
            response = browser.get(url, asked)
            assert response.status_code < 500, (url, asked, response.status_code)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_first_and_last_days_of_the_calendar_never_give_an_error_page(pages, day):
    _get_all(pages, day, f"{day}T00:00+14:00")


# Each example asks every page twice: fewer examples than the house's 100 under CI.
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(day=days, time=times)
def test_any_day_or_time_in_years_1_to_9999_never_gives_an_error_page(pages, day, time):
    _get_all(pages, day, time)


@pytest.mark.parametrize(("path", "field"), [("timeoff", "start"), ("clinicclosure", "start_date")])
@pytest.mark.parametrize(
    "when", [(9999, 12, 31), (9999, 12, None), (9999, None, None), (1, 1, 1), (0, 1, 1)]
)
def test_the_admin_date_drill_down_never_gives_an_error_page(superuser, path, field, when):
    staff = Client(raise_request_exception=False)
    staff.force_login(superuser)
    asked = {
        f"{field}__{part}": value
        for part, value in zip(("year", "month", "day"), when, strict=True)
        if value is not None
    }
    response = staff.get(f"/admin/bookings/{path}/", asked)
    assert response.status_code < 500, (path, asked, response.status_code)
