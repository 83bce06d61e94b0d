"""Identity before the record: an online booking with an address another client holds
waits on a provisional record until the client taps the link in the booking email, or
front desk decides; and a typed email never opens anyone's record of care."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import Booking, Client, OutcomeRequest
from bookings.records import notes
from bookings.records.identity import EMAIL_LINK_DAYS, confirm_email
from tests.clock import NOW
from tests.factories import BookingFactory, OutcomeRequestFactory

pytestmark = pytest.mark.django_db

PRIYA = "priya@example.org"


@pytest.fixture
def priya(therapist, therapist_user):
    """Priya Shah, booked by the desk with Anna: a session, Anna's note, her pain answers."""
    session = BookingFactory(
        therapist=therapist,
        past=True,
        client_name="Priya Shah",
        client_email=PRIYA,
        booked_by=therapist_user,
        email_confirmed_at=None,
    )
    notes.write_note(
        booking=session, by=therapist_user, now=session.end, subjective="Disc L4-L5, private."
    )
    OutcomeRequestFactory(booking=session, answered=True)
    client = session.client
    assert client is not None
    return client


def confirm_url(booking: Booking) -> str:
    assert booking.email_token
    return reverse("bookings:confirm_email", args=[booking.email_token])


def client_url(client: Client) -> str:
    return reverse("admin:bookings_client_change", args=[client.pk])


# The booking: a provisional record and a link in the booking email.


def test_an_online_booking_with_priyas_email_waits_on_a_provisional_record(book, priya):
    booking = book(client_email="PRIYA@example.org ", client_name="Priya Shah")

    assert booking.client_id != priya.pk
    assert booking.client.same_email_as == priya
    assert booking.email_token and booking.email_confirmed_at is None
    assert priya.bookings.count() == 1


def test_a_desk_booking_joins_the_record_with_that_email_as_before(book, priya, front_desk_user):
    booking = book(client_email=PRIYA, by=front_desk_user)

    assert booking.client_id == priya.pk
    assert booking.email_token is None


def test_the_booking_email_carries_the_confirm_link_and_no_staff_words(book, priya):
    # The suite sends each message as its booking commits (NOTIFICATION_SEND_ON_COMMIT).
    booking = book(client_email=PRIYA, client_name="Priya Shah")

    (message,) = [m for m in mail.outbox if PRIYA in m.to and "booked" in m.subject]
    assert isinstance(message, mail.EmailMultiAlternatives)
    assert confirm_url(booking) in message.body
    assert "Confirm my email" in str(message.alternatives[0][0])
    for words in ("Unconfirmed", "same email as", "provisional", "record of care"):
        assert words not in message.body


def test_the_confirm_link_asks_first_and_a_get_confirms_nothing(client, book, priya):
    booking = book(client_email=PRIYA, client_name="Priya Shah")

    page = client.get(confirm_url(booking))

    assert page.status_code == 200
    assert "Yes, this is my email" in page.content.decode()
    assert page["Cache-Control"].startswith("no-store") or "no-store" in page["Cache-Control"]
    booking.refresh_from_db()
    assert booking.email_confirmed_at is None and booking.client_id != priya.pk


def test_tapping_confirm_joins_priyas_record_and_repeating_it_is_harmless(client, book, priya, now):
    booking = book(client_email=PRIYA, client_name="Priya Shah")
    provisional = booking.client

    first = client.post(confirm_url(booking))
    again = client.post(confirm_url(booking))

    assert first.status_code == again.status_code == 303
    booking.refresh_from_db()
    assert booking.client_id == priya.pk and booking.email_confirmed_at == now
    provisional.refresh_from_db()
    assert provisional.merged_into == priya and provisional.same_email_as is None
    thanks = client.get(confirm_url(booking)).content.decode()
    assert "Your email is confirmed" in thanks and "Priya Shah" not in thanks
    assert confirm_email(booking=booking, now=now) is False


def test_an_unknown_or_expired_link_is_a_plain_404(client, book, clock):
    booking = book(client_email=PRIYA)

    assert client.get(reverse("bookings:confirm_email", args=["x" * 43])).status_code == 404
    clock.move_to(booking.created_at + timedelta(days=EMAIL_LINK_DAYS, minutes=1))
    assert client.get(confirm_url(booking)).status_code == 404
    assert client.post(confirm_url(booking)).status_code == 404
    booking.refresh_from_db()
    assert booking.email_confirmed_at is None


def test_a_get_to_the_confirm_page_with_another_method_is_refused(client, book):
    booking = book(client_email=PRIYA)
    assert client.put(confirm_url(booking)).status_code == 405


def test_a_household_address_or_another_name_stays_for_front_desk(book, priya, now):
    raj = book(client_email=PRIYA, client_name="Raj Shah")

    assert confirm_email(booking=raj, now=now)

    raj.refresh_from_db()
    assert raj.email_confirmed_at == now
    assert raj.client_id != priya.pk and raj.client.same_email_as == priya


def test_a_new_clients_confirmed_email_proves_their_own_record(book, now):
    booking = book(client_email="new@example.org")
    assert booking.client.same_email_as is None

    assert confirm_email(booking=booking, now=now)

    booking.refresh_from_db()
    assert booking.email_confirmed_at == now


