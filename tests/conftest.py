import pytest
from django.core.cache import cache

from clinic.roles import CONTENT_EDITORS, FRONT_DESK, THERAPISTS

from .factories import StaffFactory


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
