"""The desk's booking form from a day-view gap (bookings/frontdesk/desk_booking.py): the
client search, the technique and length defaults, the lengths a technique is offered
in, the free times in place, the safety questions' one explicit "all clear", and the
duplicate-client question."""

from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.frontdesk.selectors import SessionDefault, offered_techniques, session_default
from bookings.models import Booking, Client
from catalog.models import Technique
from tests.clock import NOW, clinic_time
from tests.factories import BookingFactory, ClientFactory, TherapistFactory, answered

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:bookings_booking_add")
TUESDAY_10 = clinic_time(NOW + timedelta(days=1), 10)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def deep_tissue(db) -> Technique:
    return Technique.objects.get(slug="deep-tissue")


@pytest.fixture
def anna(therapist, deep_tissue):
    therapist.techniques.add(deep_tissue)
    return therapist


def gap(therapist, start=TUESDAY_10):
    return {"therapist": therapist.pk, "start": start.isoformat()}


def session(therapist, technique, **overrides):
    return {
        "technique": technique.pk,
        "length_minutes": 60,
        "therapist": therapist.pk,
        "day": "2026-03-03",
        "time": "10:00",
        **overrides,
    }


def radio(html, record):
    """The client's radio button's attributes."""
    return html.split(f'name="client" value="{record.pk}"')[1].split(">")[0]


def booked(data, **safety):
    """A post with every safety question answered (or `all_clear`)."""
    return answered({"action": "book", **data, **safety})


# The defaults


def test_the_default_is_the_clients_last_session_not_cancelled(anna, swedish, deep_tissue):
    priya = ClientFactory(name="Priya Shah")
    BookingFactory(client=priya, therapist=anna, technique=deep_tissue, length_minutes=90)
    BookingFactory(
        client=priya,
        therapist=anna,
        technique=swedish,
        length_minutes=30,
        start=TUESDAY_10 + timedelta(days=7),
        cancelled=True,
    )
    assert session_default(client_id=priya.pk, therapist_id=anna.pk) == SessionDefault(
        deep_tissue.pk, 90
    )


def test_without_a_client_the_default_is_what_the_therapist_is_booked_for_most(
    anna, swedish, deep_tissue
):
    for days in range(3):
        BookingFactory(
            therapist=anna,
            technique=deep_tissue,
            length_minutes=45,
            start=TUESDAY_10 + timedelta(days=days),
        )
    BookingFactory(therapist=anna, technique=swedish, start=TUESDAY_10 + timedelta(days=5))
    assert session_default(client_id=None, therapist_id=anna.pk) == SessionDefault(
        deep_tissue.pk, 45
    )


def test_a_last_session_the_therapist_does_not_offer_gives_way_to_theirs(
    therapist, other_therapist, swedish, deep_tissue
):
    priya = ClientFactory(name="Priya Shah")
    ben = other_therapist
    ben.techniques.add(deep_tissue)
    BookingFactory(client=priya, therapist=ben, technique=deep_tissue)
    BookingFactory(therapist=therapist, technique=swedish, length_minutes=90)
    default = session_default(
        client_id=priya.pk,
        therapist_id=therapist.pk,
        offered=offered_techniques(therapist.pk),
    )
    assert default == SessionDefault(swedish.pk, 90)


def test_a_therapist_with_no_bookings_and_no_client_gives_no_default(therapist):
    assert session_default(client_id=None, therapist_id=therapist.pk) is None
    assert offered_techniques(None) is None


def test_a_gap_opens_the_form_with_the_therapists_usual_session_and_the_search_focused(
    client, now, front_desk_user, anna, deep_tissue
):
    BookingFactory(therapist=anna, technique=deep_tissue, length_minutes=90)
    client.force_login(front_desk_user)
    html = client.get(ADD_URL, gap(anna)).content.decode()
    assert f'<option value="{deep_tissue.pk}" selected>' in html
    assert '<option value="90" selected>90 minutes</option>' in html
    search = html.split('name="client_search"')[1].split(">")[0]
    assert "autofocus" in search


# Lengths


def test_only_the_lengths_the_technique_is_offered_in_are_listed(
    client, now, front_desk_user, anna, deep_tissue
):
    client.force_login(front_desk_user)
    html = client.get(ADD_URL, gap(anna) | {"technique": deep_tissue.pk}).content.decode()
    lengths = html.split('name="length_minutes"')[1].split("</select>")[0]
    assert ">45 minutes<" in lengths and ">90 minutes<" in lengths
    assert ">30 minutes<" not in lengths


def test_choosing_a_technique_without_the_length_moves_to_one_it_offers(
    client, now, front_desk_user, anna, swedish, deep_tissue
):
    client.force_login(front_desk_user)
    response = client.post(
        ADD_URL,
        session(anna, deep_tissue, length_minutes=30),
        headers=HTMX | {"HX-Trigger-Name": "technique"},
    )
    html = response.content.decode()
    assert '<option value="60" selected>60 minutes</option>' in html
    assert ">30 minutes<" not in html
    assert "errornote" not in html and "errorlist" not in html


