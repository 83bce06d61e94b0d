"""The time this browser has just booked, in a signed cookie, so Back from the booking
page to the details step shows the booking, not the safety questions again (booking
clears the answers' cookie)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

COOKIE_NAME = "just_booked"
COOKIE_SALT = "bookings.booking.just_booked"
COOKIE_MAX_AGE = 2 * 60 * 60  # as long as the answers would have lived


def remember(response: HttpResponse, slug: str, start: str, manage_token: str) -> None:
    """`start` as the steps carry it in links (booking/views.start_param)."""
    response.set_signed_cookie(
        COOKIE_NAME,
        f"{slug} {start} {manage_token}",
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def booking_url(request: HttpRequest, slug: str) -> str | None:
    """The booking page when the details step asks for the time this browser booked."""
    asked = request.GET.get("start")
    if not asked:
        return None
    value = (
        request.get_signed_cookie(COOKIE_NAME, default="", salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
        or ""
    )
    parts = value.split(" ")
    if len(parts) != 3 or parts[:2] != [slug, asked]:
        return None
    return reverse("bookings:booking_detail", args=[parts[2]])
