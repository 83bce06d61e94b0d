import os
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from time_machine import TimeMachineFixture

from bookings.booking.services import book_session
from bookings.intake import cookie as intake
from bookings.messaging import sms
from bookings.models import Booking, ClinicRules, Therapist
from catalog import seed
from catalog.models import Technique, WarningPhrase
from clinic.roles import CLINICAL_LEADS, CONTENT_EDITORS, FRONT_DESK, THERAPISTS, sync_roles

from . import races
from .clock import NOW, clinic_time
from .factories import SCREENED_INTAKE, WEEKDAYS_WITH_LUNCH, StaffFactory, TherapistFactory, Week

# Hypothesis: the full search under CI, a quick look locally (where a busy laptop is no
# reason to fail). Tests that set max_examples themselves keep it in both.
# No deadline in either: a time limit per example is a timed assertion, and the
# machines that run the suite are small and shared.
hypothesis_settings.register_profile("ci", max_examples=100, deadline=None)
hypothesis_settings.register_profile(
    "dev", max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Put the seeded catalog and roles back into a database kept with --reuse-db.

    Transactional tests (browser, concurrency, faults) flush the tables when they end, so
    a kept database can start a run empty. The seed fills only what is missing, and the
    snapshot that serialized rollback restores is taken again from the refilled tables.
    """
    with django_db_blocker.unblock():
        if Technique.objects.exists() and WarningPhrase.objects.exists():
            return
        seed.seed_catalog(apps)
        seed.seed_indications(apps)
        seed.ask_doctor_first(apps)
        seed.seed_warning_phrases(apps)
        sync_roles(apps)
        ClinicRules.load()
        for alias in connections:
            connection = connections[alias]
            if hasattr(connection, "_test_serialized_contents"):
                connection._test_serialized_contents = connection.creation.serialize_db_to_string()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if races.FIGURES:
        terminalreporter.write_sep("=", "races on PostgreSQL")
        for line in races.FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests that log in only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[sms.TextMessage]]:
    """The texts sent in this test (SMS_BACKEND is the locmem one), like mail.outbox."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


# Who logs in.


@pytest.fixture
def content_editor(db) -> User:
    return StaffFactory(username="editor", groups=[CONTENT_EDITORS])


@pytest.fixture
def clinical_lead(db) -> User:
    return StaffFactory(username="clinicallead", groups=[CLINICAL_LEADS])


@pytest.fixture
def front_desk_user(db) -> User:
    return StaffFactory(username="frontdesk", groups=[FRONT_DESK])


@pytest.fixture
def therapist_user(db) -> User:
    return StaffFactory(username="therapist", groups=[THERAPISTS])


@pytest.fixture
def superuser(db) -> User:
    return StaffFactory(username="boss", is_superuser=True)


# The clock.


@pytest.fixture
def clock(time_machine: TimeMachineFixture) -> TimeMachineFixture:
    """Every clock (`timezone.now()`, `time.time()`, in every thread) stopped at NOW.

    Monday 2 March 2026, 08:00 in London; `clock.move_to(when)` or `clock.shift(delta)`
    moves it, and it stays stopped there.
    """
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def now(clock: TimeMachineFixture) -> datetime:
    """The stopped clock's time, for code that takes `now=`."""
    return timezone.now()


# The clinic: its rules, and two therapists who offer Swedish massage and work weekdays
# (Monday to Saturday, 09:00-17:00 with a 13:00-14:00 lunch break).


@pytest.fixture
def clinic_rules(db) -> ClinicRules:
    rules = ClinicRules.load()
    rules.buffer_minutes = 15
    rules.min_notice_minutes = 120
    rules.booking_horizon_days = 14
    rules.slot_step_minutes = 15
    rules.save()
    return rules


@pytest.fixture
def swedish(db) -> Technique:
    return Technique.objects.get(slug="swedish")


@pytest.fixture
def therapist_hours() -> Week:
    """The therapists' week. A module whose tests add the hours they look at overrides this
    with a fixture of the same name returning `{}`."""
    return WEEKDAYS_WITH_LUNCH


@pytest.fixture
def therapist(db, swedish, therapist_user, therapist_hours) -> Therapist:
    """Anna, who logs in as `therapist_user`."""
    return TherapistFactory(
        user=therapist_user, display_name="Anna K.", techniques=[swedish], hours=therapist_hours
    )


@pytest.fixture
def other_therapist(db, swedish, therapist_hours) -> Therapist:
    """Ben, with a therapist login of his own (username `ben`)."""
    return TherapistFactory(
        user__username="ben", display_name="Ben M.", techniques=[swedish], hours=therapist_hours
    )


# Booking through the services, with what happens after commit (the emails) run.


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """Run a service and then its after-commit work, as a real request would."""

    def run(service: Callable[..., Any], **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture
def book(therapist, swedish, now, after_commit) -> Callable[..., Booking]:
    """Book Anna for Jane Doe, by default Wednesday 4 March 2026 at 10:00."""

    def book(start: datetime | None = None, **overrides: Any) -> Booking:
        values: dict[str, Any] = {
            "therapist_id": therapist.pk,
            "technique": swedish,
            "length_minutes": 60,
            "start": start or clinic_time(now + timedelta(days=2), 10),
            "client_name": "Jane Doe",
            "client_email": "jane@example.org",
            "client_phone": "07700 900123",
            "intake": SCREENED_INTAKE,
            "now": now,
        } | overrides
        booking: Booking = after_commit(book_session, **values)
        return booking

    return book


@pytest.fixture
def screened_client(client):
    """A browser that answered the safety screen with nothing to report."""
    response = HttpResponse()
    intake.remember(response, SCREENED_INTAKE)
    client.cookies[intake.COOKIE_NAME] = response.cookies[intake.COOKIE_NAME].value
    return client
