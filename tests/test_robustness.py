"""Arbitrary input to every public form and URL parameter: never a 500, nothing stored.

Each test keeps one real booking and checks after every example that it is unchanged
and that no other row appeared (except where the input happens to be a valid booking,
which the strategies make impossible by construction: no valid start time is drawn).
"""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.models import Booking, Notification
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

EXAMPLES = 150
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a browser could send: anything but lone surrogates (which cannot be encoded).
# A list, not a tuple: mypy reads `("Cs",)` as tuple[str] rather than a category name.
text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300)
numbers = st.one_of(st.integers(), st.floats(allow_nan=True)).map(str)
dates = st.one_of(st.dates(), st.datetimes()).map(lambda d: d.isoformat())
ids = st.one_of(st.integers(min_value=-(2**63), max_value=2**63), st.just("any"), text)
anything = st.one_of(text, numbers, dates, ids, st.lists(text, max_size=3))
token = st.one_of(text, st.text(alphabet="ABCdef0123456789_-", min_size=43, max_size=43))
slug = st.one_of(
    st.sampled_from(["swedish", "deep-tissue"]), st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True)
)

INTAKE_FIELDS = [
    "areas",
    "duration",
    "intensity",
    "frequency",
    "feelings",
    "triggers",
    "pressure",
    "conditions",
    "warning_signs",
    "description",
    "website",
]
BOOKING_FIELDS = [
    "length",
    "therapist",
    "day",
    "start",
    "client_name",
    "client_email",
    "client_phone",
    "consent",
    "acknowledge_warning",
    "website",
]


def form_data(fields: list[str]):
    return st.dictionaries(st.sampled_from(fields), anything, max_size=len(fields))


@pytest.fixture
def stored(clinic_rules, therapist, other_therapist, now, settings):
    settings.RATELIMIT_ENABLE = False
    booking = BookingFactory(therapist=therapist, start=now + timedelta(days=2))
    return booking


def snapshot(booking: Booking) -> dict:
    booking.refresh_from_db()
    return model_to_dict(booking) | {"bookings": Booking.objects.count()}


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, response.content[:500]


@SETTINGS
@given(data=form_data(INTAKE_FIELDS))
def test_the_intake_never_fails_on_arbitrary_posts(client, stored, data):
    before = snapshot(stored)
    assert_no_server_error(client.post(reverse("bookings:intake"), data))
    assert snapshot(stored) == before


@SETTINGS
@given(slug=slug, params=form_data(BOOKING_FIELDS))
def test_the_booking_steps_never_fail_on_arbitrary_query_strings(client, stored, slug, params):
    before = snapshot(stored)
    assert_no_server_error(client.get(reverse("bookings:book", args=[slug]), params))
    assert snapshot(stored) == before


@SETTINGS
@given(slug=slug, data=form_data(BOOKING_FIELDS))
def test_booking_never_fails_and_stores_nothing_from_arbitrary_posts(client, stored, slug, data):
    before = snapshot(stored)
    response = client.post(reverse("bookings:book_submit", args=[slug]), data)
    assert_no_server_error(response)
    assert snapshot(stored) == before


@SETTINGS
@given(token=token, data=form_data(["start", "day", "website"]))
def test_the_self_service_pages_never_fail_on_arbitrary_tokens_and_posts(
    client, stored, token, data
):
    before = snapshot(stored)
    messages = Notification.objects.count()
    # Built by hand: arbitrary tokens include characters no URL pattern would reverse.
    quoted = quote(token, safe="") or "x"
    for path in (f"/booking/{quoted}/", f"/manage/{quoted}/", f"/manage/{quoted}/reschedule/"):
        assert_no_server_error(client.get(path, data))
    for path in (f"/manage/{quoted}/cancel/", f"/manage/{quoted}/reschedule/"):
        assert_no_server_error(client.post(path, data))
    assert_no_server_error(client.get(f"/calendar/{quoted}.ics"))
    assert snapshot(stored) == before
    assert Notification.objects.count() == messages


@SETTINGS
@given(data=form_data(["start", "day", "website"]))
def test_rescheduling_a_real_booking_to_arbitrary_times_changes_nothing(client, stored, data):
    before = snapshot(stored)
    url = reverse("bookings:manage_reschedule", args=[stored.manage_token])
    assert_no_server_error(client.get(url, data))
    assert_no_server_error(client.post(url, data))
    assert snapshot(stored) == before


@SETTINGS
@given(path=st.from_regex(r"/techniques/[^/?#\s]{1,60}/", fullmatch=True))
def test_catalog_urls_never_fail(client, path):
    assert_no_server_error(client.get(path))
