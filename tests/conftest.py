from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings.services import book_session
from catalog.models import Technique
from clinic.roles import CONTENT_EDITORS, FRONT_DESK, THERAPISTS

from .factories import StaffFactory, TherapistFactory


@pytest.fixture
def content_editor(db):
    return StaffFactory(username="editor", groups=[CONTENT_EDITORS])


@pytest.fixture
def front_desk_user(db):
    return StaffFactory(username="frontdesk", groups=[FRONT_DESK])


@pytest.fixture
def therapist_user(db):
    return StaffFactory(username="therapist", groups=[THERAPISTS])


@pytest.fixture
def superuser(db):
    return StaffFactory(username="boss", is_superuser=True)


CLINIC_ZONE = ZoneInfo("Europe/London")


@pytest.fixture
def now() -> datetime:
    """A fixed instant shortly ahead of the real clock.

    Services take it; tasks run at once (ImmediateBackend) and compare with the real
    clock, so sessions and reminders booked from here are still in the future.
    """
    local = timezone.now().astimezone(CLINIC_ZONE) + timedelta(days=3)
    return local.replace(hour=8, minute=0, second=0, microsecond=0).astimezone(UTC)


def clinic_time(day: datetime, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` on the clinic's calendar day of `day`, in UTC."""
    local_day = day.astimezone(CLINIC_ZONE).date()
    return datetime.combine(local_day, time(hour, minute), CLINIC_ZONE).astimezone(UTC)


@pytest.fixture
def technique(db):
    return Technique.objects.get(slug="swedish")


@pytest.fixture
def therapist(db, technique):
    return TherapistFactory(display_name="Anna K.", techniques=[technique])


@pytest.fixture
def book(db, therapist, technique, now, django_capture_on_commit_callbacks):
    """Book through the service, running what happens after commit (the email tasks)."""

    def book(start: datetime | None = None, **overrides: object):
        values = {
            "therapist_id": therapist.pk,
            "technique": technique,
            "length_minutes": 60,
            "start": start or clinic_time(now + timedelta(days=2), 10),
            "client_name": "Jane Doe",
            "client_email": "jane@example.org",
            "client_phone": "07700 900123",
            "now": now,
        } | overrides
        with django_capture_on_commit_callbacks(execute=True):
            return book_session(**values)

    return book


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run a service and then its after-commit work, as a real request would."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run
