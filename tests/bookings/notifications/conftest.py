"""Fixtures for messages, self-service and calendar feeds.

These tests run the email tasks at once (ImmediateBackend), and the tasks compare
with the real clock, so here `now` is a fixed instant a few days ahead of the real
one rather than the frozen date the scheduling tests use.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from bookings.services import book_session
from catalog.models import Technique
from tests.factories import TherapistFactory

CLINIC_ZONE = ZoneInfo("Europe/London")
EVERY_DAY_NINE_TO_FIVE = {day: [(time(9), time(17))] for day in range(7)}


@pytest.fixture
def now() -> Iterator[datetime]:
    local = timezone.now().astimezone(CLINIC_ZONE) + timedelta(days=3)
    instant = local.replace(hour=8, minute=0, second=0, microsecond=0).astimezone(UTC)
    # The services date their emails by the `now` they are given: the worker's clock
    # (and everything else in the test) must read the same.
    with time_machine.travel(instant, tick=False):
        yield instant


def clinic_time(day: datetime, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` on the clinic's calendar day of `day`, in UTC."""
    local_day = day.astimezone(CLINIC_ZONE).date()
    return datetime.combine(local_day, time(hour, minute), CLINIC_ZONE).astimezone(UTC)


@pytest.fixture
def technique(db):
    return Technique.objects.get(slug="swedish")


@pytest.fixture
def therapist(db, technique):
    return TherapistFactory(
        display_name="Anna K.", techniques=[technique], hours=EVERY_DAY_NINE_TO_FIVE
    )


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
