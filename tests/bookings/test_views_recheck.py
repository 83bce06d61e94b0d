"""The client's safety re-check page (bookings/booking/recheck_page.py): behind the
booking's private link, the emergency signs and one question about changes; its three
results; kept by no cache; sent twice, the same result."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from bookings.booking import courses, recheck
from bookings.models import Booking, ClinicRules, Course, RecheckResult
from catalog.vocabulary import EMERGENCY_SIGNS
from tests.factories import EVERY_DAY_NINE_TO_FIVE


@pytest.fixture
def therapist_hours():
    return EVERY_DAY_NINE_TO_FIVE


@pytest.fixture
def sessions(book, clinic_rules: ClinicRules, now) -> list[Booking]:
    """Jane's fortnightly course of 4 from Wednesday 4 March: 1 and 15 April are more
    than 30 days after her answers of 2 March."""
    clinic_rules.booking_horizon_days = 120
    clinic_rules.save()
    source = book()
    plan = courses.plan_course(source=source, every_weeks=2, sessions=4, staff=False, now=now)
    picks = [courses.Pick(o.position, o.start, o.therapist_id) for o in plan]
    course = courses.book_course(source=source, every_weeks=2, picks=picks, by=None, now=now)
    recheck.queue_recheck(course, now)
    return list(course.sessions.order_by("start"))


@pytest.fixture
def due(sessions, clock) -> list[Booking]:
    """Three weeks on (23 March): answers given now cover 1 April."""
    clock.shift(timedelta(days=21))
    return sessions


def page_of(booking: Booking) -> str:
    return reverse("bookings:manage_recheck", args=[booking.manage_token])


def answers(*, signs: tuple[str, ...] = (), changed: str = "no", none: bool = True) -> dict:
    data: dict[str, Any] = {"health_changed": changed}
    if signs:
        data |= {f"sign_{s.code}": "yes" if s.code in signs else "no" for s in EMERGENCY_SIGNS}
    elif none:
        data["signs_none"] = "on"
    return data


def course() -> Course:
    return Course.objects.get()


def test_the_page_asks_the_eight_signs_and_whether_anything_changed_since_the_answers(client, due):
    page = client.get(page_of(due[2]))

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    for sign in EMERGENCY_SIGNS:
        assert f'name="sign_{sign.code}"' in page.text
    assert "I have none of these right now" in page.text
    assert "Has anything about your health changed since Monday 2 March?" in page.text
    assert 'name="conditions"' not in page.text


def test_the_booking_page_asks_for_it_from_when_the_email_goes(client, sessions, clock):
    manage = reverse("bookings:manage", args=[sessions[2].manage_token])
    assert "please answer our safety questions again" not in client.get(manage).text

    clock.move_to(sessions[2].start - timedelta(days=2))
    page = client.get(manage)

    assert "please answer our safety questions again" in page.text
    assert page_of(sessions[2]) in page.text


def test_no_sign_and_no_change_is_clear_and_renews_the_answers(client, sessions, clock, now):
    clock.shift(timedelta(days=20))
    sent = client.post(page_of(sessions[2]), answers())

    # Sent, then shown by a GET: reloading the thank-you page sends nothing again.
    assert sent.status_code == 303 and sent["Location"] == page_of(sessions[2]) + "?sent=1"
    page = client.get(sent["Location"])
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Your answers are up to date" in page.text
    assert course().recheck_result == RecheckResult.CLEAR
    assert course().answers_at == now + timedelta(days=20)
    assert course().recheck_reported_at == now + timedelta(days=20)


def test_answers_that_would_not_cover_the_session_are_not_taken_yet(client, sessions):
    # On 2 March, answers last to 1 April at this time: the 10:00 session is after it.
    page = client.get(page_of(sessions[3]))

    assert (
        "Nothing to answer yet: we will email you a few days before your session on "
        "Wednesday 1 April." in page.text
    )
    assert 'name="health_changed"' not in page.text
    sent = client.post(page_of(sessions[3]), answers())
    assert 'name="health_changed"' not in sent.text
    assert course().recheck_result == RecheckResult.NOT_ASKED


def test_the_page_names_the_session_its_link_is_for(client, due):
    page = client.get(page_of(due[3]))

    assert "before your session on Wednesday 15 April" in page.text


def test_a_change_is_passed_to_the_therapist(client, due):
    page = client.get(client.post(page_of(due[2]), answers(changed="yes"))["Location"])

    assert "Your therapist will go through it with you before your session" in page.text
    assert course().recheck_result == RecheckResult.CHANGED


def test_an_emergency_sign_shows_the_emergency_advice_at_once(client, due):
    # Whatever else is unanswered: the advice never waits.
    page = client.post(page_of(due[2]), {"sign_chest_pain": "yes"})

    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Please get medical help today" in page.text
    assert course().recheck_result == RecheckResult.EMERGENCY


def test_sent_twice_the_result_is_the_same(client, due):
    first = client.post(page_of(due[2]), answers(changed="yes"))
    second = client.post(page_of(due[2]), answers(changed="yes"))

    assert first.status_code == second.status_code == 303
    assert course().recheck_result == RecheckResult.CHANGED
    assert "You told us your health has changed" in client.get(second["Location"]).text


def test_unanswered_questions_are_asked_again(client, due):
    page = client.post(page_of(due[2]), {"signs_none": "on"})

    assert page.status_code == 400
    assert "Please answer yes or no." in page.text
    assert course().recheck_result == RecheckResult.NOT_ASKED


def test_none_ticked_beside_a_yes_is_not_an_emergency_until_answered_plainly(client, due):
    data = answers(signs=("both_legs",)) | {"signs_none": "on"}
    page = client.post(page_of(due[2]), data)

    # A "yes" is a "yes": the advice comes first, whatever else the post says.
    assert "Please get medical help today" in page.text
    assert course().recheck_result == RecheckResult.EMERGENCY


def test_after_a_clear_answer_nothing_is_asked_until_the_next_interval(client, sessions, clock):
    clock.shift(timedelta(days=20))
    client.post(page_of(sessions[2]), answers())

    page = client.get(page_of(sessions[2]))

    assert "Nothing to answer now" in page.text
    assert 'name="health_changed"' not in page.text


def test_a_booking_in_no_course_has_no_recheck_page(client, book, clinic_rules):
    single = book(start=book().start + timedelta(hours=3))

    assert client.get(page_of(single)).status_code == 404
    assert client.post(page_of(single), answers()).status_code == 404
