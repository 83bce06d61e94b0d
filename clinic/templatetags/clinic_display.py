from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings

from clinic import display

register = template.Library()


@register.filter
def clinic_datetime(value: datetime | None) -> str:
    return display.clinic_datetime(value, ZoneInfo(settings.TIME_ZONE))


@register.filter
def money(value: Decimal | None) -> str:
    return display.money(value)
