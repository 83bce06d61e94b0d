"""The staff's formats as template filters: `{{ booking.start|clinic_datetime }}`,
`{{ start|clinic_span:end }}`, `{{ first|clinic_days:last }}`, `{{ phone|phone }}`.
Each hands its value to clinic/display.py with the clinic's zone."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils.safestring import SafeString

from clinic import display

register = template.Library()


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@register.filter
def clinic_datetime(value: datetime | None) -> str:
    return display.clinic_datetime(value, _zone())


@register.filter
def clinic_date(value: date | datetime | None) -> str:
    return display.clinic_date(value, _zone())


@register.filter
def clinic_time(value: datetime | time | None) -> str:
    return display.clinic_time(value, _zone())


@register.filter
def clinic_span(start: datetime | None, end: datetime | None) -> str:
    return display.clinic_span(start, end, _zone())


@register.filter
def clinic_days(first: date | None, last: date | None) -> str:
    return display.clinic_days(first, last)


@register.filter
def date_input(value: date | None) -> str:
    """A day as a date field shows it, in the clinic's order: "08/12/2026"."""
    return value.strftime(display.date_input_format()) if value else ""


@register.simple_tag
def date_input_hint() -> str:
    return display.date_input_hint()


@register.filter
def minutes(value: int | None) -> str:
    return display.minutes(value)


@register.filter
def phone(value: str | None) -> SafeString | str:
    """In a table: a link that dials. In a sentence, use phone_number (a link there
    would need an underline to stand out from the words around it)."""
    return display.phone_link(value)


@register.filter
def phone_number(value: str | None) -> str:
    return display.national_phone(value)


@register.filter
def money(value: Decimal | None) -> str:
    return display.money(value)
