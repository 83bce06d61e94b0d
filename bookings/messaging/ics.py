"""Calendar files (iCalendar, RFC 5545) for booking emails and therapists' feeds.

Pure: plain values in, bytes out. Times are written in UTC so every calendar
shows them correctly in its own zone, DST included.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Backcare Massage Clinic//Bookings//EN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    # Raised on every change so calendars replace their copy instead of keeping two.
    sequence: int = 0
    cancelled: bool = False
    organizer_email: str = ""
    attendee_email: str = ""


def calendar_file(
    events: Iterable[CalendarEvent],
    *,
    now: datetime,
    method: str | None = None,
    name: str = "",
) -> bytes:
    """An .ics file. `method` is REQUEST or CANCEL for email invitations, None for feeds."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for item in events:
        calendar.add_component(_event(item, now=now))
    # icalendar leaves to_ical() unannotated; it returns the file's bytes.
    ical: bytes = calendar.to_ical()
    return ical


def _event(item: CalendarEvent, *, now: datetime) -> Event:
    if item.start.tzinfo is None or item.end.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", item.start.astimezone(UTC))
    event.add("dtend", item.end.astimezone(UTC))
    event.add("summary", item.summary)
    event.add("sequence", item.sequence)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    if item.organizer_email:
        organizer = vCalAddress(f"mailto:{item.organizer_email}")
        event.add("organizer", organizer)
    if item.attendee_email:
        attendee = vCalAddress(f"mailto:{item.attendee_email}")
        attendee.params["role"] = "REQ-PARTICIPANT"
        event.add("attendee", attendee)
    return event
