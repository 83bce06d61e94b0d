"""My bookings on a phone: a client signs in from the emailed link, moves a session,
reads who opened their record, and books again with every safety question asked anew."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from django.core import mail

from bookings.models import Booking, BookingStatus
from bookings.privacy import looks
from tests.factories import BookingFactory, ClientFactory, OutcomeRequestFactory

from .browser import (
    PHONE,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
)
from .test_journeys import answer_safety_questions, check_public_page, clinic  # noqa: F401

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])

JANE = "jane@example.org"


@pytest.fixture
def jane(clinic, now, therapist_user):  # noqa: F811
    """Jane: Wednesday 4 March at 10:00 to come; a session last week that she rated; a
    look by her therapist at its health answers."""
    person = ClientFactory(name="Jane Doe", email=JANE)
    common = {"client": person, "client_name": "Jane Doe", "client_email": JANE}
    BookingFactory(
        reference="JANEUPCM",
        therapist=clinic,
        start=datetime(2026, 3, 4, 10, 0, tzinfo=UTC),
        **common,
    )
    past = BookingFactory(
        reference="JANEPAST", therapist=clinic, completed=True, with_intake=True, **common
    )
    OutcomeRequestFactory(booking=past, answered=True)
    looks.record_look(user=therapist_user, opened=past, now=now - timedelta(days=3))
    return person


def sign_in_link(page: Page) -> str:
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="My bookings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    check_public_page(page, "account-1-sign-in")
    page.get_by_label("Your email").fill(JANE)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_public_page(page, "account-2-check-your-email")
    (message,) = mail.outbox
    found = re.search(r"https?://[^/\s]+(/my-bookings/sign-in/[0-9a-f]{64}/)", str(message.body))
    assert found is not None
    return found.group(1)


def test_a_client_signs_in_from_the_email_link_and_moves_a_session(page, browser_log, jane):
    link = sign_in_link(page)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to My bookings")
    check_public_page(page, "account-3-one-click")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    check_public_page(page, "account-4-my-bookings")
    expect(page.get_by_role("img", name=re.compile(r"^Pain from"))).to_be_visible()
    page.get_by_role("link", name="Move or cancel the session of 4 March").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking")
    page.get_by_role("link", name="Choose a new time").click()
    page.get_by_role("navigation", name="Days with free times").get_by_role(
        "link", name="Thu 5 Mar"
    ).click()
    page.get_by_label("14:30").check()
    page.get_by_role("button", name="Move to this time").click()
    expect(page.get_by_text("Your booking has moved.")).to_be_visible()
    moved = Booking.objects.get(reference="JANEUPCM")
    assert moved.start == datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert moved.status == BookingStatus.CONFIRMED

    page.get_by_role("contentinfo").get_by_role("link", name="My bookings").click()
    expect(page.locator(".account-session").first).to_contain_text("Thursday 5 March 2026, 14:30")
    page.get_by_role("link", name="Who at the clinic opened your health answers and notes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who opened your record")
    seen = page.locator(".who-looked li")
    expect(seen).to_have_count(1)
    expect(seen).to_contain_text("A therapist opened your health answers, for the session of")
    check_public_page(page, "account-5-who-looked")

    page.get_by_role("link", name="Back to My bookings").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out of My bookings.")).to_be_visible()
    # The link worked once: opening it again asks for a new one.
    response = page.goto(link)
    assert response is not None and response.status == 410
    browser_log.expect_status(response.url, 410)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    check_public_page(page, "account-6-link-spent")
    assert_no_browser_problems(browser_log)


def test_a_client_books_again_and_answers_every_safety_question_anew(page, browser_log, jane):
    page.goto(sign_in_link(page))
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name=re.compile("^Book this again")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book again")
    check_public_page(page, "account-7-book-again")
    page.get_by_label("Start from my answers from last time").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A few safety questions before you book"
    )
    # Nothing about safety carried over: every question waits for an answer.
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)
    expect(page.locator("input[type=checkbox]:checked")).to_have_count(0)
    assert_accessible(page)
    answer_safety_questions(page)
    page.get_by_role("button", name="Continue to booking").click()

    expect(page).to_have_url(re.compile(r"/book/swedish/\?length=60&therapist=\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a day and time")
    expect(page.get_by_role("link", name="Thursday 5 March")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    assert_no_browser_problems(browser_log)
