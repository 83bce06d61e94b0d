from datetime import date

import pytest

from bookings.demo.closures import bank_holidays


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (
            date(2026, 12, 20),
            date(2027, 1, 4),
            [
                (date(2026, 12, 25), "Christmas Day"),
                (date(2026, 12, 26), "Boxing Day"),
                (date(2026, 12, 28), "Boxing Day (observed)"),
                (date(2027, 1, 1), "New Year's Day"),
            ],
        ),
        (date(2026, 12, 26), date(2026, 12, 26), [(date(2026, 12, 26), "Boxing Day")]),
        (date(2026, 11, 2), date(2026, 11, 30), []),
    ],
)
def test_bank_holidays_lists_each_holiday_in_the_range_with_its_name(first, last, expected):
    assert bank_holidays(first, last) == expected


def test_bank_holidays_follow_the_subdivision_asked_for():
    # St Andrew's Day is a bank holiday in Scotland, not in England.
    scotland = bank_holidays(date(2026, 11, 30), date(2026, 11, 30), subdivision="SCT")
    assert scotland == [(date(2026, 11, 30), "Saint Andrew's Day")]
    assert bank_holidays(date(2026, 11, 30), date(2026, 11, 30)) == []
