"""How staff screens show a moment, a day, a span, a length, a phone and an amount.

One format each, everywhere: "Tue 8 Dec 2026, 10:00"; a day "Tue 8 Dec 2026"; a span on
one day "Tue 8 Dec 2026, 10:00 to 11:00"; days "Mon 28 Dec to Thu 31 Dec 2026" (one day
shown once; "to", as the day and week views and the emails say it); times without
seconds; "45 min"; phones as dialled at home ("07700 900105"). The admin's own columns
and read-only fields get the same formats from settings (DATE_FORMAT...), handed back by
clinic/formats over the locale's.
"""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.utils import dateformat, formats
from django.utils.html import format_html
from django.utils.safestring import SafeString

DAY_WITHOUT_YEAR = "D j M"
NBSP = "\u00a0"


def clinic_datetime(value: datetime | None, zone: ZoneInfo) -> str:
    """`value` in the clinic's zone, in DATETIME_FORMAT ("Tue 3 Mar 2026, 10:00").

    On a clock-change day the zone's abbreviation follows, so the two 01:30s of the
    autumn change read "01:30 BST" and "01:30 GMT" (Django's "T" leaves them blank).
    """
    if value is None:
        return ""
    local = value.astimezone(zone)
    shown = dateformat.format(local, settings.DATETIME_FORMAT)
    return f"{shown}{_zone_on_change_days(local, zone)}"


def clinic_date(value: date | datetime | None, zone: ZoneInfo) -> str:
    """The day, in DATE_FORMAT ("Tue 8 Dec 2026"); a moment is first put in the zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(zone).date()
    return dateformat.format(value, settings.DATE_FORMAT)


def clinic_time(value: datetime | time | None, zone: ZoneInfo) -> str:
    """The wall-clock time, in TIME_FORMAT ("10:00"); never seconds."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(zone)
        shown = dateformat.time_format(local.time(), settings.TIME_FORMAT)
        return f"{shown}{_zone_on_change_days(local, zone)}"
    return dateformat.time_format(value, settings.TIME_FORMAT)


def clinic_span(start: datetime | None, end: datetime | None, zone: ZoneInfo) -> str:
    """From `start` to `end`: the day once when both fall on it ("Tue 8 Dec 2026,
    10:00 to 11:00"), both moments in full when they do not."""
    if start is None:
        return ""
    if end is None:
        return clinic_datetime(start, zone)
    first, last = start.astimezone(zone), end.astimezone(zone)
    if first.date() == last.date():
        return f"{clinic_date(first, zone)}, {clinic_time(start, zone)} to {clinic_time(end, zone)}"
    return f"{clinic_datetime(start, zone)} to {clinic_datetime(end, zone)}"


def clinic_days(first: date | None, last: date | None) -> str:
    """The days from `first` to `last`, both included: one day once ("Mon 28 Dec 2026"),
    the year once when both share it ("Mon 28 Dec to Thu 31 Dec 2026")."""
    if first is None:
        return ""
    if last is None or last == first:
        return dateformat.format(first, settings.DATE_FORMAT)
    last_shown = dateformat.format(last, settings.DATE_FORMAT)
    if first.year == last.year:
        return f"{dateformat.format(first, DAY_WITHOUT_YEAR)} to {last_shown}"
    return f"{dateformat.format(first, settings.DATE_FORMAT)} to {last_shown}"


def date_input_format() -> str:
    """How staff type a day: the clinic's locale's first input format ("%d/%m/%Y")."""
    shown: str = formats.get_format("DATE_INPUT_FORMATS")[0]
    return shown


def date_input_hint() -> str:
    """That format as a hint in a field: "dd/mm/yyyy"."""
    hints = {"%d": "dd", "%m": "mm", "%Y": "yyyy", "%y": "yy"}
    shown = date_input_format()
    for code, hint in hints.items():
        shown = shown.replace(code, hint)
    return shown


def minutes(value: int | None) -> str:
    """A length of time: "45 min"."""
    if value is None:
        return ""
    return f"{value} min"


def _zone_on_change_days(local: datetime, zone: ZoneInfo) -> str:
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, fold=0)
    if midnight.utcoffset() != local.utcoffset() or _offset_changes_after(local, zone):
        return f" {local:%Z}"
    return ""


def _offset_changes_after(local: datetime, zone: ZoneInfo) -> bool:
    end_of_day = local.replace(hour=23, minute=59, second=0, microsecond=0, fold=1)
    return end_of_day.astimezone(zone).utcoffset() != local.utcoffset()


def national_phone(e164: str | None) -> str:
    """A stored number as the clinic's staff dial it ("07700 900105"); a number from
    abroad in international form ("+33 6 12 34 56 78"); what cannot be read, as stored."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        return e164
    # By country code, not region: Ofcom's drama range (07700 900xxx) belongs to no region.
    if number.country_code == phonenumbers.country_code_for_region(settings.PHONE_REGION):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_link(e164: str | None) -> SafeString | str:
    """The number in national form, in a tel: link that dials the stored E.164; kept on
    one line in a narrow column."""
    if not e164:
        return ""
    return format_html('<a href="tel:{}">{}</a>', e164, national_phone(e164).replace(" ", NBSP))


class StaffMember(Protocol):
    def get_full_name(self) -> str: ...
    def get_username(self) -> str: ...


def staff_name(user: StaffMember | None) -> str:
    """A staff member by name ("Anna Kowalski"), their login only when they gave none."""
    if user is None:
        return "a former staff member"
    return user.get_full_name() or user.get_username()


def money(amount: Decimal | None) -> str:
    """An amount with the clinic's currency symbol: "£60.00", "£1,520.00"."""
    if amount is None:
        return ""
    return f"{settings.CLINIC_CURRENCY_SYMBOL}{amount:,.2f}"
