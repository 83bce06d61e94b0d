"""The lock order kept under fire (bookings/booking/locks.py): offer clicks racing, an
erasure while the client books and clicks an offer, a merge while the desk books the
duplicate. Each race counts PostgreSQL's deadlocks before and after: none."""

import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from bookings.booking import services
from bookings.models import Booking, BookingStatus, OfferStatus, WaitlistOffer
from bookings.models import Client as ClientRecord
from bookings.models.clients import ERASED_NAME
from bookings.privacy.services import erase_client
from bookings.records.services import merge_clients
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import WEDNESDAY_2PM, fill_wednesday_afternoon, join
from tests.clock import NOW, clinic_time
from tests.factories import SCREENED_INTAKE, BookingFactory, ClientFactory, TherapistFactory
from tests.races import deadlocks, fire, report

pytestmark = [
    pytest.mark.security,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row locks, deadlocks and deferred foreign-key checks are PostgreSQL's; "
        "SQLite runs one writer at a time.",
    ),
]

CLICKS = 12
PEOPLE = 6
ROUNDS = 4


def _click(offer: WaitlistOffer) -> str:
    try:
        waitlist.accept_offer(offer=offer, now=NOW)
    except waitlist.OfferGone:
        return "told kindly"
    return "booked"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_offer_clicks_racing_for_one_time_make_one_booking_and_no_deadlock(
    clinic_rules, therapist, book
):
    full = fill_wednesday_afternoon(book)
    for n in range(CLICKS):
        # Half wait for Anna herself: the winner marks their offers gone.
        join(
            client_name=f"Waiting {n}",
            client_email=f"waiting{n}@example.org",
            therapist_id=therapist.pk if n % 2 else None,
        )
    services.cancel_booking(booking=full[1], now=NOW)
    offers = waitlist.offer_freed_times(now=NOW)
    assert len(offers) == CLICKS
    before = deadlocks()

    outcomes = fire([partial(_click, offer) for offer in offers])
    found = deadlocks() - before
    report(f"offer clicks: {CLICKS} at once -> {dict(outcomes)}, deadlocks {found}")

    assert outcomes == Counter({"booked": 1, "told kindly": CLICKS - 1})
    assert found == 0
    assert Booking.objects.active().filter(start=WEDNESDAY_2PM).count() == 1
    statuses = Counter(WaitlistOffer.objects.values_list("status", flat=True))
    assert statuses == Counter({OfferStatus.TAKEN: 1, OfferStatus.GONE: CLICKS - 1})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_offer_clicks_posted_at_once_get_one_booking_and_no_error_page(
    clinic_rules, therapist, book, clock
):
    full = fill_wednesday_afternoon(book)
    for n in range(CLICKS):
        join(client_name=f"Waiting {n}", client_email=f"waiting{n}@example.org")
    services.cancel_booking(booking=full[1], now=NOW)
    offers = waitlist.offer_freed_times(now=NOW)
    before = deadlocks()

    def post(offer: WaitlistOffer) -> str:
        response = Client().post(reverse("bookings:waitlist_offer", args=[offer.token]))
        return {303: "booked", 409: "told kindly"}.get(
            response.status_code, f"status {response.status_code}"
        )

    outcomes = fire([partial(post, offer) for offer in offers])
    found = deadlocks() - before
    report(f"offer POSTs: {CLICKS} at once -> {dict(outcomes)}, deadlocks {found}")

    assert outcomes == Counter({"booked": 1, "told kindly": CLICKS - 1})
    assert found == 0
    assert Booking.objects.active().filter(start=WEDNESDAY_2PM).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_erasing_clients_while_they_book_and_click_offers_completes_and_leaves_nothing(
    clinic_rules, swedish, front_desk_user
):
    people = []
    for n in range(PEOPLE):
        therapist = TherapistFactory(techniques=[swedish], works_weekdays=True)
        email = f"priya{n}@example.org"
        client = ClientFactory(name=f"Priya {n}", email=email)
        BookingFactory(completed=True, therapist=therapist, client=client, client_email=email)
        entry = join(client_name=f"Priya {n}", client_email=email, therapist_id=therapist.pk)
        offer = waitlist.make_offer(entry=entry, start=WEDNESDAY_2PM, now=NOW)
        assert offer is not None
        people.append((client, therapist, email, offer))

    def erase(client: ClientRecord, late: bool) -> str:
        if late:  # half the erasures come just after the bookings: both orders are tried
            time.sleep(0.3)
        erase_client(client=client, now=NOW)
        return "erased"

    def desk_books(therapist_id: int, email: str) -> str:
        services.book_session(
            therapist_id=therapist_id,
            technique=swedish,
            length_minutes=60,
            start=clinic_time(NOW + timedelta(days=2), 10),
            client_name="Priya",
            client_email=email,
            client_phone="07700 900123",
            intake=SCREENED_INTAKE,
            now=NOW,
            by=front_desk_user,
        )
        return "booked"

    attempts: list[Callable[[], str]] = []
    for n, (client, therapist, email, offer) in enumerate(people):
        attempts += [
            partial(erase, client, n % 2 == 1),
            partial(_click, offer),
            partial(desk_books, therapist.pk, email),
        ]
    before = deadlocks()
    outcomes = fire(attempts)
    found = deadlocks() - before
    report(f"erase while booking: {len(attempts)} at once -> {dict(outcomes)}, deadlocks {found}")

    assert set(outcomes) <= {"erased", "booked", "told kindly"}, outcomes
    assert outcomes["erased"] == PEOPLE
    assert found == 0
    for client, _, email, _ in people:
        client.refresh_from_db()
        assert client.name == ERASED_NAME and client.email == ""
        # Whatever joined the record before the erasure went with it; what came after
        # waited for it and made a record of its own.
        left = Booking.objects.filter(client=client).exclude(client_name=ERASED_NAME)
        assert list(left) == []
        assert not Booking.objects.filter(client=client, client_email__iexact=email).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bookings_made_during_a_merge_all_end_on_the_kept_record(
    clinic_rules, swedish, front_desk_user
):
    therapists = [TherapistFactory(techniques=[swedish], works_weekdays=True) for _ in range(6)]
    tally: Counter[str] = Counter()
    found = 0
    for round_ in range(ROUNDS):
        keep = ClientFactory(name=f"Sam Keep {round_}", email=f"sam{round_}@example.org")
        duplicate = ClientFactory(name=f"Sam Dup {round_}", email=f"sam.old{round_}@example.org")
        start = clinic_time(NOW + timedelta(days=1 + round_), 10)

        def desk_books(n: int, duplicate: ClientRecord = duplicate, start=start) -> str:
            by_id = n % 2 == 0
            services.book_session(
                therapist_id=therapists[n].pk,
                technique=swedish,
                length_minutes=60,
                start=start,
                client_name="Sam",
                client_email="" if by_id else duplicate.email,
                client_phone="07700 900123",
                intake=SCREENED_INTAKE,
                now=NOW,
                by=front_desk_user,
                client_id=duplicate.pk if by_id else None,
            )
            return "booked"

        def merge(keep: ClientRecord = keep, duplicate: ClientRecord = duplicate) -> str:
            merge_clients(keep=keep, duplicate=duplicate, by=front_desk_user, now=NOW)
            return "merged"

        before = deadlocks()
        outcomes = fire([merge, *(partial(desk_books, n) for n in range(len(therapists)))])
        found += deadlocks() - before
        tally.update(outcomes)
        assert outcomes == Counter(merged=1, booked=len(therapists)), outcomes
        made = Booking.objects.filter(start=start, status=BookingStatus.CONFIRMED)
        assert made.count() == len(therapists)
        assert set(made.values_list("client_id", flat=True)) == {keep.pk}
        assert not Booking.objects.filter(client=duplicate).exists()
    report(f"merge during bookings: {ROUNDS} rounds -> {dict(tally)}, deadlocks {found}")
    assert found == 0
