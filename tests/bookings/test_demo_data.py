from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings.management.commands.demo_data import DEMO_DAYS
from bookings.models import Booking, Notification, Therapist, TimeOff
from clinic.roles import ROLE_PERMISSIONS


def load_demo_data() -> None:
    call_command("demo_data", stdout=StringIO())


def snapshot() -> tuple[Sequence[tuple[object, ...]], int, int, int]:
    bookings = list(
        Booking.objects.order_by("pk").values_list(
            "therapist_id", "technique_id", "length_minutes", "start", "status"
        )
    )
    return (
        bookings,
        Therapist.objects.count(),
        TimeOff.objects.count(),
        Notification.objects.count(),
    )


def working_minutes(therapist: Therapist, day: date) -> float:
    """The therapist's working minutes on `day`, less any time off."""
    zone = timezone.get_current_timezone()
    total = 0.0
    for wh in therapist.working_hours.filter(weekday=day.weekday()):
        start = datetime.combine(day, wh.start_time, tzinfo=zone)
        end = datetime.combine(day, wh.end_time, tzinfo=zone)
        off = sum(
            (min(end, b) - max(start, a)).total_seconds() / 60
            for a, b in therapist.time_off.values_list("start", "end")
            if a < end and start < b
        )
        total += (end - start).total_seconds() / 60 - off
    return total


@pytest.fixture
def demo(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_demo_data_gives_therapists_a_week_and_bookings_and_can_run_twice(demo):
    load_demo_data()
    before = snapshot()
    load_demo_data()

    assert before[1:3] == (3, 3) and len(before[0]) > 10
    assert snapshot() == before
    assert all(t.working_hours.filter(weekday=2).count() == 2 for t in Therapist.objects.all())
    assert (
        len({tuple(t.techniques.values_list("slug", flat=True)) for t in Therapist.objects.all()})
        == 3
    )


@pytest.mark.django_db
def test_demo_data_leaves_about_half_of_every_working_day_free(demo):
    load_demo_data()

    booked: dict[tuple[int, date], int] = defaultdict(int)
    for booking in Booking.objects.all():
        booked[booking.therapist_id, timezone.localtime(booking.start).date()] += (
            booking.length_minutes
        )
    today = timezone.localdate()
    shares = {}
    for therapist in Therapist.objects.all():
        for n in range(1, DEMO_DAYS + 1):
            day = today + timedelta(days=n)
            minutes = working_minutes(therapist, day)
            if minutes:
                shares[therapist.display_name, day] = booked[therapist.pk, day] / minutes
    assert len(shares) >= 3 * 5
    assert all(0.35 <= share <= 0.65 for share in shares.values()), shares


@pytest.mark.django_db
def test_demo_bookings_mix_techniques_and_lengths(demo):
    load_demo_data()

    bookings = Booking.objects.all()
    assert bookings.values("technique").distinct().count() >= 3
    assert bookings.values("length_minutes").distinct().count() >= 2


@pytest.mark.django_db
def test_demo_bookings_queue_no_emails_for_the_worker(
    demo, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load_demo_data()

    assert Booking.objects.exists()
    # Only the booking steps' cache is told that the diary changed: nothing to send.
    # (a partial: a booking's callback names the therapists whose runs it clears)
    called = {getattr(getattr(c, "func", c), "__name__", c) for c in callbacks}
    assert called <= {"_new_diary_version"}
    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_demo_data_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        load_demo_data()

    assert not Therapist.objects.exists()


@pytest.mark.django_db
def test_demo_data_gives_every_role_an_account_a_clinical_lead_included(demo):
    load_demo_data()

    for group in ROLE_PERMISSIONS:
        assert Group.objects.get(name=group).user_set.exists(), group
