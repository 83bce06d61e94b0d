"""Everyday activities (the Patient-Specific Functional Scale): named with the first
answer to "How is your back today?", scored again with every third answer after it, and
shown to staff beside the pain chart."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from bookings.models import FunctionActivity, FunctionScore, OutcomeRequest
from bookings.privacy.outcomes import erase_outcomes, export_outcomes
from bookings.records import selectors
from bookings.records.access import health_data_rule
from tests.clock import NOW
from tests.factories import BookingFactory, ClientFactory, OutcomeRequestFactory


def answered_session(client, weeks_ago, score=5):
    """A session `weeks_ago` weeks before now, its outcome answered two days later."""
    start = NOW - timedelta(weeks=weeks_ago)
    booking = BookingFactory(client=client, start=start, status="completed")
    return OutcomeRequestFactory(
        booking=booking,
        score=score,
        answered_at=booking.end + timedelta(days=2),
        expires=NOW + timedelta(days=7),
    )


def activities_url(outcome):
    return reverse("bookings:outcome_activities", args=[outcome.token])


@pytest.fixture
def jane(db):
    return ClientFactory(name="Jane Doe")


def test_the_first_answer_asks_to_name_activities(client, jane, clock):
    outcome = answered_session(jane, 1)
    assert selectors.function_due(outcome) == []
    page = client.get(activities_url(outcome))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "Name up to three everyday things" in page.content.decode()


def test_naming_stores_the_activities_once_and_a_reload_says_thank_you(client, jane, clock):
    outcome = answered_session(jane, 1)
    data = {
        "activity_1": "Lifting my toddler",
        "score_1": "3",
        "activity_2": "Gardening",
        "score_2": "5",
    }
    response = client.post(activities_url(outcome), data)
    assert response.status_code == 303
    assert response["Location"] == activities_url(outcome)
    thanks = client.get(activities_url(outcome))
    assert "We have your answers about everyday activities" in thanks.content.decode()
    # Back and send again: nothing more is stored.
    again = client.post(activities_url(outcome), data)
    assert again.status_code == 200
    assert FunctionActivity.objects.filter(client=jane).count() == 2
    assert sorted(FunctionScore.objects.values_list("score", flat=True)) == [3, 5]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"activity_1": "Gardening"}, "Please choose a number from 0 to 10."),
        ({"score_1": "4"}, "Please name the activity, or leave both empty."),
        ({}, "Please name at least one activity."),
        ({"activity_1": "Gardening", "score_1": "11"}, "Select a valid choice"),
    ],
)
def test_naming_explains_what_is_missing(client, jane, clock, data, message):
    outcome = answered_session(jane, 1)
    response = client.post(activities_url(outcome), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FunctionActivity.objects.exists()


def test_the_questions_come_back_with_every_third_answer(client, jane, clock):
    first = answered_session(jane, 6)
    client.post(activities_url(first), {"activity_1": "Sitting through a film", "score_1": "2"})
    second, third = answered_session(jane, 4), answered_session(jane, 3)
    assert selectors.function_due(second) is None
    assert selectors.function_due(third) is None
    assert client.get(activities_url(third)).status_code == 404
    fourth = answered_session(jane, 1)
    due = selectors.function_due(fourth)
    assert due is not None
    assert [a.name for a in due] == ["Sitting through a film"]
    (activity,) = due
    page = client.get(activities_url(fourth)).content.decode()
    assert "Last time you named these activities" in page
    response = client.post(activities_url(fourth), {f"score_{activity.pk}": "7"})
    assert response.status_code == 303
    assert list(activity.scores.values_list("score", flat=True)) == [2, 7]


def test_the_thank_you_for_the_pain_answer_links_the_questions_when_due(client, jane, clock):
    booking = BookingFactory(client=jane, start=NOW - timedelta(days=3), status="completed")
    outcome = OutcomeRequestFactory(booking=booking, expires=NOW + timedelta(days=7))
    response = client.post(
        reverse("bookings:outcome", args=[outcome.token]), {"score": "4"}, follow=True
    )
    assert activities_url(outcome) in response.content.decode()


def test_unanswered_or_expired_links_show_nothing(client, jane, clock):
    booking = BookingFactory(client=jane, start=NOW - timedelta(days=3), status="completed")
    unanswered = OutcomeRequestFactory(booking=booking, expires=NOW + timedelta(days=7))
    assert client.get(activities_url(unanswered)).status_code == 404
    expired = answered_session(jane, 2)
    OutcomeRequest.objects.filter(pk=expired.pk).update(expires=NOW - timedelta(minutes=1))
    assert client.get(activities_url(expired)).status_code == 404


def staff_partial(user, client):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "admin/bookings/client/_outcomes.html", {"client": client}, request=request
    )


def test_staff_see_each_activity_first_latest_and_change_beside_the_pain_chart(
    client, jane, clock, superuser, front_desk_user
):
    first = answered_session(jane, 6)
    client.post(activities_url(first), {"activity_1": "Gardening", "score_1": "2"})
    for weeks in (4, 3):
        answered_session(jane, weeks)
    fourth = answered_session(jane, 1)
    due = selectors.function_due(fourth)
    assert due is not None
    (activity,) = due
    client.post(activities_url(fourth), {f"score_{activity.pk}": "6"})
    html = staff_partial(superuser, jane)
    assert "Everyday activities, 0 (unable) to 10 (as before)" in html
    assert "+4 (easier)" in html
    assert "Gardening" not in staff_partial(front_desk_user, jane)


def test_export_and_erasure_carry_the_activities(client, jane, clock, superuser):
    outcome = answered_session(jane, 1)
    client.post(activities_url(outcome), {"activity_1": "Gardening", "score_1": "2"})
    exported = export_outcomes(jane, health_data_rule(superuser))
    assert exported["everyday_activities_0_to_10"][0]["activity"] == "Gardening"
    erase_outcomes(jane, NOW)
    assert not FunctionActivity.objects.exists()
    assert not FunctionScore.objects.exists()
