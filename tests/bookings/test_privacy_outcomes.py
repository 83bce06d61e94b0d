from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from bookings.models import Booking, OutcomeRequest
from bookings.models.clients import ERASED_NAME
from bookings.privacy import services as privacy
from bookings.privacy.outcomes import erase_outcomes, export_outcomes, purge_outcomes
from bookings.records import selectors
from bookings.records.access import health_data_rule
from bookings.records.outcome_report import outcome_report
from tests.clock import NOW
from tests.factories import INTAKE_ANSWERS, BookingFactory, ClientFactory, OutcomeRequestFactory

NOTHING: dict[str, list[object]] = {"everyday_activities_0_to_10": [], "outcome_scores": []}


def test_a_clients_export_holds_their_answers_and_only_theirs(db, now, superuser):
    client = ClientFactory()
    answered = OutcomeRequestFactory(answered=True, booking__client=client)
    OutcomeRequestFactory(booking__client=client)  # never answered, no answers kept
    OutcomeRequestFactory(answered=True)  # someone else's
    assert export_outcomes(client, health_data_rule(superuser)) == {
        "everyday_activities_0_to_10": [],
        "outcome_scores": [
            {
                "booking": answered.booking.reference,
                "session_start": answered.booking.start.isoformat(),
                "intake_pain_0_to_10": None,
                "intake_areas": [],
                "intake_feelings": [],
                "how_is_your_back_0_to_10": 3,
                "answered_at": (NOW - timedelta(days=1)).isoformat(),
            }
        ],
    }


def test_a_clients_export_holds_the_intake_baseline_kept_with_each_outcome(db, now, superuser):
    client = ClientFactory()
    answered = OutcomeRequestFactory(
        answered=True, booking__client=client, booking__with_intake=True
    )
    waiting = OutcomeRequestFactory(
        booking__client=client,
        booking__with_intake=True,
        booking__start=answered.booking.start + timedelta(days=7),
    )
    exported = export_outcomes(client, health_data_rule(superuser))["outcome_scores"]
    assert [
        (o["booking"], o["intake_pain_0_to_10"], o["intake_areas"], o["intake_feelings"])
        for o in exported
    ] == [
        (answered.booking.reference, 5, ["lower"], ["knots"]),
        (waiting.booking.reference, 5, ["lower"], ["knots"]),
    ]
    assert [o["how_is_your_back_0_to_10"] for o in exported] == [3, None]


def test_erasing_a_client_deletes_their_outcomes_and_nobody_elses(db, now, superuser):
    client = ClientFactory()
    OutcomeRequestFactory(answered=True, booking__client=client)
    other = OutcomeRequestFactory(answered=True)
    erase_outcomes(client, now)
    assert list(OutcomeRequest.objects.all()) == [other]
    assert export_outcomes(client, health_data_rule(superuser)) == NOTHING


def test_a_client_with_no_outcomes_exports_an_empty_list(db, superuser):
    assert export_outcomes(ClientFactory(), health_data_rule(superuser)) == NOTHING


def test_a_clients_export_and_erasure_include_their_outcome_scores(db, now, superuser):
    client = ClientFactory()
    OutcomeRequestFactory(answered=True, booking__client=client)
    exported = privacy.export_client(client=client, reader=superuser, now=NOW)
    assert [o["how_is_your_back_0_to_10"] for o in exported["outcome_scores"]] == [3]
    privacy.erase_client(client=client, now=now)
    assert not OutcomeRequest.objects.exists()


def test_a_clients_export_and_erasure_include_their_intake_baseline(db, now, superuser):
    client = ClientFactory()
    OutcomeRequestFactory(booking__client=client, booking__with_intake=True)
    other = OutcomeRequestFactory(booking__with_intake=True)
    exported = privacy.export_client(client=client, reader=superuser, now=NOW)["outcome_scores"]
    assert [(o["intake_pain_0_to_10"], o["intake_areas"]) for o in exported] == [(5, ["lower"])]
    privacy.erase_client(client=client, now=now)
    assert list(OutcomeRequest.objects.all()) == [other]
    assert selectors.client_pain_series(client.pk) == []


def test_erasing_by_email_deletes_the_baselines_and_answers_of_those_bookings(db, now):
    mine = OutcomeRequestFactory(
        answered=True, booking__with_intake=True, booking__client_email="sam@example.com"
    )
    other = OutcomeRequestFactory(answered=True, booking__with_intake=True)
    assert privacy.erase_client_data(email="SAM@example.com", now=now) == 1
    assert list(OutcomeRequest.objects.all()) == [other]
    assert Booking.objects.filter(pk=mine.booking_id).exists()


# Retention -----------------------------------------------------------------------


