"""Words the clinic cannot read, on the pages and on the booking (issue 22)."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from bookings.intake import cookie as intake_cookie
from bookings.intake import gate
from bookings.intake.answers import UNSCREENED_LANGUAGE, IntakeAnswers, text_check_lines

pytestmark = pytest.mark.django_db

GERMAN = "Seit gestern spüre ich zwischen den Beinen nichts mehr und kann kaum Wasser lassen."


def answers(description: str) -> IntakeAnswers:
    return IntakeAnswers(
        areas=("lower",), duration="weeks", intensity=4, description=description, screened=True
    )


def with_intake(client: Client, given: IntakeAnswers) -> None:
    response = HttpResponse()
    intake_cookie.remember(response, given)
    client.cookies[intake_cookie.COOKIE_NAME] = response.cookies[intake_cookie.COOKIE_NAME].value


def test_the_result_page_says_the_clinic_could_not_read_the_words(client):
    with_intake(client, answers(GERMAN))

    html = client.get(reverse("bookings:intake_result")).content.decode()

    assert "We could not read your own words" in html
    assert "seems to be in German" in html
    assert "tel:" in html
    assert "Your massage suggestion" in html


def test_english_words_say_nothing_about_language(client):
    with_intake(client, answers("my bak hurts after sitting at my desk all day"))

    html = client.get(reverse("bookings:intake_result")).content.decode()

    assert "We could not read your own words" not in html


def test_the_booking_keeps_description_not_screened_for_the_therapist():
    check = gate.check(answers(GERMAN))

    facts = check.facts("swedish")

    assert check.unscreened_language == "German"
    assert {"sign": UNSCREENED_LANGUAGE, "quote": "German"} in facts.text_checks
    assert "Description not screened (language: German)" in text_check_lines(facts.text_checks)


def test_the_words_question_names_the_saddle_not_a_leg():
    check = gate.check(answers("numb between my legs since Friday"))

    assert [m.sign for m in check.unasked] == ["saddle_numbness"]
    assert check.unasked[0].quote == "numb between my legs"
