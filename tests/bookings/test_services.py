from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from bookings.booking.attendance import mark_completed, mark_no_show, record_safety_check
from bookings.booking.errors import AlreadyBooked, InvalidBooking, SlotUnavailable
from bookings.booking.services import (
    book_session,
    cancel_booking,
    reinstate_booking,
    reschedule_booking,
)
from bookings.intake.answers import IntakeAnswers
from bookings.models import Booking, BookingStatus, ClinicRules, Therapist
from catalog.models import Technique
from tests.clock import NOW
from tests.factories import (
    SCREENED_INTAKE,
    BookingFactory,
    TechniqueFactory,
    TherapistFactory,
    TimeOffFactory,
)

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in March 2026 on the clinic's clock (2 March is a Monday)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON)


def book(therapist: Therapist | None, **overrides: Any) -> Booking:
    kwargs: dict[str, Any] = dict(
        therapist_id=therapist.pk if therapist else None,
        technique=Technique.objects.get(slug="swedish"),
        length_minutes=60,
        start=at(3, 10),
        client_name="Sam Client",
        client_email="sam@example.com",
        client_phone="07700 900123",
        intake=SCREENED_INTAKE,
        consent=False,
        acknowledged_warning=False,
        now=NOW,
    )
    return book_session(**(kwargs | overrides))


def test_it_books_a_free_slot_with_the_price_and_buffer_of_the_day(clinic_rules, therapist):
    technique = TechniqueFactory(lengths=[60])
    technique.lengths.update(price=Decimal("72.50"))
    therapist.techniques.add(technique)

    booking = book(therapist, technique=technique)

    assert booking.therapist == therapist
    assert booking.status == BookingStatus.CONFIRMED
    # Read with the therapist's lock (booking/locks.lock_offering): to the penny on both
    # databases (SQLite hands a price back as a float).
    assert booking.price == Decimal("72.50") and str(booking.price) == "72.50"
    assert booking.end - booking.start == timedelta(minutes=60)
    assert booking.blocked_until - booking.end == timedelta(minutes=15)
    assert len(booking.reference) == 8
    assert len(booking.manage_token) == 43
    assert booking.intake_answers is None and booking.warning_flags == []


def test_anyone_books_whoever_is_free(clinic_rules, therapist, other_therapist):
    first = book(None)
    second = book(None, client_name="Alex Client", client_email="alex@example.com")
    assert {first.therapist, second.therapist} == {therapist, other_therapist}
    with pytest.raises(SlotUnavailable):
        book(None, client_name="Jo Client", client_email="jo@example.com")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start": at(2, 7)}, "already passed"),
        ({"start": at(2, 9)}, "too soon"),
        ({"start": at(30, 10)}, "too far ahead"),
        ({"start": at(8, 10)}, "does not work on that day"),
        ({"start": at(3, 8)}, "outside the therapist's working hours"),
        ({"start": at(3, 12, 30)}, "outside the therapist's working hours"),
        ({"start": datetime(2026, 3, 3, 10)}, "not valid"),  # noqa: DTZ001  (naive on purpose)
        ({"length_minutes": 45}, "does not come in 45-minute sessions"),
        ({"technique": "deep-tissue"}, "does not offer Deep Tissue Massage"),
        ({"therapist_id": 999_999}, "not taking bookings"),
    ],
)
def test_it_refuses_bad_requests_with_a_clear_message(clinic_rules, therapist, overrides, message):
    overrides = dict(overrides)
    if overrides.get("technique"):
        overrides["technique"] = Technique.objects.get(slug=overrides["technique"])
    with pytest.raises(InvalidBooking, match=message):
        book(therapist, **overrides)
    assert not Booking.objects.exists()


def test_anyone_when_nobody_offers_the_technique_says_so(clinic_rules, therapist):
    deep_tissue = Technique.objects.get(slug="deep-tissue")
    with pytest.raises(InvalidBooking, match="Nobody offers Deep Tissue Massage at the moment"):
        book(None, technique=deep_tissue)
    assert not Booking.objects.exists()


def test_a_length_not_offered_is_named_before_the_therapist(clinic_rules, therapist):
    # Inactive and not offering Deep Tissue, but the length is what the client chose wrong.
    therapist.is_active = False
    therapist.save()
    with pytest.raises(InvalidBooking, match="does not come in 45-minute sessions"):
        book(therapist, length_minutes=45)


def test_the_clinic_rules_row_is_made_with_the_defaults_when_missing():
    ClinicRules.objects.all().delete()
    rules = ClinicRules.load()
    assert rules.pk == 1 and ClinicRules.objects.count() == 1
    assert ClinicRules.load().booking_horizon_days == rules.booking_horizon_days


