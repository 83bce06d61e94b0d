from datetime import timedelta

from bookings import privacy
from bookings.models import OutcomeRequest
from bookings.privacy_outcomes import erase_outcomes, export_outcomes
from tests.clock import NOW
from tests.factories import ClientFactory, OutcomeRequestFactory


def test_a_clients_export_holds_their_answers_and_only_theirs(db, now):
    client = ClientFactory()
    answered = OutcomeRequestFactory(answered=True, booking__client=client)
    OutcomeRequestFactory(booking__client=client)  # never answered
    OutcomeRequestFactory(answered=True)  # someone else's
    assert export_outcomes(client) == {
        "outcome_scores": [
            {
                "booking": answered.booking.reference,
                "session_start": answered.booking.start.isoformat(),
                "how_is_your_back_0_to_10": 3,
                "answered_at": (NOW - timedelta(days=1)).isoformat(),
            }
        ]
    }


def test_erasing_a_client_deletes_their_outcomes_and_nobody_elses(db, now):
    client = ClientFactory()
    OutcomeRequestFactory(answered=True, booking__client=client)
    other = OutcomeRequestFactory(answered=True)
    erase_outcomes(client, now)
    assert list(OutcomeRequest.objects.all()) == [other]
    assert export_outcomes(client) == {"outcome_scores": []}


def test_a_client_with_no_outcomes_exports_an_empty_list(db):
    assert export_outcomes(ClientFactory()) == {"outcome_scores": []}


def test_a_clients_export_and_erasure_include_their_outcome_scores(db, now):
    client = ClientFactory()
    OutcomeRequestFactory(answered=True, booking__client=client)
    exported = privacy.export_client(client=client)
    assert [o["how_is_your_back_0_to_10"] for o in exported["outcome_scores"]] == [3]
    privacy.erase_client(client=client, now=now)
    assert not OutcomeRequest.objects.exists()
