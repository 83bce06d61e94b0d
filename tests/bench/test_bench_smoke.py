import os
from datetime import timedelta
from itertools import pairwise

import pytest
from django.db import connection

from bench import load, pages, seed, slots
from bookings.models import Booking, BookingStatus
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_clinic(now):
    return seed.build_clinic(therapists=3, days=8, sizes=[1, 3], now=now)


def test_the_free_slots_bench_makes_the_same_few_queries_at_every_size(bench_clinic):
    small = slots.measure(slug=bench_clinic.technique_slugs[1], therapists=1, days=2, runs=1)
    large = slots.measure(slug=bench_clinic.technique_slugs[3], therapists=3, days=7, runs=1)
    assert 0 < small.slots < large.slots
    # The technique with its lengths and therapists, the hours with the closures, the
    # time off with the bookings: three at most.
    assert small.queries == large.queries <= 3
    # The page comes from the step cache: no query at all.
    assert small.page_queries == large.page_queries == 0
    # After a booking: the schedules again, in one statement (the offer, the profiles and
    # the rules stay cached: a booking changes nobody's offer).
    assert small.cold_page_queries == large.cold_page_queries == 1


def test_the_time_step_bench_makes_the_same_few_queries_at_every_size_and_horizon(
    bench_clinic, now
):
    day = slots.time_step_day(now)
    rows = [
        slots.measure(slug=bench_clinic.technique_slugs[n], therapists=n, days=d, runs=1, day=day)
        for n in (1, 3)
        for d in (2, 7)
    ]
    assert {r.step for r in rows} == {"time step"}
    assert all(r.slots > 0 for r in rows)
    assert len({r.queries for r in rows}) == 1
    assert {r.page_queries for r in rows} == {0}
    assert {r.cold_page_queries for r in rows} == {1}


def test_every_page_the_load_and_memory_benches_ask_for_answers(bench_clinic, client, now):
    seed.set_rules(horizon_days=7)
    paths = pages.mixed_paths(
        technique_slug=bench_clinic.technique_slugs[3],
        slugs=list(bench_clinic.technique_slugs.values()),
        day=slots.time_step_day(now),
    )
    assert len(paths) == len(set(paths))
    name, value = load.screened_intake()
    client.cookies[name] = value
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_the_memory_bench_reads_a_process_s_peak_resident_size():
    assert 1 < load.peak_rss_mb(os.getpid()) < 100_000


def test_the_synthetic_clinic_is_partly_booked(bench_clinic):
    assert bench_clinic.bookings == Booking.objects.count() > 0
    assert 0.1 < slots.booked_share(bench_clinic.technique_slugs[3], 7) < 0.9


def test_the_slots_the_load_bench_books_never_get_in_each_others_way(bench_clinic):
    seed.set_rules(horizon_days=7)
    chosen = pages.bookable_slots(bench_clinic.technique_slugs[3])
    assert len(chosen) == len(set(chosen)) > 3
    gap = timedelta(minutes=seed.SESSION_MINUTES + seed.BUFFER_MINUTES)
    for therapist_id in {t for t, _ in chosen}:
        starts = sorted(s for t, s in chosen if t == therapist_id)
        assert all(b - a >= gap for a, b in pairwise(starts))
    assert pages.double_bookings() == 0


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="PostgreSQL's exclusion constraint refuses the overlap this test needs to store.",
)
def test_the_double_booking_check_counts_overlapping_active_bookings(therapist, now):
    first = BookingFactory(therapist=therapist, start=now + timedelta(days=1))
    BookingFactory(therapist=therapist, start=first.start + timedelta(minutes=30))
    BookingFactory(therapist=therapist, start=first.start, status=BookingStatus.CANCELLED)
    assert pages.double_bookings() == 1


def test_the_day_view_bench_shows_every_session_in_the_counted_queries(bench_clinic, now):
    from bench import day_view
    from bench.run import DAY_VIEW_QUERIES

    view = day_view.prepare(therapists=2, bookings_each=3, now=now)
    assert (view.therapists, view.bookings) == (2, 6)
    _, queries = day_view.measure(view, runs=1)  # raises unless all 6 sessions show
    assert queries == DAY_VIEW_QUERIES
    assert view.cookie.startswith("sessionid=")
