"""The booking steps' short-lived cache: writes clear it, a failing cache computes as
before, and nothing per visitor is kept."""

import logging
from datetime import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from bookings.booking.services import cancel_booking, reschedule_booking
from bookings.intake.answers import IntakeAnswers
from bookings.models import RULES_CACHE_KEY, Booking
from bookings.scheduling import step_cache
from catalog import cache as catalog_cache
from tests.bookings.test_admin_schedule import time_off_data
from tests.bookings.test_views_book import at, with_intake
from tests.factories import SCREENED_INTAKE, BookingFactory

pytestmark = pytest.mark.django_db

BOOK = reverse("bookings:book", kwargs={"slug": "swedish"})
WEDNESDAY = "2026-03-04"


@pytest.fixture(autouse=True)
def screened(client, clinic_rules, therapist, other_therapist, now):
    with_intake(client, SCREENED_INTAKE)


def times(client, therapist, day: str = WEDNESDAY) -> list[datetime]:
    therapist = getattr(therapist, "pk", therapist)  # or "any"
    response = client.get(BOOK, {"length": 60, "therapist": therapist, "day": day})
    assert response.status_code == 200
    return [t["start"] for t in response.context["times"]]


def counts(client, therapist) -> dict[str, int]:
    response = client.get(BOOK, {"length": 60, "therapist": therapist.pk})
    assert response.status_code == 200
    return {d["date"].isoformat(): d["count"] for d in response.context["days"]}


def page_of(response) -> str:
    """The page's own template (a step renders its kept list first)."""
    return next(t.name for t in response.templates if t.name.startswith("bookings/book"))


def test_the_steps_are_served_from_the_cache_until_the_diary_changes(client, therapist):
    before_times, before_counts = times(client, therapist), counts(client, therapist)
    # Written behind the services' back: the cached steps do not see it...
    BookingFactory(therapist=therapist, start=at(4, 10))
    assert times(client, therapist) == before_times
    assert counts(client, therapist) == before_counts
    # ...until a write swaps the diary version.
    step_cache.new_diary_version()
    assert at(4, 10) not in times(client, therapist)
    assert counts(client, therapist)[WEDNESDAY] < before_counts[WEDNESDAY]


def test_a_booking_made_shows_on_the_next_time_and_day_step(client, therapist, book):
    assert at(4, 10) in times(client, therapist)
    before = counts(client, therapist)[WEDNESDAY]
    book(start=at(4, 10))
    assert at(4, 10) not in times(client, therapist)
    assert counts(client, therapist)[WEDNESDAY] < before


def test_a_cancelled_booking_is_offered_again_on_the_next_step(
    client, therapist, book, after_commit
):
    booking = book(start=at(4, 10))
    assert at(4, 10) not in times(client, therapist)
    after_commit(cancel_booking, booking=booking)
    assert at(4, 10) in times(client, therapist)


def test_a_moved_booking_frees_its_old_time_and_takes_the_new_one(
    client, therapist, book, after_commit
):
    booking = book(start=at(4, 10))
    assert at(4, 14) in times(client, therapist)
    after_commit(reschedule_booking, booking=booking, start=at(4, 14))
    free = times(client, therapist)
    assert at(4, 10) in free
    assert at(4, 14) not in free


def test_time_off_saved_in_admin_shows_on_the_next_step(
    client, therapist, front_desk_user, django_capture_on_commit_callbacks
):
    assert at(4, 10) in times(client, therapist)
    staff = type(client)()
    staff.force_login(front_desk_user)
    with django_capture_on_commit_callbacks(execute=True):
        saved = staff.post(
            reverse("admin:bookings_timeoff_add"), time_off_data(therapist, at(4, 9), at(4, 13))
        )
    assert saved.status_code == 302
    assert [t for t in times(client, therapist) if t < at(4, 13)] == []


def test_the_steps_still_render_when_the_cache_fails(client, therapist, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "tests.catalog.test_cache.BrokenCache"}}
    with caplog.at_level(logging.WARNING):
        free = times(client, therapist)
        day_counts = counts(client, therapist)
    assert at(4, 10) in free
    assert day_counts[WEDNESDAY] == len(free)
    assert "Booking step computed: the cache failed (ConnectionError)" in caplog.text


