"""How a client's intake answers travel from the result page to the booking form.

Answers are not stored on the server until the client books and consents. Between
the result page and the booking they live only in the client's browser, in a
signed, HttpOnly cookie (signed so nobody can forge warning flags away; not in a
URL, so they never reach access logs).
"""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from bookings.intake.answers import IntakeAnswers

COOKIE_NAME = "intake"
COOKIE_SALT = "bookings.intake.cookie"
COOKIE_MAX_AGE = 2 * 60 * 60  # long enough to pick a time, short enough to forget


def remember(response: HttpResponse, answers: IntakeAnswers) -> None:
    """Keep the answers in the client's browser until they book (or the cookie expires)."""
    value = signing.dumps(answers.to_dict(), salt=COOKIE_SALT, compress=True)
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def recall(request: HttpRequest) -> IntakeAnswers | None:
    """The answers this browser gave, or None when there are none (or they were tampered with)."""
    value = request.COOKIES.get(COOKIE_NAME)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return IntakeAnswers.from_dict(data)


def forget(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, samesite="Lax")
