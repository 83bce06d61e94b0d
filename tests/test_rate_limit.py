"""The form rate limit counts per address and per browser, and its 429 page keeps what
was typed."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

INTAKE = reverse("bookings:intake")


def browser(name: str) -> Client:
    """A browser of one household: the same address, its own cookies."""
    client = Client()
    client.cookies["csrftoken"] = f"{name:x<32}"
    return client


def test_one_browser_meets_its_own_limit_and_the_household_goes_on(settings):
    settings.FORM_RATE_LIMIT = "10/h"
    settings.FORM_RATE_LIMIT_BROWSER = "3/h"
    mine, theirs = browser("mine"), browser("theirs")

    mine_codes = [mine.post(INTAKE, {}).status_code for _ in range(4)]
    theirs_codes = [theirs.post(INTAKE, {}).status_code for _ in range(3)]

    assert mine_codes[:3] != [429] * 3 and mine_codes[3] == 429
    assert 429 not in theirs_codes


def test_the_address_limit_stops_a_flood_that_drops_its_cookies(settings):
    settings.FORM_RATE_LIMIT = "4/h"
    settings.FORM_RATE_LIMIT_BROWSER = "100/h"

    codes = [browser(f"bot{n}").post(INTAKE, {}).status_code for n in range(5)]

    assert 429 not in codes[:4] and codes[4] == 429


def test_the_defaults_let_a_household_explore(settings):
    from clinic.protection import parse_rate

    assert parse_rate(settings.FORM_RATE_LIMIT).limit >= 300
    assert parse_rate(settings.FORM_RATE_LIMIT_BROWSER).limit >= 60


def test_the_429_page_keeps_what_was_typed_to_send_again(settings):
    settings.FORM_RATE_LIMIT_BROWSER = "1/h"
    mine = browser("mine")
    typed = {
        "client_name": "Jane <Doe>",
        "parts_of_day": ["morning", "evening"],
        "website": "bot words",
        "csrfmiddlewaretoken": "old-token",
    }
    mine.post(INTAKE, typed)

    limited = mine.post(INTAKE, typed)

    assert limited.status_code == 429
    assert "no-store" in limited["Cache-Control"]
    html = limited.content.decode()
    assert 'name="client_name" value="Jane &lt;Doe&gt;"' in html
    assert 'name="parts_of_day" value="morning"' in html
    assert 'name="parts_of_day" value="evening"' in html
    assert "bot words" not in html and "old-token" not in html
    assert f'action="{INTAKE}"' in html
    assert "Send it again" in html and "Back button" in html
