"""Protection for the public forms against bots and floods."""

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.decorators import ratelimit


def _form_rate(group: str, request: HttpRequest) -> str:
    return settings.FORM_RATE_LIMIT


# POSTs per client address and per view; over the limit the client gets the 429
# page (RATELIMIT_VIEW). GETs are never limited, so reading the site always works.
limit_form_posts: Callable = ratelimit(key="ip", rate=_form_rate, method="POST", block=True)

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
