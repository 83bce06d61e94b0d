"""What clients read on the booking pages and in their emails: one sentence said the
same way everywhere, no doubled full stops, one heading where one is meant, one CSRF
token per form, and no price on a cancellation."""

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from bookings.booking import services
from bookings.intake import cookie as intake
from bookings.intake.answers import IntakeAnswers
from catalog.models import Technique
from tests.factories import BookingFactory, answered

BOOK = reverse("bookings:book", kwargs={"slug": "swedish"})
SUBMIT = reverse("bookings:book_submit", kwargs={"slug": "swedish"})
DETAILS = {
    "client_name": "Sam Client",
    "client_email": "sam@example.com",
    "client_phone": "07700 900123",
}
ARRIVE = "Please arrive a few minutes early and wear something comfortable."

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(clinic_rules, therapist, now):
    return therapist


def with_intake(client: Client, answers: IntakeAnswers) -> None:
    response = HttpResponse()
    intake.remember(response, answers)
    client.cookies[intake.COOKIE_NAME] = response.cookies[intake.COOKIE_NAME].value


def visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def html_of(message: mail.EmailMessage) -> str:
    assert isinstance(message, mail.EmailMultiAlternatives)
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return str(html)


def csrf_tokens_per_form(html: str) -> list[int]:
    return [form.count('name="csrfmiddlewaretoken"') for form in html.split("<form")[1:]]


def test_the_confirmation_page_and_email_ask_the_same_of_the_client(
    screened_client, book, mailoutbox
):
    booking = book()
    page = screened_client.get(reverse("bookings:booking_detail", args=[booking.manage_token]))

    assert ARRIVE in visible_text(page.content.decode())
    assert "five minutes" not in page.content.decode()
    (confirmation,) = [m for m in mailoutbox if "jane@example.org" in m.to]
    assert ARRIVE in confirmation.body
    assert ARRIVE in visible_text(html_of(confirmation))


@pytest.mark.parametrize("by_clinic", [False, True], ids=["by-the-client", "by-the-clinic"])
def test_a_cancellation_email_lists_no_price_where_the_confirmation_did(
    book, after_commit, by_clinic
):
    booking = book()
    (confirmation,) = [m for m in mail.outbox if "jane@example.org" in m.to]
    assert "paid at the clinic" in confirmation.body
    mail.outbox.clear()
    after_commit(services.cancel_booking, booking=booking, by_clinic=by_clinic)

    (message,) = [m for m in mail.outbox if "jane@example.org" in m.to]
    assert "cancelled" in message.subject
    html = html_of(message)
    for text in (message.body, visible_text(html)):
        assert "Price" not in text and "paid at the clinic" not in text
        assert booking.reference in text


def test_a_name_ending_in_a_full_stop_never_gets_a_second_one(screened_client, book, therapist):
    assert therapist.display_name.endswith(".")
    booking = book()
    pages = [
        screened_client.get(BOOK, {"length": 60, "therapist": therapist.pk}),
        screened_client.get(BOOK, {"length": 60, "therapist": therapist.pk, "day": "2026-03-05"}),
        screened_client.get(reverse("bookings:booking_detail", args=[booking.manage_token])),
        screened_client.get(reverse("bookings:manage", args=[booking.manage_token])),
    ]
    texts = [visible_text(p.content.decode()) for p in pages] + [m.body for m in mail.outbox]
    for text in texts:
        assert f"{therapist.display_name}." not in text


def test_the_result_page_has_one_heading_and_one_top_suggestion_that_stands_out(client):
    client.post(
        reverse("bookings:intake"),
        answered(
            {
                "areas": ["neck_shoulders"],
                "duration": "weeks",
                "intensity": "5",
                "frequency": "often",
                "feelings": ["knots"],
                "pressure": "firm",
            }
        ),
    )
    html = client.get(reverse("bookings:intake_result")).content.decode()

    headings = re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", html, re.S)
    first, second = headings[0], headings[1]
    assert first == ("1", "Your massage suggestion")
    # The top card's own name comes next, labelled as our suggestion, not a second
    # heading saying the same as the first.
    assert second[0] == "2" and "suggestion" not in second[1].lower()
    assert re.search(r'<section aria-labelledby="top-title">', html)
    assert re.search(r'id="top-title"[^>]*>Our suggestion for you<', html)
    assert "{#" not in html  # no template comment shown as text
    # Only the top card stands out; the other options are plain cards with smaller names.
    assert html.count("is-top") == 1 and html.count('id="top-title"') == 1
    assert html.count("btn-lg") == 1  # the top card's Book button
    assert re.search(r'<h3 id="suggestion-[\w-]+" class="card-title h5">', html)


def test_the_check_question_form_sends_one_csrf_token(client):
    client.post(
        reverse("bookings:intake"),
        answered(
            {
                "areas": ["lower"],
                "duration": "weeks",
                "intensity": "5",
                "frequency": "often",
                "pressure": "firm",
                "description": "My left leg goes numb when I sit",
            }
        ),
    )
    html = client.get(reverse("bookings:intake_result")).content.decode()

    assert "One more question before our suggestion" in html
    assert csrf_tokens_per_form(html) == [1]


def test_the_screen_and_details_forms_send_one_csrf_token_each(client, clinic):
    screen = client.get(reverse("bookings:book_screen", kwargs={"slug": "swedish"}))
    with_intake(client, IntakeAnswers(areas=("lower",), screened=True))
    details = client.get(BOOK, {"length": 60, "therapist": "any", "start": "2026-03-03T10:00Z"})

    assert csrf_tokens_per_form(screen.content.decode()) == [1]
    assert csrf_tokens_per_form(details.content.decode()) == [1]


def test_the_time_just_taken_page_leaves_the_lost_time_out_of_the_summary(client, clinic):
    with_intake(client, IntakeAnswers(areas=("lower",), screened=True))
    swedish = Technique.objects.get(slug="swedish")
    BookingFactory(therapist=clinic, start=datetime(2026, 3, 3, 10, tzinfo=UTC), technique=swedish)

    response = client.post(
        SUBMIT,
        {"length": 60, "therapist": clinic.pk, "start": "2026-03-03T10:00Z"} | DETAILS,
    )

    assert response.status_code == 409
    html = response.content.decode()
    summary = html[html.index('aria-labelledby="your-choice"') : html.index("</section>")]
    assert "Tuesday 3 March" not in summary and "10:00" not in summary
    assert "Swedish Massage" in summary
    # The nearest free times are offered instead, below.
    assert "just been taken" in html
