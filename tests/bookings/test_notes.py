"""Treatment notes: the 24-hour edit window, amendments keeping the original, who may
read them, the trail of looks at health data, and the retention purge."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bookings.models import NoteAmendment, TreatmentNote
from bookings.privacy import retention
from bookings.privacy.looks import looks, record_look
from bookings.records import notes
from catalog.models import Technique
from tests.clock import NOW
from tests.factories import BookingFactory, StaffFactory, TherapistFactory

SESSION_END = NOW - timedelta(days=3) + timedelta(hours=3)  # Friday 27 February, 11:00


@pytest.fixture
def session(therapist):
    """Anna's session with Jane, Friday 27 February 10:00-11:00, with health data."""
    return BookingFactory(
        therapist=therapist,
        past=True,
        client_name="Jane Doe",
        with_intake=True,
        with_safety_facts=True,
    )


def write(session, user, when, **values):
    values = {"subjective": "Lower back stiff after gardening.", "pain_before": 6} | values
    return notes.write_note(booking=session, by=user, now=when, **values)


def test_the_sessions_therapist_writes_a_note_with_techniques_areas_and_pain(
    session, therapist_user, swedish
):
    note = write(
        session,
        therapist_user,
        SESSION_END,
        techniques=[swedish],
        areas=["lower", "neck_shoulders"],
        pressure="medium",
        pain_after=3,
    )
    note.refresh_from_db()
    assert note.written_by == therapist_user
    assert list(note.techniques.all()) == [swedish]
    assert note.areas == ["lower", "neck_shoulders"]
    assert (note.pain_before, note.pain_after) == (6, 3)


def test_pain_outside_0_to_10_is_refused(session, therapist_user):
    with pytest.raises(Exception, match="10"):
        write(session, therapist_user, SESSION_END, pain_after=11)
    assert not TreatmentNote.objects.exists()


def test_another_therapist_cannot_write_the_sessions_note(session, other_therapist):
    with pytest.raises(notes.NoteError):
        write(session, other_therapist.user, SESSION_END)


def test_a_note_changes_freely_until_24_hours_after_the_session(session, therapist_user):
    write(session, therapist_user, SESSION_END)
    note = write(
        session, therapist_user, SESSION_END + timedelta(hours=24), subjective="Rewritten."
    )
    assert note.subjective == "Rewritten."
    assert not NoteAmendment.objects.exists()


def test_after_24_hours_a_note_is_no_longer_rewritten(session, therapist_user):
    write(session, therapist_user, SESSION_END)
    with pytest.raises(notes.NoteError, match="amend"):
        write(session, therapist_user, SESSION_END + timedelta(hours=24, seconds=1))
    assert TreatmentNote.objects.get().subjective == "Lower back stiff after gardening."


def test_an_amendment_keeps_who_when_and_the_old_and_new_value(session, therapist_user):
    note = write(session, therapist_user, SESSION_END)
    later = SESSION_END + timedelta(days=2)
    amendments = notes.amend_note(
        note=note, by=therapist_user, now=later, subjective="Stiff after gardening.", pain_before=6
    )
    assert [(a.field, a.old_value, a.new_value) for a in amendments] == [
        ("subjective", "Lower back stiff after gardening.", "Stiff after gardening.")
    ]
    saved = NoteAmendment.objects.get()
    assert (saved.by, saved.at) == (therapist_user, later)
    note.refresh_from_db()
    lines = {line.label: line for line in notes.note_lines(note, [saved])}
    assert lines["Subjective"].original == "Lower back stiff after gardening."
    assert lines["Subjective"].current == "Stiff after gardening."
    assert not lines["Plan"].amended


def test_amending_techniques_records_their_names(session, therapist_user, swedish):
    note = write(session, therapist_user, SESSION_END, techniques=[swedish])
    deep = Technique.objects.exclude(pk=swedish.pk).order_by("name")[0]
    (amendment,) = notes.amend_note(
        note=note, by=therapist_user, now=NOW, techniques=[swedish, deep]
    )
    assert amendment.old_value == swedish.name
    assert amendment.new_value == ", ".join(sorted([swedish.name, deep.name]))


# Who may read notes.


@pytest.fixture
def written(session, therapist_user):
    return write(session, therapist_user, SESSION_END)


def test_the_writer_and_the_sessions_therapist_see_the_note(written, therapist_user):
    assert list(notes.visible_notes(therapist_user)) == [written]


