"""Every client post is safe to repeat: sent twice (a double click) or again after Back
(the browser resends the same form), it has one effect and sends one message."""

from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.booking import services
from bookings.models import (
    Booking,
    BookingStatus,
    Notification,
    NotificationKind,
    OutcomeRequest,
    WaitlistEntry,
    WaitlistStatus,
)
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import fill_wednesday_afternoon, join
from tests.clock import clinic_time
from tests.factories import EVERY_DAY_NINE_TO_FIVE, OutcomeRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def therapist_hours():
    return EVERY_DAY_NINE_TO_FIVE


def kinds(booking: Booking) -> list[str]:
    return sorted(Notification.objects.filter(booking=booking).values_list("kind", flat=True))


def messages_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_moving_twice_to_the_same_time_moves_once_and_sends_one_email(client, book, now):
    booking = book()
    url = reverse("bookings:manage_reschedule", args=[booking.manage_token])
    target = clinic_time(now + timedelta(days=3), 11)
    form = {"start": target.isoformat()}

    first = client.post(url, form, follow=True)
    again = client.post(url, form, follow=True)  # Back, then "Move to this time"

    booking.refresh_from_db()
    assert booking.start == target
    assert messages_on(first) == [
        "Your booking has moved. We have sent you an email with the new time."
    ]
    assert messages_on(again) == ["Your booking is at this time. Nothing has changed."]
    moved = Notification.objects.filter(booking=booking, kind=NotificationKind.RESCHEDULE)
    assert moved.count() == 1
    assert kinds(booking).count(NotificationKind.CLINIC_RESCHEDULED) == 1


def test_moving_to_the_time_it_already_has_changes_nothing_and_tells_nobody(book, now):
    booking = book()
    before = kinds(booking)

    services.reschedule_booking(booking=booking, start=booking.start, now=now)

    assert kinds(booking) == before


def test_the_move_page_never_offers_the_bookings_own_time(client, book, now):
    booking = book()
    day = booking.start.date().isoformat()
    page = client.get(
        reverse("bookings:manage_reschedule", args=[booking.manage_token]) + f"?day={day}"
    )
    assert f'value="{booking.start.isoformat()}"' not in page.text
    # The times around it are offered, its own span included (it moves out of it).
    assert f'value="{(booking.start + timedelta(minutes=15)).isoformat()}"' in page.text


def test_cancelling_twice_cancels_once_and_sends_one_email(client, book):
    booking = book()
    url = reverse("bookings:manage_cancel", args=[booking.manage_token])

    first = client.post(url, {"reason": ""}, follow=True)
    again = client.post(url, {"reason": ""}, follow=True)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert messages_on(first) == [
        "Your booking is cancelled. We have sent you an email to confirm."
    ]
    assert messages_on(again) == ["This booking is already cancelled. Nothing more needs doing."]
    assert kinds(booking).count(NotificationKind.CANCELLATION) == 1
    assert kinds(booking).count(NotificationKind.CLINIC_CANCELLED) == 1


JOIN_URL = reverse("bookings:waitlist_join", kwargs={"slug": "swedish"})
JOIN_FORM = {
    "length_minutes": "60",
    "therapist": "any",
    "first_day": "2026-03-04",
    "last_day": "2026-03-04",
    "parts_of_day": ["afternoon"],
    "client_name": "Jane Doe",
    "client_email": "jane@example.org",
    "client_phone": "07700 900123",
}


def test_joining_the_waitlist_twice_keeps_one_place_and_shows_it(
    screened_client, clinic_rules, therapist, book
):
    fill_wednesday_afternoon(book)
    first = screened_client.post(JOIN_URL, JOIN_FORM)
    again = screened_client.post(JOIN_URL, JOIN_FORM, follow=True)  # Back, then send

    (entry,) = WaitlistEntry.objects.all()
    place = reverse("bookings:waitlist_entry", args=[entry.token])
    assert (first.status_code, first["Location"]) == (303, place)
    assert again.redirect_chain == [(place, 303)]
    assert messages_on(again) == ["You are already on the waitlist for these days."]
    assert "You are on the waitlist" in again.text
    assert not Notification.objects.filter(kind=NotificationKind.WAITLIST_OFFER).exists()


