import threading
from collections import Counter

import pytest
from django.db import connection

from bookings.booking import services
from bookings.models import Booking, OfferStatus, WaitlistOffer
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import WEDNESDAY_2PM, fill_wednesday_afternoon, join
from tests.clock import NOW

CLIENTS = 8

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent clicks need PostgreSQL's row locks; SQLite serialises writers, "
    "and tests/bookings/test_waitlist.py covers the clicks one after the other.",
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clients_clicking_offers_of_one_time_at_once_make_one_booking(
    clinic_rules, therapist, book
):
    full = fill_wednesday_afternoon(book)
    for n in range(CLIENTS):
        join(client_name=f"Waiting {n}", client_email=f"waiting{n}@example.org")
    services.cancel_booking(booking=full[1], now=NOW)
    offers = waitlist.offer_freed_times(now=NOW)
    assert len(offers) == CLIENTS

    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS)

    def click(offer: WaitlistOffer) -> None:
        try:
            barrier.wait(timeout=30)
            waitlist.accept_offer(offer=offer, now=NOW)
            outcome = "booked"
        except waitlist.OfferGone:
            outcome = "told kindly"
        except Exception as error:  # the test reports any unexpected failure
            outcome = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=click, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == Counter({"booked": 1, "told kindly": CLIENTS - 1})
    assert Booking.objects.active().filter(start=WEDNESDAY_2PM).count() == 1
    statuses = Counter(WaitlistOffer.objects.values_list("status", flat=True))
    assert statuses == Counter({OfferStatus.TAKEN: 1, OfferStatus.GONE: CLIENTS - 1})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_offer_each_time_once(clinic_rules, therapist, book):
    full = fill_wednesday_afternoon(book)
    join()
    services.cancel_booking(booking=full[1], now=NOW)
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def sweep() -> None:
        try:
            barrier.wait(timeout=30)
            waitlist.offer_freed_times(now=NOW)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert list(WaitlistOffer.objects.values_list("start", flat=True)) == [WEDNESDAY_2PM]