@pytest.mark.parametrize("lead", ["clinical_lead", "superuser"])
def test_clinical_leads_and_superusers_see_every_note(request, written, lead):
    assert list(notes.visible_notes(request.getfixturevalue(lead))) == [written]


@pytest.mark.parametrize("who", ["front_desk_user", "content_editor"])
def test_front_desk_and_content_editors_see_no_note(request, written, who):
    assert not notes.visible_notes(request.getfixturevalue(who)).exists()


def test_a_therapist_of_other_clients_sees_no_note(written, other_therapist):
    BookingFactory(therapist=other_therapist, client_name="Someone else")
    assert not notes.visible_notes(other_therapist.user).exists()


def admin_note_url(note):
    return reverse("admin:bookings_treatmentnote_change", args=[note.pk])


@pytest.mark.parametrize("who", ["front_desk_user", "content_editor"])
def test_front_desk_and_content_editors_are_refused_the_notes_admin(client, request, written, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("admin:bookings_treatmentnote_changelist")).status_code == 403
    assert client.get(admin_note_url(written)).status_code in (403, 404)
    assert not looks().exists()


def test_a_therapist_of_other_clients_gets_not_found(client, written, other_therapist):
    client.force_login(other_therapist.user)
    assert client.get(admin_note_url(written)).status_code == 404
    listing = client.get(reverse("admin:bookings_treatmentnote_changelist"))
    assert "Jane Doe" not in listing.content.decode()


def test_the_note_page_shows_the_original_and_the_amendments(
    client, clock, written, therapist_user
):
    notes.amend_note(note=written, by=therapist_user, now=NOW, plan="Two more sessions.")
    client.force_login(therapist_user)
    response = client.get(admin_note_url(written))
    page = response.content.decode()
    assert "As first written" in page and "Two more sessions." in page
    assert "Amendments" in page and "Amend note" in page
    assert "no-store" in response["Cache-Control"]


def test_the_note_page_reads_in_a_fixed_number_of_queries(
    client, clock, written, clinical_lead, django_assert_num_queries
):
    for n in range(3):
        notes.amend_note(note=written, by=written.written_by, now=NOW, plan=f"Plan {n}")
    client.force_login(clinical_lead)
    client.get(admin_note_url(written))  # warm the session and content types
    with django_assert_num_queries(11):
        assert client.get(admin_note_url(written)).status_code == 200


def test_the_notes_list_reads_in_a_fixed_number_of_queries(
    client, clock, clinical_lead, django_assert_num_queries
):
    for _ in range(4):
        booking = BookingFactory(past=True)
        notes.write_note(booking=booking, by=booking.therapist.user, now=SESSION_END)
    client.force_login(clinical_lead)
    url = reverse("admin:bookings_treatmentnote_changelist")
    client.get(url)
    with django_assert_num_queries(7):  # no full count (show_full_result_count)
        assert client.get(url).status_code == 200


# Writing from the booking's page.


def test_the_booking_page_links_its_therapist_to_the_note_form(client, clock, session, therapist):
    client.force_login(therapist.user)
    page = client.get(reverse("admin:bookings_booking_change", args=[session.pk])).content
    assert b"Write treatment notes" in page


def test_the_note_form_saves_and_after_24_hours_saves_an_amendment(
    client, clock, session, therapist_user, swedish
):
    client.force_login(therapist_user)
    url = reverse("admin:bookings_booking_note", args=[session.pk])
    form = {
        "subjective": "Tight lower back.",
        "techniques": [swedish.pk],
        "areas": ["lower"],
        "pressure": "firm",
        "pain_before": "7",
        "pain_after": "4",
    }
    clock.move_to(SESSION_END + timedelta(hours=1), tick=False)
    assert client.post(url, form).status_code == 302
    clock.move_to(SESSION_END + timedelta(days=3), tick=False)
    assert b"Save amendment" in client.get(url).content
    assert client.post(url, form | {"pain_after": "2"}).status_code == 302
    amendment = NoteAmendment.objects.get()
    assert (amendment.field, amendment.old_value, amendment.new_value) == ("pain_after", "4", "2")


def test_the_note_form_refuses_bad_pain_with_a_message(client, clock, session, therapist_user):
    client.force_login(therapist_user)
    url = reverse("admin:bookings_booking_note", args=[session.pk])
    response = client.post(url, {"pain_before": "12"})
    assert response.status_code == 200
    assert b"less than or equal to 10" in response.content
    assert not TreatmentNote.objects.exists()


