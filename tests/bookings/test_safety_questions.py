"""Issue 22, items 1-3: every emergency sign a required yes/no, risk factors asked, and
one screen enforced the same way on every booking path."""

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from bookings.booking.errors import UnsafeBooking
from bookings.booking.services import book_session
from bookings.intake import cookie as intake_cookie
from bookings.intake.answers import IntakeAnswers
from bookings.intake.forms import ScreenForm
from bookings.models import Booking, WaitlistEntry
from catalog.models import ConditionRule, Technique
from catalog.seed import RISK_FACTOR_RULES
from catalog.vocabulary import EMERGENCY_SIGNS, FOLLOW_UPS, RISK_FACTORS, URGENT_SIGNS
from tests.factories import safety_post

pytestmark = pytest.mark.django_db

TUESDAY_10 = datetime(2026, 3, 3, 10, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
INTAKE = reverse("bookings:intake")
RESULT = reverse("bookings:intake_result")
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
FEVER = IntakeAnswers(risk_factors=("fever",), screened=True)
"""Massage should wait: a fever makes every technique doctor-first or moved down."""
PREGNANT = IntakeAnswers(conditions=("pregnancy",), screened=True)
"""Care needed: the pregnancy caution on every technique."""
STEROIDS = IntakeAnswers(risk_factors=("steroids",), screened=True)
"""Deep tissue ruled out (thin bones), gentler techniques open."""
OVER_50 = IntakeAnswers(risk_factors=("over_50_new",), screened=True)
"""Deep tissue doctor-first, the others open."""


@pytest.fixture
def clinic(clinic_rules, therapist, now):
    therapist.techniques.add(*Technique.objects.active())
    return therapist


def with_intake(client: Client, answers: IntakeAnswers | dict[str, object]) -> None:
    response = HttpResponse()
    if isinstance(answers, IntakeAnswers):
        intake_cookie.remember(response, answers)
        value = response.cookies[intake_cookie.COOKIE_NAME].value
    else:
        from django.core import signing

        value = signing.dumps(answers, salt=intake_cookie.COOKIE_SALT, compress=True)
    client.cookies[intake_cookie.COOKIE_NAME] = value


def text_of(response: Any) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def book_url(slug: str, **query: str) -> str:
    url = reverse("bookings:book", args=[slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def submit(client: Client, slug: str, **more: str) -> Any:
    return client.post(reverse("bookings:book_submit", args=[slug]), CHOICE | DETAILS | more)


# The questions ---------------------------------------------------------------------------


def test_each_emergency_sign_is_its_own_yes_no_with_nothing_pre_set():
    form = ScreenForm()
    html = form.as_div()
    for sign in EMERGENCY_SIGNS:
        assert form[f"sign_{sign.code}"].value() is None
    assert form["signs_none"].value() in (None, False)
    assert "checked" not in html
    assert {s.code for s in EMERGENCY_SIGNS} == URGENT_SIGNS
    assert {
        "saddle_numbness",
        "wiping_change",
        "bladder_change",
        "bladder_bowel",
        "sexual_change",
        "both_legs",
        "leg_weakness",
        "chest_pain",
    } == URGENT_SIGNS


def test_an_empty_post_answers_nothing_and_every_question_says_so():
    form = ScreenForm({})
    assert not form.is_valid()
    for sign in EMERGENCY_SIGNS:
        assert form.errors[f"sign_{sign.code}"] == ["Please answer yes or no."]
    assert "conditions" in form.errors and "risk_factors" in form.errors


def test_a_list_needs_what_applies_or_none_of_these_and_not_both():
    unticked = safety_post() | {"conditions": [], "risk_factors": []}
    form = ScreenForm(unticked)
    assert not form.is_valid()
    assert set(form.errors) == {"conditions", "risk_factors"}
    both = safety_post() | {"conditions": ["none", "pregnancy"]}
    form = ScreenForm(both)
    assert not form.is_valid() and "conditions" in form.errors


def test_a_client_with_none_of_the_signs_says_so_in_one_tick():
    data = {"signs_none": "on", "conditions": ["none"], "risk_factors": ["none"]}
    form = ScreenForm(data)
    assert form.is_valid(), form.errors
    assert form.safety_answers()["warning_signs"] == ()
    assert "I have none of these right now" in ScreenForm().as_div()


def test_none_of_the_signs_beside_a_yes_is_refused():
    form = ScreenForm(safety_post(signs=["chest_pain"]) | {"signs_none": "on"})
    assert not form.is_valid()
    assert list(form.errors) == ["sign_chest_pain"]
    assert form.urgent_signs_said() == ("chest_pain",)


def test_one_sign_left_out_is_refused_even_when_the_rest_say_no():
    data = safety_post()
    del data["sign_wiping_change"]
    form = ScreenForm(data)
    assert not form.is_valid()
    assert list(form.errors) == ["sign_wiping_change"]


@pytest.mark.parametrize(
    ("ticked", "asked"),
    [
        ({"conditions": ["osteoporosis"]}, {"fall"}),
        ({"risks": ["steroids"]}, {"fall"}),
        ({"conditions": ["pregnancy"]}, {"pregnancy_problem"}),
        ({}, set()),
    ],
)
def test_a_follow_up_is_required_only_when_what_it_follows_is_ticked(ticked, asked):
    data = safety_post(**ticked)
    for follow in FOLLOW_UPS:
        data.pop(f"follow_{follow.code}", None)
    form = ScreenForm(data)
    assert form.is_valid() is (not asked)
    assert {name.removeprefix("follow_") for name in form.errors} == asked


def test_the_answers_keep_yes_signs_risks_and_follow_ups():
    form = ScreenForm(
        safety_post(signs=["chest_pain"], conditions=["osteoporosis"], risks=["cancer", "fall"])
    )
    assert form.is_valid(), form.errors
    answers = form.answers(None)
    assert answers.warning_signs == ("chest_pain",)
    assert answers.conditions == ("osteoporosis",)
    assert answers.risk_factors == ("cancer", "fall")
    assert answers.screened


def test_a_fall_answered_yes_without_thin_bones_or_steroids_is_not_kept():
    data = safety_post() | {"follow_fall": "yes"}
    form = ScreenForm(data)
    assert form.is_valid()
    assert form.answers(None).risk_factors == ()


@pytest.mark.parametrize("sheet", ["site.css", "admin-schedule.css"])
def test_the_css_that_reveals_follow_ups_names_every_parent(sheet):
    css = (ROOT / "static/css" / sheet).read_text()
    for follow in FOLLOW_UPS:
        for parent in follow.follows:
            assert (
                f'input[value="{parent}"]:checked) .follow-up[data-follow="{follow.code}"]' in css
            )


def test_every_answer_code_is_documented_for_the_case_table():
    doc = (ROOT / "docs/intake.md").read_text()
    for code in [*URGENT_SIGNS, *RISK_FACTORS.codes]:
        assert f"`{code}`" in doc


def test_every_risk_factor_has_rules_for_the_seeded_techniques():
    assert set(RISK_FACTOR_RULES) == set(RISK_FACTORS.codes)
    for risk in RISK_FACTORS.codes:
        assert ConditionRule.objects.filter(condition=risk).exists()


# Old answers are asked again ---------------------------------------------------------------


def test_answers_kept_before_the_new_questions_count_as_not_screened():
    old = {"conditions": [], "warning_signs": ["night_pain"], "screened": True}
    assert not IntakeAnswers.from_dict(old).screened
    assert IntakeAnswers.from_dict(old).warning_signs == ("night_pain",)
    assert IntakeAnswers.from_dict(FEVER.to_dict()) == FEVER


def test_an_old_cookie_is_asked_the_questions_again(client, clinic):
    with_intake(client, {"areas": ["lower"], "warning_signs": [], "screened": True})
    response = client.get(book_url("swedish"))
    assert response.status_code == 303
    assert response["Location"].startswith(reverse("bookings:book_screen", args=["swedish"]))
    assert client.get(RESULT)["Location"] == INTAKE


# Emergency advice first --------------------------------------------------------------------


def test_one_yes_shows_emergency_advice_before_any_other_answer(client, clinic):
    response = client.post(INTAKE, {"sign_both_legs": "yes"})
    assert response.status_code == 303 and response["Location"] == RESULT
    page = client.get(RESULT)
    assert "Please get emergency care today" in text_of(page)
    assert "Both legs weak or numb" in text_of(page)


def test_emergency_advice_comes_before_the_question_about_their_words(client, clinic):
    data = KNOTS | safety_post(signs=["saddle_numbness"])
    data["description"] = "my legs feel numb and I had a fever"
    client.post(INTAKE, data)
    page = text_of(client.get(RESULT))
    assert "Please get emergency care today" in page
    assert "One more question" not in page


def test_a_yes_on_the_technique_screen_goes_straight_to_emergency_advice(client, clinic):
    url = reverse("bookings:book_screen", args=["swedish"])
    response = client.post(url, {"sign_chest_pain": "yes"})
    assert response.status_code == 303
    page = client.get(response["Location"])
    assert "emergency" in text_of(page).lower()
    assert 'name="start"' not in page.content.decode()


# Massage should wait: enforced on every path -----------------------------------------------


def test_massage_should_wait_on_the_result_page_and_every_online_step(client, clinic):
    with_intake(client, FEVER)
    assert "Massage should wait" in text_of(client.get(RESULT))
    for slug in ("swedish", "myofascial-release", "deep-tissue", "lymphatic-drainage"):
        page = client.get(book_url(slug, length="60", therapist="any"))
        assert "massage should wait" in text_of(page).lower(), slug
        typed = client.get(book_url(slug, length="60", therapist="any", start=CHOICE["start"]))
        assert "massage should wait" in text_of(typed).lower(), slug
        assert submit(client, slug, acknowledge_warning="on").status_code == 400
    assert not Booking.objects.exists()


def test_book_session_refuses_massage_should_wait_for_a_client(clinic, swedish):
    with pytest.raises(UnsafeBooking) as refused:
        book_session(
            therapist_id=None,
            technique=swedish,
            length_minutes=60,
            start=TUESDAY_10,
            client_name="Sam",
            client_email="sam@example.com",
            client_phone="07700 900123",
            intake=FEVER,
            acknowledged_warning=True,
            clinical_override_reason="GP agreed",  # ignored: not staff
        )
    assert refused.value.stop == "should_wait"


def test_waitlist_join_sends_massage_should_wait_to_the_booking_steps(client, clinic):
    with_intake(client, FEVER)
    response = client.get(reverse("bookings:waitlist_join", args=["swedish"]))
    assert response.status_code == 303
    assert "massage should wait" in text_of(client.get(response["Location"])).lower()
    assert not WaitlistEntry.objects.exists()


# Ruled out, doctor first, care needed ------------------------------------------------------


def test_steroids_rule_out_deep_tissue_on_the_steps_and_in_the_service(client, clinic):
    with_intake(client, STEROIDS)
    page = client.get(book_url("deep-tissue", length="60", therapist="any"))
    assert "not advised" in text_of(page).lower()
    assert submit(client, "deep-tissue").status_code == 400
    assert client.get(book_url("swedish", length="60", therapist="any")).status_code == 200
    assert not Booking.objects.exists()


def test_new_pain_over_50_asks_a_doctor_first_for_deep_tissue(client, clinic):
    with_intake(client, OVER_50)
    unconfirmed = submit(client, "deep-tissue")
    assert "Please see a doctor first" in text_of(unconfirmed)
    assert not Booking.objects.exists()
    assert submit(client, "deep-tissue", acknowledge_warning="on").status_code == 302
    booking = Booking.objects.get()
    assert any("after 50" in line for line in booking.acknowledged_advice)


def test_the_pregnancy_caution_travels_through_the_steps_and_is_acknowledged(
    client, clinic, mailoutbox, django_capture_on_commit_callbacks
):
    with_intake(client, PREGNANT)
    steps: list[dict[str, str]] = [
        {},
        {"length": "60", "therapist": "any"},
        {"length": "60", "day": "2026-03-03"},
    ]
    for query in steps:
        page = text_of(client.get(book_url("lymphatic-drainage", **query)))
        assert "Care your session needs" in page and "pregnan" in page
    details = client.get(book_url("lymphatic-drainage", **CHOICE))
    assert "Care your session needs" in text_of(details)
    assert "acknowledge_warning" in details.content.decode()
    assert submit(client, "lymphatic-drainage").status_code == 200
    assert not Booking.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, "lymphatic-drainage", acknowledge_warning="on")
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert any("lie on your side" in line for line in booking.acknowledged_advice)
    manage = text_of(client.get(response["Location"]))
    assert "Advice for your session" in manage and "lie on your side" in manage


# The front desk ----------------------------------------------------------------------------

ADD_URL = reverse("admin:bookings_booking_add")


def desk_data(therapist: Any, **overrides: object) -> dict[str, object]:
    return {
        "action": "book",
        "technique": Technique.objects.get(slug="swedish").pk,
        "length_minutes": 60,
        "therapist": therapist.pk,
        "day": "2026-03-03",
        "time": "10:00",
        "client_name": "Pat Phone",
        "client_phone": "07700 900456",
        "client_email": "",
        **overrides,
    }


def test_the_desk_cannot_book_with_a_question_unanswered(client, clinic, front_desk_user):
    client.force_login(front_desk_user)
    data = desk_data(clinic) | safety_post()
    del data["sign_chest_pain"]
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Please answer yes or no." in response.content.decode()
    no_lists = desk_data(clinic) | safety_post() | {"conditions": [], "risk_factors": []}
    assert client.post(ADD_URL, no_lists).status_code == 200
    assert not Booking.objects.exists()


def test_the_desk_may_answer_every_emergency_sign_with_one_none_apply(
    client, clinic, front_desk_user
):
    client.force_login(front_desk_user)
    data = desk_data(clinic, signs_none="on", conditions=["none"], risk_factors=["none"])
    assert client.post(ADD_URL, data).status_code == 302
    assert Booking.objects.get().client_name == "Pat Phone"


def test_the_desk_none_apply_with_a_yes_is_refused(client, clinic, front_desk_user):
    client.force_login(front_desk_user)
    data = desk_data(clinic, signs_none="on") | safety_post(signs=["both_legs"])
    assert client.post(ADD_URL, data).status_code == 200
    assert not Booking.objects.exists()


def test_the_desk_cannot_book_an_emergency_even_with_an_override(client, clinic, front_desk_user):
    client.force_login(front_desk_user)
    data = desk_data(clinic, clinical_override="on", clinical_override_reason="GP agreed")
    response = client.post(ADD_URL, data | safety_post(signs=["bladder_change"]))
    assert "urgent medical care" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_desk_books_massage_should_wait_only_with_an_override_and_its_reason(
    client, clinic, front_desk_user, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(front_desk_user)
    data = desk_data(clinic, told_to_see_doctor="on", client_email="pat@example.com")
    data |= safety_post(risks=["fever"])
    refused = client.post(ADD_URL, data)
    assert "massage should wait" in refused.content.decode()
    no_reason = client.post(ADD_URL, data | {"clinical_override": "on"})
    assert "Say why massage need not wait." in no_reason.content.decode()
    assert not Booking.objects.exists()
    reason = "Seen by GP today, letter on file"
    with django_capture_on_commit_callbacks(execute=True):
        booked = client.post(
            ADD_URL, data | {"clinical_override": "on", "clinical_override_reason": reason}
        )
    assert booked.status_code == 302
    booking = Booking.objects.get()
    assert booking.safety_override_reason == reason
    listed = client.get(reverse("admin:bookings_booking_changelist")).content.decode()
    assert "Clinical override" in listed
    change = reverse("admin:bookings_booking_change", args=[booking.pk])
    assert reason in client.get(change).content.decode()
    # Staff-only words never reach the client: not their page, not their email.
    client.logout()
    page = client.get(reverse("bookings:booking_detail", args=[booking.manage_token]))
    assert reason not in page.content.decode()
    assert all(reason not in m.body for m in mailoutbox)


def test_the_desk_still_cannot_book_a_ruled_out_technique_with_an_override(
    client, clinic, front_desk_user
):
    client.force_login(front_desk_user)
    data = desk_data(
        clinic,
        technique=Technique.objects.get(slug="deep-tissue").pk,
        clinical_override="on",
        clinical_override_reason="insists",
    ) | safety_post(risks=["steroids"])
    response = client.post(ADD_URL, data)
    assert "not advised" in response.content.decode()
    assert not Booking.objects.exists()


# The waitlist: join and the offer link -----------------------------------------------------


def test_joining_the_waitlist_shows_the_caution_and_needs_its_acknowledgement(client, clinic):
    with_intake(client, PREGNANT)
    url = reverse("bookings:waitlist_join", args=["lymphatic-drainage"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Care your session needs" in text_of(page) and "lie on your side" in text_of(page)
    assert "acknowledged_warning" in page.content.decode()


def test_an_offer_link_cannot_book_answers_kept_before_the_new_questions(
    client, clinic_rules, therapist, book, now
):
    from bookings.booking import services
    from bookings.waitlist import services as waitlist
    from tests.bookings.waitlist_helpers import fill_wednesday_afternoon, join

    taken = fill_wednesday_afternoon(book)
    entry = join()
    # As an entry kept before the emergency signs were asked one by one would read.
    old = dict(entry.intake_answers or {})
    old.pop("asked")
    WaitlistEntry.objects.filter(pk=entry.pk).update(intake_answers=old)
    services.cancel_booking(booking=taken[1], now=now)
    (offer,) = waitlist.offer_freed_times(now=now)

    response = client.post(reverse("bookings:waitlist_offer", args=[offer.token]))

    assert response.status_code == 409
    assert not Booking.objects.filter(client_name="Jane Doe").exists()


def test_an_offer_link_books_answers_that_still_pass(client, clinic_rules, therapist, book, now):
    from bookings.booking import services
    from bookings.waitlist import services as waitlist
    from tests.bookings.waitlist_helpers import fill_wednesday_afternoon, join

    taken = fill_wednesday_afternoon(book)
    join(intake=PREGNANT, acknowledged_warning=True)
    services.cancel_booking(booking=taken[1], now=now)
    (offer,) = waitlist.offer_freed_times(now=now)

    assert client.post(reverse("bookings:waitlist_offer", args=[offer.token])).status_code == 303
    booking = Booking.objects.get(client_name="Jane Doe")
    assert any("lie on your side" in line for line in booking.acknowledged_advice)


def test_the_waitlist_refuses_to_keep_a_client_whose_massage_should_wait(clinic):
    from tests.bookings.waitlist_helpers import join

    with pytest.raises(UnsafeBooking):
        join(intake=FEVER, acknowledged_warning=True)
    assert not WaitlistEntry.objects.exists()
