"""No silent duplicates: the desk's *Add client* asks about a record with the same phone
or name and date of birth first; an online booking never shows the public anyone's
record, and the desk sees what it may have duplicated; a merged record's old link leads
to the kept one."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bookings.booking import services
from bookings.models import Client
from bookings.records.selectors import same_person_candidates
from bookings.records.services import merge_clients
from tests.clock import NOW, clinic_time
from tests.factories import SCREENED_INTAKE, ClientFactory

pytestmark = pytest.mark.django_db

ADD_CLIENT = reverse("admin:bookings_client_add")
CLIENTS = reverse("admin:bookings_client_changelist")


def client_page(record):
    return reverse("admin:bookings_client_change", args=[record.pk])


@pytest.fixture
def priya(db):
    return ClientFactory(
        name="Priya Shah",
        phone="+447700900100",
        email="priya@example.org",
        date_of_birth=date(1985, 4, 12),
    )


def new_client(**overrides):
    return {
        "name": "Priya Shah",
        "phone": "",
        "email": "",
        "date_of_birth": "",
        "staff_notes": "",
        **overrides,
    }


def test_candidates_are_the_same_phone_or_the_same_name_and_birthday(priya):
    ClientFactory(name="Priya Shah", phone="+447700900555", date_of_birth=date(1990, 1, 1))
    assert same_person_candidates(name="Someone", phone="+447700900100") == [priya]
    assert same_person_candidates(
        name="  priya   SHAH ", phone="", date_of_birth=date(1985, 4, 12)
    ) == [priya]
    assert same_person_candidates(name="Priya Shah", phone="") == []
    assert (
        same_person_candidates(name="Priya Shah", phone="+447700900100", leaving_out=priya.pk) == []
    )


def test_a_merged_or_erased_record_is_no_candidate(priya, front_desk_user):
    duplicate = ClientFactory(name="Priya S", phone="+447700900200")
    merge_clients(keep=priya, duplicate=duplicate, by=front_desk_user)
    assert same_person_candidates(name="x", phone="+447700900200") == []


def test_adding_a_client_with_a_known_phone_shows_the_match_and_saves_nothing(
    client, front_desk_user, priya
):
    client.force_login(front_desk_user)
    response = client.post(ADD_CLIENT, new_client(name="P. Shah", phone="07700 900100"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Use Priya Shah, 07700 900100" in html and "No, a different person" in html
    assert client_page(priya) in html
    assert Client.objects.count() == 1


def test_adding_a_client_with_a_known_name_and_birthday_shows_the_match(
    client, front_desk_user, priya
):
    client.force_login(front_desk_user)
    response = client.post(
        ADD_CLIENT, new_client(name="priya shah", date_of_birth="1985-04-12", phone="07700 900777")
    )
    assert "Use Priya Shah, 07700 900100" in response.content.decode()
    assert Client.objects.count() == 1


def test_another_birthday_is_another_person(client, front_desk_user, priya):
    client.force_login(front_desk_user)
    response = client.post(ADD_CLIENT, new_client(date_of_birth="1999-04-12"))
    assert response.status_code == 302
    assert Client.objects.count() == 2


def test_no_a_different_person_adds_the_client(client, front_desk_user, priya):
    client.force_login(front_desk_user)
    response = client.post(
        ADD_CLIENT, new_client(name="Ravi Shah", phone="07700 900100", different_person="on")
    )
    assert response.status_code == 302
    assert Client.objects.filter(name="Ravi Shah", phone="+447700900100").exists()


def test_editing_a_client_is_never_asked_about_duplicates(client, front_desk_user, priya):
    other = ClientFactory(name="Ravi Shah", phone="+447700900999")
    client.force_login(front_desk_user)
    response = client.post(client_page(other), new_client(name="Ravi Shah", phone="07700 900100"))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.phone == "+447700900100"


def test_an_online_booking_with_a_known_phone_shows_the_public_nothing_and_tells_the_desk(
    client, now, front_desk_user, priya, therapist, swedish, clinic_rules
):
    # Online: a phone proves nothing, so no record is joined and no name is shown; the
    # booking makes its own record and the desk sees the possible duplicate.
    booking = services.book_session(
        therapist_id=therapist.pk,
        technique=swedish,
        length_minutes=60,
        start=clinic_time(NOW + timedelta(days=1), 10),
        client_name="Priya Shah",
        client_email="someone@example.org",
        client_phone="+447700900100",
        intake=SCREENED_INTAKE,
    )
    assert booking.client_id != priya.pk
    client.force_login(front_desk_user)
    page = client.get(client_page(booking.client)).content.decode()
    assert "Possible duplicate" in page and "Priya Shah, 07700 900100" in page
    assert reverse("admin:bookings_client_merge", args=[booking.client_id]) in page
    listed = client.get(CLIENTS, {"identity": "same_phone"}).content.decode()
    assert client_page(booking.client) in listed and client_page(priya) in listed


def test_a_therapist_is_not_shown_possible_duplicates(client, therapist, priya, swedish):
    from tests.factories import BookingFactory

    BookingFactory(client=priya, therapist=therapist, email_confirmed_at=NOW)
    ClientFactory(name="Priya Twin", phone="+447700900100")
    client.force_login(therapist.user)
    page = client.get(client_page(priya)).content.decode()
    assert "Possible duplicate" not in page and "Priya Twin" not in page


def test_a_merged_records_link_leads_to_the_kept_one_with_a_message(client, front_desk_user, priya):
    duplicate = ClientFactory(name="Priya S")
    merge_clients(keep=priya, duplicate=duplicate, by=front_desk_user)
    client.force_login(front_desk_user)
    response = client.get(client_page(duplicate))
    assert response.status_code == 302
    assert response["Location"] == client_page(priya)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Priya S's record was merged into this one (Priya Shah): old links lead here."
    ]


def test_a_link_merged_twice_leads_to_the_last_kept_record(client, front_desk_user, priya):
    first, second = ClientFactory(name="First"), ClientFactory(name="Second")
    merge_clients(keep=second, duplicate=first, by=front_desk_user)
    merge_clients(keep=priya, duplicate=second, by=front_desk_user)
    client.force_login(front_desk_user)
    assert client.get(client_page(first))["Location"] == client_page(priya)


def test_a_merged_record_stays_not_found_for_who_may_not_open_the_kept_one(
    client, front_desk_user, therapist, priya
):
    duplicate = ClientFactory(name="Priya S")
    merge_clients(keep=priya, duplicate=duplicate, by=front_desk_user)
    client.force_login(therapist.user)
    assert client.get(client_page(duplicate)).status_code == 404
    assert client.get(reverse("admin:bookings_client_change", args=[999999])).status_code == 404
