"""The record of care in one chain: a session ends, its therapist writes the note, two
days later the client answers the outcome email's link on their phone, and the chart on
the client's page shows the answer.

Time is time-machine's stopped clock (the `clock` fixture), which the live server's
thread reads too: each step moves it, and the browser only ever sees the server's answers.
The outcome email goes out the way the worker sends it (`deliver`: the worker's claim,
send and record) and the client follows the link in that email.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core import mail
from django.urls import reverse

from bookings.intake.answers import IntakeAnswers
from bookings.messaging.outbox import Outcome, deliver
from bookings.models import NotificationKind, NotificationStatus, OutcomeRequest, TreatmentNote
from bookings.records.identity import confirm_email

from .browser import (
    PHONE,
    BrowserLog,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
    write_note_from_booking_page,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser
    from pytest_django.live_server_helper import LiveServer

# What the client told the intake when booking: pain 7 out of 10, low back, tight.
INTAKE = IntakeAnswers(screened=True, intensity=7, areas=("lower",), feelings=("tight",))


def test_a_note_after_the_session_then_the_clients_answer_shows_on_their_chart(
    page, browser_log, browser: Browser, live_server: LiveServer, book, clock, therapist_user
):
    # Booked on Monday 2 March for Wednesday 4 March, 10:00-11:00, with the intake kept.
    booking = book(intake=INTAKE, consent=True)
    assert booking.intake_answers is not None and booking.intake_answers["intensity"] == 7
    # She taps "Confirm my email" in the booking email: the session now links Anna to
    # her record of care (a typed email alone would not).
    assert confirm_email(booking=booking, now=booking.created_at)

    # Wednesday 11:05: the session has just ended and Anna writes its note.
    clock.move_to(booking.end + timedelta(minutes=5))
    log_into_admin(page, therapist_user)
    write_note_from_booking_page(
        page,
        booking,
        subjective="Low back tight after a week at the desk.",
        pain_before=6,
        pain_after=4,
    )
    note = TreatmentNote.objects.get(booking=booking)
    assert (note.pain_before, note.pain_after, note.written_by) == (6, 4, therapist_user)

    # Friday 6 March 11:00, two days on: the worker sends the question.
    ask = booking.notifications.get(kind=NotificationKind.OUTCOME_ASK)
    assert ask.scheduled_for == booking.end + timedelta(days=2)
    clock.move_to(ask.scheduled_for)
    mail.outbox.clear()
    assert deliver(ask.pk, now=ask.scheduled_for) == Outcome.SENT
    ask.refresh_from_db()
    assert ask.status == NotificationStatus.SENT
    (email,) = mail.outbox
    assert email.to == [booking.client_email]
    assert email.subject == "How is your back today?"
    found = re.search(r"https?://[^/\s]+(/how-is-your-back/[\w-]+/)", str(email.body))
    assert found is not None, email.body
    link = found.group(1)

    # The client, on their phone and never logged in, answers 3.
    phone_log = BrowserLog()
    phone = browser.new_context(base_url=live_server.url, **PHONE.context_options())
    phone.set_default_timeout(10_000)
    try:
        client_page = phone.new_page()
        phone_log.attach(client_page)
        client_page.goto(link)
        expect(client_page.get_by_role("heading", name="How is your back today?")).to_be_visible()
        assert_no_horizontal_scroll(client_page)
        assert_accessible(client_page)
        client_page.get_by_label("3", exact=True).check()
        client_page.get_by_role("button", name="Send my answer").click()
        expect(client_page.get_by_role("heading", name="Thank you")).to_be_visible()
        assert_accessible(client_page)
        assert_no_browser_problems(phone_log)
    finally:
        phone.close()
    outcome = OutcomeRequest.objects.get(booking=booking)
    assert (outcome.score, outcome.answered_at) == (3, ask.scheduled_for)

    # Anna opens the client's page: the chart goes from the intake's 7 to the answer's 3.
    page.goto(reverse("admin:bookings_client_change", args=[booking.client_id]))
    chart = page.get_by_role(
        "img", name="Pain from 7 on 4 Mar to 3 on 6 Mar, out of 10, over 2 scores."
    )
    expect(chart).to_be_visible()
    expect(chart.locator("text", has_text=re.compile(r"^3$"))).to_have_count(1)
    rows = page.get_by_role("table", name="Pain scores, 0 to 10").get_by_role("row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("Intake")
    expect(rows.nth(1).get_by_role("cell").last).to_have_text("7")
    expect(rows.nth(2)).to_contain_text("After the session of Wed 4 Mar 2026")
    expect(rows.nth(2).get_by_role("cell").last).to_have_text("3")
    # Her note's before and after, beside the client's answer two days later.
    noted = page.get_by_role("table", name="Treatment notes, latest session first")
    expect(noted.get_by_role("row").nth(1).get_by_role("cell").nth(1)).to_have_text("6 → 4")
    expect(noted.get_by_role("row").nth(1).get_by_role("cell").nth(2)).to_have_text("3")
    assert_accessible(page)
    assert_no_browser_problems(browser_log)
