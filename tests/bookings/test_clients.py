from datetime import date, timedelta

import pytest

from bookings.booking.errors import InvalidBooking
from bookings.models import Booking, BookingStatus, Client
from bookings.models.clients import ERASED_NAME
from bookings.records import selectors
from tests.clock import NOW
from tests.factories import BookingFactory, ClientFactory

pytestmark = pytest.mark.django_db


def test_an_online_booking_makes_a_new_client_with_its_details(book):
    booking = book(client_email="jane@example.org", client_phone="+447700900123")

    client = booking.client
    assert (client.name, client.email, client.phone) == (
        "Jane Doe",
        "jane@example.org",
        "+447700900123",
    )


def test_an_online_booking_with_a_known_email_waits_on_a_provisional_record(book, now):
    first = book(client_email="jane@example.org")
    second = book(
        start=first.start + timedelta(days=1), client_email="  JANE@Example.org ", client_name="J"
    )

    # A typed email proves nothing: the second booking joins nobody's record yet.
    assert second.client_id != first.client_id
    assert second.client.same_email_as_id == first.client_id
    assert list(Client.objects.unconfirmed()) == [second.client]


def test_confirming_the_email_joins_the_record_with_that_address(book, now):
    from bookings.records.identity import confirm_email

    first = book(client_email="jane@example.org")
    second = book(start=first.start + timedelta(days=1), client_email="  JANE@Example.org ")

    assert confirm_email(booking=second, now=now)

    second.refresh_from_db()
    assert second.client_id == first.client_id
    assert second.email_confirmed_at == now
    assert not Client.objects.unconfirmed().exists()


def test_first_bookings_with_two_therapists_and_one_email_make_one_record(book, other_therapist):
    # On PostgreSQL the address's lock is taken and released by each booking in turn.
    first = book(client_email="sam@example.org")
    second = book(therapist_id=other_therapist.pk, client_email=" SAM@example.org")
    third = book(therapist_id=other_therapist.pk, start=second.end + timedelta(hours=1))

    # One record with the address; the second waits on a provisional one pointing at it.
    assert second.client.same_email_as_id == first.client_id
    assert third.client_id != first.client_id
    assert Client.objects.filter(same_email_as__isnull=True).count() == 2


def test_a_different_email_is_a_new_client_even_with_the_same_name_and_phone(book):
    first = book(client_email="jane@example.org")
    second = book(start=first.start + timedelta(days=1), client_email="jane.doe@example.org")

    assert second.client_id != first.client_id


def test_bookings_without_an_email_are_never_matched(book):
    first = book(client_email="")
    second = book(start=first.start + timedelta(days=1), client_email="")

    assert second.client_id != first.client_id


def test_staff_booking_for_a_chosen_client_attaches_to_it_whatever_the_email(book):
    chosen = ClientFactory(email="old@example.org")

    booking = book(client_email="new@example.org", client_id=chosen.pk)

    assert booking.client_id == chosen.pk
    assert Client.objects.count() == 1


def test_staff_booking_for_a_client_that_is_gone_is_refused(book):
    with pytest.raises(InvalidBooking, match="no longer exists"):
        book(client_id=999_999)
    assert not Booking.objects.exists()


def test_client_history_splits_upcoming_from_past_and_counts(therapist, clock):
    client = ClientFactory()
    soon = BookingFactory(client=client, therapist=therapist, start=NOW + timedelta(days=1))
    later = BookingFactory(client=client, therapist=therapist, start=NOW + timedelta(days=8))
    done = BookingFactory(client=client, therapist=therapist, completed=True)
    gone = BookingFactory(
        client=client,
        therapist=therapist,
        status=BookingStatus.CANCELLED,
        start=NOW + timedelta(days=2),
    )
    missed = BookingFactory(
        client=client,
        therapist=therapist,
        status=BookingStatus.NO_SHOW,
        start=NOW - timedelta(days=10),
    )
    BookingFactory(therapist=therapist)  # someone else

    history = selectors.client_history(client.pk, now=NOW)

    assert [s.booking_id for s in history.upcoming] == [soon.pk, later.pk]
    assert [s.booking_id for s in history.past] == [gone.pk, done.pk, missed.pk]
    assert (history.completed_count, history.cancelled_count, history.no_show_count) == (1, 1, 1)
    assert history.last_session is not None
    assert history.last_session.booking_id == later.pk


def test_client_history_is_one_query(django_assert_num_queries, therapist):
    client = ClientFactory()
    for days in range(1, 6):
        BookingFactory(
            client=client, therapist=therapist, completed=True, start=NOW - timedelta(days=days)
        )

    with django_assert_num_queries(1):
        selectors.client_history(client.pk, now=NOW)


def test_the_backfill_groups_bookings_by_email_and_gives_the_rest_a_client_each(therapist):
    from importlib import import_module

    from django.apps import apps

    backfill = import_module("bookings.migrations.0013_client_for_every_booking")
    older = BookingFactory(
        client=None, therapist=therapist, client_email="sam@example.com", client_name="Sam"
    )
    newer = BookingFactory(
        client=None,
        therapist=therapist,
        client_email=" SAM@example.com",
        client_name="Sam Smith",
        start=older.start + timedelta(days=1),
    )
    lone = [
        BookingFactory(
            client=None, therapist=therapist, client_email="", start=NOW + timedelta(days=d)
        )
        for d in (3, 4)
    ]

    backfill.give_every_booking_a_client(apps, None)

    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.client_id == newer.client_id
    assert Client.objects.get(bookings=older).name == "Sam Smith"  # the latest details
    assert len({Booking.objects.get(pk=b.pk).client_id for b in lone}) == 2
    assert Client.objects.count() == 3


