"""Move anywhere: the desk's move page lists the free times of every therapist who offers
the session's technique (or one chosen), each labelled, and moving to another therapist
keeps the old time until the new one is secured."""

from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.models import Booking
from tests.clock import NOW, clinic_time
from tests.factories import BookingFactory, TherapistFactory

pytestmark = pytest.mark.django_db

TUESDAY_10 = clinic_time(NOW + timedelta(days=1), 10)


def move_url(booking):
    return reverse("admin:bookings_booking_move", args=[booking.pk])


def test_the_move_page_lists_each_therapists_free_times_under_their_name(
    client, now, front_desk_user, therapist, other_therapist
):
    booking = BookingFactory(therapist=therapist, start=TUESDAY_10)
    BookingFactory(therapist=other_therapist, start=TUESDAY_10 + timedelta(hours=1))
    TherapistFactory(
        display_name="Cleo No-Swedish", techniques=["deep-tissue"], works_weekdays=True
    )
    client.force_login(front_desk_user)
    html = client.get(move_url(booking), {"date": "2026-03-03"}).content.decode()
    anna = html.split('id="free-' + str(therapist.pk) + '"')[1].split("</ul>")[0]
    ben = html.split('id="free-' + str(other_therapist.pk) + '"')[1].split("</ul>")[0]
    assert "Anna K. (the session's therapist now)" in anna and "Ben M." in ben
    # The session leaves its own time free on Anna's list; Ben is busy at 11:00.
    assert 'aria-label="10:00 with Anna K."' in anna
    assert 'aria-label="11:00 with Ben M."' not in ben
    assert 'aria-label="09:00 with Ben M."' in ben
    assert "Cleo" not in html


def test_one_therapist_can_be_chosen(client, now, front_desk_user, therapist, other_therapist):
    booking = BookingFactory(therapist=therapist, start=TUESDAY_10)
    client.force_login(front_desk_user)
    html = client.get(
        move_url(booking), {"date": "2026-03-03", "therapist": other_therapist.pk}
    ).content.decode()
    assert "with Ben M." in html and 'with Anna K."' not in html


def test_a_time_picked_from_a_therapists_list_fills_the_form_with_them(
    client, now, front_desk_user, therapist, other_therapist
):
    booking = BookingFactory(therapist=therapist, start=TUESDAY_10)
    client.force_login(front_desk_user)
    start = clinic_time(NOW + timedelta(days=1), 15).isoformat()
    html = client.get(
        move_url(booking), {"date": "2026-03-03", "therapist": other_therapist.pk, "start": start}
    ).content.decode()
    assert f'<option value="{other_therapist.pk}" selected>Ben M.</option>' in html
    assert 'name="time" value="15:00"' in html


def test_moving_to_another_therapist_at_a_time_only_they_have_free_works(
    client, now, front_desk_user, therapist, other_therapist
):
    booking = BookingFactory(therapist=therapist, start=TUESDAY_10)
    BookingFactory(therapist=therapist, start=TUESDAY_10 + timedelta(hours=4))  # Anna busy at 14
    client.force_login(front_desk_user)
    response = client.post(
        move_url(booking),
        {"day": "2026-03-03", "time": "14:00", "therapist": other_therapist.pk},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.therapist == other_therapist
    assert booking.start == TUESDAY_10 + timedelta(hours=4)


def test_a_taken_time_keeps_the_old_one(client, now, front_desk_user, therapist, other_therapist):
    booking = BookingFactory(therapist=therapist, start=TUESDAY_10)
    BookingFactory(therapist=other_therapist, start=TUESDAY_10 + timedelta(hours=4))
    client.force_login(front_desk_user)
    response = client.post(
        move_url(booking),
        {"day": "2026-03-03", "time": "14:00", "therapist": other_therapist.pk},
    )
    assert response.status_code == 200
    assert "just been taken" in response.content.decode()
    booking.refresh_from_db()
    assert (booking.therapist, booking.start) == (therapist, TUESDAY_10)
    assert Booking.objects.count() == 2


def test_a_therapist_moving_their_own_session_sees_only_their_times(
    client, now, therapist, other_therapist
):
    booking = BookingFactory(therapist=therapist, start=TUESDAY_10)
    client.force_login(therapist.user)
    html = client.get(
        move_url(booking), {"date": "2026-03-03", "therapist": other_therapist.pk}
    ).content.decode()
    assert "Ben M." not in html and "with Anna K." in html
