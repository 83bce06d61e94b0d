"""Protection for the public forms against bots and floods."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from crispy_forms.layout import Div
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import _split_rate, get_usage
from django_ratelimit.exceptions import Ratelimited

logger = logging.getLogger(__name__)


def _form_rate(group: str, request: HttpRequest) -> str:
    return settings.FORM_RATE_LIMIT


def form_rate_window() -> int:
    """The limiter's window in seconds (3600 for `30/h`)."""
    return _split_rate(settings.FORM_RATE_LIMIT)[1]


def _over_the_limit(request: HttpRequest, group: str) -> bool:
    try:
        usage = get_usage(
            request, group=group, key="ip", rate=_form_rate, method="POST", increment=True
        )
    except Exception as error:
        # The counts live in the cache. With the cache down we let the post through
        # (fail open): refusing would lose bookings, and what a flood could do is
        # bounded by the database constraints. One line, with no request data.
        logger.warning("Form rate limit not checked: the cache failed (%s)", type(error).__name__)
        return False
    if usage is None or not usage["should_limit"]:
        return False
    request.rate_limit_seconds_left = max(int(usage["time_left"]), 1)  # type: ignore[attr-defined]
    return True


def limit_form_posts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """POSTs per client address and per view; over the limit the client gets the 429
    page (RATELIMIT_VIEW). GETs are never limited, so reading the site always works."""
    # The same group django-ratelimit's decorator uses, so counts carry over.
    group = f"{view.__module__}.{view.__qualname__}"

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and _over_the_limit(request, group):
            raise Ratelimited()
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