def test_a_write_while_the_cache_fails_is_only_logged(caplog, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.catalog.test_cache.BrokenCache"}}
    with caplog.at_level(logging.WARNING):
        step_cache.new_diary_version()
    assert "Booking steps not cleared: the cache failed" in caplog.text


def test_nothing_per_visitor_is_kept_and_each_visitor_gets_their_own_verdict(
    client, therapist, django_assert_num_queries
):
    deep = reverse("bookings:book", kwargs={"slug": "deep-tissue"})
    day_step = {"length": 60, "therapist": "any"}
    assert page_of(client.get(deep, day_step)) == "bookings/book_day.html"
    # On blood thinners, deep tissue is not advised: the warm cache must not say otherwise.
    with_intake(
        client, IntakeAnswers(areas=("lower",), conditions=("blood_thinners",), screened=True)
    )
    assert page_of(client.get(deep, day_step)) == "bookings/book_not_advised.html"
    # Without the screen's answers: to the screen, whatever is cached.
    stranger = type(client)()
    assert client.get(BOOK, day_step).status_code == 200
    assert stranger.get(BOOK, day_step).status_code == 303
    kept = set(cache._cache)  # type: ignore[attr-defined]
    allowed = ("bookings:steps:", "bookings:diary:", catalog_cache.VERSION_KEY)
    assert all(any(p in key for p in (*allowed, RULES_CACHE_KEY)) for key in kept), kept
    assert not any(b"<html" in str(cache.get(k.split(":", 2)[-1])).encode() for k in kept)


# The rendered day and time lists -----------------------------------------------------

TIME_STEP = {"length": 60, "therapist": "any", "day": WEDNESDAY}
URGENT = IntakeAnswers(warning_signs=("bladder_bowel",), screened=True)
UNASKED_WORDS = IntakeAnswers(areas=("lower",), description="My left leg goes numb", screened=True)


def kept_steps() -> list[str]:
    return [key for key in cache._cache if "bookings:steps:page:" in key]  # type: ignore[attr-defined]


def test_a_step_already_rendered_is_served_from_its_kept_list_without_a_query(
    client, django_assert_num_queries
):
    first = client.get(BOOK, TIME_STEP)
    assert len(kept_steps()) == 1
    with django_assert_num_queries(0):
        again = client.get(BOOK, TIME_STEP)
    assert again.content == first.content
    assert page_of(again) == "bookings/book_day.html"
    assert again.context["times"] == first.context["times"]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (None, "/book/swedish/screen/"),
        (IntakeAnswers(areas=("lower",)), "/book/swedish/screen/"),
        (UNASKED_WORDS, reverse("bookings:intake_result")),
    ],
    ids=["no-answers", "not-screened", "words-not-asked-about"],
)
def test_a_kept_step_still_sends_each_visitor_where_their_answers_must_go(
    client, answers, expected
):
    assert client.get(BOOK, TIME_STEP).status_code == 200  # kept for every visitor
    visitor = type(client)()
    if answers is not None:
        with_intake(visitor, answers)
    response = visitor.get(BOOK, TIME_STEP)
    assert response.status_code == 303
    assert response["Location"].startswith(expected)


def test_a_kept_step_shows_emergency_advice_to_a_visitor_with_an_urgent_sign(client):
    client.get(BOOK, TIME_STEP)
    visitor = type(client)()
    with_intake(visitor, URGENT)
    response = visitor.get(BOOK, TIME_STEP)
    assert page_of(response) == "bookings/book_urgent.html"
    assert "Choose a time" not in response.content.decode()


def test_a_visitors_flash_message_is_shown_to_them_and_never_kept(client):
    from tests.catalog.test_cache import with_a_flash_message

    with_a_flash_message(client, "Your booking is cancelled.")
    assert "Your booking is cancelled." in client.get(BOOK, TIME_STEP).content.decode()
    assert kept_steps()
    visitor = type(client)()
    with_intake(visitor, SCREENED_INTAKE)
    served = visitor.get(BOOK, TIME_STEP).content.decode()
    assert "Your booking is cancelled." not in served
    assert "Your booking is cancelled." not in str(
        [cache.get(k.split(":", 2)[-1]) for k in kept_steps()]
    )