@pytest.mark.parametrize("who", ["anyone", "named"])
def test_the_same_post_twice_books_once_and_says_so(clinic_rules, therapist, other_therapist, who):
    # Two therapists free: "anyone" would otherwise book the client twice at once.
    chosen = None if who == "anyone" else therapist
    first = book(chosen)
    with pytest.raises(AlreadyBooked, match="already booked this session"):
        book(chosen, client_name="  sam   CLIENT ", client_email="SAM@example.com ")
    assert list(Booking.objects.all()) == [first]


def test_a_time_held_for_payment_is_not_what_the_same_post_is_told_is_booked(
    clinic_rules, therapist, other_therapist
):
    # Only the hold's own page leads to paying: the second post holds another time, as
    # before, and the hold nobody pays is released.
    def hold(booking: Booking) -> None:
        booking.status = BookingStatus.AWAITING_PAYMENT
        booking.save(update_fields=["status"])

    first = book(None, hold_for_payment=hold)
    second = book(None, hold_for_payment=hold)
    assert {first.therapist, second.therapist} == {therapist, other_therapist}


def test_another_name_with_the_same_address_is_another_person(
    clinic_rules, therapist, other_therapist
):
    # A couple sharing an address, booked at the same time with "anyone".
    first = book(None)
    second = book(None, client_name="Alex Client")
    assert {first.therapist, second.therapist} == {therapist, other_therapist}


def test_the_desk_may_book_the_same_client_at_the_same_time_elsewhere_only_by_choice(
    clinic_rules, therapist, other_therapist, front_desk_user
):
    # Staff say who and which therapist; the repeat check is the online post's.
    book(None)
    assert book(None, by=front_desk_user).therapist in {therapist, other_therapist}


def test_it_refuses_an_inactive_therapist(clinic_rules, therapist):
    therapist.is_active = False
    therapist.save()
    with pytest.raises(InvalidBooking, match="not taking bookings"):
        book(therapist)


def test_it_refuses_a_time_during_time_off(clinic_rules, therapist):
    TimeOffFactory(therapist=therapist, start=at(3, 9), end=at(3, 12))
    with pytest.raises(InvalidBooking, match="away"):
        book(therapist)


def test_it_refuses_a_slot_taken_a_moment_ago(clinic_rules, therapist):
    book(therapist)
    with pytest.raises(SlotUnavailable, match="just been taken"):
        book(therapist, start=at(3, 10, 30))


def test_the_buffer_keeps_the_next_session_apart(clinic_rules, therapist):
    book(therapist, start=at(3, 10))
    with pytest.raises(SlotUnavailable):
        book(therapist, start=at(3, 11))
    assert book(therapist, start=at(3, 11, 15)).start == at(3, 11, 15)


def test_health_answers_are_kept_only_with_consent_but_warnings_always(clinic_rules, therapist):
    answers = IntakeAnswers(areas=("lower",), warning_signs=("night_pain",), screened=True)
    without = book(therapist, intake=answers, acknowledged_warning=True)
    with_consent = book(
        therapist, start=at(3, 14), intake=answers, consent=True, acknowledged_warning=True
    )

    assert without.intake_answers is None and without.health_consent_at is None
    assert without.warning_flags == ["night_pain"]
    assert without.warning_acknowledged_at == NOW
    assert with_consent.intake_answers is not None
    assert with_consent.intake_answers["areas"] == ["lower"]
    assert with_consent.health_consent_at == NOW


def test_doctor_first_answers_need_an_acknowledgement(clinic_rules, therapist):
    answers = IntakeAnswers(warning_signs=("injury",), screened=True)
    with pytest.raises(InvalidBooking, match="see a doctor"):
        book(therapist, intake=answers)


def test_urgent_answers_are_never_booked(clinic_rules, therapist):
    answers = IntakeAnswers(warning_signs=("bladder_bowel",), screened=True)
    with pytest.raises(InvalidBooking, match="urgent"):
        book(therapist, intake=answers, acknowledged_warning=True)


def test_cancelling_frees_the_slot(clinic_rules, therapist):
    booking = book(therapist)
    cancelled = cancel_booking(booking=booking, now=NOW)
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancel_booking(booking=booking, now=NOW).status == BookingStatus.CANCELLED
    assert book(therapist).start == booking.start


def test_a_session_that_took_place_cannot_be_cancelled(clinic_rules, therapist):
    booking = BookingFactory(therapist=therapist, start=NOW - timedelta(hours=3))
    mark_completed(booking=booking, now=NOW)
    with pytest.raises(InvalidBooking):
        cancel_booking(booking=booking, now=NOW)


