"""The desk's course plan says why a date clashes in the clinic's own words: a closure
by its name, time off as the therapist being away; a time taken while the desk chose
names the therapist of the pick that was taken."""

from datetime import datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bookings.frontdesk import courses as desk_courses
from bookings.models import Course
from tests.bookings.test_desk_courses import (
    book_url,
    course_post,
    option_for,
    picks_from,
    plan,
    source,  # noqa: F401
    week,
)
from tests.clock import clinic_time
from tests.factories import BookingFactory, ClinicClosureFactory, TimeOffFactory

pytestmark = pytest.mark.django_db


def test_a_date_on_a_clinic_closure_names_the_closure(
    client,
    front_desk_user,
    source,  # noqa: F811
):
    ClinicClosureFactory(start_date=week(2).date(), reason="Christmas Day")
    client.force_login(front_desk_user)
    html = plan(client, source).content.decode()
    assert "Clinic closed: Christmas Day." in html
    assert "or the clinic is closed" not in html


def test_a_date_in_the_therapists_time_off_says_they_are_away(
    client,
    front_desk_user,
    source,  # noqa: F811
):
    away = clinic_time(week(1), 0)
    TimeOffFactory(therapist=source.therapist, start=away, end=away + timedelta(days=1))
    client.force_login(front_desk_user)
    html = plan(client, source).content.decode()
    assert "Anna K. is away then." in html
    assert "Clinic closed" not in html


def test_a_pick_taken_meanwhile_names_its_own_therapist(
    client,
    front_desk_user,
    source,  # noqa: F811
    other_therapist,
):
    BookingFactory(therapist=source.therapist, start=week(3))
    client.force_login(front_desk_user)
    html = plan(client, source).content.decode()
    pick = option_for(html, 4, "(another therapist, same day)")
    picks = picks_from(html) | {"pick-4": pick}
    start = datetime.fromisoformat(pick.split("|", 1)[0])
    BookingFactory(therapist=other_therapist, start=start)  # taken while the desk chose
    response = client.post(book_url(source), course_post(**picks))
    page = response.content.decode()
    assert response.status_code == 409
    assert f"Taken meanwhile: {other_therapist.display_name} already has a session then." in page
    assert "Taken meanwhile: Anna K." not in page
    assert not Course.objects.exists()


def test_a_second_post_that_finds_the_course_booked_meanwhile_goes_to_the_booking(
    client,
    front_desk_user,
    source,  # noqa: F811
    monkeypatch,
):
    client.force_login(front_desk_user)
    picks = picks_from(plan(client, source).content.decode())
    assert client.post(book_url(source), course_post(**picks)).status_code == 303
    # The second post read the booking before the first committed its course.
    real = desk_courses.why_not_repeat
    calls = []

    def stale_then_real(booking):
        calls.append(booking.pk)
        return "" if len(calls) == 1 else real(booking)

    monkeypatch.setattr(desk_courses, "why_not_repeat", stale_then_real)
    response = client.post(book_url(source), course_post(**picks))
    assert response.status_code == 303
    assert response["Location"] == reverse("admin:bookings_booking_change", args=[source.pk])
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[-1] == f"{source.reference} is already in a course: nothing more was booked."
    assert Course.objects.count() == 1
    assert len(calls) == 2  # the service refused, then the booking was read again