def test_the_same_client_may_wait_for_other_days_as_another_place(clinic_rules, therapist, now):
    first = join(client_phone="07700 900123")
    with pytest.raises(waitlist.AlreadyWaiting) as repeat:
        join(client_phone="07700 900123")
    assert repeat.value.entry == first
    other_days = join(client_phone="07700 900123", last_day=now.date() + timedelta(days=5))
    # Someone else of the household, on the same phone, waits in their own place.
    sister = join(client_phone="07700 900123", client_name="Ann Doe", client_email="ann@x.org")
    assert WaitlistEntry.objects.count() == 3
    assert other_days.status == sister.status == WaitlistStatus.WAITING


def test_a_place_left_does_not_stop_joining_again(clinic_rules, therapist, now):
    entry = join(client_phone="07700 900123")
    waitlist.leave_waitlist(entry=entry)
    again = join(client_phone="07700 900123")
    assert again.pk != entry.pk


@pytest.fixture
def outcome(db, now):
    booking_end = now - timedelta(days=2)
    return OutcomeRequestFactory(
        booking__start=booking_end - timedelta(hours=1),
        booking__end=booking_end,
        booking__blocked_until=booking_end,
    )


def test_answering_twice_keeps_the_first_answer_and_thanks_the_client_each_time(client, outcome):
    url = reverse("bookings:outcome", args=[outcome.token])
    first = client.post(url, {"score": "3"}, follow=True)
    reload = client.get(url)
    again = client.post(url, {"score": "8"}, follow=True)  # Back, then send

    outcome.refresh_from_db()
    assert outcome.score == 3
    assert OutcomeRequest.objects.answered().count() == 1
    for page in (first, reload, again):
        assert page.status_code == 200
        assert "Thank you, we have your answer" in page.text
        assert "3 out of 10" in page.text


def test_booking_an_offer_twice_books_once_and_shows_the_booking(client, book, now):
    fill = fill_wednesday_afternoon(book)
    join()
    services.cancel_booking(booking=fill[1], now=now)
    (offer,) = waitlist.offer_freed_times(now=now)
    url = reverse("bookings:waitlist_offer", args=[offer.token])

    first = client.post(url)
    again = client.post(url)  # Back, then "Book it"

    booking = Booking.objects.get(client_name="Jane Doe", status=BookingStatus.CONFIRMED)
    page = reverse("bookings:booking_detail", args=[booking.manage_token])
    assert first["Location"] == again["Location"] == page
    assert kinds(booking).count(NotificationKind.CONFIRMATION) == 1


def test_back_after_booking_shows_the_booking_not_the_safety_questions(
    screened_client, clinic_rules, therapist, now
):
    start = clinic_time(now + timedelta(days=2), 11)
    param = start.strftime("%Y-%m-%dT%H:%MZ")
    details = reverse("bookings:book", kwargs={"slug": "swedish"})
    query = {"length": "60", "therapist": "any", "start": param}
    assert screened_client.get(details, query).status_code == 200
    booked = screened_client.post(
        reverse("bookings:book_submit", kwargs={"slug": "swedish"}),
        query
        | {
            "client_name": "Jane Doe",
            "client_email": "jane@example.org",
            "client_phone": "07700 900123",
        },
    )
    booking = Booking.objects.get()
    page = reverse("bookings:booking_detail", args=[booking.manage_token])
    assert booked["Location"] == page

    back = screened_client.get(details, query)

    assert (back.status_code, back["Location"]) == (303, page)
    # Another time of the same technique still asks the questions again.
    other = query | {"start": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%MZ")}
    assert "screen" in screened_client.get(details, other)["Location"]
