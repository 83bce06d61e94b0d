"""The migration that copies each outcome request's intake baseline from its booking's
answers where the purge has not deleted them yet, run from the schema before it."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from bookings.models import OutcomeRequest
from tests.clock import NOW
from tests.factories import INTAKE_ANSWERS, BookingFactory
from tests.migrations import apps_at

BEFORE = [("bookings", "0023_remove_healthdataaccess")]
AFTER = [("bookings", "0024_outcome_intake_baseline")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_outcomes_keep_the_baseline_their_bookings_still_hold():
    kept = BookingFactory(
        intake_answers=INTAKE_ANSWERS | {"intensity": 8, "areas": ["upper", "lower"]}
    )
    purged = BookingFactory(start=kept.start + timedelta(days=1))
    odd = BookingFactory(
        start=kept.start + timedelta(days=2),
        intake_answers={"intensity": "8", "areas": "upper", "feelings": ["tight", 3]},
    )
    try:
        Outcome = apps_at(BEFORE).get_model("bookings", "OutcomeRequest")
        for booking in (kept, purged, odd):
            Outcome.objects.create(booking_id=booking.pk, expires=NOW)
        apps_at(AFTER)
        rows = {
            o.booking_id: (o.intake_score, o.intake_areas, o.intake_feelings)
            for o in OutcomeRequest.objects.all()
        }
    finally:
        call_command("migrate", verbosity=0)
    assert rows == {
        kept.pk: (8, ["upper", "lower"], ["knots"]),
        purged.pk: (None, [], []),
        odd.pk: (None, [], ["tight"]),
    }
