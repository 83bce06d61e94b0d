import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bookings.booking.services import issue_calendar_link
from bookings.intake.answers import IntakeAnswers
from bookings.models import Booking, Therapist
from tests.factories import TherapistFactory


def feed_url(therapist: Therapist) -> str:
    return reverse("bookings:calendar_feed", args=[therapist.calendar_token])


def events(response) -> list:
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_each_therapist_has_their_own_unguessable_feed_token(therapist):
    other = TherapistFactory()
    assert len(therapist.calendar_token) >= 43  # 256 bits, url-safe
    assert therapist.calendar_token != other.calendar_token


def test_the_feed_lists_upcoming_sessions_with_technique_and_first_name_only(
    client, therapist, book
):
    answers = IntakeAnswers(
        warning_signs=("night_pain",),
        conditions=("osteoporosis",),
        description="Gardening",
        screened=True,
    )
    booking = book(intake=answers, consent=True, acknowledged_warning=True)
    response = client.get(feed_url(therapist))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, no-store"
    (event,) = events(response)
    assert str(event["summary"]) == "Swedish Massage: Jane"
    assert event.decoded("dtstart") == booking.start
    assert event["dtstart"].to_ical().endswith(b"Z")
    text = response.content.decode()
    for private in ["Doe", "jane@example.org", "07700", "Gardening", "night", "NIGHT", "steopor"]:
        assert private not in text


def test_the_feed_leaves_out_cancelled_past_and_other_therapists_sessions(
    client, therapist, swedish, book, now
):
    kept = book()
    cancelled = book(start=kept.start + timedelta(hours=2))
    Booking.objects.filter(pk=cancelled.pk).update(status="cancelled")
    other = TherapistFactory(techniques=[swedish], works_weekdays=True)
    book(start=kept.start, therapist_id=other.pk, client_name="Olive Other")
    past_start = timezone.now() - timedelta(days=1)
    Booking.objects.create(
        client_name="Pat Past",
        client_email="pat@example.org",
        client_phone="07700 900000",
        therapist=therapist,
        technique=swedish,
        length_minutes=60,
        price=Decimal("75.00"),
        start=past_start,
        end=past_start + timedelta(minutes=60),
        blocked_until=past_start + timedelta(minutes=75),
    )
    response = client.get(feed_url(therapist))
    assert [str(e["uid"]) for e in events(response)] == [f"booking-{kept.reference}@clinic.example"]


@pytest.mark.parametrize("token", [secrets.token_urlsafe(32), "nope", "a" * 43 + "b"])
def test_a_wrong_token_is_a_404(client, therapist, token):
    assert client.get(reverse("bookings:calendar_feed", args=[token])).status_code == 404


def test_a_new_link_revokes_the_old_one(client, therapist):
    old_url = feed_url(therapist)
    issue_calendar_link(therapist=therapist)
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(therapist)).status_code == 200


def test_front_desk_issues_a_new_link_from_admin_and_sees_the_url(
    client, therapist, front_desk_user, settings
):
    old_token = therapist.calendar_token
    client.force_login(front_desk_user)
    page = client.get(reverse("admin:bookings_therapist_change", args=[therapist.pk]))
    assert settings.SITE_URL + feed_url(therapist) in page.text
    response = client.post(
        reverse("admin:bookings_therapist_changelist"),
        {"action": "issue_new_calendar_link", "_selected_action": [therapist.pk]},
    )
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.calendar_token != old_token
    assert client.get(reverse("bookings:calendar_feed", args=[old_token])).status_code == 404


def test_the_feed_is_a_get_only(client, therapist):
    assert client.post(feed_url(therapist)).status_code == 405
