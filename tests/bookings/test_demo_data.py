from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from bookings.demo.clients import CLIENTS, NO_SHOWS, demo_email
from bookings.demo.history import HISTORY_WEEKS
from bookings.frontdesk import week_grid
from bookings.frontdesk.selectors import owner_week
from bookings.intake.answers import IntakeAnswers
from bookings.management.commands.demo_data import DEMO_DAYS
from bookings.models import (
    Booking,
    BookingStatus,
    Client,
    ClinicClosure,
    NoteAmendment,
    Notification,
    OutcomeRequest,
    Therapist,
    TimeOff,
    TreatmentNote,
)
from bookings.records.outcome_report import outcome_report
from bookings.records.selectors import client_pain_series, session_outcomes
from clinic.roles import ROLE_PERMISSIONS

# A Wednesday in November: the history's three months cross the October clock change.
DEMO_NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


def load_demo_data() -> None:
    call_command("demo_data", stdout=StringIO())


def snapshot() -> tuple[Sequence[tuple[object, ...]], int, int, int, int, int, int, int]:
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
        Client.objects.count(),
        TreatmentNote.objects.count(),
        NoteAmendment.objects.count(),
        OutcomeRequest.objects.count(),
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
def demo(settings, time_machine):
    settings.DEBUG = True
    time_machine.move_to(DEMO_NOW, tick=False)


