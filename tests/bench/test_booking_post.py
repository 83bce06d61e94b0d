"""The booking POST's cost, counted as `make bench` counts it: outside a test's
transaction, so PostgreSQL's BEGIN and COMMIT are seen (bench/booking_post.py)."""

import pytest
from django.db import connection

from bench import booking_post, seed

pytestmark = [
    # serialized_rollback, as every transactional test here: those after it reload the
    # first contents (content types) and would otherwise find them twice.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="counts PostgreSQL's BEGIN and COMMIT"
    ),
]


def test_a_booking_post_commits_once_in_ten_statements_without_savepoints(now, settings):
    # As in production: the worker sends the queued rows, nothing is sent on commit.
    settings.NOTIFICATION_SEND_ON_COMMIT = False
    clinic = seed.build_clinic(therapists=3, days=8, sizes=[1, 3], now=now)
    seed.set_rules(horizon_days=7)
    post = booking_post.count(clinic.technique_slugs[3])
    assert post.status == 302
    # Before the transaction: the safety profiles (the offer stays cached across the
    # first booking: a booking changes nobody's offer). In it: the rules; the therapist
    # locked with whether they offer the technique and the length's price; their schedule
    # (hours, closures, time off and bookings in one UNION ALL); the client's advisory
    # lock; their records locked and read; the new record, the booking, the outcome
    # request and the four messages in one INSERT.
    assert post.statements == 10
    assert (post.transactions, post.commits, post.savepoints) == (1, 1, 0)
