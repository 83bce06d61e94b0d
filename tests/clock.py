"""The suite's fixed moment: the `clock` fixture stops there; tests and factories read it."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

# Monday 2 March 2026, 08:00 in London (GMT). Bookable days start at today.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
CLINIC_ZONE = ZoneInfo("Europe/London")


def clinic_time(day: datetime, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` on the clinic's calendar day of `day`, in UTC."""
    local_day = day.astimezone(CLINIC_ZONE).date()
    return datetime.combine(local_day, time(hour, minute), CLINIC_ZONE).astimezone(UTC)
