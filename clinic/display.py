"""How staff screens show a moment and an amount: one format each, everywhere."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat


def clinic_datetime(value: datetime | None, zone: ZoneInfo) -> str:
    """`value` in the clinic's zone, in DATETIME_FORMAT ("Tue 3 Mar 2026, 10:00").

    On a clock-change day the zone's abbreviation follows, so the two 01:30s of the
    autumn change read "01:30 BST" and "01:30 GMT" (Django's "T" leaves them blank).
    """
    if value is None:
        return ""
    local = value.astimezone(zone)
    shown = dateformat.format(local, settings.DATETIME_FORMAT)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, fold=0)
    if midnight.utcoffset() != local.utcoffset() or _offset_changes_after(local, zone):
        return f"{shown} {local:%Z}"
    return shown


def _offset_changes_after(local: datetime, zone: ZoneInfo) -> bool:
    end_of_day = local.replace(hour=23, minute=59, second=0, microsecond=0, fold=1)
    return end_of_day.astimezone(zone).utcoffset() != local.utcoffset()


def money(amount: Decimal | None) -> str:
    """An amount with the clinic's currency symbol: "£60.00", "£1,520.00"."""
    if amount is None:
        return ""
    return f"{settings.CLINIC_CURRENCY_SYMBOL}{amount:,.2f}"
