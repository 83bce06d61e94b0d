"""Treatment notes across a client's record: therapists of the same client, the client
page, the trail per client, retention from the last visit, export and erasure."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.models import BookingStatus, TreatmentNote
from bookings.models.clients import ERASED_NAME
from bookings.privacy.looks import looks, record_look
from bookings.records import notes
from bookings.records.access import health_data_rule
from tests.clock import NOW
from tests.factories import BookingFactory, OutcomeRequestFactory

SESSION_END = NOW - timedelta(days=3) + timedelta(hours=3)


@pytest.fixture
def written(therapist, therapist_user):
    session = BookingFactory(therapist=therapist, past=True, client_name="Jane Doe")
    return notes.write_note(
        booking=session, by=therapist_user, now=SESSION_END, subjective="Stiff lower back."
    )


def test_another_therapist_of_the_same_client_sees_the_note(written, other_therapist):
    BookingFactory(therapist=other_therapist, client=written.booking.client)
    assert list(notes.visible_notes(other_therapist.user)) == [written]


def test_a_cancelled_booking_with_the_client_is_not_treating_them(written, other_therapist):
    BookingFactory(
        therapist=other_therapist, client=written.booking.client, status=BookingStatus.CANCELLED
    )
    assert not notes.visible_notes(other_therapist.user).exists()


def client_url(client):
    return reverse("admin:bookings_client_change", args=[client.pk])


def test_the_client_page_lists_their_notes_and_records_the_look(
    client, clock, written, clinical_lead
):
    client.force_login(clinical_lead)
    page = client.get(client_url(written.booking.client)).content.decode()
    assert "Treatment notes" in page and "Stiff lower back." in page
    look = looks().get()
    assert (look.actor, look.content_type.model, look.object_id) == (
        clinical_lead,
        "client",
        written.booking.client_id,
    )
    assert look.additional_data["what"] == "client_notes"
    assert look.additional_data["client"] == written.booking.client_id


def test_the_notes_table_puts_the_clients_answer_two_days_later_beside_before_and_after(
    client, clock, therapist, therapist_user
):
    answered = BookingFactory(therapist=therapist, past=True)
    unanswered = BookingFactory(
        therapist=therapist, client=answered.client, start=answered.start - timedelta(days=7)
    )
    for booking, before, after in ((answered, 7, 3), (unanswered, 6, 5)):
        notes.write_note(
            booking=booking,
            by=therapist_user,
            now=booking.end,
            pain_before=before,
            pain_after=after,
        )
    OutcomeRequestFactory(booking=answered, score=4, answered_at=answered.end + timedelta(days=2))
    OutcomeRequestFactory(booking=unanswered)
    client.force_login(therapist_user)

    page = " ".join(client.get(client_url(answered.client)).content.decode().split())

    assert '<th scope="col">Client\'s answer two days later</th>' in page
    assert "<td>7 → 3</td> <td>4</td>" in page
    assert "<td>6 → 5</td> <td>\N{EN DASH}</td>" in page


def test_front_desk_sees_the_client_page_without_notes_and_no_look(
    client, clock, written, front_desk_user
):
    client.force_login(front_desk_user)
    response = client.get(client_url(written.booking.client))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Stiff lower back." not in page and "Treatment notes" not in page
    assert not looks().exists()


@pytest.mark.parametrize("more", [0, 3])
def test_the_client_page_reads_notes_in_a_fixed_number_of_queries(
    client, clock, written, therapist_user, swedish, django_assert_num_queries, more
):
    for day in range(1, more + 1):
        booking = BookingFactory(
            therapist=written.booking.therapist,
            client=written.booking.client,
            start=written.booking.start - timedelta(days=day),
        )
        note = notes.write_note(
            booking=booking, by=therapist_user, now=booking.end, techniques=[swedish]
        )
        notes.amend_note(note=note, by=therapist_user, now=NOW, plan="Later plan")
    client.force_login(therapist_user)
    url = client_url(written.booking.client)
    client.get(url)
    # The page's own reads, the notes, and the pain chart's (the reader's rule, outcomes).
    with django_assert_num_queries(19):
        assert client.get(url).status_code == 200


def test_superusers_follow_the_trail_per_client(client, clock, written, superuser, therapist_user):
    other = BookingFactory(client_name="Someone Else")
    record_look(user=therapist_user, opened=written.booking, now=NOW)
    record_look(user=therapist_user, opened=other, now=NOW)
    client.force_login(superuser)
    client_page = client.get(client_url(written.booking.client)).content.decode()
    trail = reverse("admin:auditlog_logentry_changelist")
    link = f'href="{trail}?client={written.booking.client_id}"'
    assert link in client_page and "Who looked at this client" in client_page
    page = client.get(trail, {"client": written.booking.client_id}).content.decode()
    assert "Jane Doe" in page and "Someone Else" not in page
    assert f"Booking {written.booking.reference}" in page


def test_retention_runs_from_the_clients_last_visit(therapist, therapist_user):
    old = BookingFactory(therapist=therapist, start=NOW - timedelta(days=365 * 9))
    BookingFactory(therapist=therapist, client=old.client, start=NOW - timedelta(days=365))
    gone = BookingFactory(therapist=therapist, start=NOW - timedelta(days=365 * 9 + 7))
    for booking in (old, gone):
        notes.write_note(booking=booking, by=therapist_user, now=booking.end)
    assert notes.purge_notes(years=8, now=NOW) == 1
    assert list(TreatmentNote.objects.values_list("booking", flat=True)) == [old.pk]


def test_the_export_holds_the_notes_and_their_amendments(
    written, therapist_user, swedish, superuser
):
    notes.amend_note(note=written, by=therapist_user, now=NOW, techniques=[swedish])
    exported = notes.export_notes(written.booking.client, health_data_rule(superuser))[
        "treatment_notes"
    ]
    assert [n["subjective"] for n in exported] == ["Stiff lower back."]
    assert exported[0]["techniques"] == swedish.name
    assert [(a["field"], a["old_value"]) for a in exported[0]["amendments"]] == [("techniques", "")]


def test_erasure_keeps_notes_inside_retention_and_says_so(written, settings):
    settings.NOTES_RETENTION_YEARS = 8
    erased = notes.erase_notes(written.booking.client, NOW)
    assert (erased.kept, erased.deleted) == (1, 0)
    assert "1 treatment note(s) kept until Mon 27 Feb 2034" in erased.message
    assert "8 years after the last visit" in erased.message
    assert TreatmentNote.objects.filter(pk=written.pk).exists()


def test_erasure_deletes_notes_past_retention(written, settings):
    settings.NOTES_RETENTION_YEARS = 8
    erased = notes.erase_notes(written.booking.client, NOW + timedelta(days=365 * 9))
    assert (erased.kept, erased.deleted) == (0, 1)
    assert not TreatmentNote.objects.exists()


def data_page(client_record):
    return reverse("admin:bookings_client_data", args=[client_record.pk])


def test_a_clinical_leads_export_download_holds_the_notes(client, clock, written, clinical_lead):
    client.force_login(clinical_lead)
    response = client.post(data_page(written.booking.client), {"action": "download"})
    exported = json.loads(response.content)
    assert [n["subjective"] for n in exported["treatment_notes"]] == ["Stiff lower back."]
    assert exported["left_out"] == []


def test_front_desks_export_download_leaves_the_notes_out_and_says_so(
    client, clock, written, front_desk_user
):
    client.force_login(front_desk_user)
    response = client.post(data_page(written.booking.client), {"action": "download"})
    exported = json.loads(response.content)
    assert exported["treatment_notes"] == []
    assert "Stiff lower back" not in response.content.decode()
    assert "front desk may not read them" in exported["left_out"][0]


def test_erasing_a_client_keeps_notes_inside_retention_and_says_so_plainly(
    client, clock, written, front_desk_user
):
    client.force_login(front_desk_user)
    before = client.get(data_page(written.booking.client)).content.decode()
    assert "1 treatment note(s) kept until Mon 27 Feb 2034" in before

    response = client.post(
        data_page(written.booking.client), {"action": "erase", "confirm_erase": "on"}, follow=True
    )

    assert "clinical records must be kept for 8 years" in response.content.decode()
    note = TreatmentNote.objects.select_related("booking").get()
    assert note.subjective == "Stiff lower back."
    assert (note.booking.client_name, note.booking.start) == (ERASED_NAME, written.booking.start)


def test_erasing_a_client_without_notes_says_none_are_kept(client, clock, front_desk_user):
    booking = BookingFactory(past=True)
    client.force_login(front_desk_user)
    response = client.post(
        data_page(booking.client), {"action": "erase", "confirm_erase": "on"}, follow=True
    )
    assert "Treatment notes erased: 0." in response.content.decode()
