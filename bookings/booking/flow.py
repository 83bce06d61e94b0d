"""The booking steps' links and the pages that stop a booking: the choices so far carried
in the query string (never the answers: those stay in the signed cookie), emergency
advice, and why a technique is not advised and what is instead."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from bookings.booking.errors import SAFETY_MESSAGES
from bookings.intake import gate
from catalog.models import Technique
from clinic.http import no_store


def urgent_page(request: HttpRequest, technique: Technique, status: int = 200) -> HttpResponse:
    response = render(request, "bookings/book_urgent.html", {"technique": technique}, status=status)
    no_store(response)
    return response


FLOW_KEYS = ("length", "therapist", "day", "start")


def flow_query(data: QueryDict) -> str:
    """The choices made so far (no answers: those stay in the cookie), for a link back."""
    return urlencode({k: data[k] for k in FLOW_KEYS if data.get(k) and len(data[k]) <= 64})


def book_url(slug: str, data: QueryDict) -> str:
    query = flow_query(data)
    return reverse("bookings:book", kwargs={"slug": slug}) + (f"?{query}" if query else "")


def screen_url(slug: str, data: QueryDict) -> str:
    query = flow_query(data)
    return reverse("bookings:book_screen", kwargs={"slug": slug}) + (f"?{query}" if query else "")


def not_advised_page(
    request: HttpRequest,
    technique: Technique,
    *,
    reasons: tuple[str, ...],
    advised: list[tuple[str, str]],
    status: int,
    message: str = SAFETY_MESSAGES[gate.Stop.RULED_OUT],
) -> HttpResponse:
    page = {
        "technique": technique,
        "message": message,
        "reasons": reasons,
        "advised": [{"slug": slug, "name": name} for slug, name in advised],
    }
    response = render(request, "bookings/book_not_advised.html", page, status=status)
    no_store(response)
    return response