@pytest.mark.parametrize("who", ["front_desk_user", "clinical_lead"])
def test_only_the_sessions_therapist_reaches_the_note_form(client, request, session, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("admin:bookings_booking_note", args=[session.pk])).status_code == 404


# The trail of looks at health data.


def test_opening_a_bookings_health_data_is_recorded_without_the_data(
    client, clock, session, therapist_user
):
    client.force_login(therapist_user)
    client.get(reverse("admin:bookings_booking_change", args=[session.pk]))
    look = looks().get()
    assert (look.actor, look.content_type.model, look.object_id, look.timestamp) == (
        therapist_user,
        "booking",
        session.pk,
        timezone.now(),
    )
    assert look.additional_data == {
        "what": "booking",
        "client": session.client_id,
        "booking": session.pk,
        "staff": "therapist",
    }
    assert (look.changes, look.serialized_data) == (None, None)
    stored = " ".join(str(v) for v in looks().values().get().values())
    assert "night_pain" not in stored and "osteoporosis" not in stored
    assert "Jane Doe" not in stored


def test_front_desk_opening_a_booking_is_recorded_too(client, clock, session, front_desk_user):
    client.force_login(front_desk_user)
    client.get(reverse("admin:bookings_booking_change", args=[session.pk]))
    assert looks().get().actor == front_desk_user


def test_opening_a_note_is_recorded_on_every_view(client, clock, written, clinical_lead):
    client.force_login(clinical_lead)
    for _ in range(2):
        client.get(admin_note_url(written))
    assert [
        (look.actor, look.content_type.model, look.object_id, look.additional_data["booking"])
        for look in looks()
    ] == [(clinical_lead, "treatmentnote", written.pk, written.booking_id)] * 2
    assert looks().filter(additional_data__what="note").count() == 2


def test_opening_the_note_form_of_a_written_note_is_recorded(
    client, clock, written, therapist_user
):
    client.force_login(therapist_user)
    client.get(reverse("admin:bookings_booking_note", args=[written.booking_id]))
    look = looks().get()
    assert (look.content_type.model, look.object_id) == ("treatmentnote", written.pk)
    assert look.additional_data["client"] == written.booking.client_id


def test_pages_without_health_data_record_nothing(client, clock, session, therapist_user):
    client.force_login(therapist_user)
    session.warning_flags = []
    session.save()
    client.get(reverse("admin:bookings_booking_changelist"))
    client.get(reverse("admin:bookings_treatmentnote_changelist"))
    client.get(reverse("admin:index"))
    assert not looks().exists()


def test_only_superusers_read_the_trail(client, clock, session, therapist_user, superuser):
    record_look(user=therapist_user, opened=session, now=NOW)
    url = reverse("admin:auditlog_logentry_changelist")
    client.force_login(therapist_user)
    assert client.get(url).status_code == 403
    client.force_login(superuser)
    by_staff = client.get(url, {"actor__id__exact": therapist_user.pk})
    assert by_staff.status_code == 200 and "Jane Doe" in by_staff.content.decode()
    by_reference = client.get(url, {"q": f"Booking {session.reference}"})
    assert "Jane Doe" in by_reference.content.decode()


# Retention.


def test_notes_past_retention_are_purged_and_recent_ones_kept(settings, therapist_user, therapist):
    old = BookingFactory(therapist=therapist, start=NOW - timedelta(days=365 * 9))
    recent = BookingFactory(therapist=therapist, start=NOW - timedelta(days=365 * 7))
    for booking in (old, recent):
        note = notes.write_note(booking=booking, by=therapist_user, now=booking.end)
        notes.amend_note(note=note, by=therapist_user, now=NOW, plan="later")
    settings.NOTES_RETENTION_YEARS = 8
    out = StringIO()
    call_command("purge_health_answers", stdout=out)
    assert "Removed 1 treatment note(s)" in out.getvalue()
    assert list(TreatmentNote.objects.values_list("booking", flat=True)) == [recent.pk]
    assert NoteAmendment.objects.get().note.booking == recent


def test_retention_counts_whole_years_even_from_29_february():
    from datetime import UTC, datetime

    leap = datetime(2028, 2, 29, 3, tzinfo=UTC)
    assert retention.years_before(leap, 1) == datetime(2027, 2, 28, 3, tzinfo=UTC)
    assert retention.years_before(leap, 8) == datetime(2020, 2, 29, 3, tzinfo=UTC)


def test_a_therapist_without_login_rows_sees_nothing(db):
    TherapistFactory()
    assert not notes.visible_notes(StaffFactory()).exists()
