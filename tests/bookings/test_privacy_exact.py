"""Erasure and export match people exactly: by client record and their own address,
never by a phone two people share, and a household address is never one person's."""

import pytest
from django.urls import reverse

from bookings.models import WaitlistEntry
from bookings.models.clients import ERASED_NAME
from bookings.privacy import services as privacy
from bookings.privacy.waitlist import entries_of
from tests.clock import NOW
from tests.factories import BookingFactory, ClientFactory

from .waitlist_helpers import join

pytestmark = pytest.mark.django_db

SHARED_PHONE = "+447700900555"
HOME = "shah.home@example.org"


def test_two_people_sharing_a_phone_keep_each_others_waitlist_entries(therapist, now, superuser):
    jane = ClientFactory(name="Jane Doe", email="jane@example.org", phone=SHARED_PHONE)
    mine = join(client_email="jane@example.org", client_phone="07700 900555")
    sister = join(
        client_name="Ann Doe", client_email="ann@example.org", client_phone="07700 900555"
    )

    exported = privacy.export_client(client=jane, reader=superuser, now=NOW)["waitlist"]
    assert len(exported) == 1
    assert list(entries_of(jane)) == [mine]

    privacy.erase_client(client=jane, now=now)

    assert list(WaitlistEntry.objects.all()) == [sister]


@pytest.fixture
def household(therapist):
    """Priya and Raj Shah, two records with one household address."""
    priya = BookingFactory(therapist=therapist, client_name="Priya Shah", client_email=HOME)
    raj = BookingFactory(
        therapist=therapist,
        client_name="Raj Shah",
        client_email=HOME,
        start=priya.start.replace(hour=14),
    )
    return priya.client, raj.client


def test_a_household_address_matches_only_the_named_persons_entries(household, now, superuser):
    priya, raj = household
    priyas = join(client_name="Priya Shah", client_email=HOME)
    rajs = join(client_name="Raj Shah", client_email=HOME.upper())

    assert list(entries_of(priya)) == [priyas]
    exported = privacy.export_client(client=raj, reader=superuser, now=NOW)
    assert len(exported["waitlist"]) == 1
    assert {b["client_name"] for b in exported["bookings"]} == {"Raj Shah"}

    privacy.erase_client(client=priya, now=now)

    assert list(WaitlistEntry.objects.all()) == [rajs]
    raj.refresh_from_db()
    assert raj.name == "Raj Shah" and raj.email == HOME


def test_a_household_address_is_never_exported_or_erased_by_email(household, now, superuser):
    priya, raj = household

    with pytest.raises(privacy.AmbiguousAddress):
        privacy.export_client_data(email=HOME, reader=superuser, now=NOW)
    with pytest.raises(privacy.AmbiguousAddress):
        privacy.erase_client_data(email=HOME, now=now)

    for person in (priya, raj):
        person.refresh_from_db()
        assert person.name != ERASED_NAME


def test_front_desks_page_sends_a_household_address_to_each_persons_page(
    client, household, front_desk_user
):
    priya, raj = household
    client.force_login(front_desk_user)
    url = reverse("admin:bookings_booking_client_data")

    page = client.post(url, {"email": HOME, "action": "erase", "confirm_erase": "on"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "share this address" in html
    for person in (priya, raj):
        assert reverse("admin:bookings_client_data", args=[person.pk]) in html
        person.refresh_from_db()
        assert person.name != ERASED_NAME
    download = client.post(url, {"email": HOME, "action": "download"})
    assert download.status_code == 200 and "Content-Disposition" not in download


def test_erasing_by_email_leaves_a_booking_on_another_persons_record(therapist, now):
    sam = ClientFactory(name="Sam", email="sam@example.org")
    mine = BookingFactory(therapist=therapist, client=sam, client_email="sam@example.org")
    # Front desk booked Sam's partner on her own record with Sam's address as contact.
    partner = BookingFactory(
        therapist=therapist,
        client_name="Alex",
        client_email="sam@example.org",
        client=ClientFactory(name="Alex", email="alex@example.org"),
        start=mine.start.replace(hour=15),
    )

    assert privacy.erase_client_data(email="sam@example.org", now=now) == 1

    partner.refresh_from_db()
    assert partner.client_name == "Alex"