@pytest.mark.parametrize(
    "query",
    [
        TIME_STEP | {"utm_source": "leaflet"},
        TIME_STEP | {"day": "2026-02-30"},
        TIME_STEP | {"start": "2026-03-04T10:00Z"},
        {"length": 45, "therapist": "any"},
    ],
    ids=["another-parameter", "not-a-date", "a-start", "a-length-not-offered"],
)
def test_only_a_plain_valid_day_or_time_step_is_kept(client, query):
    assert client.get(BOOK, query).status_code == 200
    assert kept_steps() == []


def test_a_rules_change_made_behind_the_admin_shows_on_the_next_kept_step(client, clinic_rules):
    before = counts_of(client)
    clinic_rules.booking_horizon_days += 7
    clinic_rules.save()
    clinic_rules.remember()  # no diary version swapped, as a shell or the bench does
    assert len(counts_of(client)) == len(before) + 7


def counts_of(client) -> list[int]:
    response = client.get(BOOK, {"length": 60, "therapist": "any"})
    return [d["count"] for d in response.context["days"]]


# Each therapist's free runs (the day step) ---------------------------------------------


def counts_for(client, therapist: object = "any") -> dict[str, int]:
    response = client.get(BOOK, {"length": 60, "therapist": therapist})
    return {d["date"].isoformat(): d["count"] for d in response.context["days"]}


def test_a_booking_computes_only_its_own_therapists_runs_again(
    client, therapist, other_therapist, book
):
    ben_before = counts_for(client, other_therapist.pk)[WEDNESDAY]
    # Written behind the services' back: Ben's kept runs do not see it...
    BookingFactory(therapist=other_therapist, start=at(4, 14))
    anna_before = counts_for(client, therapist.pk)[WEDNESDAY]
    book(start=at(4, 10))
    # ...while Anna's booking, made through the services, shows at once.
    assert counts_for(client, therapist.pk)[WEDNESDAY] < anna_before
    assert counts_for(client, other_therapist.pk)[WEDNESDAY] == ben_before
    # A schedule change (hours, time off, closures, rules) computes everyone's again.
    step_cache.new_diary_version()
    assert counts_for(client, other_therapist.pk)[WEDNESDAY] < ben_before


def test_anyones_counts_follow_a_booking_a_cancellation_and_a_move_between_therapists(
    client, therapist, other_therapist, book, after_commit
):
    def free_at_ten_for_anyone() -> bool:
        starts = times(client, "any")
        return at(4, 10) in starts

    before = counts_for(client)
    anna, ben = counts_for(client, therapist.pk), counts_for(client, other_therapist.pk)
    first = book(start=at(4, 10))
    book(start=at(4, 10), therapist_id=other_therapist.pk)
    assert not free_at_ten_for_anyone()
    assert counts_for(client)[WEDNESDAY] < before[WEDNESDAY]
    assert counts_for(client)[WEDNESDAY] == len(times(client, "any"))

    after_commit(cancel_booking, booking=first)
    assert free_at_ten_for_anyone()
    assert counts_for(client, therapist.pk) == anna

    second = Booking.objects.get(therapist=other_therapist)
    after_commit(reschedule_booking, booking=second, start=at(4, 14), therapist_id=therapist.pk)
    assert counts_for(client, other_therapist.pk) == ben
    assert counts_for(client, therapist.pk)[WEDNESDAY] < anna[WEDNESDAY]
    assert counts_for(client)[WEDNESDAY] == len(times(client, "any"))


def test_the_day_step_counts_from_the_schedules_when_the_cache_fails(client, therapist, settings):
    expected = counts_for(client)
    cache.clear()
    settings.CACHES = {"default": {"BACKEND": "tests.catalog.test_cache.BrokenCache"}}
    assert counts_for(client) == expected
