"""The probe's cases about whose record is whose, end to end (marker `security`): a typed
email opens nobody's record of care, front desk's export holds no notes, erasing one
person never reaches another who shares their phone. The races are in
tests/bookings/test_lock_order.py, days far out of range in tests/test_date_parameters.py,
CSV formulas in tests/test_csv_cells.py, sign-in throttling in tests/test_login_throttle.py.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import Booking, WaitlistEntry
from bookings.privacy import services as privacy
from bookings.records import notes
from tests.bookings.waitlist_helpers import join
from tests.clock import NOW
from tests.factories import BookingFactory, ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.security]

NOTE = "Stiff lower back, worse on waking."


@pytest.fixture
def priya(therapist, therapist_user):
    """Priya's record: a session with Anna last week, and Anna's note of it."""
    record = ClientFactory(name="Priya Shah", email="priya@example.org", phone="+447700900111")
    session = BookingFactory(
        therapist=therapist, past=True, client=record, client_email=record.email
    )
    notes.write_note(
        booking=session,
        by=therapist_user,
        now=NOW - timedelta(days=3) + timedelta(hours=3),
        subjective=NOTE,
    )
    return record


def test_an_email_typed_online_opens_nobodys_record_of_care(
    priya, clinic_rules, other_therapist, screened_client, clock
):
    # Anyone can type Priya's address, and choose Ben.
    response = screened_client.post(
        reverse("bookings:book_submit", kwargs={"slug": "swedish"}),
        {
            "length": 60,
            "therapist": other_therapist.pk,
            "start": "2026-03-03T10:00Z",
            "client_name": "Priya Shah",
            "client_email": "PRIYA@example.org",
            "client_phone": "07700 900999",
        },
    )
    assert response.status_code == 302
    typed = Booking.objects.get(therapist=other_therapist)
    assert typed.client is not None and typed.client_id != priya.pk

    ben = Client()
    ben.force_login(other_therapist.user)
    for record in (priya, typed.client):
        page = ben.get(reverse("admin:bookings_client_change", args=[record.pk]))
        assert NOTE not in page.content.decode()


def test_front_desks_download_of_a_clients_data_holds_no_treatment_note(
    priya, client, front_desk_user, clock
):
    client.force_login(front_desk_user)
    for url, data in (
        (reverse("admin:bookings_client_data", args=[priya.pk]), {"action": "download"}),
        (
            reverse("admin:bookings_booking_client_data"),
            {"email": priya.email, "action": "download"},
        ),
    ):
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert NOTE not in response.content.decode()


def test_erasing_one_person_leaves_the_waitlist_of_another_who_shares_their_phone(priya, therapist):
    sam = join(client_name="Sam Shah", client_email="sam@example.org", client_phone="07700 900111")
    privacy.erase_client(client=priya, now=NOW)
    assert list(WaitlistEntry.objects.all()) == [sam]
