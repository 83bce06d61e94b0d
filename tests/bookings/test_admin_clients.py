"""The client pages in the admin: the record and its sessions, book again, search,
merging, a client's data, per role."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from bookings.models import Booking, BookingStatus, Client
from bookings.models.clients import ERASED_NAME
from tests.bookings.test_admin_desk import ADD_URL, TUESDAY_10, form_data
from tests.clock import NOW
from tests.factories import BookingFactory, ClientFactory, TherapistFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:bookings_client_changelist")


def page(client_record, view="change"):
    return reverse(f"admin:bookings_client_{view}", args=[client_record.pk])


@pytest.fixture
def jane(now, therapist, swedish):
    """Jane: two sessions to come, one done, one cancelled, one missed."""
    jane = ClientFactory(name="Jane Doe", phone="+447700900123", email="jane@example.org")
    for days, status in ((1, "confirmed"), (8, "confirmed"), (2, "cancelled")):
        BookingFactory(
            client=jane, therapist=therapist, start=NOW + timedelta(days=days), status=status
        )
    BookingFactory(client=jane, therapist=therapist, completed=True)
    BookingFactory(
        client=jane,
        therapist=therapist,
        status=BookingStatus.NO_SHOW,
        start=NOW - timedelta(days=10),
        length_minutes=30,
    )
    return jane


def test_the_client_page_counts_and_lists_upcoming_and_past_sessions(client, front_desk_user, jane):
    client.force_login(front_desk_user)
    response = client.get(page(jane))
    html = response.content.decode()

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Completed: <strong>1</strong>" in html
    assert "Cancelled: <strong>1</strong>" in html
    assert "No-shows: <strong>1</strong>" in html
    upcoming, past = html.split("<caption>Upcoming</caption>")[1].split("<caption>Past")
    assert upcoming.count("<tr>") == 3  # header + 2
    assert past.count("<tr>") == 4  # header + cancelled, completed, no-show


def test_book_again_opens_the_desk_form_with_the_last_session_and_this_client(
    client, front_desk_user, jane, therapist
):
    client.force_login(front_desk_user)
    html = client.get(page(jane)).content.decode()

    link = html.split('">Book again</a>')[0].rsplit('href="', 1)[1].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert urlsplit(link).path == ADD_URL
    assert query == {
        "client": [str(jane.pk)],
        "technique": [str(therapist.techniques.get().pk)],
        "length_minutes": ["60"],
        "therapist": [str(therapist.pk)],
    }
    form = client.get(link).content.decode()
    assert 'value="Jane Doe"' in form and 'value="jane@example.org"' in form
    assert f'value="{jane.pk}"' in form and "checked" in form


def test_the_client_page_costs_the_same_queries_for_few_or_many_sessions(
    client, front_desk_user, jane, therapist, django_assert_num_queries
):
    client.force_login(front_desk_user)
    client.get(page(jane))  # warm the session and content types
    with django_assert_num_queries(CLIENT_PAGE_QUERIES):
        client.get(page(jane))
    for days in range(20, 26):
        BookingFactory(
            client=jane, therapist=therapist, completed=True, start=NOW - timedelta(days=days)
        )
    with django_assert_num_queries(CLIENT_PAGE_QUERIES):
        client.get(page(jane))


CLIENT_PAGE_QUERIES = 10


@pytest.mark.parametrize("typed", ["07700 900123", "7700-900-123", "(07700) 900123", "900123"])
def test_the_list_finds_a_client_by_phone_digits_whatever_the_punctuation(
    client, front_desk_user, typed
):
    ClientFactory(name="Jane Doe", phone="+447700900123")
    ClientFactory(name="Ben Other", phone="+447700900999")
    client.force_login(front_desk_user)

    html = client.get(LIST_URL, {"q": typed}).content.decode()

    assert "Jane Doe" in html and "Ben Other" not in html


@pytest.mark.parametrize("typed", ["jane", "DOE", "jane@example"])
def test_the_list_finds_a_client_by_name_or_email(client, front_desk_user, typed):
    ClientFactory(name="Jane Doe", email="jane@example.org")
    ClientFactory(name="Ben Other", email="ben@example.org")
    client.force_login(front_desk_user)

    html = client.get(LIST_URL, {"q": typed}).content.decode()

    assert "Jane Doe" in html and "Ben Other" not in html


# Roles


def test_a_therapist_sees_only_the_clients_they_have_a_session_with(
    client, therapist, other_therapist
):
    mine = BookingFactory(therapist=therapist, client_name="Mine").client
    theirs = BookingFactory(therapist=other_therapist, client_name="Theirs").client
    client.force_login(therapist.user)

    listed = client.get(LIST_URL).content.decode()

    assert "Mine" in listed and "Theirs" not in listed
    assert client.get(page(mine)).status_code == 200
    assert client.get(page(theirs)).status_code == 404
    # Reading, never changing, merging or erasing.
    assert client.post(page(mine), {"name": "Changed"}).status_code == 403
    assert client.get(page(mine, "merge")).status_code == 403
    assert client.post(page(mine, "data"), {"action": "download"}).status_code == 403


def test_a_therapist_gets_no_book_again_link(client, therapist):
    mine = BookingFactory(therapist=therapist).client
    client.force_login(therapist.user)
    assert "Book again" not in client.get(page(mine)).content.decode()


def test_a_content_editor_cannot_see_clients(client, content_editor):
    record = ClientFactory()
    client.force_login(content_editor)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(page(record)).status_code == 403
    assert client.post(page(record, "data"), {"action": "download"}).status_code == 403


def test_a_clinical_lead_reads_any_client_but_cannot_change_one(client, clinical_lead):
    record = BookingFactory().client
    client.force_login(clinical_lead)
    assert client.get(page(record)).status_code == 200
    assert client.post(page(record), {"name": "Changed"}).status_code == 403
    assert client.get(page(record, "merge")).status_code == 403


# The staff booking form


def test_front_desk_books_a_client_found_by_phone_without_retyping(
    client, now, front_desk_user, therapist
):
    record = ClientFactory(name="Jane Doe", phone="+447700900123", email="jane@example.org")
    ClientFactory(name="Someone Else", phone="+447700900999")
    client.force_login(front_desk_user)

    found = client.post(ADD_URL, form_data(therapist, action="find", client_search="900 123"))
    html = found.content.decode()
    assert "Jane Doe · 07700 900123 · jane@example.org" in html
    assert "Someone Else" not in html

    response = client.post(
        ADD_URL, form_data(therapist, client=record.pk, client_name="", client_phone="")
    )

    assert response.status_code == 302
    booking = Booking.objects.get(start=TUESDAY_10)
    assert booking.client_id == record.pk
    assert (booking.client_name, booking.client_phone) == ("Jane Doe", "+447700900123")
    assert Client.objects.count() == 2


def test_a_new_client_at_the_desk_needs_a_name_and_phone(client, now, front_desk_user, therapist):
    client.force_login(front_desk_user)
    response = client.post(ADD_URL, form_data(therapist, client_name="", client_phone=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Type the client&#x27;s name" in html and "Type a phone number" in html
    assert not Booking.objects.exists()


def test_a_new_client_at_the_desk_gets_a_record_of_their_own(
    client, now, front_desk_user, therapist
):
    client.force_login(front_desk_user)
    client.post(ADD_URL, form_data(therapist))
    booking = Booking.objects.get()
    assert booking.client is not None
    assert (booking.client.name, booking.client.phone) == ("Pat Phone", "+447700900456")


# Merging


def test_front_desk_merges_a_duplicate_and_every_session_moves(
    client, front_desk_user, jane, therapist
):
    duplicate = ClientFactory(name="J. Doe", email="", phone="+447700900777", staff_notes="Left")
    moved = BookingFactory(client=duplicate, therapist=therapist, start=NOW + timedelta(days=3))
    client.force_login(front_desk_user)

    search = client.get(page(duplicate, "merge"), {"q": "jane"}).content.decode()
    assert "Jane Doe" in search
    refused = client.post(page(duplicate, "merge"), {"q": "jane", "keep": jane.pk})
    assert "Tick this box to confirm the merge." in refused.content.decode()
    response = client.post(page(duplicate, "merge"), {"keep": jane.pk, "confirm": "on"})

    assert response.status_code == 302 and response["Location"] == page(jane)
    moved.refresh_from_db()
    duplicate.refresh_from_db()
    assert moved.client_id == jane.pk
    assert Booking.objects.filter(client=jane).count() == 6
    assert (duplicate.merged_into_id, duplicate.merged_by, duplicate.merged_at) == (
        jane.pk,
        front_desk_user,
        NOW,
    )
    assert "Merged J. Doe into Jane Doe" in client.get(page(jane)).content.decode()
    assert "J. Doe" not in client.get(LIST_URL).content.decode()


def test_a_client_cannot_be_merged_into_itself(client, front_desk_user, jane):
    client.force_login(front_desk_user)
    response = client.post(page(jane, "merge"), {"keep": jane.pk, "confirm": "on"})
    assert response.status_code == 200
    assert Client.objects.get(pk=jane.pk).merged_into is None


# A client's data


def test_front_desk_downloads_everything_held_about_a_client(client, front_desk_user, jane):
    other_address = BookingFactory(client=jane, client_email="old@example.org", completed=True)
    client.force_login(front_desk_user)

    response = client.post(page(jane, "data"), {"action": "download"})

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="client-{jane.pk}-data.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["client"]["email"] == "jane@example.org"
    assert len(data["bookings"]) == 6
    assert other_address.reference in {b["reference"] for b in data["bookings"]}


def test_erasing_a_client_needs_the_box_then_clears_the_record_and_every_booking(
    client, front_desk_user, jane
):
    client.force_login(front_desk_user)
    refused = client.post(page(jane, "data"), {"action": "erase"})
    assert "Tick this box to confirm the erasure." in refused.content.decode()

    response = client.post(page(jane, "data"), {"action": "erase", "confirm_erase": "on"})

    assert response.status_code == 302
    jane.refresh_from_db()
    assert (jane.name, jane.email, jane.phone) == (ERASED_NAME, "", "")
    bookings = Booking.objects.filter(client=jane)
    assert {b.client_name for b in bookings} == {ERASED_NAME}
    assert not bookings.filter(status=BookingStatus.CONFIRMED).exists()


def test_unknown_clients_are_404(client, front_desk_user):
    client.force_login(front_desk_user)
    assert client.get(reverse("admin:bookings_client_merge", args=[999])).status_code == 404
    assert client.get(reverse("admin:bookings_client_data", args=[999])).status_code == 404


def test_a_therapist_with_no_sessions_sees_no_clients(client):
    lonely = TherapistFactory(user__username="lonely", user__groups=["Therapists"])
    BookingFactory()
    client.force_login(lonely.user)
    assert "0 clients" in client.get(LIST_URL).content.decode()


def test_a_booking_page_links_to_its_clients_record(client, front_desk_user, jane):
    booking = Booking.objects.filter(client=jane).first()
    assert booking is not None
    client.force_login(front_desk_user)
    html = client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).content.decode()
    assert f'href="{page(jane)}"' in html
