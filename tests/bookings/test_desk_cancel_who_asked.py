"""The desk's cancel pages say who asked: "The client asked" sends the client's own
"As you asked" email (no apology, no message); "The clinic cancelled" keeps the apology
and the desk's message. For one booking, and for "this and the rest" of a course."""

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import BookingStatus
from tests.bookings.test_desk_courses import cancel_url, course, source  # noqa: F401

pytestmark = pytest.mark.django_db


def to_jane():
    return [m for m in mail.outbox if m.to == ["jane@example.org"]]


def test_the_cancel_pages_ask_who_asked(client, course):  # noqa: F811
    for url in (cancel_url(course[4], "rest"), cancel_url(course[4], "all")):
        html = client.get(url).content.decode()
        assert "Who asked to cancel?" in html
        assert "The client asked" in html and "The clinic cancelled" in html
    single = reverse("admin:bookings_booking_cancel", args=[course[0].pk])
    assert "The client asked" in client.get(single).content.decode()


def test_the_rest_cancelled_because_the_client_asked_does_not_apologise(
    client,
    course,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    data = {"reason": "Moving away", "client_message": "Sorry!", "asked_by": "client"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url(course[4], "rest"), data)
    assert response.status_code == 303
    (email,) = to_jane()
    assert "As you asked, these massages of your course are cancelled." in email.body
    assert "We are sorry" not in email.body and "Sorry!" not in email.body
    assert course[4].__class__.objects.get(pk=course[4].pk).cancel_reason == "Moving away"


def test_all_remaining_cancelled_by_the_clinic_apologises_with_the_desks_message(
    client,
    course,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    data = {"reason": "", "client_message": "Anna is unwell.", "asked_by": "clinic"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_url(course[2], "all"), data)
    (email,) = to_jane()
    assert "We are sorry: we have had to cancel these massages of your course." in email.body
    assert "Anna is unwell." in email.body


def test_one_booking_cancelled_because_the_client_asked_gets_the_clients_email(
    client,
    course,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    single = reverse("admin:bookings_booking_cancel", args=[course[1].pk])
    data = {"reason": "", "client_message": "We are so sorry.", "asked_by": "client"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(single, data)
    assert course[1].__class__.objects.get(pk=course[1].pk).status == BookingStatus.CANCELLED
    (email,) = to_jane()
    assert "As you asked, your massage is cancelled." in email.body
    assert "We are so sorry." not in email.body
