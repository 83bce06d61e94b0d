"""One access rule for every read of health data (records/access.py): the note page,
the client page, the pain chart and every export read through it, and every such read
is on the trail of looks."""

import json

import pytest
from django.urls import reverse

from bookings.privacy import services as privacy
from bookings.privacy.looks import Look, looks
from bookings.records import notes
from bookings.records.access import health_data_rule
from tests.clock import NOW
from tests.factories import BookingFactory, OutcomeRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(therapist, therapist_user):
    """Sam's past session with Anna: intake kept, Anna's note, Sam's answer afterwards."""
    booking = BookingFactory(
        therapist=therapist,
        completed=True,
        with_intake=True,
        with_warning=True,
        client_name="Sam Client",
        client_email="sam@example.com",
    )
    notes.write_note(booking=booking, by=therapist_user, now=booking.end, subjective="SOAP text")
    OutcomeRequestFactory(booking=booking, answered=True)
    return booking


def test_the_rule_says_who_reads_what(
    session,
    therapist_user,
    other_therapist,
    front_desk_user,
    clinical_lead,
    superuser,
    content_editor,
):
    ben = other_therapist.user
    readers = {
        "anna": therapist_user,
        "ben": ben,
        "desk": front_desk_user,
        "lead": clinical_lead,
        "boss": superuser,
        "editor": content_editor,
    }
    reads = {
        name: (
            health_data_rule(user).notes().exists(),
            health_data_rule(user).outcomes().exists(),
            health_data_rule(user).intake().filter(pk=session.pk).exists(),
        )
        for name, user in readers.items()
    }
    assert reads == {
        "anna": (True, True, True),
        "ben": (False, False, False),
        "desk": (False, False, True),
        "lead": (True, True, True),
        "boss": (True, True, True),
        "editor": (False, False, False),
    }
    assert notes.visible_notes(front_desk_user).count() == 0  # the note page's own answer


def data_page(client_record):
    return reverse("admin:bookings_client_data", args=[client_record.pk])


def test_front_desks_download_leaves_out_notes_and_scores_and_says_so(
    client, clock, session, front_desk_user
):
    client.force_login(front_desk_user)

    response = client.post(data_page(session.client), {"action": "download"})

    data = json.loads(response.content)
    assert data["treatment_notes"] == [] and data["outcome_scores"] == []
    assert "SOAP text" not in response.content.decode()
    assert "front desk may not read them" in data["left_out"][0]
    # Front desk reads intake answers and safety facts (they run the day): kept.
    (booking,) = data["bookings"]
    assert booking["warning_flags"] == ["night_pain"]


def test_a_clinical_lead_or_superuser_downloads_the_whole_record(
    client, clock, session, clinical_lead, superuser
):
    for user in (clinical_lead, superuser):
        client.force_login(user)
        data = json.loads(client.post(data_page(session.client), {"action": "download"}).content)
        assert data["left_out"] == []
        assert [n["subjective"] for n in data["treatment_notes"]] == ["SOAP text"]
        assert [o["how_is_your_back_0_to_10"] for o in data["outcome_scores"]] == [3]
        assert data["bookings"][0]["intake_answers"] is not None


def test_a_clinical_lead_may_download_but_never_erase(client, clock, session, clinical_lead):
    client.force_login(clinical_lead)
    assert client.get(data_page(session.client)).status_code == 200
    erase = {"action": "erase", "confirm_erase": "on"}
    assert client.post(data_page(session.client), erase).status_code == 403
    session.refresh_from_db()
    assert session.client_name == "Sam Client"


def test_a_therapist_downloads_nothing(client, clock, session, therapist_user):
    client.force_login(therapist_user)
    assert client.post(data_page(session.client), {"action": "download"}).status_code == 403


def test_every_download_is_on_the_trail(client, clock, session, front_desk_user, clinical_lead):
    for user in (front_desk_user, clinical_lead):
        client.force_login(user)
        client.post(data_page(session.client), {"action": "download"})
    exports = looks().filter(additional_data__what=Look.EXPORT.value)
    assert sorted(e.additional_data["staff"] for e in exports) == ["clinicallead", "frontdesk"]
    assert {e.additional_data["client"] for e in exports} == {session.client_id}


def test_the_download_by_email_follows_the_same_rule_and_trail(
    client, clock, session, front_desk_user
):
    client.force_login(front_desk_user)
    url = reverse("admin:bookings_booking_client_data")

    response = client.post(url, {"email": "SAM@example.com", "action": "download"})

    data = json.loads(response.content)
    assert "SOAP text" not in response.content.decode()
    (record,) = data["client_records"]
    assert record["treatment_notes"] == [] and record["left_out"]
    assert looks().filter(additional_data__what=Look.EXPORT.value).exists()


def test_the_export_service_takes_the_readers_rule(session, front_desk_user, superuser):
    desk = privacy.export_client(client=session.client, reader=front_desk_user, now=NOW)
    whole = privacy.export_client(client=session.client, reader=superuser, now=NOW)
    assert desk["treatment_notes"] == [] and len(whole["treatment_notes"]) == 1
    assert desk["outcome_scores"] == [] and len(whole["outcome_scores"]) == 1


def test_the_pain_chart_reads_through_the_rule_and_records_the_look(
    client, clock, session, therapist_user
):
    client.force_login(therapist_user)

    page = client.get(reverse("admin:bookings_client_change", args=[session.client_id]))

    assert "Pain over time" in page.content.decode()
    assert looks().filter(additional_data__what=Look.CLIENT_OUTCOMES.value).count() == 1
