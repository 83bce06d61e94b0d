from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bookings.messaging.ics import CalendarEvent, calendar_file

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)


def event(**kwargs: Any) -> CalendarEvent:
    values: dict[str, Any] = {
        "uid": "booking-ABC123@clinic.example",
        "start": datetime(2026, 10, 26, 9, 0, tzinfo=LONDON),
        "end": datetime(2026, 10, 26, 10, 0, tzinfo=LONDON),
        "summary": "Swedish Massage (60 minutes)",
        "location": "12 Harbour Street",
    }
    return CalendarEvent(**(values | kwargs))


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def test_an_invitation_carries_utc_times_and_a_stable_uid():
    calendar = parse(calendar_file([event()], now=NOW, method="REQUEST"))
    assert calendar["method"] == "REQUEST"
    [vevent] = calendar.walk("VEVENT")
    # 09:00 in London the day after the clocks go back is 09:00 UTC.
    assert vevent.decoded("dtstart") == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    assert vevent.decoded("dtend") == datetime(2026, 10, 26, 10, 0, tzinfo=UTC)
    assert str(vevent["uid"]) == "booking-ABC123@clinic.example"
    assert str(vevent["status"]) == "CONFIRMED"
    assert str(vevent["location"]) == "12 Harbour Street"


def test_summer_times_are_converted_to_utc():
    start = datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)
    data = calendar_file([event(start=start, end=start.replace(hour=10))], now=NOW)
    [vevent] = parse(data).walk("VEVENT")
    assert vevent.decoded("dtstart") == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert b"DTSTART:20260701T080000Z" in data


def test_a_cancellation_reuses_the_uid_with_method_cancel():
    data = calendar_file([event(cancelled=True, sequence=1)], now=NOW, method="CANCEL")
    calendar = parse(data)
    assert calendar["method"] == "CANCEL"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["uid"]) == "booking-ABC123@clinic.example"
    assert str(vevent["status"]) == "CANCELLED"
    assert vevent["sequence"] == 1


def test_a_feed_has_no_method_and_many_events():
    events = [event(uid=f"b{i}@clinic.example") for i in range(3)]
    calendar = parse(calendar_file(events, now=NOW, name="Anna's bookings"))
    assert "method" not in calendar
    assert str(calendar["x-wr-calname"]) == "Anna's bookings"
    assert [str(e["uid"]) for e in calendar.walk("VEVENT")] == [
        "b0@clinic.example",
        "b1@clinic.example",
        "b2@clinic.example",
    ]


def test_organizer_and_attendee_are_mail_addresses():
    data = calendar_file(
        [event(organizer_email="hello@clinic.example", attendee_email="sam@example.com")],
        now=NOW,
        method="REQUEST",
    )
    [vevent] = parse(data).walk("VEVENT")
    assert str(vevent["organizer"]) == "mailto:hello@clinic.example"
    assert str(vevent["attendee"]) == "mailto:sam@example.com"


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar_file([event(start=datetime(2026, 1, 1, 9, 0))], now=NOW)  # noqa: DTZ001
