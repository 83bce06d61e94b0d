"""Protection for the public forms against bots and floods."""

import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple

from crispy_forms.layout import Div
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

logger = logging.getLogger(__name__)


class Rate(NamedTuple):
    limit: int
    seconds: int


_RATE = re.compile(r"(?P<count>\d+)/(?P<multiple>\d*)(?P<unit>[smhd]?)")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def parse_rate(rate: str) -> Rate:
    """`10/m`, `100/5m`, `3/h`: posts allowed per window, read as django-ratelimit reads
    them. Anything it would half-read (`10/M` is 10 a second there) is refused here."""
    match = _RATE.fullmatch(rate)
    if match is None:
        raise ValueError(f"Not a rate like 10/m, 100/5m or 3/h: {rate!r}")
    seconds = _UNIT_SECONDS[match["unit"]] * int(match["multiple"] or 1)
    if seconds <= 0:
        raise ValueError(f"A rate's window must be longer than zero: {rate!r}")
    return Rate(limit=int(match["count"]), seconds=seconds)


def _form_rate(group: str, request: HttpRequest) -> str:
    rate: str = settings.FORM_RATE_LIMIT
    return rate


def _browser_rate(group: str, request: HttpRequest) -> str:
    rate: str = settings.FORM_RATE_LIMIT_BROWSER
    return rate


def browser_key(group: str, request: HttpRequest) -> str:
    """The browser a post comes from: its session cookie, else its CSRF cookie (every
    form post carries one). Empty for a client that keeps neither: then only the
    address counts. The limiter hashes the value into its cache key."""
    value = request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get(
        settings.CSRF_COOKIE_NAME, ""
    )
    return f"browser:{value}" if value else ""


def form_rate_window() -> int:
    """The limiter's window in seconds (3600 for `30/h`)."""
    return parse_rate(settings.FORM_RATE_LIMIT).seconds


class FormPostsLimited(Ratelimited):
    """Over the form rate limit, with the seconds until the limiter's window ends."""

    def __init__(self, seconds_left: int) -> None:
        super().__init__()
        self.seconds_left = seconds_left


def _seconds_limited(request: HttpRequest, group: str) -> int | None:
    """Seconds until the post may be sent again, or None to let it through: each post
    counts once for its address and once for its browser, each against its own rate."""
    counts: list[tuple[Any, Any]] = [("ip", _form_rate)]
    if browser_key(group, request):
        counts.append((browser_key, _browser_rate))
    waits: list[int] = []
    try:
        for key, rate in counts:
            usage = get_usage(
                request, group=group, key=key, rate=rate, method="POST", increment=True
            )
            if usage is not None and usage["should_limit"]:
                waits.append(max(int(usage["time_left"]), 1))
    except Exception as error:
        # The counts live in the cache. With the cache down we let the post through
        # (fail open): refusing would lose bookings, and what a flood could do is
        # bounded by the database constraints. One line, with no request data.
        logger.warning("Form rate limit not checked: the cache failed (%s)", type(error).__name__)
        return None
    return max(waits) if waits else None


def limit_form_posts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """POSTs per client address and per view; over the limit the client gets the 429
    page (RATELIMIT_VIEW). GETs are never limited, so reading the site always works."""
    # The same group django-ratelimit's decorator uses, so counts carry over.
    group = f"{view.__module__}.{view.__qualname__}"

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            seconds_left = _seconds_limited(request, group)
            if seconds_left is not None:
                raise FormPostsLimited(seconds_left)
        return view(request, *args, **kwargs)

    return limited


HONEYPOT_FIELD = "website"


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS, skipped by keyboard and screen readers).

    Bots that fill in every input fill it too, and their post is refused like any
    invalid form: nothing is stored.
    """

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self) -> str:
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(
                "Please leave the last field empty and send the form again.", code="honeypot"
            )
        return ""


def honeypot_layout() -> Div:
    """The honeypot's place in a crispy layout: hidden from sight and from screen readers."""
    return Div(HONEYPOT_FIELD, css_class="hp-field", aria_hidden="true")
