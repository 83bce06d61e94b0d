"""My bookings, signed in: the client's own sessions, book again with the safety
questions asked afresh, the pain chart, the download, and who opened their record."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from bookings.account.services import request_sign_in_link
from bookings.intake import cookie as intake
from bookings.intake.answers import IntakeAnswers
from bookings.models import SignInLink, TrailNames
from bookings.privacy import looks
from tests.factories import (
    INTAKE_ANSWERS,
    BookingFactory,
    ClientFactory,
    OutcomeRequestFactory,
    safety_post,
)

ACCOUNT = reverse("bookings:account")


def sign_in(browser: Browser, email: str) -> None:
    link = request_sign_in_link(email=email, now=timezone.now())
    assert link is not None
    response = browser.post(reverse("bookings:account_sign_in_link", args=[link.token]))
    assert response.status_code == 303


def recalled(browser: Browser) -> IntakeAnswers | None:
    request: Any = type("R", (), {"COOKIES": {k: v.value for k, v in browser.cookies.items()}})
    return intake.recall(request)


@pytest.fixture
def jane(db, clinic_rules, therapist, now):
    """Jane: a session to come, one that took place (answers kept) and one cancelled."""
    person = ClientFactory(name="Jane Doe", email="jane@example.org")
    common = {"client": person, "client_email": person.email, "therapist": therapist}
    BookingFactory(reference="JANEUPCM", start=now + timedelta(days=3), **common)
    BookingFactory(reference="JANEPAST", completed=True, with_intake=True, **common)
    BookingFactory(reference="JANECANC", cancelled=True, start=now - timedelta(days=10), **common)
    return person


@pytest.fixture
def john(db, clinic_rules, other_therapist, now):
    person = ClientFactory(name="John Roe", email="john@example.org")
    BookingFactory(
        reference="JOHNUPCM",
        start=now + timedelta(days=4),
        client=person,
        client_email=person.email,
        therapist=other_therapist,
    )
    return person


@pytest.fixture
def signed_in(client, jane, john):
    sign_in(client, jane.email)
    return client


def test_the_list_shows_their_sessions_and_no_one_elses(signed_in):
    page = signed_in.get(ACCOUNT)

    html = page.content.decode()
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    upcoming, past = html.split("<h2>Past sessions</h2>")
    assert "JANEUPCM" in upcoming and "Move or cancel" in upcoming
    assert "JANEPAST" in past and "JANECANC" in past and "Book this again" in past
    assert "Cancelled" in past and "Took place" in past
    assert "JOHN" not in html and "John" not in html


def test_their_own_session_opens_its_page_to_move_or_cancel(signed_in, jane):
    response = signed_in.get(reverse("bookings:account_booking", args=["JANEUPCM"]))

    booking = jane.bookings.get(reference="JANEUPCM")
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:manage", args=[booking.manage_token])


@pytest.mark.parametrize("page", ["account_booking", "account_book_again"])
def test_another_clients_booking_is_not_found(signed_in, page):
    assert signed_in.get(reverse(f"bookings:{page}", args=["JOHNUPCM"])).status_code == 404
    assert signed_in.post(reverse(f"bookings:{page}", args=["JOHNUPCM"])).status_code in (
        404,
        405,
    )
    assert signed_in.get(reverse(f"bookings:{page}", args=["NOSUCHRF"])).status_code == 404


@pytest.mark.parametrize(
    "page", ["account", "account_who_looked", "account_download", "account_book_again"]
)
def test_every_page_sends_a_visitor_who_is_not_signed_in_to_sign_in(client, jane, page):
    args = ["JANEPAST"] if page == "account_book_again" else []
    response = client.get(reverse(f"bookings:{page}", args=args))
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:account_sign_in")


def test_book_again_goes_to_the_same_technique_therapist_and_length(signed_in, therapist):
    again = reverse("bookings:account_book_again", args=["JANEPAST"])
    page = signed_in.get(again)
    assert "Anna K." in page.content.decode()

    response = signed_in.post(again)

    assert response.status_code == 303
    book = reverse("bookings:book", args=["swedish"]) + f"?length=60&therapist={therapist.pk}"
    assert response["Location"] == book
    # The safety questions come first, every one of them, then the free times.
    step = signed_in.get(book)
    screen = reverse("bookings:book_screen", args=["swedish"])
    assert step["Location"] == f"{screen}?length=60&therapist={therapist.pk}"
    answered = signed_in.post(step["Location"], safety_post())
    assert answered["Location"] == book
    days = signed_in.get(book)
    assert days.status_code == 200
    assert reverse("bookings:book", args=["swedish"]) + "?length=60&amp;therapist=" in (
        days.content.decode()
    )


def test_book_again_falls_back_to_anyone_when_their_therapist_left(signed_in, therapist):
    therapist.is_active = False
    therapist.save()
    response = signed_in.post(reverse("bookings:account_book_again", args=["JANEPAST"]))
    assert response["Location"].endswith("?length=60&therapist=any")


def test_last_answers_come_back_only_with_every_safety_question_asked_again(signed_in, jane):
    kept = jane.bookings.get(reference="JANEPAST")
    kept.intake_answers = INTAKE_ANSWERS | {
        "conditions": ["osteoporosis"],
        "risk_factors": ["fever"],
        "screened": True,
        "asked": ["everything"],
        "text_checked": ["night_pain"],
    }
    kept.save()

    signed_in.post(
        reverse("bookings:account_book_again", args=["JANEPAST"]), {"reuse_answers": "on"}
    )

    answers = recalled(signed_in)
    assert answers is not None
    assert answers.areas == ("lower",) and answers.description == "Stiff after long drives"
    assert answers.conditions == () and answers.risk_factors == ()
    assert answers.warning_signs == () and answers.text_checked == ()
    assert not answers.screened
    screen = reverse("bookings:book_screen", args=["swedish"])
    html = signed_in.get(screen).content.decode()
    assert " checked" not in html  # nothing about safety is filled in for them


def test_without_reuse_no_earlier_answer_comes_back(signed_in):
    signed_in.post(reverse("bookings:account_book_again", args=["JANEPAST"]))
    assert recalled(signed_in) == IntakeAnswers()


def test_the_pain_chart_shows_their_scores(signed_in, jane):
    OutcomeRequestFactory(booking=jane.bookings.get(reference="JANEPAST"), answered=True)
    html = signed_in.get(ACCOUNT).content.decode()
    assert '<svg class="pain-chart"' in html
    assert "Your pain scores, 0 to 10" in html


def test_the_download_is_their_whole_record_without_staff_notes_or_a_look(signed_in, jane):
    jane.staff_notes = "Prefers mornings"
    jane.save()

    response = signed_in.get(reverse("bookings:account_download"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert {b["reference"] for b in data["bookings"]} == {"JANEUPCM", "JANEPAST", "JANECANC"}
    assert "Prefers mornings" not in response.content.decode()
    assert "staff_notes" not in data["client"]
    past = next(b for b in data["bookings"] if b["reference"] == "JANEPAST")
    assert past["intake_answers"]["areas"] == ["lower"]
    assert not looks.looks().exists()


def test_the_trail_shows_only_looks_at_their_own_record(
    signed_in, jane, john, front_desk_user, therapist_user, now
):
    front_desk_user.first_name = "Maria"
    front_desk_user.save()
    looks.record_look(user=therapist_user, opened=jane.bookings.get(reference="JANEPAST"), now=now)
    looks.record_look(user=front_desk_user, opened=john.bookings.get(), now=now)
    looks.record_look(user=front_desk_user, opened=john, now=now, what=looks.Look.CLIENT_OUTCOMES)

    page = signed_in.get(reverse("bookings:account_who_looked"))

    html = page.content.decode()
    assert "no-store" in page["Cache-Control"]
    body = html.split('<ul class="list-unstyled who-looked">')[1].split("</ul>")[0]
    assert body.count("<li") == 1
    assert "A therapist opened your health answers, for the session of 27 February 2026." in body
    assert "Front desk" not in body and "Maria" not in html and "pain chart" not in body


def test_the_trail_names_staff_by_first_name_when_the_clinic_chooses(
    signed_in, jane, therapist_user, clinic_rules, now
):
    clinic_rules.trail_names = TrailNames.FIRST_NAME
    clinic_rules.save()
    therapist_user.first_name = "Anna"
    therapist_user.save()
    looks.record_look(user=therapist_user, opened=jane, now=now)

    html = signed_in.get(reverse("bookings:account_who_looked")).content.decode()

    assert "Anna opened your treatment notes." in html


def test_another_client_signed_in_sees_none_of_janes_looks(client, jane, john, therapist_user, now):
    looks.record_look(user=therapist_user, opened=jane, now=now)
    sign_in(client, john.email)
    html = client.get(reverse("bookings:account_who_looked")).content.decode()
    assert "Nobody at the clinic has opened them yet." in html


def test_the_sign_in_link_row_of_a_signed_in_client_is_spent(signed_in, jane):
    assert SignInLink.objects.get(client=jane).used_at is not None


def test_a_session_inside_the_clinics_window_says_to_phone_instead_of_move(
    signed_in, jane, now, settings
):
    BookingFactory(
        reference="JANESOON",
        client=jane,
        client_email=jane.email,
        start=now + timedelta(hours=5),
    )
    html = signed_in.get(ACCOUNT).content.decode()
    soon = html.split("JANESOON")[1].split("</li>")[0]
    assert "Less than 24 hours away: to change it, please phone" in soon
    assert settings.CLINIC_PHONE in soon
    assert "Move or cancel" not in soon


def test_book_again_is_offered_once_per_kind_of_session_and_old_ones_fold_away(
    signed_in, jane, therapist, now
):
    for weeks in range(2, 6):
        BookingFactory(
            reference=f"JANEOLD{weeks}",
            client=jane,
            client_email=jane.email,
            therapist=therapist,
            completed=True,
            start=now - timedelta(weeks=weeks),
        )
    html = signed_in.get(ACCOUNT).content.decode()
    assert html.count("Book this again<") == 1
    assert "JANEPAST" in html.split("<details")[0]
    assert "3 earlier sessions" in html  # six past: three shown, three folded