# The typed-email takeover: another person's address and a therapist of their choosing.


@pytest.fixture
def takeover(book, priya, other_therapist):
    """Someone books online with Priya's address, choosing Ben."""
    return book(therapist_id=other_therapist.pk, client_email=PRIYA, client_name="Priya Shah")


def test_a_typed_email_does_not_open_priyas_page_history_chart_or_notes_to_ben(
    client, takeover, priya, other_therapist
):
    ben = other_therapist.user
    client.force_login(ben)

    assert client.get(client_url(priya)).status_code == 404
    assert not notes.visible_notes(ben).exists()
    note = priya.bookings.get().treatment_note
    assert (
        client.get(reverse("admin:bookings_treatmentnote_change", args=[note.pk])).status_code
        == 404
    )
    # Nor through the provisional record, which holds only the booking Ben treats.
    provisional = client.get(client_url(takeover.client))
    assert provisional.status_code == 404
    assert "Disc L4-L5" not in provisional.content.decode()
    listing = client.get(reverse("admin:bookings_client_changelist")).content.decode()
    assert "Priya Shah" not in listing


def test_bens_own_session_still_gets_its_note(takeover, other_therapist):
    ben = other_therapist.user
    note = notes.write_note(booking=takeover, by=ben, now=takeover.end, subjective="Own note.")
    assert list(notes.visible_notes(ben)) == [note]


def test_once_the_client_proves_the_email_ben_reads_the_record_of_care(
    client, takeover, priya, other_therapist, now
):
    assert confirm_email(booking=takeover, now=now)

    client.force_login(other_therapist.user)
    page = client.get(client_url(priya))
    assert page.status_code == 200
    assert "Disc L4-L5" in page.content.decode()


def test_cancelling_the_confirmed_session_closes_the_record_again(
    client, takeover, priya, other_therapist, now
):
    from bookings.booking.services import cancel_booking

    confirm_email(booking=takeover, now=now)
    cancel_booking(booking=takeover, now=now, notify=False)

    client.force_login(other_therapist.user)
    assert client.get(client_url(priya)).status_code == 404
    assert not notes.visible_notes(other_therapist.user).exists()


def test_the_desk_booked_link_opens_the_record_to_its_therapist(client, priya, therapist_user):
    client.force_login(therapist_user)
    assert client.get(client_url(priya)).status_code == 200


# Front desk: "Unconfirmed: same email as Priya Shah", "Join to Priya", "Different person".


def test_front_desk_sees_unconfirmed_in_the_list_and_on_the_page(
    client, takeover, priya, front_desk_user
):
    client.force_login(front_desk_user)

    listing = client.get(
        reverse("admin:bookings_client_changelist"), {"identity": "unconfirmed"}
    ).content.decode()
    page = client.get(client_url(takeover.client)).content.decode()

    assert "Unconfirmed: same email as Priya Shah" in listing
    assert "Unconfirmed: same email as Priya Shah" in page
    assert "Join to Priya" in page and "Different person" in page


def test_join_to_priya_moves_the_booking_to_her_record(client, takeover, priya, front_desk_user):
    client.force_login(front_desk_user)
    url = reverse("admin:bookings_client_identity", args=[takeover.client_id])

    response = client.post(url, {"action": "join"})

    assert response.status_code == 302 and response["Location"] == client_url(priya)
    takeover.refresh_from_db()
    assert takeover.client_id == priya.pk
    assert not Client.objects.unconfirmed().exists()


def test_different_person_keeps_the_record_apart(client, takeover, priya, front_desk_user):
    client.force_login(front_desk_user)
    url = reverse("admin:bookings_client_identity", args=[takeover.client_id])

    client.post(url, {"action": "different"})

    takeover.refresh_from_db()
    assert takeover.client_id != priya.pk
    assert takeover.client.same_email_as is None
    page = client.get(client_url(takeover.client)).content.decode()
    assert "Unconfirmed" not in page


def test_only_front_desk_settles_and_only_by_post(
    client, takeover, other_therapist, clinical_lead, front_desk_user
):
    url = reverse("admin:bookings_client_identity", args=[takeover.client_id])
    client.force_login(front_desk_user)
    assert client.get(url).status_code == 405
    for user in (other_therapist.user, clinical_lead):
        client.force_login(user)
        assert client.post(url, {"action": "join"}).status_code == 403
    takeover.refresh_from_db()
    assert takeover.client.same_email_as is not None


def test_a_therapist_never_sees_whose_address_was_typed(client, takeover, priya, therapist_user):
    # Anna treats Priya (desk-booked) and so may open her page, but not the notice.
    client.force_login(therapist_user)
    page = client.get(client_url(priya)).content.decode()
    assert "Unconfirmed" not in page


def test_the_clients_export_never_shows_the_token(takeover, priya, superuser):
    from bookings.privacy import services as privacy

    data = privacy.export_client(client=takeover.client, reader=superuser, now=NOW)
    assert takeover.email_token not in str(data)


def test_the_email_link_keeps_no_health_data_in_its_url(takeover):
    assert re.fullmatch(r"/confirm-email/[A-Za-z0-9_-]{43}/", confirm_url(takeover))
    assert not OutcomeRequest.objects.filter(booking=takeover, score__isnull=False).exists()
