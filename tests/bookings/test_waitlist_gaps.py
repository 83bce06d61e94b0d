"""A waitlist that offers once per freed gap: one offer per entry and gap, one message per
entry and sweep, nothing for times free when the client joined, and closed offers that
say truly why."""

from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.booking import services
from bookings.models import (
    Notification,
    NotificationChannel,
    NotificationKind,
    OfferStatus,
    WaitlistOffer,
)
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import (
    WEDNESDAY_315PM,
    WEDNESDAY_NOON,
    deliver_all,
    fill_wednesday_afternoon,
    join,
    offer_emails,
)
from tests.clock import clinic_time

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_afternoon(clinic_rules, therapist, book):
    return fill_wednesday_afternoon(book)


def offer_messages() -> list[Notification]:
    return list(Notification.objects.filter(kind=NotificationKind.WAITLIST_OFFER))


def test_one_freed_gap_makes_one_offer_per_waiting_client_and_one_message_each(
    full_afternoon, now, after_commit
):
    jane = join()
    sam = join(client_name="Sam Field", client_email="sam@example.org")
    # 15:15 to 17:00 comes free: four starts fit (15:15, 15:30, 15:45, 16:00).
    services.cancel_booking(booking=full_afternoon[2], now=now)

    offers = waitlist.offer_freed_times(now=now)

    assert sorted((o.entry_id, o.start) for o in offers) == [
        (jane.pk, WEDNESDAY_315PM),
        (sam.pk, WEDNESDAY_315PM),
    ]
    assert sorted(m.recipient for m in offer_messages()) == ["jane@example.org", "sam@example.org"]
    assert deliver_all(now) == ["sent", "sent"]
    # Sweeps later find the same gap: nothing more.
    assert waitlist.offer_freed_times(now=now + timedelta(minutes=2)) == []
    assert len(offer_emails()) == 2


def test_several_gaps_in_one_sweep_are_one_message_listing_each_time(
    full_afternoon, now, after_commit, sms_outbox
):
    join(sms_opt_in=True)
    services.cancel_booking(booking=full_afternoon[0], now=now)  # 12:00 to 13:00
    services.cancel_booking(booking=full_afternoon[2], now=now)  # 15:15 to 17:00

    offers = waitlist.offer_freed_times(now=now)

    assert [o.start for o in offers] == [WEDNESDAY_NOON, WEDNESDAY_315PM]
    channels = sorted(m.channel for m in offer_messages())
    assert channels == [NotificationChannel.EMAIL, NotificationChannel.SMS]
    deliver_all(now)
    (email,) = offer_emails()
    assert email.subject == "2 times came free, from Wednesday 4 March"
    for offer in offers:
        assert offer.token in email.body
    assert "12:00 to 13:00" in email.body and "15:15 to 16:15" in email.body
    (text,) = sms_outbox
    assert "Wed 4 Mar 12:00" in text.body and "Wed 4 Mar 15:15" in text.body


def test_a_message_tells_only_the_times_still_open_when_it_goes(full_afternoon, now, after_commit):
    join()
    services.cancel_booking(booking=full_afternoon[0], now=now)
    services.cancel_booking(booking=full_afternoon[2], now=now)
    noon, later = waitlist.offer_freed_times(now=now)
    WaitlistOffer.objects.filter(pk=noon.pk).update(status=OfferStatus.GONE)

    deliver_all(now)

    (email,) = offer_emails()
    assert later.token in email.body and noon.token not in email.body
    assert email.subject == "A time came free: Wednesday 4 March at 15:15"


def test_joining_while_times_are_free_sends_nothing_and_shows_them(
    screened_client, clinic_rules, therapist, now, after_commit
):
    page = screened_client.get(reverse("bookings:waitlist_join", kwargs={"slug": "swedish"}))
    assert "These times are free now" in page.text
    entry = join()  # Wednesday afternoon is all free

    assert waitlist.offer_freed_times(now=now) == []
    assert waitlist.offer_freed_times(now=now + timedelta(minutes=5)) == []
    assert offer_messages() == []
    assert not WaitlistOffer.objects.exclude(status=OfferStatus.SHOWN).exists()
    place = screened_client.get(reverse("bookings:waitlist_entry", args=[entry.token]))
    assert "These times are free now" in place.text
    assert "Wed 4 Mar, 12:00" in place.text


def test_a_gap_free_at_joining_and_cut_by_a_booking_is_still_not_freed(
    clinic_rules, therapist, now, book, after_commit
):
    entry = join()  # 12:00 to 13:00 and 14:00 to 17:00 are free
    book(clinic_time(now + timedelta(days=2), 15, 30))  # someone books into the afternoon

    left = waitlist.free_now(entry, now)
    assert clinic_time(now + timedelta(days=2), 14, 15) in left  # a shorter gap, not freed
    assert waitlist.offer_freed_times(now=now) == []


def test_after_booking_one_offer_the_others_say_truly_why_they_closed(client, full_afternoon, now):
    entry = join()
    services.cancel_booking(booking=full_afternoon[0], now=now)
    services.cancel_booking(booking=full_afternoon[2], now=now)
    noon, later = waitlist.offer_freed_times(now=now)
    client.post(reverse("bookings:waitlist_offer", args=[noon.token]))

    later.refresh_from_db()
    assert later.status == OfferStatus.WITHDRAWN
    for page in (
        client.get(reverse("bookings:waitlist_offer", args=[later.token])),
        client.post(reverse("bookings:waitlist_offer", args=[later.token])),
    ):
        assert "You booked Wednesday 4 March at 12:00 from the waitlist" in page.text
        assert "so your other offers have closed" in page.text
        assert "You are still on the waitlist" not in page.text
        assert "a moment before you" not in page.text
    entry.refresh_from_db()
    assert entry.booking is not None


def test_the_join_form_hides_its_spam_trap_from_people(screened_client, clinic_rules, therapist):
    page = screened_client.get(reverse("bookings:waitlist_join", kwargs={"slug": "swedish"}))
    trap = page.text.index('name="website"')
    wrapper = page.text.rindex('<div class="hp-field" aria-hidden="true">', 0, trap)
    assert "</form>" not in page.text[wrapper:trap]
    assert 'tabindex="-1"' in page.text[trap - 200 : trap + 200]


def test_the_place_page_says_one_day_once_and_the_parts_of_the_day_in_order(
    client, clinic_rules, therapist, now
):
    entry = join(parts_of_day=["evening", "morning", "afternoon"])
    assert entry.parts_of_day == ["morning", "afternoon", "evening"]
    page = client.get(reverse("bookings:waitlist_entry", args=[entry.token]))
    assert "Wednesday 4 March</p>" in page.text
    assert "to Wednesday" not in page.text
    assert "Morning (before 12:00), Afternoon (12:00 to 17:00), Evening (from 17:00)" in page.text


def test_the_desk_may_offer_by_hand_a_time_shown_at_joining(
    clinic_rules, therapist, now, front_desk_user, after_commit
):
    entry = join()  # Wednesday afternoon is free: shown, not offered
    shown = clinic_time(now + timedelta(days=2), 12)

    offer = waitlist.make_offer(entry=entry, start=shown, now=now, by=front_desk_user)

    assert offer is not None
    assert (offer.status, offer.offered_by) == (OfferStatus.OPEN, front_desk_user)
    assert [m.recipient for m in offer_messages()] == ["jane@example.org"]
    assert waitlist.make_offer(entry=entry, start=shown, now=now, by=front_desk_user) is None
