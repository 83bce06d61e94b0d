"""The admin's booking list: its filters, the phone search and the "needs attention" mark."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.http import HttpRequest
from django.utils import timezone

from bookings.messaging import phones
from bookings.models import BookingStatus
from bookings.scheduling import availability, selectors

# Phone numbers: digits, spaces and the punctuation people type between them.
PHONE_LIKE = re.compile(r"\+?[\d\s().\-/]+")
PHONE_PUNCTUATION = (" ", "-", "(", ")", ".", "/", "+")
# Fewer digits than this is more likely part of something else than a phone number.
MIN_PHONE_DIGITS = 4


def phone_digits_of(term: str) -> str | None:
    """The digits of a search that looks like (part of) a phone number, else None."""
    if not PHONE_LIKE.fullmatch(term):
        return None
    digits = re.sub(r"\D", "", term)
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


_Rows = TypeVar("_Rows", bound=QuerySet[Any])


def with_phone_digits(
    queryset: _Rows, digits: str, *more: str, field: str = "client_phone"
) -> _Rows:
    """Bookings whose phone holds `digits`, whatever spaces and punctuation were stored.

    Computed in the query (nested REPLACE, the same SQL on SQLite and PostgreSQL)
    rather than kept in a second column: no copy of the number to fill, migrate and
    erase with the client's data, and the list is a clinic's, thousands of rows.
    """
    stripped: Any = F(field)
    for mark in PHONE_PUNCTUATION:
        stripped = Replace(stripped, Value(mark), Value(""))
    wanted = Q()
    for option in (digits, *more):
        wanted |= Q(phone_digits__contains=option)
    return queryset.alias(phone_digits=stripped).filter(wanted)


def phone_search(queryset: _Rows, term: str) -> _Rows | None:
    """Bookings whose phone matches a search that looks like a phone number, else None.

    Numbers are stored in E.164 ("+447700900123") while staff type them as the client
    says them ("07700 900123"): a full number is also looked up in E.164.
    """
    digits = phone_digits_of(term)
    if digits is None:
        return None
    e164 = phones.to_e164(term)
    if e164 is not None and e164[1:] != digits:
        return with_phone_digits(queryset, digits, e164[1:])
    return with_phone_digits(queryset, digits)


# "Needs attention": computed once per list page, however many rows ask.

ATTENTION_AHEAD = timedelta(days=400)
_page_attention: ContextVar[dict[str, frozenset[int]] | None] = ContextVar(
    "booking_list_attention", default=None
)


@contextmanager
def attention_for_this_page() -> Iterator[None]:
    token = _page_attention.set({})
    try:
        yield
    finally:
        _page_attention.reset(token)


def needing_attention() -> frozenset[int]:
    """Upcoming bookings their therapist's schedule no longer holds (see selectors)."""
    page = _page_attention.get()
    if page is not None and "ids" in page:
        return page["ids"]
    now = timezone.now()
    found = frozenset(selectors.bookings_needing_attention(now, now + ATTENTION_AHEAD))
    if page is not None:
        page["ids"] = found
    return found


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Needs attention")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(pk__in=needing_attention())
        return queryset


class DefaultingFilter(admin.SimpleListFilter):
    """A filter that applies its first choice when none is asked for, with "All" last."""

    default: str

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        # A search looks everywhere unless a choice was made: the client on the phone
        # may be asking about last month's session.
        self.searching = bool(request.GET.get("q", "").strip())

    def selected(self) -> str:
        value = self.value()
        known = {lookup for lookup, _ in self.lookup_choices}
        if value in known:
            return value
        return "all" if self.searching else self.default

    def choices(self, changelist: Any) -> Iterator[Any]:
        current = self.selected()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


def _midnight(day: date) -> datetime:
    return availability.wall_to_utc(day, time(0), selectors.clinic_zone())


class WhenFilter(DefaultingFilter):
    title = "when"
    parameter_name = "when"
    default = "upcoming"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("upcoming", "Upcoming"),
            ("today", "Today"),
            ("tomorrow", "Tomorrow"),
            ("week", "Next 7 days"),
            ("past", "Past"),
            ("all", "All"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        today = now.astimezone(selectors.clinic_zone()).date()
        match self.selected():
            case "upcoming":
                # A session under way is still today's business.
                return queryset.filter(end__gt=now)
            case "today":
                return queryset.filter(
                    start__gte=_midnight(today), start__lt=_midnight(today + timedelta(days=1))
                )
            case "tomorrow":
                return queryset.filter(
                    start__gte=_midnight(today + timedelta(days=1)),
                    start__lt=_midnight(today + timedelta(days=2)),
                )
            case "week":
                return queryset.filter(
                    start__gte=_midnight(today), start__lt=_midnight(today + timedelta(days=7))
                )
            case "past":
                return queryset.filter(start__lt=now)
        return queryset


class StatusFilter(DefaultingFilter):
    title = "status"
    parameter_name = "status"
    default = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("active", "Active (not cancelled)"),
            *((str(value), str(label)) for value, label in BookingStatus.choices),
            ("all", "All"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        selected = self.selected()
        if selected == "active":
            return queryset.exclude(status=BookingStatus.CANCELLED)
        if selected in BookingStatus.values:
            return queryset.filter(status=selected)
        return queryset