def test_a_length_the_technique_lacks_is_refused_when_booking_not_changed(
    client, now, front_desk_user, anna, deep_tissue
):
    client.force_login(front_desk_user)
    response = client.post(
        ADD_URL,
        booked(
            session(anna, deep_tissue, length_minutes=30)
            | {"client_name": "Pat Phone", "client_phone": "07700 900456"}
        ),
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not Booking.objects.exists()


# Free times in place


def test_no_free_times_message_before_anything_is_chosen(client, now, front_desk_user, anna):
    client.force_login(front_desk_user)
    html = client.get(ADD_URL).content.decode()
    assert "No free times" not in html
    assert "Choose a technique, a length and a date to see the free times." in html


def test_show_free_times_never_answers_with_errors(client, now, front_desk_user, anna):
    client.force_login(front_desk_user)
    response = client.post(ADD_URL, {"action": "times", "therapist": anna.pk, "day": "2026-03-03"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "errornote" not in html and "Please correct" not in html and "errorlist" not in html


def test_a_change_answers_htmx_with_the_live_parts_only(
    client, now, front_desk_user, anna, swedish
):
    BookingFactory(therapist=anna, start=TUESDAY_10)
    client.force_login(front_desk_user)
    response = client.post(
        ADD_URL, session(anna, swedish), headers=HTMX | {"HX-Trigger-Name": "day"}
    )
    html = response.content.decode()
    assert "<html" not in html
    # Only the free times: the fields the desk may be typing in are left alone.
    assert html.count('hx-swap-oob="innerHTML"') == 1 and 'id="free-times"' in html
    assert 'id="pick-1115"' in html and 'id="pick-1000"' not in html


def test_picking_a_free_time_sets_the_start_and_marks_it(
    client, now, front_desk_user, anna, swedish
):
    client.force_login(front_desk_user)
    response = client.post(ADD_URL, session(anna, swedish) | {"pick": "14:30"}, headers=HTMX)
    html = response.content.decode()
    assert 'name="time" value="14:30"' in html
    picked = html.split('id="pick-1430"')[0].rsplit("<button", 1)[1]
    assert 'aria-pressed="true"' in picked + html.split('id="pick-1430"')[1].split(">")[0]


# The client search


def test_a_single_match_is_chosen_with_its_last_session(
    client, now, front_desk_user, anna, deep_tissue
):
    priya = ClientFactory(name="Priya Shah", phone="+447700900100")
    ClientFactory(name="Sam Other", phone="+447700900999")
    BookingFactory(
        client=priya, therapist=anna, technique=deep_tissue, length_minutes=45, past=True
    )
    client.force_login(front_desk_user)
    response = client.post(
        ADD_URL,
        {"therapist": anna.pk, "day": "2026-03-03", "time": "10:00", "client_search": "pri"},
        headers=HTMX | {"HX-Trigger-Name": "client_search"},
    )
    html = response.content.decode()
    assert "checked" in radio(html, priya)
    assert "Priya Shah · 07700 900100" in html
    assert f'<option value="{deep_tissue.pk}" selected>' in html
    assert '<option value="45" selected>45 minutes</option>' in html


def test_two_matches_choose_nobody(client, now, front_desk_user, anna):
    priya = ClientFactory(name="Priya Shah")
    sam = ClientFactory(name="Sam Price")
    client.force_login(front_desk_user)
    html = client.post(
        ADD_URL, {"action": "find", "client_search": "pri"}, headers=HTMX
    ).content.decode()
    assert "Priya Shah" in html and "Sam Price" in html
    assert "checked" not in radio(html, priya) and "checked" not in radio(html, sam)


def test_a_known_client_books_with_the_search_and_one_explicit_all_clear(
    client, now, front_desk_user, anna, swedish
):
    priya = ClientFactory(name="Priya Shah", phone="+447700900100")
    client.force_login(front_desk_user)
    # Without JavaScript: "Find client" chooses the only match...
    found = client.post(
        ADD_URL, session(anna, swedish) | {"action": "find", "client_search": "shah"}
    ).content.decode()
    assert "checked" in radio(found, priya)
    # ...and "Book" with every question answered by the one box.
    response = client.post(
        ADD_URL,
        session(anna, swedish)
        | {"action": "book", "client_search": "shah", "client": priya.pk, "all_clear": "on"},
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.client_id == priya.pk and booking.client_name == "Priya Shah"
    assert booking.warning_flags == [] and booking.health_conditions == []


def test_the_all_clear_with_a_ticked_condition_is_refused(
    client, now, front_desk_user, anna, swedish
):
    client.force_login(front_desk_user)
    data = session(anna, swedish) | {
        "action": "book",
        "client_name": "Pat Phone",
        "client_phone": "07700 900456",
        "all_clear": "on",
        "conditions": ["pregnancy"],
    }
    response = client.post(ADD_URL, data)
    assert "but “the answer to each is no” is ticked too" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_all_clear_with_an_emergency_sign_said_yes_is_refused(
    client, now, front_desk_user, anna, swedish
):
    from catalog.vocabulary import EMERGENCY_SIGNS

    client.force_login(front_desk_user)
    data = session(anna, swedish) | {
        "action": "book",
        "client_name": "Pat Phone",
        "client_phone": "07700 900456",
        "all_clear": "on",
        f"sign_{EMERGENCY_SIGNS[0].code}": "yes",
    }
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert not Booking.objects.exists()


def test_without_the_all_clear_an_unanswered_question_is_still_refused(
    client, now, front_desk_user, anna, swedish
):
    client.force_login(front_desk_user)
    data = session(anna, swedish) | {
        "action": "book",
        "client_name": "Pat Phone",
        "client_phone": "07700 900456",
    }
    response = client.post(ADD_URL, data)
    assert "Please answer yes or no." in response.content.decode()
    assert not Booking.objects.exists()


# Duplicates


def test_a_typed_new_client_with_a_known_phone_is_asked_about_first(
    client, now, front_desk_user, anna, swedish
):
    priya = ClientFactory(name="Priya Shah", phone="+447700900100")
    client.force_login(front_desk_user)
    data = booked(
        session(anna, swedish) | {"client_name": "Priya Shah", "client_phone": "07700 900100"}
    )
    response = client.post(ADD_URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Use Priya Shah, 07700 900100" in html and "No, a different person" in html
    assert not Booking.objects.exists() and Client.objects.count() == 1

    used = client.post(ADD_URL, data | {"use_client": priya.pk})
    assert used.status_code == 302
    assert Booking.objects.get().client_id == priya.pk
    assert Client.objects.count() == 1


def test_no_a_different_person_books_a_new_record(client, now, front_desk_user, anna, swedish):
    ClientFactory(name="Priya Shah", phone="+447700900100")
    client.force_login(front_desk_user)
    data = booked(
        session(anna, swedish) | {"client_name": "Ravi Shah", "client_phone": "07700 900100"}
    )
    response = client.post(ADD_URL, data | {"different_person_button": "1"})
    assert response.status_code == 302
    assert Client.objects.count() == 2
    assert Client.objects.filter(name="Ravi Shah", bookings__isnull=False).exists()


def test_a_new_phone_books_without_a_question(client, now, front_desk_user, anna, swedish):
    ClientFactory(name="Priya Shah", phone="+447700900100")
    client.force_login(front_desk_user)
    data = booked(
        session(anna, swedish) | {"client_name": "Priya Shah", "client_phone": "07700 900777"}
    )
    assert client.post(ADD_URL, data).status_code == 302


def test_another_therapists_gap_is_booked_for_them(client, now, front_desk_user, swedish):
    ben = TherapistFactory(display_name="Ben M.", works_weekdays=True)
    client.force_login(front_desk_user)
    data = booked(
        session(ben, swedish) | {"client_name": "Pat Phone", "client_phone": "07700 900456"}
    )
    assert client.post(ADD_URL, data).status_code == 302
    assert Booking.objects.get().therapist == ben


def test_a_start_that_is_not_free_for_the_choice_says_so_before_booking(
    client, now, front_desk_user, anna, swedish
):
    BookingFactory(therapist=anna, start=TUESDAY_10 + timedelta(minutes=45))
    client.force_login(front_desk_user)
    html = client.post(
        ADD_URL, session(anna, swedish), headers=HTMX | {"HX-Trigger-Name": "length_minutes"}
    ).content.decode()
    assert "10:00 is not free for this choice." in html
    assert 'id="pick-1000"' not in html


def test_book_sent_twice_books_once_and_says_booked_both_times(
    client, now, front_desk_user, anna, swedish
):
    client.force_login(front_desk_user)
    data = booked(
        session(anna, swedish) | {"client_name": "Pat Phone", "client_phone": "07700 900456"}
    )
    first = client.post(ADD_URL, data)
    second = client.post(ADD_URL, data, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[0][0] == first["Location"]
    assert "Booked Pat Phone with Anna K." in second.content.decode()
    assert Booking.objects.count() == 1


def test_someone_else_at_that_time_is_still_refused(client, now, front_desk_user, anna, swedish):
    BookingFactory(therapist=anna, start=TUESDAY_10, client_name="Pat Phone")
    client.force_login(front_desk_user)
    data = booked(
        session(anna, swedish) | {"client_name": "Pat Phone", "client_phone": "07700 900456"}
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 200 and "just been taken" in response.content.decode()