# Merging


def test_merging_moves_every_booking_fills_blanks_and_records_who(now, therapist, front_desk_user):
    from bookings.records.services import merge_clients

    keep = ClientFactory(name="Jane Doe", phone="", email="jane@example.org", staff_notes="")
    duplicate = ClientFactory(
        name="J Doe", phone="+447700900777", email="jd@example.org", staff_notes="Mornings"
    )
    moved = [
        BookingFactory(
            client=duplicate, therapist=therapist, completed=True, start=NOW - timedelta(days=d)
        )
        for d in (1, 2, 3)
    ]
    already = ClientFactory(merged_into=duplicate, email="older@example.org")

    kept = merge_clients(keep=keep, duplicate=duplicate, by=front_desk_user)

    duplicate.refresh_from_db()
    assert {b.pk for b in kept.bookings.all()} == {b.pk for b in moved}
    assert kept.phone == "+447700900777" and kept.email == "jane@example.org"
    assert kept.staff_notes == "From J Doe's merged record: Mornings"
    assert (duplicate.merged_into, duplicate.merged_by, duplicate.merged_at) == (
        kept,
        front_desk_user,
        now,
    )
    assert Client.objects.get(pk=already.pk).merged_into == kept
    assert selectors.client_history(kept.pk, now=now).completed_count == 3


def test_a_merged_client_cannot_be_merged_again_nor_into_itself(now, front_desk_user):
    from bookings.records.services import MergeError, merge_clients

    keep, duplicate = ClientFactory(), ClientFactory()
    with pytest.raises(MergeError, match="itself"):
        merge_clients(keep=keep, duplicate=keep, by=front_desk_user)
    merge_clients(keep=keep, duplicate=duplicate, by=front_desk_user)
    with pytest.raises(MergeError, match="already merged"):
        merge_clients(keep=keep, duplicate=duplicate, by=front_desk_user)


def test_an_online_booking_with_a_merged_duplicates_email_waits_on_the_kept_client(
    book, front_desk_user
):
    from bookings.records.identity import confirm_email
    from bookings.records.services import merge_clients

    keep = ClientFactory(name="Jane Doe", email="jane@example.org")
    duplicate = ClientFactory(email="jane.old@example.org")
    merge_clients(keep=keep, duplicate=duplicate, by=front_desk_user)

    booking = book(client_email="Jane.Old@example.org")
    assert booking.client.same_email_as == keep

    confirm_email(booking=booking, now=booking.created_at)
    booking.refresh_from_db()
    assert booking.client_id == keep.pk


# A client's data


def test_the_export_holds_the_record_every_booking_and_the_other_parts(
    now, therapist, monkeypatch, superuser
):
    from bookings.privacy import services as privacy

    monkeypatch.setattr(privacy, "EXPORT_PARTS", [lambda c, rule: {"treatment_notes": [c.pk]}])
    jane = ClientFactory(name="Jane", date_of_birth=date(1980, 5, 1))
    references = {
        BookingFactory(
            client=jane, therapist=therapist, client_email=email, start=NOW + timedelta(days=d)
        ).reference
        for d, email in ((1, "jane@example.org"), (2, "other@example.org"))
    }
    BookingFactory(therapist=therapist, client_email="jane@example.org")  # another record

    data = privacy.export_client(client=jane, reader=superuser, now=NOW)

    assert data["client"]["date_of_birth"] == "1980-05-01"
    assert {b["reference"] for b in data["bookings"]} == references
    assert data["treatment_notes"] == [jane.pk]


def test_erasure_clears_the_record_its_merged_duplicates_and_bookings_and_runs_the_parts(
    now, therapist, front_desk_user, monkeypatch
):
    from bookings.privacy import services as privacy
    from bookings.records.services import merge_clients

    erased = []
    monkeypatch.setattr(privacy, "ERASE_PARTS", [lambda c, when: erased.append((c.pk, when))])
    jane = ClientFactory(name="Jane", staff_notes="Mornings", date_of_birth=date(1980, 5, 1))
    duplicate = ClientFactory(name="J")
    merge_clients(keep=jane, duplicate=duplicate, by=front_desk_user)
    upcoming = BookingFactory(client=jane, therapist=therapist)
    past = BookingFactory(client=jane, therapist=therapist, completed=True, with_intake=True)
    untouched = BookingFactory(therapist=therapist, start=NOW + timedelta(days=5))

    assert privacy.erase_client(client=jane, now=now) == 2

    assert erased == [(jane.pk, now)]
    for record in Client.objects.filter(pk__in=[jane.pk, duplicate.pk]):
        assert (record.name, record.email, record.phone, record.staff_notes) == (
            ERASED_NAME,
            "",
            "",
            "",
        )
        assert record.date_of_birth is None
    upcoming.refresh_from_db()
    past.refresh_from_db()
    assert upcoming.status == BookingStatus.CANCELLED
    assert past.intake_answers is None and past.client_name == ERASED_NAME
    untouched.refresh_from_db()
    assert untouched.client_name != ERASED_NAME