def test_rescheduling_moves_the_booking_and_frees_the_old_time(clinic_rules, therapist):
    booking = book(therapist)
    moved = reschedule_booking(booking=booking, start=at(3, 14), now=NOW)
    assert (moved.pk, moved.start, moved.end) == (booking.pk, at(3, 14), at(3, 15))
    assert book(therapist, start=at(3, 10)).start == at(3, 10)


def test_rescheduling_may_overlap_its_own_old_time(clinic_rules, therapist):
    booking = book(therapist)
    moved = reschedule_booking(booking=booking, start=at(3, 10, 30), now=NOW)
    assert moved.start == at(3, 10, 30)


def test_rescheduling_into_a_taken_time_keeps_the_old_one(clinic_rules, therapist):
    booking = book(therapist)
    book(therapist, start=at(3, 14))
    with pytest.raises(SlotUnavailable):
        reschedule_booking(booking=booking, start=at(3, 14, 30), now=NOW)
    booking.refresh_from_db()
    assert (booking.start, booking.status) == (at(3, 10), BookingStatus.CONFIRMED)
    with pytest.raises(SlotUnavailable):
        book(therapist, start=at(3, 10), client_name="Jo Client", client_email="jo@example.com")


def test_rescheduling_refuses_bad_times(clinic_rules, therapist):
    booking = book(therapist)
    with pytest.raises(InvalidBooking, match="does not work"):
        reschedule_booking(booking=booking, start=at(8, 10), now=NOW)
    booking.refresh_from_db()
    assert booking.start == at(3, 10)


def test_only_confirmed_bookings_can_be_rescheduled(clinic_rules, therapist):
    booking = cancel_booking(booking=book(therapist), now=NOW)
    with pytest.raises(InvalidBooking):
        reschedule_booking(booking=booking, start=at(3, 14), now=NOW)


@pytest.mark.parametrize("service", [mark_completed, mark_no_show])
def test_a_session_is_only_completed_or_missed_once_it_started(clinic_rules, therapist, service):
    booking = book(therapist)
    with pytest.raises(InvalidBooking, match="not started"):
        service(booking=booking, now=NOW)
    done = service(booking=booking, now=at(3, 11))
    assert done.status in (BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


def test_a_cancelled_booking_cannot_be_completed(clinic_rules, therapist):
    booking = cancel_booking(booking=book(therapist), now=NOW)
    with pytest.raises(InvalidBooking, match="cancelled"):
        mark_completed(booking=booking, now=at(3, 11))


def test_reinstating_works_only_while_the_time_is_free(clinic_rules, therapist):
    first = cancel_booking(booking=book(therapist), now=NOW)
    assert reinstate_booking(booking=first).status == BookingStatus.CONFIRMED

    cancel_booking(booking=first, now=NOW)
    book(therapist, start=at(3, 10, 30))
    with pytest.raises(SlotUnavailable):
        reinstate_booking(booking=first)
    first.refresh_from_db()
    assert first.status == BookingStatus.CANCELLED


def test_full_clean_works_on_every_database(clinic_rules, therapist):
    booking = book(therapist)
    booking.full_clean()
    clash = BookingFactory.build(therapist=therapist, start=booking.start, reference="ABCDEFGH")
    if connection.vendor == "postgresql":
        with pytest.raises(ValidationError, match="already has a session"):
            clash.full_clean()
    else:
        clash.full_clean()


def test_check_constraints_reject_an_end_before_the_start(clinic_rules, therapist):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(therapist=therapist, start=at(3, 10), end=at(3, 9), blocked_until=at(3, 9))


def test_factory_therapists_work_weekdays_with_a_lunch_break(db):
    therapist = TherapistFactory(works_weekdays=True)
    assert therapist.working_hours.filter(weekday=0).count() == 2
    assert not therapist.working_hours.filter(weekday=6).exists()


def test_only_the_therapist_of_the_session_records_its_safety_check(
    clinic_rules, therapist, other_therapist
):
    booking = book(therapist)

    with pytest.raises(InvalidBooking, match="Only the therapist"):
        record_safety_check(booking=booking, by=other_therapist.user, now=NOW)
    checked = record_safety_check(booking=booking, by=therapist.user, now=NOW)

    assert checked.safety_checked_by == therapist.user and checked.safety_checked_at == NOW


def test_a_cancelled_session_gets_no_safety_check(clinic_rules, therapist):
    booking = cancel_booking(booking=book(therapist), notify=False)

    with pytest.raises(InvalidBooking, match="cancelled"):
        record_safety_check(booking=booking, by=therapist.user, now=NOW)
