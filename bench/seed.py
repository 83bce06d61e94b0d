"""Synthetic clinics for the benchmarks: therapists, working hours, time off, bookings.

Everything is made relative to `now` with a seeded random generator, so two runs on
the same day build the same clinic.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection

from bookings.models import Booking, ClinicRules, Therapist, TimeOff, WorkingHours
from bookings.scheduling import availability
from bookings.scheduling.selectors import clinic_zone
from catalog.models import Technique

SESSION_MINUTES = 60
BUFFER_MINUTES = 15
STEP_MINUTES = 15
# Chance that a free grid time gets a booking: about 40% of the 60-minute slots go.
BOOKING_CHANCE = 0.08
BENCH_PREFIX = "bench-"
# Offered by the first 1, 10, 50... therapists (every one has a 60-minute length).
SEEDED_TECHNIQUES = ["lymphatic-drainage", "swedish", "deep-tissue", "trigger-point"]


@dataclass(frozen=True)
class BenchClinic:
    therapist_ids: list[int]
    # n -> the technique offered by the first n therapists: its page shows exactly n.
    technique_slugs: dict[int, str]
    bookings: int


def set_rules(*, horizon_days: int) -> None:
    """Save the rules as the admin does, so this process's cached copy changes too."""
    rules = ClinicRules.load()
    rules.buffer_minutes = BUFFER_MINUTES
    rules.min_notice_minutes = 120
    rules.booking_horizon_days = horizon_days
    rules.slot_step_minutes = STEP_MINUTES
    rules.save()
    rules.remember()


def _hours(n: int) -> dict[int, list[tuple[time, time]]]:
    # Staggered days (08:00-17:00 .. 10:00-19:00) with an hour's lunch; some
    # work Monday to Friday, others Tuesday to Saturday.
    first = 8 + n % 3
    day = [(time(first), time(first + 4)), (time(first + 5), time(first + 9))]
    weekdays = range(5) if n % 2 == 0 else range(1, 6)
    return dict.fromkeys(weekdays, day)


def build_clinic(*, therapists: int, days: int, sizes: list[int], now: datetime) -> BenchClinic:
    """Make `therapists` therapists with `days` (+ a margin) of schedule and bookings."""
    rng = random.Random(20260302)  # noqa: S311  (test data, not secrets)
    zone = clinic_zone()
    today = now.astimezone(zone).date()
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"{BENCH_PREFIX}therapist-{n}", password="!", is_staff=True)  # noqa: S106
        for n in range(therapists)
    )
    staff = Therapist.objects.bulk_create(
        Therapist(user=user, display_name=f"Therapist {n:02d}") for n, user in enumerate(users)
    )
    # The seeded catalog, so the public pages look as they do for a real clinic.
    slugs = dict(zip(sorted(sizes), SEEDED_TECHNIQUES, strict=False))
    techniques = {t.slug: t for t in Technique.objects.filter(slug__in=slugs.values())}
    Therapist.techniques.through.objects.bulk_create(
        Therapist.techniques.through(therapist=t, technique=techniques[slug])
        for size, slug in slugs.items()
        for t in staff[:size]
    )
    booked_technique = techniques[slugs[max(sizes)]]

    hours: list[WorkingHours] = []
    time_off: list[TimeOff] = []
    bookings: list[Booking] = []
    session = timedelta(minutes=SESSION_MINUTES)
    blocked = session + timedelta(minutes=BUFFER_MINUTES)
    step = timedelta(minutes=STEP_MINUTES)
    for n, therapist in enumerate(staff):
        week = _hours(n)
        hours += [
            WorkingHours(therapist=therapist, weekday=weekday, start_time=a, end_time=b)
            for weekday, ranges in week.items()
            for a, b in ranges
        ]
        for offset in range(-1, days + 2):
            day = today + timedelta(days=offset)
            if (offset + n) % 14 == 3:
                # A day off every fortnight, and the next morning for the dentist.
                time_off.append(
                    TimeOff(
                        therapist=therapist,
                        start=availability.wall_to_utc(day, time(0), zone),
                        end=availability.wall_to_utc(day + timedelta(days=1), time(0), zone),
                        reason="Day off",
                    )
                )
                continue
            for a, b in week.get(day.weekday(), ()):
                start = availability.wall_to_utc(day, a, zone)
                end = availability.wall_to_utc(day, b, zone)
                while start + session <= end:
                    if rng.random() < BOOKING_CHANCE:
                        bookings.append(
                            Booking(
                                client_name=f"Client {len(bookings)}",
                                client_email=f"client{len(bookings)}@bench.example",
                                client_phone="07700 900123",
                                therapist=therapist,
                                technique=booked_technique,
                                length_minutes=SESSION_MINUTES,
                                price=Decimal("60.00"),
                                start=start,
                                end=start + session,
                                blocked_until=start + blocked,
                            )
                        )
                        start += blocked
                    else:
                        start += step
    WorkingHours.objects.bulk_create(hours)
    TimeOff.objects.bulk_create(time_off)
    Booking.objects.bulk_create(bookings, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return BenchClinic([t.pk for t in staff], slugs, len(bookings))
