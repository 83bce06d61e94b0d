"""The trail of looks at health data as django-auditlog access entries: what an entry
holds (and never holds), that nothing else of ours is audit-logged, the marks on lists,
and the trail's part in a client's export and erasure."""

import json
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType

from bookings.booking import attendance
from bookings.models import Booking, Client, TreatmentNote
from bookings.models.clients import ERASED_NAME
from bookings.privacy import looks
from bookings.privacy import services as privacy
from bookings.records import notes
from bookings.records.services import merge_clients
from tests.clock import NOW
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

SESSION_END = NOW - timedelta(days=3) + timedelta(hours=3)


@pytest.fixture
def session(therapist):
    return BookingFactory(
        therapist=therapist,
        past=True,
        client_name="Jane Doe",
        with_intake=True,
        with_safety_facts=True,
    )


@pytest.fixture
def written(session, therapist_user):
    return notes.write_note(
        booking=session, by=therapist_user, now=SESSION_END, subjective="Stiff lower back."
    )


def test_each_kind_of_look_names_what_was_opened_and_whose(
    session, written, clinical_lead, superuser
):
    on_booking = looks.record_look(user=clinical_lead, opened=session, now=NOW)
    on_note = looks.record_look(user=clinical_lead, opened=written, now=NOW)
    on_client = looks.record_look(user=superuser, opened=session.client, now=NOW)
    assert [
        (e.content_type.model, e.object_id, e.object_pk, e.additional_data["what"])
        for e in looks.looks().order_by("pk")
    ] == [
        ("booking", session.pk, str(session.pk), "booking"),
        ("treatmentnote", written.pk, str(written.pk), "note"),
        ("client", session.client_id, str(session.client_id), "client_notes"),
    ]
    assert {e.additional_data["client"] for e in (on_booking, on_note, on_client)} == {
        session.client_id
    }
    assert [e.additional_data["booking"] for e in (on_booking, on_note, on_client)] == [
        session.pk,
        session.pk,
        None,
    ]
    assert all(e.action == LogEntry.Action.ACCESS and e.timestamp == NOW for e in looks.looks())
    assert on_client.actor == superuser and on_client.additional_data["staff"] == "boss"


def test_an_entry_holds_no_health_data_and_no_name(session, written, therapist_user):
    looks.record_look(user=therapist_user, opened=session, now=NOW)
    looks.record_look(user=therapist_user, opened=written, now=NOW)
    stored = json.dumps(list(LogEntry.objects.values()), default=str)
    for health_or_name in ("night_pain", "osteoporosis", "leg goes numb", "Stiff", "Jane"):
        assert health_or_name not in stored
    assert not LogEntry.objects.exclude(changes=None).exists()
    assert not LogEntry.objects.exclude(serialized_data=None).exists()


def test_the_client_and_booking_filter_on_this_database(session, therapist_user):
    other = BookingFactory(client_name="Someone Else")
    looks.record_look(user=therapist_user, opened=session, now=NOW)
    looks.record_look(user=therapist_user, opened=other, now=NOW)
    assert [e.object_id for e in looks.looks_at(session.client)] == [session.pk]
    assert looks.looks().filter(additional_data__booking=other.pk).count() == 1


def test_no_model_of_ours_is_registered_with_auditlog():
    from django.apps import apps

    ours = [
        m
        for name in ("bookings", "catalog", "clinic")
        for m in apps.get_app_config(name).get_models()
    ]
    assert not [m for m in ours if auditlog.contains(m)]


def test_saving_a_booking_with_intake_answers_and_a_note_writes_no_log_entry(
    therapist, therapist_user, swedish
):
    booking = BookingFactory(therapist=therapist, past=True, with_intake=True)
    booking.intake_answers = {**(booking.intake_answers or {}), "pain_now": 9}
    booking.save()
    note = notes.write_note(
        booking=booking,
        by=therapist_user,
        now=SESSION_END,
        subjective="Tight.",
        techniques=[swedish],
    )
    notes.amend_note(note=note, by=therapist_user, now=NOW, plan="More.")
    attendance.mark_completed(booking=booking, now=NOW)
    TreatmentNote.objects.all().delete()
    assert not LogEntry.objects.exists()


def test_a_look_at_a_merged_duplicate_is_on_the_kept_clients_trail(
    session, therapist_user, front_desk_user
):
    duplicate = BookingFactory(client_name="Jane D.")
    looks.record_look(user=therapist_user, opened=duplicate, now=NOW)
    assert session.client is not None and duplicate.client is not None
    merge_clients(keep=session.client, duplicate=duplicate.client, by=front_desk_user)
    assert looks.looks_at(session.client).count() == 1


# Marks on lists.


