"""The outcomes report's responder rates added up by the database give the pure
function's figures (records/responders.responder_rates over selectors.session_scores),
on SQLite and PostgreSQL."""

import random
from datetime import timedelta

import pytest
from django.db import connection

from bookings.records.outcome_figures import outcome_figures
from bookings.records.outcome_report import outcome_report
from bookings.records.responders import ResponderRate, responder_rates
from bookings.records.selectors import session_outcomes, session_scores
from catalog.models import Technique
from catalog.vocabulary import AREAS, FEELINGS
from tests.clock import NOW
from tests.factories import BookingFactory, ClientFactory, OutcomeRequestFactory

LABELS = {code: AREAS.label_of(code) for code in AREAS.codes}


def request_for(client, start, *, intake, score, technique=None, areas=(), feelings=()):
    booking = BookingFactory(
        client=client,
        start=start,
        status="completed",
        **({"technique": technique} if technique else {}),
    )
    return OutcomeRequestFactory(
        booking=booking,
        intake_score=intake,
        intake_areas=list(areas),
        intake_feelings=list(feelings),
        score=score,
        answered_at=None if score is None else start + timedelta(days=2),
    )


def from_python(min_clients):
    return responder_rates(session_scores(), area_labels=LABELS, min_clients=min_clients)


def from_the_database(min_clients):
    figures = outcome_figures(area_labels=LABELS, min_clients=min_clients)
    return figures.rates_by_technique, figures.rates_by_area


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_clinics_get_the_pure_functions_rates_and_report(db, seed):
    rng = random.Random(seed)
    techniques = list(Technique.objects.order_by("pk")[:3])
    clients = [ClientFactory() for _ in range(9)]
    codes = [*AREAS.codes, "retired_area"]
    for _ in range(45):
        # Few days and hours, so a client's sessions sometimes start at the same moment
        # (session order is then the request's id, as in session_scores).
        start = NOW - timedelta(days=rng.randrange(1, 12), hours=rng.choice([0, 0, 5]))
        areas = rng.sample(codes, k=rng.randrange(0, 3))
        request_for(
            rng.choice([*clients, None]),
            start,
            intake=rng.choice([None, None, *range(11)]),
            score=rng.choice([None, *range(11)]),
            technique=rng.choice(techniques),
            areas=areas + areas[:1],  # a code listed twice counts once
            feelings=rng.sample(FEELINGS.codes, k=rng.randrange(0, 3)),
        )
    for minimum in (1, 3, 5):
        assert from_the_database(minimum) == from_python(minimum)
        report = outcome_figures(area_labels=LABELS, min_clients=minimum).report
        assert report == outcome_report(session_outcomes(), min_clients=minimum)
    by_technique, by_area = from_the_database(1)
    assert sum(rate.clients for rate in by_technique) > 5  # the data says something
    assert any(rate.label == "retired_area" for rate in by_area)


# Each case: one client's sessions in order, (intake score kept, answer), and whether
# they count as a responder.
CASES: dict[str, tuple[list[tuple[int | None, int | None]], int]] = {
    "a baseline of 3 improving by 1": ([(3, 2)], 0),
    "a baseline of 8 improving by 2 (25%)": ([(8, 6)], 0),
    "a baseline of 8 improving by 3 (37.5%)": ([(8, 5)], 1),
    "a baseline of 10 improving by exactly 30%": ([(10, 7)], 1),
    "worse by 2": ([(4, 6)], 0),
    "recovered from 3 to 1": ([(3, 1)], 1),
    "the latest answer counts, not the best": ([(8, 4), (None, 7)], 0),
    "a later intake does not move the baseline": ([(8, None), (3, 5)], 1),
    "an answer before the first kept intake is not read": ([(None, 0), (6, 5)], 0),
}


@pytest.mark.parametrize("case", CASES)
def test_each_threshold_reads_the_same_in_the_database(db, case):
    sessions, responded = CASES[case]
    client = ClientFactory()
    for n, (intake, score) in enumerate(sessions):
        request_for(client, NOW - timedelta(days=10 - n), intake=intake, score=score)
    by_technique, _ = from_the_database(1)
    assert by_technique == [ResponderRate("Swedish Massage", 1, responded)]
    assert (by_technique, _) == from_python(1)


def test_a_rate_from_fewer_than_three_clients_is_withheld(db):
    for _ in range(2):
        request_for(ClientFactory(), NOW - timedelta(days=5), intake=8, score=2, areas=["upper"])
    rates = from_the_database(3)
    assert rates == (
        [ResponderRate("Swedish Massage", 2, None)],
        [ResponderRate("Upper back", 2, None)],
    )
    request_for(ClientFactory(), NOW - timedelta(days=5), intake=8, score=8, areas=["upper"])
    assert from_the_database(3) == (
        [ResponderRate("Swedish Massage", 3, 2)],
        [ResponderRate("Upper back", 3, 2)],
    )
    assert from_the_database(3) == from_python(3)


def test_the_figures_are_one_statement_however_many_answers(db, django_assert_num_queries):
    # On PostgreSQL the statement has its own transaction with JIT off: the savepoint,
    # the SET, the statement and the release.
    expected = 4 if connection.vendor == "postgresql" else 1
    with django_assert_num_queries(expected):
        outcome_figures(area_labels=LABELS)
    for n in range(6):
        request_for(ClientFactory(), NOW - timedelta(days=n + 1), intake=7, score=n)
    with django_assert_num_queries(expected):
        outcome_figures(area_labels=LABELS)
