"""After a session the client answers "How is your back today?" from the email's link,
and staff see the answer on the client's page, in the chart and its table.

The whole chain, from the therapist's note to the chart, is test_record_of_care.py;
these look at the link's second visit and the leads' report."""

import re

import pytest
from django.core import mail

from bookings.intake.answers import IntakeAnswers
from bookings.messaging.outbox import deliver
from bookings.models import NotificationKind

from .browser import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
)

# Kept with consent when booking: the outcome request copies its baseline then.
INTAKE = IntakeAnswers(screened=True, intensity=7, areas=("lower",), feelings=("tight",))


def outcome_link(booking, clock) -> str:
    ask = booking.notifications.get(kind=NotificationKind.OUTCOME_ASK)
    clock.move_to(ask.scheduled_for)
    mail.outbox.clear()
    deliver(ask.pk, now=ask.scheduled_for)
    (message,) = mail.outbox
    found = re.search(r"https?://[^/\s]+(/how-is-your-back/[\w-]+/)", str(message.body))
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_client_answers_the_outcome_link_on_a_phone_and_is_thanked_after(
    page, browser_log, book, clock
):
    booking = book(intake=INTAKE, consent=True)
    path = outcome_link(booking, clock)

    page.goto(path)
    expect(page.get_by_role("heading", name="How is your back today?")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert_accessible(page)

    # The link tapped again thanks the client with their answer, never "Page not found".
    response = page.goto(path)
    assert response is not None and response.status == 200
    expect(page.get_by_text("You said 3 out of 10.")).to_be_visible()
    assert_no_browser_problems(browser_log)


@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
def test_staff_see_the_answer_on_the_client_page_and_leads_read_the_report(
    page, browser_log, book, clock, superuser, clinical_lead
):
    booking = book(intake=INTAKE, consent=True)
    path = outcome_link(booking, clock)
    page.goto(path)
    page.get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    log_into_admin(page, superuser)
    page.goto(f"/admin/bookings/client/{booking.client_id}/change/")
    chart = page.get_by_role("img", name=re.compile(r"^Pain from 7 on 4 Mar to 3 on 6 Mar"))
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Pain scores, 0 to 10")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table.get_by_role("row").nth(2)).to_contain_text("3")
    assert_accessible(page)

    page.context.clear_cookies()
    log_into_admin(page, clinical_lead)
    page.get_by_role("link", name="Outcomes", exact=True).click()
    expect(
        page.get_by_role("heading", name="Outcomes: how pain changed after sessions")
    ).to_be_visible()
    expect(page.get_by_role("table", name="All sessions")).to_contain_text(
        "Not shown: fewer than 3 clients"
    )
    assert_accessible(page)
    assert_no_browser_problems(browser_log)
