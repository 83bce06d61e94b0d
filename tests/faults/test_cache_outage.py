"""Fault 1: the Redis in CACHE_URL stops in the middle of a client's booking."""

import pytest
from django.urls import reverse

from bookings.models import Booking
from tests.factories import safety_post
from tests.faults.conftest import clinic_time

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

BOOK = reverse("bookings:book", kwargs={"slug": "swedish"})
SUBMIT = reverse("bookings:book_submit", kwargs={"slug": "swedish"})
INTAKE = reverse("bookings:intake")
INTAKE_ANSWERS = safety_post() | {
    "areas": ["lower"],
    "duration": "weeks",
    "intensity": "4",
    "frequency": "often",
    "pressure": "any",
}


def test_booking_pages_and_posts_work_while_redis_is_down(
    screened_client, redis_cache, real_clinic, fault_row, caplog
):
    # The booking steps need the safety screen answered first (issue 11).
    client = screened_client
    redis_server = redis_cache
    client.raise_request_exception = False
    row = fault_row("1 Cache outage: redis-server stopped mid-booking")
    start = clinic_time(2, 10).strftime("%Y-%m-%dT%H:%MZ")
    steps = [
        (BOOK, {}),
        (BOOK, {"length": 60, "therapist": "any"}),
        (BOOK, {"length": 60, "therapist": "any", "start": start}),
    ]

    def get(url, params):
        row.requests += 1
        response = client.get(url, params)
        row.responses_500 += response.status_code >= 500
        return response

    for url, params in steps:  # the cache warms up
        assert get(url, params).status_code == 200

    redis_server.stop()
    statuses = [get(url, params).status_code for url, params in steps]
    row.requests += 2
    intake = client.post(INTAKE, INTAKE_ANSWERS)
    # The intake redirects to its result page (issue 11), read from the signed cookie.
    result = client.get(intake["Location"]) if intake.status_code == 303 else intake
    booked = client.post(
        SUBMIT,
        {
            "length": 60,
            "therapist": "any",
            "start": start,
            "client_name": "Sam Client",
            "client_email": "sam@example.com",
            "client_phone": "07700 900123",
        },
    )
    row.responses_500 += sum(r.status_code >= 500 for r in (intake, result, booked))
    row.bookings_lost = 0 if Booking.objects.exists() else 1

    assert statuses == [200, 200, 200]
    assert (intake.status_code, result.status_code) == (303, 200), "the answers must not be lost"
    assert booked.status_code == 302, "the booking must go through"
    assert Booking.objects.count() == 1
    cache_lines = [r for r in caplog.records if "cache failed" in r.getMessage()]
    assert cache_lines and all("sam@example.com" not in r.getMessage() for r in cache_lines)

    redis_server.start()  # back: the rules are cached again and limits count again
    # Booked: the browser's answers are forgotten, so the steps ask the screen again.
    again = get(BOOK, {"length": 60, "therapist": "any"})
    assert (again.status_code, again["Location"].split("?")[0]) == (303, "/book/swedish/screen/")
    assert row.responses_500 == 0


def test_catalog_pages_are_served_while_redis_is_down_and_cached_again_after(
    client, redis_cache, caplog, django_assert_num_queries
):
    redis_server = redis_cache
    client.raise_request_exception = False
    pages = [
        reverse("catalog:home"),
        reverse("catalog:technique_list"),
        reverse("catalog:technique_detail", kwargs={"slug": "swedish"}),
        reverse("catalog:how_massage_helps"),
    ]
    before = [client.get(url).content for url in pages]  # the cache warms up

    redis_server.stop()
    during = [client.get(url) for url in pages]

    assert [response.status_code for response in during] == [200] * len(pages)
    assert [response.content for response in during] == before
    catalog_lines = [r.getMessage() for r in caplog.records if r.name == "catalog.cache"]
    assert any("cache failed" in line for line in catalog_lines)

    redis_server.start()  # an empty Redis: the pages are rendered, then cached again
    for url in pages:
        client.get(url)
    with django_assert_num_queries(0):
        assert [client.get(url).content for url in pages] == before
