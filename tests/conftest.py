from datetime import UTC, datetime

import pytest
from django.core.cache import cache

from bookings.models import ClinicRules
from catalog.models import Technique
from clinic.roles import CONTENT_EDITORS, FRONT_DESK, THERAPISTS

from .factories import StaffFactory, TherapistFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests that log in only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


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


# Scheduling: a fixed clock and a clinic with two therapists who offer Swedish massage.
# Monday 2 March 2026, 08:00 in London (GMT). Bookable days start at today.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def now(monkeypatch):
    """Freeze `timezone.now()` for code that reads the clock (the views)."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return NOW


@pytest.fixture
def clinic_rules(db):
    rules = ClinicRules.load()
    rules.buffer_minutes = 15
    rules.min_notice_minutes = 120
    rules.booking_horizon_days = 14
    rules.slot_step_minutes = 15
    rules.save()
    return rules


@pytest.fixture
def swedish(db):
    return Technique.objects.get(slug="swedish")


@pytest.fixture
def therapist(db, swedish, therapist_user):
    return TherapistFactory(user=therapist_user, display_name="Anna K.", techniques=[swedish])


@pytest.fixture
def other_therapist(db, swedish):
    return TherapistFactory(display_name="Ben O.", techniques=[swedish])


@pytest.fixture
def anna(therapist_user):
    """The therapist who logs in as `therapist_user`."""
    from tests.bookings.admin_factories import TherapistFactory

    return TherapistFactory(user=therapist_user, display_name="Anna K.")


@pytest.fixture
def ben(db):
    """A second therapist, with their own login."""
    from tests.bookings.admin_factories import TherapistFactory

    return TherapistFactory(user__username="ben", display_name="Ben M.")