def test_the_purge_keeps_the_baseline_so_the_report_and_chart_stay_as_they_were(db):
    clients = [ClientFactory() for _ in range(3)]
    for n, client in enumerate(clients):
        booking = BookingFactory(
            client=client,
            completed=True,
            start=NOW - timedelta(days=60 + n),
            intake_answers=INTAKE_ANSWERS | {"intensity": 6 + n, "areas": ["upper"]},
        )
        OutcomeRequestFactory(booking=booking, score=3, answered_at=booking.end + timedelta(days=2))
    before = outcome_report(selectors.session_outcomes())
    chart_before = selectors.client_pain_series(clients[0].pk)
    assert before.overall.average_change == -4.0
    assert chart_before[0].source == "Intake" and chart_before[0].score == 6

    assert privacy.purge_health_answers(retention_days=30, now=NOW) == 3

    assert not Booking.objects.filter(intake_answers__isnull=False).exists()
    assert outcome_report(selectors.session_outcomes()) == before
    assert selectors.client_pain_series(clients[0].pk) == chart_before


def test_outcomes_are_purged_with_notes_years_after_the_clients_last_visit(db):
    years = timedelta(days=365)
    kept = OutcomeRequestFactory(
        answered=True, booking__with_intake=True, booking__start=NOW - 9 * years
    )
    # The same client came back last year: their old outcome stays with their record.
    BookingFactory(client=kept.booking.client, start=NOW - years, completed=True)
    OutcomeRequestFactory(answered=True, booking__with_intake=True, booking__start=NOW - 9 * years)
    recent = OutcomeRequestFactory(answered=True, booking__with_intake=True)
    assert purge_outcomes(years=8, now=NOW) == 1
    assert set(OutcomeRequest.objects.all()) == {kept, recent}
    assert purge_outcomes(years=8, now=NOW) == 0


def test_the_daily_purge_command_deletes_outcomes_past_notes_retention(db, settings, now):
    settings.NOTES_RETENTION_YEARS = 8
    OutcomeRequestFactory(
        answered=True, booking__with_intake=True, booking__start=now - timedelta(days=365 * 9)
    )
    recent = OutcomeRequestFactory(
        answered=True, booking__with_intake=True, booking__start=now - timedelta(days=40)
    )
    out = StringIO()
    call_command("purge_health_answers", stdout=out)
    assert "Removed 1 outcome answer(s) of clients last seen over 8 years ago." in out.getvalue()
    assert list(OutcomeRequest.objects.all()) == [recent]
    # The recent session's answers are past the 30 days; its baseline stays.
    assert Booking.objects.get(pk=recent.booking_id).intake_answers is None
    assert OutcomeRequest.objects.get(pk=recent.pk).intake_score == 5


def test_the_export_by_email_holds_the_whole_record_of_the_client_with_that_address(
    db, now, superuser
):
    client = ClientFactory(email="sam@example.com")
    OutcomeRequestFactory(answered=True, booking__client=client, booking__with_intake=True)
    OutcomeRequestFactory(answered=True, booking__with_intake=True)  # someone else's
    data = privacy.export_client_data(email=" SAM@example.com ", reader=superuser, now=NOW)
    (record,) = data["client_records"]
    assert record["client"]["email"] == "sam@example.com"
    assert [o["how_is_your_back_0_to_10"] for o in record["outcome_scores"]] == [3]
    assert "treatment_notes" in record and "waitlist" in record


def test_the_export_by_email_of_a_merged_duplicate_gives_the_record_kept(db, now, superuser):
    kept = ClientFactory(email="sam@work.example")
    ClientFactory(email="sam@example.com", merged_into=kept)
    (record,) = privacy.export_client_data(email="sam@example.com", reader=superuser, now=NOW)[
        "client_records"
    ]
    assert record["client"]["email"] == "sam@work.example"
    assert [m["email"] for m in record["merged_records"]] == ["sam@example.com"]


def test_erasing_by_email_erases_the_client_record_as_its_page_does(db, now, superuser):
    client = ClientFactory(email="sam@example.com", name="Sam Client")
    # Booked with another address, but the same person's record: it goes too.
    OutcomeRequestFactory(
        answered=True, booking__client=client, booking__client_email="sam@work.example"
    )
    OutcomeRequestFactory(answered=True)  # someone else's
    assert privacy.erase_client_data(email="sam@example.com", now=now) == 1
    client.refresh_from_db()
    assert client.name == ERASED_NAME
    assert OutcomeRequest.objects.filter(booking__client=client).count() == 0
    assert OutcomeRequest.objects.count() == 1
    assert privacy.export_client_data(email="sam@example.com", reader=superuser, now=NOW) == {
        "email": "sam@example.com",
        "left_out": [],
        "bookings": [],
        "client_records": [],
    }
