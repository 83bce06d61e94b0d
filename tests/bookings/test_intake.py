from django.http import HttpResponse
from django.test import RequestFactory

from bookings.intake.answers import IntakeAnswers
from bookings.intake.cookie import COOKIE_NAME, recall, remember


def answers(**kwargs) -> IntakeAnswers:
    return IntakeAnswers(areas=("lower",), duration="weeks", intensity=5, **kwargs)


def test_answers_survive_the_round_trip_through_the_browser():
    original = answers(feelings=("knots",), warning_signs=("night_pain",), description="desk")
    response = HttpResponse()
    remember(response, original)
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"]
    request = RequestFactory().get("/", HTTP_COOKIE=f"{COOKIE_NAME}={cookie.value}")
    assert recall(request) == original


def test_a_tampered_cookie_is_ignored():
    response = HttpResponse()
    remember(response, answers(warning_signs=("injury",)))
    forged = response.cookies[COOKIE_NAME].value[:-2] + "xx"
    request = RequestFactory().get("/", HTTP_COOKIE=f"{COOKIE_NAME}={forged}")
    assert recall(request) is None