def past_sessions() -> "list[Booking]":
    return list(
        Booking.objects.filter(start__lt=DEMO_NOW)
        .select_related("therapist", "client")
        .order_by("start")
    )


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
def test_demo_bookings_queue_no_emails_for_the_worker(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load_demo_data()

    assert Booking.objects.exists()
    # Only the caches are told: the booking steps' that the diary changed, the catalog
    # pages' that the reviewed advice shows now. Nothing to send.
    # (a partial: a booking's callback names the therapists whose runs it clears)
    called = {getattr(getattr(c, "func", c), "__name__", c) for c in callbacks}
    assert called <= {"new_diary_version", "_new_version"}
    assert not Notification.objects.exists()


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


@pytest.mark.django_db
def test_demo_history_holds_three_months_of_sessions_booked_as_clients_book(demo):
    load_demo_data()

    past = past_sessions()
    statuses = [b.status for b in past]
    assert len(past) > 150
    assert DEMO_NOW - past[0].start < timedelta(weeks=HISTORY_WEEKS + 1)
    assert DEMO_NOW - past[0].start > timedelta(weeks=HISTORY_WEEKS - 2)
    assert statuses.count(BookingStatus.COMPLETED) > 0.85 * len(past)
    assert statuses.count(BookingStatus.NO_SHOW) == len(NO_SHOWS)
    assert 3 <= statuses.count(BookingStatus.CANCELLED) <= 0.1 * len(past)
    assert BookingStatus.CONFIRMED not in statuses
    for booking in past:
        answers = booking.intake_answers
        assert answers is not None and booking.health_consent_at is not None
        assert booking.client is not None
        # Only the vocabulary's codes, consented before the session, a 0-10 score.
        assert IntakeAnswers.from_dict(answers).to_dict() == answers
        assert answers["screened"] and answers["areas"] and answers["feelings"]
        assert 0 <= answers["intensity"] <= 10
        assert booking.health_consent_at < booking.start
        assert booking.created_at < booking.start
        assert booking.client.email == booking.client_email == demo_email(booking.client_name)
        assert booking.price > 0 and booking.end > booking.start
    # One record per person, the past and next week's bookings under it.
    assert Client.objects.count() == len(CLIENTS)
    priya = Client.objects.get(email="priya@demo.example")
    assert priya.bookings.filter(start__gt=DEMO_NOW).exists()
    assert priya.phone.startswith("+447700900")


@pytest.mark.django_db
def test_every_completed_session_has_a_note_by_its_own_therapist_and_no_other_does(demo):
    load_demo_data()

    past = past_sessions()
    notes = {n.booking_id: n for n in TreatmentNote.objects.prefetch_related("techniques")}
    for booking in past:
        note = notes.get(booking.pk)
        if booking.status != BookingStatus.COMPLETED:
            assert note is None
            continue
        assert note is not None
        assert note.written_by_id == booking.therapist.user_id
        assert booking.technique in note.techniques.all()
        assert note.subjective and note.objective and note.assessment and note.plan
        assert note.pain_after is not None and note.pain_before is not None
        assert 0 <= note.pain_after < note.pain_before <= 10
        assert booking.end <= note.created_at <= DEMO_NOW
    assert len({n.subjective for n in notes.values()}) > len(notes) / 2  # not one text
    amended = TreatmentNote.objects.filter(amendments__isnull=False).distinct()
    assert 1 <= amended.count() <= 2
    for amendment in NoteAmendment.objects.select_related("note"):
        assert amendment.by_id == amendment.note.written_by_id
        assert amendment.at > amendment.note.created_at + timedelta(hours=24)


@pytest.mark.django_db
def test_the_outcomes_report_from_demo_data_withholds_no_technique_or_area(demo):
    load_demo_data()

    report = outcome_report(session_outcomes())

    assert report.overall.clients == len(CLIENTS)
    assert report.overall.average_change is not None and report.overall.average_change < -0.5
    assert len(report.by_technique) == 5 and len(report.by_area) == 4
    for figure in [*report.by_technique, *report.by_area, *report.by_feeling]:
        assert not figure.withheld, figure
        assert figure.clients >= 3
    # Some techniques help these backs more than others.
    changes = [f.average_change for f in report.by_technique if f.average_change is not None]
    assert max(changes) - min(changes) >= 0.5


@pytest.mark.django_db
def test_the_daily_purge_leaves_the_demo_report_and_pain_charts_as_they_were(demo):
    load_demo_data()
    report = outcome_report(session_outcomes())
    charts = {c.pk: client_pain_series(c.pk) for c in Client.objects.all()}

    call_command("purge_health_answers", stdout=StringIO())

    # Most of three months of answers are past the 30 days and gone; their baselines stay.
    held = Booking.objects.filter(intake_answers__isnull=False, start__lt=DEMO_NOW).count()
    assert held < 0.5 * Booking.objects.filter(start__lt=DEMO_NOW).count()
    assert outcome_report(session_outcomes()) == report
    assert {c.pk: client_pain_series(c.pk) for c in Client.objects.all()} == charts


@pytest.mark.django_db
def test_demo_clients_pain_falls_over_their_course_for_most_and_not_for_a_few(demo):
    load_demo_data()

    falls = []
    for client in Client.objects.all():
        points = client_pain_series(client.pk)
        assert points[0].source == "Intake" and len(points) >= 3, client
        falls.append(points[-1].score < points[0].score)
    assert falls.count(True) >= 0.7 * len(falls)
    assert falls.count(False) >= 3


@pytest.mark.django_db
def test_outcome_answers_come_two_days_after_completed_sessions_only(demo):
    load_demo_data()

    answered = OutcomeRequest.objects.answered().select_related("booking")
    assert answered.count() > 0.7 * len(past_sessions())
    for outcome in answered:
        assert outcome.answered_at is not None
        assert outcome.booking.status == BookingStatus.COMPLETED
        assert outcome.booking.end + timedelta(days=2) < outcome.answered_at < DEMO_NOW
        assert outcome.answered_at < outcome.expires
    # Every past emailed session had its request, answered or not, as booking makes them.
    assert OutcomeRequest.objects.count() == len(past_sessions())


@pytest.mark.django_db
def test_demo_sessions_never_overlap_and_keep_to_working_hours_across_the_clock_change(demo):
    load_demo_data()

    zone = timezone.get_current_timezone()
    by_therapist: dict[int, list[Booking]] = defaultdict(list)
    for booking in Booking.objects.active().select_related("therapist").order_by("start"):
        by_therapist[booking.therapist_id].append(booking)
    for therapist_id, bookings in by_therapist.items():
        for earlier, later in pairwise(bookings):
            assert earlier.blocked_until <= later.start, (earlier, later)
        hours = defaultdict(list)
        for wh in Therapist.objects.get(pk=therapist_id).working_hours.all():
            hours[wh.weekday].append((wh.start_time, wh.end_time))
        for booking in bookings:
            start, end = timezone.localtime(booking.start, zone), timezone.localtime(booking.end)
            assert any(a <= start.time() and end.time() <= b for a, b in hours[start.weekday()])
            assert start.minute % 15 == 0
    # Sessions on both sides of the change (25 October 2026) are on the wall clock.
    offsets = {timezone.localtime(b.start, zone).utcoffset() for b in past_sessions()}
    assert offsets == {timedelta(hours=1), timedelta(0)}


@pytest.mark.django_db
def test_last_weeks_report_has_sessions_and_takings_for_every_demo_therapist(demo):
    load_demo_data()

    monday = week_grid.monday_of(DEMO_NOW.date()) - timedelta(weeks=1)
    week = owner_week(monday, now=DEMO_NOW)

    assert [row.therapist for row in week.rows] == ["Anna K.", "Ben O.", "Chloe M."]
    for row in week.rows:
        assert row.sessions >= 3 and row.takings > 0
        assert row.share_booked is not None and 0.05 < row.share_booked < 0.6


@pytest.mark.django_db
def test_a_demo_client_sees_one_therapist_in_the_past_and_next_week(demo):
    load_demo_data()

    for client in Client.objects.all():
        assert client.bookings.values("therapist").distinct().count() == 1, client
    coming = Booking.objects.filter(start__gt=DEMO_NOW).values("client").distinct().count()
    assert coming >= len(CLIENTS) * 0.8


@pytest.mark.django_db
def test_demo_data_closes_the_clinic_on_the_bank_holidays_of_the_coming_year_once(demo):
    load_demo_data()
    load_demo_data()

    closures = list(ClinicClosure.objects.values_list("start_date", "end_date", "reason"))
    assert (date(2026, 12, 25), date(2026, 12, 25), "Bank holiday: Christmas Day") in closures
    assert (date(2026, 12, 28), date(2026, 12, 28), "Bank holiday: Boxing Day (observed)") in (
        closures
    )
    assert (date(2027, 1, 1), date(2027, 1, 1), "Bank holiday: New Year's Day") in closures
    assert len(closures) == len({start for start, _, _ in closures})
    assert all(date(2026, 11, 18) <= start <= date(2027, 11, 19) for start, _, _ in closures)
