"""The desk's call list: offers for waiting clients no email or text can reach go on the
day view's "To call" list, with "Book it for them" and "Couldn't reach"."""

import pytest
from django.urls import reverse

from bookings.booking import services
from bookings.models import (
    Booking,
    BookingStatus,
    Notification,
    OfferStatus,
    WaitlistOffer,
    WaitlistStatus,
)
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import WEDNESDAY_315PM, fill_wednesday_afternoon, join

pytestmark = pytest.mark.django_db

DAY_URL = reverse("admin:bookings_booking_day")


@pytest.fixture
def full_afternoon(clinic_rules, therapist, book):
    return fill_wednesday_afternoon(book)


@pytest.fixture
def phone_only(full_afternoon, now):
    """Pat has no email and no texts; 15:15 comes free and is offered."""
    join(client_name="Pat Phone", client_email="", client_phone="07700 900456")
    services.cancel_booking(booking=full_afternoon[2], now=now)
    (offer,) = waitlist.offer_freed_times(now=now)
    return offer


def book_url(offer: WaitlistOffer) -> str:
    return reverse("admin:bookings_waitlistoffer_book", args=[offer.pk])


def unreached_url(offer: WaitlistOffer) -> str:
    return reverse("admin:bookings_waitlistoffer_unreached", args=[offer.pk])


def test_an_offer_nobody_can_send_goes_to_the_call_list_not_counted_as_sent(phone_only):
    assert phone_only.status == OfferStatus.TO_CALL
    assert phone_only.entry.status == WaitlistStatus.WAITING
    assert not Notification.objects.filter(waitlist_offer__entry=phone_only.entry).exists()


def test_the_day_view_lists_whom_to_call_with_a_tap_to_call_number(
    client, front_desk_user, phone_only
):
    client.force_login(front_desk_user)
    wednesday = client.get(DAY_URL, {"date": "2026-03-04"}).text
    thursday = client.get(DAY_URL, {"date": "2026-03-05"}).text

    assert "To call" in wednesday and "Pat Phone" in wednesday
    assert '<a href="tel:+447700900456">07700 900456</a>' in wednesday
    assert "<td>15:15</td>" in wednesday
    assert book_url(phone_only) in wednesday and unreached_url(phone_only) in wednesday
    assert "To call" not in thursday


def test_book_it_for_them_books_once_through_the_safety_rules(client, front_desk_user, phone_only):
    client.force_login(front_desk_user)
    first = client.post(book_url(phone_only), follow=True)
    again = client.post(book_url(phone_only), follow=True)  # a second click

    booking = Booking.objects.get(client_name="Pat Phone")
    assert (booking.start, booking.status) == (WEDNESDAY_315PM, BookingStatus.CONFIRMED)
    assert booking.booked_by == front_desk_user
    assert booking.health_conditions == [] and booking.intake_answers is None
    phone_only.refresh_from_db()
    assert (phone_only.status, phone_only.booking) == (OfferStatus.TAKEN, booking)
    assert phone_only.entry.status == WaitlistStatus.BOOKED
    assert "is booked for Pat Phone" in first.text
    assert "was booked already for Pat Phone" in again.text
    assert 'id="to-call"' not in again.text


def test_book_it_for_them_says_so_when_the_time_has_gone(client, front_desk_user, phone_only, book):
    book(WEDNESDAY_315PM, client_name="Walk In")
    client.force_login(front_desk_user)

    page = client.post(book_url(phone_only), follow=True)

    assert "That time has gone" in page.text
    assert not Booking.objects.filter(client_name="Pat Phone").exists()


def test_couldnt_reach_takes_the_time_off_the_list_and_keeps_them_waiting(
    client, front_desk_user, phone_only, now
):
    client.force_login(front_desk_user)
    first = client.post(unreached_url(phone_only), follow=True)
    client.post(unreached_url(phone_only))

    phone_only.refresh_from_db()
    assert phone_only.status == OfferStatus.UNREACHED
    assert phone_only.entry.status == WaitlistStatus.WAITING
    assert "could not be reached" in first.text
    assert 'id="to-call"' not in first.text
    # The same gap is not put on the list again.
    assert waitlist.offer_freed_times(now=now) == []


def test_the_call_buttons_need_a_post_and_the_right_role(client, therapist, phone_only):
    client.force_login(therapist.user)
    assert client.post(book_url(phone_only)).status_code == 403
    assert client.post(unreached_url(phone_only)).status_code == 403
    assert 'id="to-call"' not in client.get(DAY_URL, {"date": "2026-03-04"}).text
    phone_only.refresh_from_db()
    assert phone_only.status == OfferStatus.TO_CALL


def test_the_call_list_reads_a_days_free_times_once_for_offers_that_share_them(
    phone_only, now, django_assert_num_queries
):
    from bookings.waitlist import offers

    again = WaitlistOffer.objects.select_related("entry__technique").get(pk=phone_only.pk)
    assert offers.still_free(again, now)
    free = offers.free_checker(now)
    assert free(again)
    with django_assert_num_queries(0):
        assert free(again)
