import pytest
from django.urls import reverse

from bookings.booking import services
from bookings.models import (
    Notification,
    NotificationKind,
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from tests.bookings.waitlist_helpers import WEDNESDAY_2PM, fill_wednesday_afternoon, join
from tests.factories import answered

pytestmark = pytest.mark.django_db

DAY_URL = reverse("admin:bookings_booking_day")
ADD_URL = reverse("admin:bookings_waitlistentry_add")
LIST_URL = reverse("admin:bookings_waitlistentry_changelist")


def offer_url(entry: WaitlistEntry) -> str:
    return reverse("admin:bookings_waitlistentry_offer", args=[entry.pk])


def staff_post(**overrides: object) -> dict[str, object]:
    return answered(
        {
            "technique": "",
            "length_minutes": "60",
            "therapist": "any",
            "first_day": "2026-03-04",
            "last_day": "2026-03-05",
            "parts_of_day": ["morning"],
            "client_name": "Phone Client",
            "client_phone": "07700 900456",
            "client_email": "",
        }
        | overrides
    )


def test_the_day_view_lists_who_waits_for_that_day(client, front_desk_user, therapist, now):
    entry = join(client_name="Jane Doe")
    client.force_login(front_desk_user)

    wednesday = client.get(DAY_URL, {"date": "2026-03-04"}).content.decode()
    thursday = client.get(DAY_URL, {"date": "2026-03-05"}).content.decode()

    assert "Waiting for a time on this day" in wednesday
    assert "Jane Doe" in wednesday and "+447700900123" in wednesday
    assert offer_url(entry) in wednesday
    assert "Nobody is waiting for this day." in thursday


def test_a_therapist_sees_who_waits_for_them_or_anyone_but_not_for_others(
    client, therapist, other_therapist, now
):
    join(client_name="Waits For Anyone")
    join(client_name="Waits For Anna", therapist_id=therapist.pk)
    join(client_name="Waits For Ben", therapist_id=other_therapist.pk)
    client.force_login(therapist.user)

    page = client.get(DAY_URL, {"date": "2026-03-04"}).content.decode()
    listing = client.get(LIST_URL).content.decode()

    for shown in (page, listing):
        assert "Waits For Anyone" in shown and "Waits For Anna" in shown
        assert "Waits For Ben" not in shown
    assert client.get(offer_url(WaitlistEntry.objects.earliest("pk"))).status_code == 403


def test_front_desk_adds_a_phone_client_with_the_safety_questions(
    client, front_desk_user, therapist, swedish, now
):
    client.force_login(front_desk_user)

    response = client.post(ADD_URL, staff_post(technique=swedish.pk, sms_opt_in="on"))

    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.client_phone, entry.sms_opt_in, entry.added_by) == (
        "+447700900456",
        True,
        front_desk_user,
    )
    assert entry.intake_answers is not None and entry.intake_answers["screened"] is True


def test_a_doctor_first_sign_needs_the_advice_given_before_a_phone_client_waits(
    client, front_desk_user, therapist, swedish, now
):
    client.force_login(front_desk_user)
    data = staff_post(technique=swedish.pk, conditions=["pregnancy"])

    response = client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "Confirm you advised the client to see a doctor first" in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_bad_staff_input_says_what_is_wrong(client, front_desk_user, therapist, swedish, now):
    client.force_login(front_desk_user)

    response = client.post(ADD_URL, staff_post(technique=swedish.pk, client_phone="nope"))

    assert response.status_code == 200
    assert "Please enter a phone number we can reach" in response.content.decode()


def test_front_desk_offers_a_chosen_free_time_by_hand_once(
    client, front_desk_user, clinic_rules, therapist, book, now
):
    full = fill_wednesday_afternoon(book)
    entry = join()
    services.cancel_booking(booking=full[1], now=now)
    client.force_login(front_desk_user)

    page = client.get(offer_url(entry)).content.decode()
    assert WEDNESDAY_2PM.isoformat() in page
    response = client.post(offer_url(entry), {"start": WEDNESDAY_2PM.isoformat()})
    again = client.post(offer_url(entry), {"start": WEDNESDAY_2PM.isoformat()})

    assert response.status_code == 302
    offer = WaitlistOffer.objects.get()
    assert (offer.start, offer.offered_by) == (WEDNESDAY_2PM, front_desk_user)
    assert (
        Notification.objects.filter(
            kind=NotificationKind.WAITLIST_OFFER, waitlist_offer=offer
        ).count()
        == 1
    )
    assert "each time is offered once" in again.content.decode()


def test_offering_a_time_that_is_not_free_says_so(client, front_desk_user, therapist, now):
    entry = join()
    client.force_login(front_desk_user)

    response = client.post(offer_url(entry), {"start": "2026-03-04T03:00:00+00:00"})

    assert response.status_code == 200
    assert "That time is not free any more" in response.content.decode()
    assert not WaitlistOffer.objects.exclude(status=OfferStatus.SHOWN).exists()


def test_taking_clients_off_the_waitlist_in_the_changelist(client, front_desk_user, therapist, now):
    entry = join()
    client.force_login(front_desk_user)

    client.post(LIST_URL, {"action": "take_off_the_waitlist", "_selected_action": [entry.pk]})

    entry.refresh_from_db()
    assert (entry.status, entry.intake_answers) == (WaitlistStatus.LEFT, None)


def test_a_content_editor_cannot_see_the_waitlist(client, content_editor, therapist, now):
    join()
    client.force_login(content_editor)
    assert client.get(LIST_URL).status_code == 403
