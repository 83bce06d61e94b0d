"""A sign-in link as its email goes out: the link, whether it still works, and the
email's words. Below the account's services (which make a link and queue its email)
so the outbox can send one without importing them, as `waitlist/offers.py` does."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bookings.messaging import rendering
from bookings.models import SignInLink

# How long a link works after it was asked for.
LINK_LIFETIME = timedelta(minutes=30)


def sign_in_url(link: SignInLink) -> str:
    site: str = settings.SITE_URL
    return site + reverse("bookings:account_sign_in_link", args=[link.token])


def link_is_open(link: SignInLink, now: datetime) -> bool:
    return link.client_id is not None and link.used_at is None and now < link.expires_at


def sign_in_email(link: SignInLink, recipient: str) -> EmailMultiAlternatives:
    """The email: the link and how long it works; no name, no bookings, no health."""
    context = {
        "sign_in_url": sign_in_url(link),
        "minutes": int(LINK_LIFETIME.total_seconds() // 60),
        "expires": timezone.localtime(link.expires_at),
        "clinic": rendering.clinic_details(),
    }
    message = EmailMultiAlternatives(
        subject=f"Your link to sign in to {settings.CLINIC_NAME}",
        body=render_to_string("emails/sign_in_link.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        reply_to=[settings.CLINIC_EMAIL],
    )
    message.attach_alternative(
        rendering.render_html("emails/sign_in_link.html", context), "text/html"
    )
    return message
