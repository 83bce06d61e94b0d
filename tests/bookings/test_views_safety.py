"""Issue 11: every online booking passes the safety screen, and its pages behave."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from bookings.booking.errors import UnsafeBooking
from bookings.booking.services import book_session
from bookings.intake import cookie as intake
from bookings.intake import gate as safety_gate
from bookings.intake.answers import IntakeAnswers
from bookings.models import Booking
from catalog.models import ConditionRule, Technique
from catalog.vocabulary import CONDITIONS
from tests.clock import NOW
from tests.factories import answered, safety_post

pytestmark = pytest.mark.django_db

INTAKE = reverse("bookings:intake")
RESULT = reverse("bookings:intake_result")
CHECK = reverse("bookings:intake_check")
CHOICE = {"length": "60", "therapist": "any", "start": "2026-03-03T10:00Z"}
DETAILS = {
    "client_name": "Sam Client",
    "client_email": "sam@example.com",
    "client_phone": "07700 900123",
}
KNOTS = {
    "areas": ["neck_shoulders"],
    "duration": "weeks",
    "intensity": "5",
    "frequency": "often",
    "feelings": ["knots"],
    "pressure": "firm",
}
# Blood thinners rule out deep tissue massage (the seeded condition rules).
THINNERS = IntakeAnswers(areas=("lower",), conditions=("blood_thinners",), screened=True)
RULED_OUT = "deep-tissue"


@pytest.fixture
def clinic(clinic_rules, therapist, now):
    therapist.techniques.add(*Technique.objects.active())
    return therapist


def with_intake(client: Client, answers: IntakeAnswers) -> None:
    response = HttpResponse()
    intake.remember(response, answers)
    client.cookies[intake.COOKIE_NAME] = response.cookies[intake.COOKIE_NAME].value


def recalled(client: Client) -> IntakeAnswers | None:
    request: Any = type("R", (), {"COOKIES": {k: v.value for k, v in client.cookies.items()}})
    return intake.recall(request)


def text_of(response: Any) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def book_url(slug: str, **query: str) -> str:
    url = reverse("bookings:book", args=[slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def submit(client: Client, slug: str, **more: str) -> Any:
    return client.post(reverse("bookings:book_submit", args=[slug]), CHOICE | DETAILS | more)


# Post, redirect, get ---------------------------------------------------------------------


def test_a_valid_intake_redirects_with_303_to_a_result_page_read_from_the_cookie(client):
    response = client.post(INTAKE, answered(KNOTS))

    assert response.status_code == 303
    assert response["Location"] == RESULT
    page = client.get(RESULT)
    assert page.status_code == 200
    assert "Our suggestion for you" in text_of(page)
    assert "no-store" in page["Cache-Control"]


def test_reloading_the_result_neither_posts_again_nor_spends_the_rate_limit(client, settings):
    settings.FORM_RATE_LIMIT = "1/h"
    assert client.post(INTAKE, answered(KNOTS)).status_code == 303

    for _ in range(5):
        assert client.get(RESULT).status_code == 200
    assert client.post(INTAKE, answered(KNOTS)).status_code == 429


def test_the_result_without_answers_sends_the_client_to_the_questions(client):
    response = client.get(RESULT)

    assert response.status_code == 302
    assert response["Location"] == INTAKE


def test_going_back_to_the_questions_shows_the_answers_given(client):
    client.post(
        INTAKE, answered({**KNOTS, "conditions": ["pregnancy"], "description": "sore neck"})
    )

    html = client.get(INTAKE).content.decode()

    assert re.search(r'value="knots"[^>]*checked', html)
    assert re.search(r'value="pregnancy"[^>]*checked', html)
    assert "sore neck</textarea>" in html


def test_the_questions_ask_warning_signs_and_conditions_first(client):
    html = client.get(INTAKE).content.decode()

    order = [
        html.index(f"<legend>{legend}</legend>")
        for legend in ("Emergency signs", "Your health", "Your back pain")
    ]
    assert order == sorted(order)


# The screen step ---------------------------------------------------------------------------


def test_booking_without_answers_asks_the_safety_questions_first(client, clinic):
    response = client.get(book_url("swedish", length="60", therapist="any"))

    assert response.status_code == 303
    screen = reverse("bookings:book_screen", args=["swedish"])
    assert response["Location"] == f"{screen}?length=60&therapist=any"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="sign_saddle_numbness"' in html and 'name="conditions"' in html
    assert 'name="risk_factors"' in html
    assert 'name="areas"' not in html
    assert "no-store" in page["Cache-Control"]


def test_the_screen_keeps_the_answers_and_returns_to_the_booking(client, clinic):
    with_intake(client, IntakeAnswers(areas=("lower",)))  # an intake from before the screen
    screen = reverse("bookings:book_screen", args=["swedish"]) + "?length=60&therapist=any"

    response = client.post(screen, safety_post(conditions=["osteoporosis"]))

    assert response.status_code == 303
    assert response["Location"] == book_url("swedish", length="60", therapist="any")
    answers = recalled(client)
    assert answers is not None
    assert answers.screened and answers.conditions == ("osteoporosis",)
    assert answers.areas == ("lower",)
    assert client.get(response["Location"]).context["days"]


def test_nonsense_on_the_screen_is_a_form_error_and_nothing_is_remembered(client, clinic):
    screen = reverse("bookings:book_screen", args=["swedish"])

    response = client.post(screen, safety_post() | {"sign_chest_pain": "<script>"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert intake.COOKIE_NAME not in response.cookies


def test_the_screen_of_an_unknown_technique_is_a_404(client, clinic):
    assert client.get(reverse("bookings:book_screen", args=["nope"])).status_code == 404


def test_an_urgent_sign_on_the_screen_gets_emergency_advice_and_no_times(client, clinic):
    screen = reverse("bookings:book_screen", args=["swedish"]) + "?length=60&therapist=any"
    response = client.post(screen, safety_post(signs=["bladder_bowel"]), follow=True)

    text = text_of(response)
    assert "Please get medical help today" in text
    assert 'href="tel:999"' in response.content.decode()
    assert "days" not in response.context


# Every way to a ruled-out technique --------------------------------------------------------


def _card_link(client: Client) -> Any:
    with_intake(client, THINNERS)
    result = client.get(RESULT).content.decode()
    not_advised = result[result.index("Not advised for you") :]
    assert f'href="{book_url(RULED_OUT)}"' not in not_advised
    read_about = reverse("catalog:technique_detail", args=[RULED_OUT])
    assert f'href="{read_about}"' in not_advised
    technique_page = client.get(read_about).content.decode()
    assert f'href="{book_url(RULED_OUT)}"' in technique_page  # "Book this technique"
    return client.get(book_url(RULED_OUT))


def _typed_url(client: Client) -> Any:
    with_intake(client, THINNERS)
    return client.get(book_url(RULED_OUT, length="60", therapist="any", start="2026-03-03T10:00Z"))


def _crafted_post(client: Client) -> Any:
    with_intake(client, THINNERS)
    return submit(client, RULED_OUT)


def _no_cookie(client: Client) -> Any:
    return submit(client, RULED_OUT)


def _tampered_cookie(client: Client) -> Any:
    with_intake(client, THINNERS)
    value = client.cookies[intake.COOKIE_NAME].value
    client.cookies[intake.COOKIE_NAME] = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
    return submit(client, RULED_OUT)


WAYS: dict[str, tuple[Callable[[Client], Any], int]] = {
    "the card's read-about link, then book this technique": (_card_link, 200),
    "a typed booking URL": (_typed_url, 200),
    "a crafted post": (_crafted_post, 400),
    "no cookie": (_no_cookie, 303),
    "a tampered cookie": (_tampered_cookie, 303),
}


@pytest.mark.parametrize("way, status", WAYS.values(), ids=WAYS.keys())
def test_no_way_books_a_technique_the_answers_rule_out(client, clinic, way, status):
    response = way(client)

    assert response.status_code == status
    assert not Booking.objects.exists()
    if status == 303:
        assert response["Location"].startswith(reverse("bookings:book_screen", args=[RULED_OUT]))
    else:
        text = text_of(response)
        assert "Deep Tissue Massage is not advised for you" in text
        assert "You said you take blood thinners or have a bleeding disorder." in text
        assert "Advised for you instead" in text
        assert f'href="{book_url("swedish")}"' in response.content.decode()
        assert "days" not in response.context and "times" not in response.context


def test_a_direct_service_call_for_a_ruled_out_technique_is_refused_with_what_instead(clinic):
    with pytest.raises(UnsafeBooking) as refused:
        book_session(
            therapist_id=None,
            technique=Technique.objects.get(slug=RULED_OUT),
            length_minutes=60,
            start=NOW.replace(day=3, hour=10),
            client_name="Sam",
            client_email="sam@example.com",
            client_phone="07700 900123",
            intake=THINNERS,
            now=NOW,
        )

    assert refused.value.stop == safety_gate.Stop.RULED_OUT
    assert ("swedish", "Swedish Massage") in refused.value.advised
    assert RULED_OUT not in dict(refused.value.advised)
    assert not Booking.objects.exists()


@pytest.mark.parametrize("intake_answers", [None, IntakeAnswers(areas=("lower",))])
def test_the_service_refuses_answers_that_were_never_screened(clinic, book, intake_answers):
    with pytest.raises(UnsafeBooking) as refused:
        book(intake=intake_answers)
    assert refused.value.stop == safety_gate.Stop.NOT_SCREENED


# What is kept with every booking -----------------------------------------------------------


def test_safety_facts_are_kept_without_consent_and_the_details_page_says_why(client, clinic):
    with_intake(
        client,
        IntakeAnswers(
            areas=("lower",),
            conditions=("osteoporosis",),
            warning_signs=("night_pain",),
            screened=True,
        ),
    )
    details = client.get(book_url("swedish", **CHOICE))
    assert "because your therapist needs them to treat you safely" in text_of(details)

    response = submit(client, "swedish", acknowledge_warning="on")

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.intake_answers is None and booking.health_consent_at is None
    assert booking.warning_flags == ["night_pain"]
    assert booking.health_conditions == ["osteoporosis"]
    assert booking.acknowledged_advice
    assert booking.warning_acknowledged_at == NOW
    assert "tel:" not in response["Location"] and "osteo" not in response["Location"]


def test_the_doctor_first_advice_must_be_acknowledged(client, clinic):
    with_intake(client, IntakeAnswers(warning_signs=("injury",), screened=True))

    response = submit(client, "swedish")

    assert response.status_code == 200
    assert "Please tick this box" in response.content.decode()
    assert not Booking.objects.exists()


# Massage should wait; emergency pages -----------------------------------------------------


def test_when_every_technique_is_ruled_out_the_result_says_massage_should_wait(client):
    for technique in Technique.objects.active():
        ConditionRule.objects.update_or_create(
            technique=technique,
            condition="pregnancy",
            defaults={"effect": "exclude", "reason": "Not in pregnancy."},
        )
    with_intake(client, IntakeAnswers(areas=("lower",), conditions=("pregnancy",), screened=True))

    page = client.get(RESULT)

    text = text_of(page)
    assert "Massage should wait for now" in text
    assert "Not in pregnancy." in text
    assert "Our suggestion for you" not in text
    assert "Book " not in text
    assert 'href="tel:01174960000"' in page.content.decode()


def test_the_emergency_result_has_tap_to_call_numbers_and_no_booking_or_privacy_text(
    client, settings
):
    settings.EMERGENCY_NUMBER = "112"
    settings.NON_EMERGENCY_NUMBER = "116 117"
    client.post(INTAKE, answered({**KNOTS, "warning_signs": ["saddle_numbness"]}))

    page = client.get(RESULT)

    html = page.content.decode()
    assert 'href="tel:112"' in html and 'href="tel:116117"' in html
    text = text_of(page)
    for booking_words in ("If you book", "Book ", "Your answers", "keep"):
        assert booking_words not in text


def test_all_conditions_mean_massage_should_wait_and_nothing_is_bookable(client, clinic):
    with_intake(client, IntakeAnswers(conditions=CONDITIONS.codes, screened=True))
    check = safety_gate.check(recalled(client) or IntakeAnswers())
    assert check.should_wait

    for slug in check.names:
        response = client.get(book_url(slug, length="60", therapist="any"))
        text = text_of(response)
        assert "not advised for you" in text, slug
        assert "massage should wait" in text, slug
        assert "days" not in response.context


def test_every_condition_ticked_means_massage_should_wait_with_no_suggestion(client):
    client.post(INTAKE, answered({**KNOTS, "conditions": list(CONDITIONS.codes)}))

    text = text_of(client.get(RESULT))

    assert "Massage should wait for now" in text
    assert "Our suggestion for you" not in text
    assert "Book " not in text


def test_a_fever_means_massage_should_wait(client):
    client.post(INTAKE, answered({**KNOTS, "risk_factors": ["fever"]}))

    text = text_of(client.get(RESULT))

    assert "Massage should wait for now" in text
    assert "You said you have a fever with the pain" in text


# Their own words, asked explicitly ---------------------------------------------------------

NUMB = "My left leg goes numb when I sit"


def test_words_that_seem_to_mention_a_sign_are_asked_about_before_any_suggestion(client):
    client.post(INTAKE, answered({**KNOTS, "description": NUMB}))

    page = client.get(RESULT)

    text = text_of(page)
    assert "One more question before our suggestion" in text
    assert NUMB in text
    assert "“leg goes numb”: Numbness or tingling down one leg" in text
    assert 'name="leg_numbness"' in page.content.decode()
    assert "Our suggestion for you" not in text and "Book " not in text


def test_answering_no_notes_the_check_and_then_shows_the_suggestion(client):
    client.post(INTAKE, answered({**KNOTS, "description": NUMB}))

    response = client.post(CHECK, {"leg_numbness": "no"})

    assert response.status_code == 303 and response["Location"] == RESULT
    answers = recalled(client)
    assert answers is not None
    assert answers.text_checked == ("leg_numbness",) and answers.warning_signs == ()
    text = text_of(client.get(RESULT))
    assert "Our suggestion for you" in text
    assert "Please see a doctor before you book" not in text


def test_answering_yes_ticks_the_sign_and_triage_decides(client):
    client.post(INTAKE, answered({**KNOTS, "description": NUMB}))

    client.post(CHECK, {"leg_numbness": "yes"})

    answers = recalled(client)
    assert answers is not None and answers.warning_signs == ("leg_numbness",)
    assert "Please see a doctor before you book" in text_of(client.get(RESULT))


def test_an_unanswered_question_is_asked_again(client):
    client.post(INTAKE, answered({**KNOTS, "description": NUMB}))

    response = client.post(CHECK, {"leg_numbness": "maybe"})

    assert response.status_code == 400
    assert "Please answer yes or no" in text_of(response)
    answers = recalled(client)
    assert answers is not None and answers.text_checked == ()


def test_the_same_words_sent_again_keep_their_answer(client):
    client.post(INTAKE, answered({**KNOTS, "description": NUMB}))
    client.post(CHECK, {"leg_numbness": "no"})

    client.post(INTAKE, answered({**KNOTS, "description": NUMB}))
    assert "Our suggestion for you" in text_of(client.get(RESULT))
    client.post(INTAKE, answered({**KNOTS, "description": "I had a fall off my bike"}))
    assert "One more question" in text_of(client.get(RESULT))


def test_booking_with_words_not_yet_asked_about_goes_back_to_the_question(client, clinic):
    with_intake(client, IntakeAnswers(areas=("lower",), description=NUMB, screened=True))

    response = client.get(book_url("swedish", length="60", therapist="any"))

    assert response.status_code == 303 and response["Location"] == RESULT
    with pytest.raises(UnsafeBooking) as refused:
        book_session(
            therapist_id=None,
            technique=Technique.objects.get(slug="swedish"),
            length_minutes=60,
            start=NOW.replace(day=3, hour=10),
            client_name="Sam",
            client_email="sam@example.com",
            client_phone="07700 900123",
            intake=recalled(client),
            now=NOW,
        )
    assert refused.value.stop == safety_gate.Stop.UNASKED_TEXT


def test_words_answered_no_are_kept_with_the_booking_without_consent(client, clinic):
    answers = IntakeAnswers(
        areas=("lower",), description=NUMB, text_checked=("leg_numbness",), screened=True
    )
    with_intake(client, answers)

    response = submit(client, "swedish")

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.intake_answers is None
    assert booking.text_checks == [{"sign": "leg_numbness", "quote": "leg goes numb"}]
