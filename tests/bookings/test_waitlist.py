from datetime import timedelta

import pytest

from bookings.booking import services
from bookings.booking.errors import UnsafeBooking
from bookings.models import (
    Booking,
    BookingStatus,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
    OfferStatus,
    TimeOff,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import (
    WEDNESDAY,
    WEDNESDAY_2PM,
    WEDNESDAY_NOON,
    deliver_all,
    fill_wednesday_afternoon,
    join,
    offer_emails,
)
from tests.factories import TimeOffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_afternoon(clinic_rules, therapist, book):
    return fill_wednesday_afternoon(book)


def test_nothing_is_offered_while_the_afternoon_is_full(full_afternoon, now):
    join()
    assert waitlist.offer_freed_times(now=now) == []


def test_a_cancelled_time_is_offered_to_the_waiting_client(full_afternoon, now, after_commit):
    entry = join()
    services.cancel_booking(booking=full_afternoon[1], now=now)

    offers = waitlist.offer_freed_times(now=now)

    assert [(o.entry_id, o.start) for o in offers] == [(entry.pk, WEDNESDAY_2PM)]
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    message = Notification.objects.get(kind=NotificationKind.WAITLIST_OFFER)
    assert (message.channel, message.recipient) == (NotificationChannel.EMAIL, "jane@example.org")


def test_each_time_is_offered_to_an_entry_once_however_often_the_sweep_runs(
    full_afternoon, now, after_commit
):
    join()
    services.cancel_booking(booking=full_afternoon[1], now=now)
    waitlist.sweep(now=now)
    waitlist.sweep(now=now)
    assert deliver_all(now) == ["sent"]
    # A time offered, booked by someone else and freed again is not offered again.
    WaitlistOffer.objects.update(status=OfferStatus.GONE)
    waitlist.sweep(now=now + timedelta(minutes=5))

    assert WaitlistOffer.objects.count() == 1
    assert deliver_all(now) == []
    assert len(offer_emails()) == 1


def test_an_offer_message_is_sent_once_by_two_workers(full_afternoon, now, after_commit):
    join(sms_opt_in=True)
    services.cancel_booking(booking=full_afternoon[1], now=now)
    waitlist.sweep(now=now)
    ids = list(
        Notification.objects.filter(kind=NotificationKind.WAITLIST_OFFER).values_list(
            "pk", flat=True
        )
    )

    from bookings.messaging.outbox import deliver

    outcomes = [deliver(pk, now=now) for pk in ids for _ in range(2)]

    assert sorted(outcomes) == ["not claimed", "not claimed", "sent", "sent"]
    assert len(offer_emails()) == 1


def test_the_offer_text_names_no_surname_no_technique_and_no_health(
    full_afternoon, now, after_commit, sms_outbox
):
    join(sms_opt_in=True, client_name="Jane Doe-Smith")
    services.cancel_booking(booking=full_afternoon[1], now=now)
    waitlist.sweep(now=now)
    deliver_all(now)

    (text,) = sms_outbox
    assert text.to == "+447700900123"
    assert text.body.startswith("Hi Jane, a time came free")
    assert "Wed 4 Mar at 14:00" in text.body
    offer = WaitlistOffer.objects.get()
    assert f"/waitlist/offer/{offer.token}/" in text.body
    for private in ("Doe", "Smith", "Swedish", "60 minutes"):
        assert private.lower() not in text.body.lower()


def test_the_offer_email_gives_the_time_and_the_one_step_link(full_afternoon, now, after_commit):
    join()
    services.cancel_booking(booking=full_afternoon[1], now=now)
    waitlist.sweep(now=now)
    deliver_all(now)

    (email,) = offer_emails()
    assert email.subject == "A time came free: Wednesday 4 March at 14:00"
    assert WaitlistOffer.objects.get().token in email.body
    assert "first to book it gets it" in email.body


def test_clients_are_offered_times_in_the_order_they_joined(full_afternoon, now, after_commit):
    second = join(client_name="Second Client", now=now + timedelta(minutes=1))
    first = join(client_name="First Client", now=now)
    services.cancel_booking(booking=full_afternoon[1], now=now)

    offers = waitlist.offer_freed_times(now=now + timedelta(minutes=2))

    assert [o.entry_id for o in offers] == [first.pk, second.pk]
    messages = Notification.objects.filter(kind=NotificationKind.WAITLIST_OFFER).order_by("pk")
    assert [m.waitlist_offer_id for m in messages] == [o.pk for o in offers]


def test_booking_an_offer_books_the_time_and_ends_the_wait(full_afternoon, now, after_commit):
    entry = join(sms_opt_in=True)
    services.cancel_booking(booking=full_afternoon[1], now=now)
    (offer,) = waitlist.offer_freed_times(now=now)

    booking = waitlist.accept_offer(offer=offer, now=now)

    assert (booking.start, booking.client_name, booking.status) == (
        WEDNESDAY_2PM,
        "Jane Doe",
        BookingStatus.CONFIRMED,
    )
    assert booking.sms_opt_in is True
    entry.refresh_from_db()
    offer.refresh_from_db()
    assert (entry.status, entry.booking, entry.intake_answers) == (
        WaitlistStatus.BOOKED,
        booking,
        None,
    )
    assert offer.status == OfferStatus.TAKEN


def test_the_second_client_to_book_a_shared_offer_is_told_kindly_and_keeps_waiting(
    full_afternoon, now, after_commit
):
    join(client_name="First Client")
    late = join(client_name="Late Client", client_email="late@example.org")
    services.cancel_booking(booking=full_afternoon[1], now=now)
    first_offer, late_offer = waitlist.offer_freed_times(now=now)

    waitlist.accept_offer(offer=first_offer, now=now)
    with pytest.raises(waitlist.OfferGone, match="You are still on the waitlist"):
        waitlist.accept_offer(offer=late_offer, now=now)

    assert Booking.objects.active().filter(start=WEDNESDAY_2PM).count() == 1
    late.refresh_from_db()
    late_offer.refresh_from_db()
    assert late.status == WaitlistStatus.OFFERED
    assert late_offer.status == OfferStatus.GONE


def test_a_message_for_an_offer_gone_before_sending_is_skipped(full_afternoon, now, after_commit):
    join(client_name="First Client")
    join(client_name="Late Client", client_email="late@example.org")
    services.cancel_booking(booking=full_afternoon[1], now=now)
    first_offer, _ = waitlist.offer_freed_times(now=now)
    waitlist.accept_offer(offer=first_offer, now=now)

    outcomes = deliver_all(now)

    # Anna, the only therapist, is taken then: neither message would help.
    assert outcomes == ["skipped", "skipped"]
    assert offer_emails() == []


def test_an_entry_waiting_for_one_therapist_is_not_offered_anothers_time(
    clinic_rules, therapist, other_therapist, book, now, after_commit
):
    fill_wednesday_afternoon(book)
    fill_wednesday_afternoon(book, therapist_id=other_therapist.pk)
    for_ben = join(therapist_id=other_therapist.pk, client_name="Waits For Ben")
    for_anyone = join(client_name="Waits For Anyone")
    services.cancel_booking(booking=Booking.objects.get(therapist=therapist, start=WEDNESDAY_2PM))

    offers = waitlist.offer_freed_times(now=now)

    assert [o.entry_id for o in offers] == [for_anyone.pk]
    assert not WaitlistOffer.objects.filter(entry=for_ben).exists()


@pytest.mark.parametrize(
    ("wish", "offered"),
    [
        ({}, True),
        ({"length_minutes": 90}, False),  # only an hour came free
        ({"parts_of_day": ["morning", "evening"]}, False),
        (
            {"first_day": WEDNESDAY + timedelta(days=1), "last_day": WEDNESDAY + timedelta(days=3)},
            False,
        ),
    ],
)
def test_a_freed_time_is_offered_only_when_it_suits(
    full_afternoon, now, after_commit, wish, offered
):
    join(**wish)
    services.cancel_booking(booking=full_afternoon[1], now=now)
    offers = waitlist.offer_freed_times(now=now)
    # Other free times may suit too (a free morning); the freed 14:00 only when it suits.
    assert (WEDNESDAY_2PM in [o.start for o in offers]) is offered


def test_time_off_removed_in_admin_is_offered_without_any_hook(
    clinic_rules, therapist, now, after_commit
):
    TimeOffFactory(
        therapist=therapist,
        start=WEDNESDAY_NOON,
        end=WEDNESDAY_2PM + timedelta(hours=3),
    )
    join()
    assert waitlist.offer_freed_times(now=now) == []

    TimeOff.objects.all().delete()
    offers = waitlist.offer_freed_times(now=now)

    # One offer per freed gap: the hour before lunch, and the afternoon after it.
    assert [o.start for o in offers] == [WEDNESDAY_NOON, WEDNESDAY_2PM]


def test_entries_expire_after_their_last_day_and_forget_the_answers(clinic_rules, therapist, now):
    entry = join()
    assert waitlist.expire_entries(now=now) == 0

    assert waitlist.expire_entries(now=entry.expires_at) == 1

    entry.refresh_from_db()
    assert (entry.status, entry.intake_answers) == (WaitlistStatus.EXPIRED, None)
    assert entry.expires_at.isoformat() == "2026-03-05T00:00:00+00:00"


def test_an_entry_ends_at_midnight_in_the_clinics_zone_in_summer_time(clinic_rules, therapist):
    assert waitlist.expires_at(WEDNESDAY.replace(month=7)).isoformat() == (
        "2026-07-04T23:00:00+00:00"
    )


def test_leaving_the_waitlist_withdraws_open_offers(full_afternoon, now, after_commit):
    entry = join()
    services.cancel_booking(booking=full_afternoon[1], now=now)
    (offer,) = waitlist.offer_freed_times(now=now)

    waitlist.leave_waitlist(entry=entry)

    offer.refresh_from_db()
    entry.refresh_from_db()
    assert (entry.status, offer.status) == (WaitlistStatus.LEFT, OfferStatus.WITHDRAWN)
    with pytest.raises(waitlist.OfferGone):
        waitlist.accept_offer(offer=offer, now=now)


def test_joining_needs_the_safety_screen(clinic_rules, therapist):
    with pytest.raises(UnsafeBooking, match="a few short questions"):
        join(intake=None)
    assert not WaitlistEntry.objects.exists()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"length_minutes": 45}, "does not come in 45-minute sessions"),
        ({"first_day": WEDNESDAY, "last_day": WEDNESDAY - timedelta(days=1)}, "last day"),
        (
            {"first_day": WEDNESDAY - timedelta(days=9), "last_day": WEDNESDAY - timedelta(days=8)},
            "passed",
        ),
        ({"last_day": WEDNESDAY + timedelta(days=200)}, "within the next 90 days"),
        ({"parts_of_day": []}, "part of the day"),
        ({"parts_of_day": ["night"]}, "part of the day"),
        ({"client_phone": "12"}, "phone number"),
    ],
)
def test_joining_with_bad_details_says_what_is_wrong(clinic_rules, therapist, bad, message):
    with pytest.raises(waitlist.WaitlistError, match=message):
        join(**bad)


def test_the_worker_sweep_offers_freed_times(full_afternoon, now, after_commit):
    from bookings.messaging.worker import sweep_waitlist

    join()
    services.cancel_booking(booking=full_afternoon[1], now=now)
    sweep_waitlist(now=now)

    assert WaitlistOffer.objects.count() == 1
    assert Notification.objects.filter(status=NotificationStatus.PENDING).exists()