def test_marks_are_recorded_for_flagged_bookings_only_in_one_insert(
    session, therapist, therapist_user, django_assert_num_queries
):
    plain = BookingFactory(therapist=therapist, start=session.start + timedelta(days=1))
    ContentType.objects.get_for_model(Booking)
    with django_assert_num_queries(1):
        count = looks.record_marks(
            user=therapist_user, bookings=[session, plain], page=looks.Look.MARK_LIST, now=NOW
        )
    assert count == 1
    mark = looks.looks().get()
    assert (mark.object_id, mark.additional_data) == (
        session.pk,
        {
            "what": "mark_list",
            "client": session.client_id,
            "booking": session.pk,
            "staff": "therapist",
            "day": "2026-03-02",
        },
    )


def test_a_mark_is_on_the_trail_once_per_staff_member_booking_and_clinic_day(
    session, therapist_user, front_desk_user
):
    for page in [looks.Look.MARK_DAY, looks.Look.MARK_WEEK, looks.Look.MARK_LIST]:
        for minutes in [0, 5, 60 * 10]:
            looks.record_marks(
                user=therapist_user,
                bookings=[session],
                page=page,
                now=NOW + timedelta(minutes=minutes),
            )
    looks.record_marks(user=front_desk_user, bookings=[session], page=looks.Look.MARK_DAY, now=NOW)
    # The next clinic day (00:30 on 3 March in London): a new entry.
    looks.record_marks(
        user=therapist_user,
        bookings=[session],
        page=looks.Look.MARK_DAY,
        now=NOW.replace(hour=0, minute=30) + timedelta(days=1),
    )
    seen = sorted(
        (e.actor.username, e.additional_data["day"], e.additional_data["what"])
        for e in looks.looks()
    )
    assert seen == [
        ("frontdesk", "2026-03-02", "mark_day"),
        ("therapist", "2026-03-02", "mark_day"),
        ("therapist", "2026-03-03", "mark_day"),
    ]


def test_a_look_at_a_bookings_page_is_recorded_on_every_opening(session, therapist_user):
    looks.record_look(user=therapist_user, opened=session, now=NOW)
    looks.record_look(user=therapist_user, opened=session, now=NOW + timedelta(minutes=1))
    assert looks.looks().count() == 2


def test_the_trail_retention_deletes_old_looks_in_batches_and_logs_counts_only(
    session, therapist_user, caplog, monkeypatch
):
    monkeypatch.setattr(looks, "BATCH", 2)
    for years_ago in [9, 9, 9, 8, 1]:
        looks.record_look(
            user=therapist_user, opened=session, now=NOW.replace(year=NOW.year - years_ago)
        )
    with caplog.at_level("INFO", logger="bookings.privacy.looks"):
        deleted = looks.purge_old_looks(years=8, now=NOW + timedelta(days=1))
    assert deleted == 4
    assert looks.looks().count() == 1
    batches = [r.getMessage() for r in caplog.records if "Trail retention" in r.getMessage()]
    assert len(batches) == 2 and "(4 so far)" in batches[-1]
    assert session.client_name not in caplog.text and session.reference not in caplog.text


def test_a_list_without_marks_records_nothing_and_asks_nothing(
    therapist, therapist_user, django_assert_num_queries
):
    plain = BookingFactory(therapist=therapist)
    with django_assert_num_queries(0):
        looks.record_marks(user=therapist_user, bookings=[plain], page=looks.Look.MARK_DAY, now=NOW)


# Export and erasure.


def test_the_export_leaves_out_the_trail(session, clinical_lead, superuser):
    looks.record_look(user=clinical_lead, opened=session, now=NOW)
    exported = privacy.export_client(client=session.client, reader=superuser, now=NOW)
    assert not {"looks", "access_trail"} & set(exported)
    assert "clinicallead" not in json.dumps(exported, default=str)  # who looked


def test_erasure_keeps_who_looked_and_when_but_not_the_clients_name(
    session, written, therapist_user, clinical_lead
):
    looks.record_look(user=therapist_user, opened=session, now=NOW)
    looks.record_look(user=clinical_lead, opened=written, now=NOW)
    looks.record_look(user=clinical_lead, opened=session.client, now=NOW)
    # An entry as the library writes it by default: its text is the booking's str().
    LogEntry.objects.log_create(session, action=LogEntry.Action.ACCESS, force_log=True)
    assert LogEntry.objects.filter(object_repr__contains="Jane Doe").count() == 1
    before = list(LogEntry.objects.order_by("pk").values_list("pk", "actor", "timestamp"))

    privacy.erase_client(client=session.client, now=NOW)

    assert list(LogEntry.objects.order_by("pk").values_list("pk", "actor", "timestamp")) == before
    stored = json.dumps(list(LogEntry.objects.values()), default=str)
    assert "Jane" not in stored
    assert LogEntry.objects.filter(object_repr=f"{session.reference} · Erased client").exists()
    assert Client.objects.get(pk=session.client_id).name == ERASED_NAME
