import pytest
from django.urls import reverse

from bookings.booking import services
from bookings.intake.answers import IntakeAnswers
from bookings.models import Booking, OfferStatus, WaitlistEntry, WaitlistStatus
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import fill_wednesday_afternoon, join

pytestmark = pytest.mark.django_db

JOIN_URL = reverse("bookings:waitlist_join", kwargs={"slug": "swedish"})


def join_post(**overrides: object) -> dict[str, object]:
    return {
        "length_minutes": "60",
        "therapist": "any",
        "first_day": "2026-03-04",
        "last_day": "2026-03-06",
        "parts_of_day": ["afternoon", "evening"],
        "client_name": "Jane Doe",
        "client_email": "jane@example.org",
        "client_phone": "07700 900123",
    } | overrides


@pytest.fixture
def full_afternoon(clinic_rules, therapist, book):
    return fill_wednesday_afternoon(book)


def test_the_day_and_time_steps_offer_the_waitlist(screened_client, clinic_rules, therapist, now):
    url = reverse("bookings:book", kwargs={"slug": "swedish"})
    days = screened_client.get(url, {"length": 60, "therapist": therapist.pk})
    times = screened_client.get(url, {"length": 60, "therapist": "any", "day": "2026-03-04"})

    # The day step shows the first free day's times: the waitlist link carries that day.
    first_free = days.context["day"].isoformat()
    assert f'{JOIN_URL}?length=60&amp;therapist={therapist.pk}&amp;day={first_free}"' in (
        days.content.decode()
    )
    assert f'{JOIN_URL}?length=60&amp;therapist=any&amp;day=2026-03-04"' in times.content.decode()


def test_joining_online_needs_the_safety_screen_first(client, clinic_rules, therapist, now):
    response = client.get(JOIN_URL)

    assert response.status_code == 303
    assert response["Location"] == reverse("bookings:book_screen", kwargs={"slug": "swedish"})


def test_the_join_form_starts_from_the_day_asked_and_is_never_cached(
    screened_client, clinic_rules, therapist, now
):
    response = screened_client.get(
        JOIN_URL, {"length": 60, "therapist": "any", "day": "2026-03-04"}
    )

    assert response.status_code == 200
    assert 'value="2026-03-04"' in response.content.decode()
    assert 'value="2026-03-18"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_screened_client_joins_and_sees_their_place(
    screened_client, clinic_rules, therapist, now
):
    response = screened_client.post(JOIN_URL, join_post())

    entry = WaitlistEntry.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("bookings:waitlist_entry", args=[entry.token])
    assert (entry.client_phone, entry.parts_of_day, entry.therapist) == (
        "+447700900123",
        ["afternoon", "evening"],
        None,
    )
    assert entry.intake_answers is not None and entry.intake_answers["screened"] is True
    place = screened_client.get(response["Location"])
    assert "You are on the waitlist" in place.content.decode()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"client_phone": "call me"}, "Please enter a phone number we can reach"),
        ({"parts_of_day": []}, "Please choose at least one part of the day."),
        ({"last_day": "2026-03-01"}, "That day has passed."),
        ({"last_day": "2026-03-03"}, "The last day must not be before the first."),
        ({"first_day": "not a day"}, "Enter a valid date."),
        ({"length_minutes": "45"}, "Select a valid choice."),
    ],
)
def test_joining_with_bad_input_says_what_is_wrong(
    screened_client, clinic_rules, therapist, now, bad, message
):
    response = screened_client.post(JOIN_URL, join_post(**bad))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_leaving_the_waitlist_from_the_place_page(client, clinic_rules, therapist, now):
    entry = join()

    response = client.post(reverse("bookings:waitlist_leave", args=[entry.token]))

    entry.refresh_from_db()
    assert response.status_code == 303
    assert entry.status == WaitlistStatus.LEFT
    assert "You have left the waitlist" in client.get(response["Location"]).content.decode()


def test_an_unknown_waitlist_link_is_a_plain_404(client, db):
    assert client.get(reverse("bookings:waitlist_offer", args=["x" * 43])).status_code == 404
    assert client.get(reverse("bookings:waitlist_entry", args=["nope"])).status_code == 404


def test_the_offer_link_shows_the_time_and_books_it_in_one_step(
    client, full_afternoon, now, after_commit
):
    entry = join()
    services.cancel_booking(booking=full_afternoon[1], now=now)
    (offer,) = waitlist.offer_freed_times(now=now)
    url = reverse("bookings:waitlist_offer", args=[offer.token])

    page = client.get(url)
    assert "Wednesday 4 March 2026, 14:00 to 15:00" in page.content.decode()
    assert "Book it" in page.content.decode()

    response = client.post(url)

    booking = Booking.objects.get(client_name="Jane Doe")
    assert response.status_code == 303
    assert response["Location"] == reverse("bookings:booking_detail", args=[booking.manage_token])
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.BOOKED
    # The link again (a reload, the email tapped again) and the form sent again (Back,
    # then "Book it") both find the booking: one booking, no "time has gone".
    booking_page = reverse("bookings:booking_detail", args=[booking.manage_token])
    assert client.get(url)["Location"] == booking_page
    again = client.post(url)
    assert (again.status_code, again["Location"]) == (303, booking_page)
    assert Booking.objects.filter(client_name="Jane Doe").count() == 1


def test_the_second_click_is_told_kindly_that_the_time_has_gone(client, full_afternoon, now):
    join(client_name="First Client")
    join(client_name="Second Client")
    services.cancel_booking(booking=full_afternoon[1], now=now)
    first, late = waitlist.offer_freed_times(now=now)

    assert client.post(reverse("bookings:waitlist_offer", args=[first.token])).status_code == 303
    response = client.post(reverse("bookings:waitlist_offer", args=[late.token]))

    assert response.status_code == 409
    body = response.content.decode()
    assert "This time has gone" in body
    assert "You are still on the waitlist" in body
    assert Booking.objects.filter(client_name="Second Client").count() == 0
    late.refresh_from_db()
    assert late.status == OfferStatus.GONE


def test_an_offer_taken_by_someone_else_already_shows_as_gone(client, full_afternoon, now):
    join()
    services.cancel_booking(booking=full_afternoon[1], now=now)
    (offer,) = waitlist.offer_freed_times(now=now)
    services.book_session(
        therapist_id=None,
        technique=offer.entry.technique,
        length_minutes=60,
        start=offer.start,
        client_name="Phone Client",
        client_email="",
        client_phone="07700 900456",
        intake=IntakeAnswers(screened=True),
        now=now,
    )

    page = client.get(reverse("bookings:waitlist_offer", args=[offer.token]))

    assert "This time has gone" in page.content.decode()
    assert "Book it" not in page.content.decode()


def test_the_join_page_on_get_does_not_allow_other_methods(screened_client, db):
    assert screened_client.put(JOIN_URL).status_code == 405
    assert (
        screened_client.get(reverse("bookings:waitlist_leave", args=["x" * 43])).status_code == 405
    )
