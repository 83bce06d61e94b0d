import pytest

from clinic.roles import CONTENT_EDITORS, FRONT_DESK, THERAPISTS

from .factories import StaffFactory


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
