from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from clinic.display import (
    clinic_date,
    clinic_datetime,
    clinic_days,
    clinic_span,
    clinic_time,
    minutes,
    money,
    national_phone,
    phone_link,
    staff_name,
)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("60"), "£60.00"),
        (Decimal("1520"), "£1,520.00"),
        (Decimal("1234567.5"), "£1,234,567.50"),
        (Decimal("0"), "£0.00"),
        (None, ""),
    ],
)
def test_money_has_the_currency_two_decimals_and_thousands_separated(settings, amount, shown):
    settings.CLINIC_CURRENCY_SYMBOL = "£"
    assert money(amount) == shown


LONDON = ZoneInfo("Europe/London")


def at(text: str) -> datetime:
    """A London wall-clock time, as the aware UTC moment the database keeps."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2026-12-08 10:00", "2026-12-08 11:00", "Tue 8 Dec 2026, 10:00 to 11:00"),
        # British Summer Time: still the wall clock, not UTC.
        ("2026-07-08 09:30", "2026-07-08 10:15", "Wed 8 Jul 2026, 09:30 to 10:15"),
        ("2026-12-08 16:00", "2026-12-09 09:00", "Tue 8 Dec 2026, 16:00 to Wed 9 Dec 2026, 09:00"),
    ],
)
def test_a_span_shows_its_day_once_when_it_fits_in_one(start, end, shown):
    assert clinic_span(at(start), at(end), LONDON) == shown


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        (date(2026, 12, 28), date(2026, 12, 28), "Mon 28 Dec 2026"),
        (date(2026, 12, 28), None, "Mon 28 Dec 2026"),
        (date(2026, 12, 28), date(2026, 12, 31), "Mon 28 Dec to Thu 31 Dec 2026"),
        (date(2026, 12, 28), date(2027, 1, 1), "Mon 28 Dec 2026 to Fri 1 Jan 2027"),
        (None, None, ""),
    ],
)
def test_days_show_one_day_once_and_the_year_once(first, last, shown):
    assert clinic_days(first, last) == shown


def test_moments_days_and_times_read_in_the_house_format_without_seconds():
    moment = at("2026-12-08 10:00:59")
    assert clinic_datetime(moment, LONDON) == "Tue 8 Dec 2026, 10:00"
    assert clinic_date(moment, LONDON) == "Tue 8 Dec 2026"
    assert clinic_date(date(2026, 12, 8), LONDON) == "Tue 8 Dec 2026"
    assert clinic_time(moment, LONDON) == "10:00"
    assert clinic_time(time(9, 0, 30), LONDON) == "09:00"
    assert minutes(45) == "45 min"


def test_a_moment_late_in_the_evening_is_shown_on_the_clinics_day_not_utcs():
    # 00:30 BST on 1 July is 23:30 UTC on 30 June: the clinic calls it 1 July.
    moment = at("2026-07-01 00:30")
    assert moment.day == 30
    assert clinic_date(moment, LONDON) == "Wed 1 Jul 2026"


def test_on_the_autumn_change_the_two_half_past_ones_say_which_they_are():
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert clinic_time(first, LONDON) == "01:30 BST"
    assert clinic_time(second, LONDON) == "01:30 GMT"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+447700900105", "07700 900105"),
        ("+441174960000", "0117 496 0000"),
        ("+33612345678", "+33 6 12 34 56 78"),
        ("not a number", "not a number"),
        ("", ""),
        (None, ""),
    ],
)
def test_phones_read_as_staff_dial_them(settings, stored, shown):
    settings.PHONE_REGION = "GB"
    assert national_phone(stored) == shown


def test_a_phone_link_dials_the_stored_number_and_shows_the_national_one(settings):
    settings.PHONE_REGION = "GB"
    assert phone_link("+447700900105") == '<a href="tel:+447700900105">07700\u00a0900105</a>'
    assert phone_link("") == ""


def test_staff_are_named_by_their_full_name_and_by_their_login_only_without_one(db):
    named = User(username="anna", first_name="Anna", last_name="Kowalski")
    unnamed = User(username="temp-desk")
    assert staff_name(named) == str(named) == "Anna Kowalski"
    assert staff_name(unnamed) == "temp-desk"
    assert staff_name(None) == "a former staff member"
