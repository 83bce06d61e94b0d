from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from bookings.models import Booking, BookingStatus
from bookings.models.clients import ERASED_NAME
from bookings.privacy.services import (
    erase_client_data,
    export_client_data,
    purge_health_answers,
)
from catalog.models import Technique

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ANSWERS = {"areas": ["lower"], "duration": "months", "description": "sciatica since June"}


def make_booking(therapist, *, start, email="sam@example.com", **kwargs) -> Booking:
    values = {
        "client_name": "Sam Client",
        "client_email": email,
        "client_phone": "07700 900123",
        "therapist": therapist,
        "technique": Technique.objects.get(slug="swedish"),
        "length_minutes": 60,
        "price": Decimal("65.00"),
        "start": start,
        "end": start + timedelta(hours=1),
        "blocked_until": start + timedelta(hours=1, minutes=15),
        "intake_answers": ANSWERS,
        "health_consent_at": start - timedelta(days=2),
        "warning_flags": ["night_pain"],
    }
    return Booking.objects.create(**(values | kwargs))


def test_purge_removes_health_answers_of_old_sessions_and_keeps_their_times(therapist):
    old = make_booking(therapist, start=NOW - timedelta(days=40))
    recent = make_booking(therapist, start=NOW - timedelta(days=5))
    upcoming = make_booking(therapist, start=NOW + timedelta(days=2))

    assert purge_health_answers(retention_days=30, now=NOW) == 1

    old.refresh_from_db()
    assert old.intake_answers is None
    assert old.warning_flags == []
    assert old.start == NOW - timedelta(days=40)
    assert old.client_name == "Sam Client"
    for kept in (recent, upcoming):
        kept.refresh_from_db()
        assert kept.intake_answers == ANSWERS
        assert kept.warning_flags == ["night_pain"]


def test_purge_is_idempotent(therapist):
    make_booking(therapist, start=NOW - timedelta(days=40))
    assert purge_health_answers(retention_days=30, now=NOW) == 1
    assert purge_health_answers(retention_days=30, now=NOW) == 0


def test_the_retention_command_uses_the_setting(therapist, settings, capsys):
    settings.HEALTH_ANSWERS_RETENTION_DAYS = 1
    booking = make_booking(therapist, start=datetime.now(UTC) - timedelta(days=3))
    call_command("purge_health_answers")
    booking.refresh_from_db()
    assert booking.intake_answers is None
    assert "1 booking(s)" in capsys.readouterr().out


def test_export_holds_everything_about_one_email_and_nothing_about_others(therapist, superuser):
    mine = make_booking(therapist, start=NOW + timedelta(days=1), email="Sam@Example.com")
    make_booking(therapist, start=NOW + timedelta(days=3), email="someone@else.com")

    data = export_client_data(email="sam@example.com", reader=superuser, now=NOW)

    assert data["email"] == "sam@example.com"
    [exported] = data["bookings"]
    assert exported["reference"] == mine.reference
    assert exported["client_phone"] == "07700 900123"
    assert exported["intake_answers"]["description"] == "sciatica since June"
    assert exported["warning_flags"] == ["night_pain"]
    assert exported["health_consent_at"] is not None


def test_erase_anonymises_every_booking_and_cancels_upcoming_ones(therapist, superuser):
    past = make_booking(therapist, start=NOW - timedelta(days=10), status=BookingStatus.COMPLETED)
    upcoming = make_booking(therapist, start=NOW + timedelta(days=2))
    other = make_booking(therapist, start=NOW + timedelta(days=4), email="other@example.com")

    assert erase_client_data(email="SAM@example.com", now=NOW) == 2

    for booking in (past, upcoming):
        booking.refresh_from_db()
        assert booking.client_name == ERASED_NAME
        assert "sam" not in booking.client_email.lower()
        assert booking.client_phone == ""
        assert booking.intake_answers is None
        assert booking.warning_flags == []
    assert past.status == BookingStatus.COMPLETED
    assert upcoming.status == BookingStatus.CANCELLED
    other.refresh_from_db()
    assert other.client_name == "Sam Client"
    assert export_client_data(email="sam@example.com", reader=superuser, now=NOW)["bookings"] == []


def test_erase_cancels_through_the_service_and_emails_nobody(
    therapist, django_capture_on_commit_callbacks
):
    upcoming = make_booking(therapist, start=NOW + timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True):
        erase_client_data(email="sam@example.com", now=NOW)

    upcoming.refresh_from_db()
    assert upcoming.status == BookingStatus.CANCELLED
    assert not upcoming.notifications.exists()
    assert mail.outbox == []


SAFETY_FACTS = {
    "intake_answers": None,
    "health_consent_at": None,
    "health_conditions": ["blood_thinners"],
    "text_checks": [{"sign": "injury", "quote": "had a fall"}],
    "acknowledged_advice": ["You said it hurts constantly at night or at rest."],
}


def test_export_includes_the_safety_facts_kept_without_consent(therapist, superuser):
    make_booking(therapist, start=NOW + timedelta(days=1), safety_checked_at=NOW, **SAFETY_FACTS)

    (exported,) = export_client_data(email="sam@example.com", reader=superuser, now=NOW)["bookings"]

    assert exported["health_conditions"] == ["blood_thinners"]
    assert exported["text_checks"] == [{"sign": "injury", "quote": "had a fall"}]
    assert exported["acknowledged_advice"] == SAFETY_FACTS["acknowledged_advice"]
    assert exported["warning_flags"] == ["night_pain"]
    assert exported["safety_checked_at"] == NOW.isoformat()


def test_erase_and_purge_remove_the_safety_facts(therapist):
    erased = make_booking(therapist, start=NOW + timedelta(days=2), **SAFETY_FACTS)
    old = make_booking(
        therapist, start=NOW - timedelta(days=40), email="old@example.com", **SAFETY_FACTS
    )

    erase_client_data(email="sam@example.com", now=NOW)
    assert purge_health_answers(retention_days=30, now=NOW) == 1

    for booking in (erased, old):
        booking.refresh_from_db()
        assert booking.warning_flags == [] and booking.health_conditions == []
        assert booking.text_checks == [] and booking.acknowledged_advice == []
