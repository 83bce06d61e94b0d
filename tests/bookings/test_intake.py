from django.http import HttpResponse
from django.test import RequestFactory

from bookings.intake import COOKIE_NAME, IntakeAnswers, Triage, recall, remember


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


def test_unknown_codes_and_out_of_range_values_are_dropped():
    rebuilt = IntakeAnswers.from_dict(
        {"areas": ["lower", "elbow"], "intensity": 42, "duration": "forever", "feelings": "x"}
    )
    assert rebuilt.areas == ("lower",)
    assert rebuilt.intensity is None
    assert rebuilt.duration == ""
    assert rebuilt.feelings == ()


def test_triage_puts_emergencies_before_doctor_first_signs():
    assert answers().triage == Triage.ROUTINE
    assert answers(warning_signs=("fever",)).triage == Triage.SEE_DOCTOR
    assert answers(warning_signs=("fever", "bladder_bowel")).triage == Triage.URGENT
