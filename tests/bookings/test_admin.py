from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse

from bookings.models import Booking, BookingStatus, ClinicRules, Therapist, TimeOff, WorkingHours
from bookings.privacy.looks import looks
from tests.factories import BookingFactory, TherapistFactory, TimeOffFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def therapist_hours():
    """No working hours: each test adds the ones it looks at."""
    return {}


PAST = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
FUTURE = datetime(2030, 7, 1, 9, 0, tzinfo=UTC)
ANSWERS = {
    "areas": ["lower", "neck_shoulders"],
    "duration": "weeks",
    "intensity": 6,
    "frequency": "often",
    "feelings": ["knots"],
    "triggers": ["sitting"],
    "pressure": "firm",
    "conditions": ["osteoporosis"],
    "warning_signs": ["night_pain"],
    "description": "Worse after <long> drives",
}


def change_url(obj, view="change"):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


def changelist(model):
    return reverse(f"admin:bookings_{model._meta.model_name}_changelist")


def action(client, name, bookings, **extra):
    # The browser posts to the list as filtered; these lists show every booking.
    return client.post(
        changelist(Booking) + "?when=all&status=all",
        {"action": name, "_selected_action": [b.pk for b in bookings], **extra},
    )


def confirmed_cancel(client, bookings, reason=""):
    """The list's cancel action as staff answer its question: yes, with a reason."""
    return action(client, "cancel_bookings", bookings, confirm="yes", reason=reason)


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# What each role may change (who sees which rows: test_staff_scope.py)


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def test_a_therapist_edits_their_own_bio_and_hours_but_not_what_they_offer(client, therapist):
    client.force_login(therapist.user)
    url = change_url(therapist)
    page = client.get(url).content.decode()
    assert 'name="bio"' in page
    assert 'name="techniques"' not in page
    data = {
        "display_name": "Anna Kowalska",
        "bio": "Twenty years of sports massage.",
        "techniques": ["1", "2", "3"],
        "is_active": "",
        **inline_management("working_hours", total=1),
        "working_hours-0-weekday": 2,
        "working_hours-0-start_time": "09:00",
        "working_hours-0-end_time": "12:00",
        **inline_management("time_off"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    therapist.refresh_from_db()
    assert therapist.display_name == "Anna Kowalska"
    assert therapist.is_active
    assert [t.slug for t in therapist.techniques.all()] == ["swedish"]
    assert list(therapist.working_hours.values_list("weekday", flat=True)) == [2]


def test_working_hours_ending_before_they_start_are_a_form_error(
    client, front_desk_user, therapist
):
    client.force_login(front_desk_user)
    response = client.post(
        reverse("admin:bookings_workinghours_add"),
        {"therapist": therapist.pk, "weekday": 0, "start_time": "13:00", "end_time": "09:00"},
    )
    assert response.status_code == 200
    assert "before the end time" in response.content.decode()
    assert not WorkingHours.objects.exists()


def test_only_front_desk_adds_bookings_and_only_a_superuser_deletes(
    client, front_desk_user, superuser, therapist, content_editor
):
    booking = BookingFactory.create(therapist=therapist)
    for user in (therapist.user, content_editor):
        client.force_login(user)
        assert client.get(reverse("admin:bookings_booking_add")).status_code == 403
    for user in (therapist.user, front_desk_user):
        client.force_login(user)
        assert client.get(change_url(booking, "delete")).status_code == 403
    for user in (front_desk_user, superuser):
        client.force_login(user)
        assert client.get(reverse("admin:bookings_booking_add")).status_code == 200
    assert client.get(change_url(booking, "delete")).status_code == 200


# The booking list and page


def test_the_list_shows_local_start_warnings_and_status(client, front_desk_user, therapist):
    BookingFactory.create(
        therapist=therapist,
        start=datetime(2026, 7, 1, 9, 0, tzinfo=UTC),
        warning_flags=["night_pain", "injury"],
        client_name="Jo Warned",
    )
    client.force_login(front_desk_user)
    html = client.get(changelist(Booking), {"when": "all"}).content.decode()
    assert "Wed 1 Jul 2026, 10:00" in html
    assert "Constant pain at night or at rest; A recent fall or accident" in html
    assert "Confirmed" in html
    assert "Anna K." in html


@pytest.mark.parametrize("term", ["Maria Lopez", "maria@example.org", "ABCD2345"])
def test_the_list_searches_name_email_and_reference(client, front_desk_user, therapist, term):
    BookingFactory.create(
        therapist=therapist,
        client_name="Maria Lopez",
        client_email="maria@example.org",
        reference="ABCD2345",
    )
    BookingFactory.create(therapist=therapist, client_name="Someone Else", start=FUTURE)
    client.force_login(front_desk_user)
    html = client.get(changelist(Booking), {"q": term}).content.decode()
    assert "ABCD2345" in html
    assert "Someone Else" not in html


def test_the_list_filters_by_status_therapist_technique_and_day(
    client, front_desk_user, therapist, other_therapist
):
    BookingFactory.create(therapist=therapist, client_name="Kept Anna")
    BookingFactory.create(
        therapist=other_therapist, client_name="Gone Ben", status=BookingStatus.CANCELLED
    )
    BookingFactory.create(
        therapist=other_therapist,
        client_name="Later Ben",
        start=FUTURE,
    )
    client.force_login(front_desk_user)
    url = changelist(Booking)
    html = client.get(url, {"status": "cancelled", "when": "all"}).content.decode()
    assert "Gone Ben" in html and "Kept Anna" not in html
    html = client.get(url, {"therapist__id__exact": therapist.pk, "when": "all"}).content.decode()
    assert "Kept Anna" in html and "Gone Ben" not in html
    html = client.get(url, {"when": "upcoming"}).content
    assert b"Later Ben" in html and b"Kept Anna" not in html
    response = client.get(url, {"technique__id__exact": 999999})
    assert response.status_code == 200
    assert b"Kept Anna" not in response.content


def test_health_answers_are_shown_as_labels_to_the_therapist_of_the_booking(client, therapist):
    booking = BookingFactory.create(
        therapist=therapist, intake_answers=ANSWERS, warning_flags=["night_pain"]
    )
    client.force_login(therapist.user)
    html = client.get(change_url(booking)).content.decode()
    assert "Lower back, Neck and shoulders" in html
    assert "Long sitting, desk work or posture" in html
    assert "Osteoporosis" in html
    assert "Worse after &lt;long&gt; drives" in html
    assert "Constant pain at night or at rest" in html
    assert "neck_shoulders" not in html
    assert 'name="intake_answers"' not in html


@pytest.mark.parametrize("who", ["front_desk_user", "superuser"])
def test_front_desk_and_superusers_see_health_answers(client, request, therapist, who):
    booking = BookingFactory.create(therapist=therapist, intake_answers=ANSWERS)
    client.force_login(request.getfixturevalue(who))
    assert "Lower back, Neck and shoulders" in client.get(change_url(booking)).content.decode()


def test_a_booking_without_consent_says_the_answers_were_not_kept(client, therapist):
    booking = BookingFactory.create(therapist=therapist, intake_answers=None)
    client.force_login(therapist.user)
    assert "did not consent" in client.get(change_url(booking)).content.decode()


def test_the_change_form_edits_contact_details_but_never_time_therapist_or_status(
    client, front_desk_user, therapist, other_therapist
):
    booking = BookingFactory.create(therapist=therapist, start=FUTURE)
    client.force_login(front_desk_user)
    response = client.post(
        change_url(booking),
        {
            "client_name": "New Name",
            "client_email": "new@example.com",
            "client_phone": "0117 000 0000",
            "therapist": other_therapist.pk,
            "status": "cancelled",
            "start_0": "2030-07-02",
            "start_1": "09:00",
            "blocked_until_0": "2030-07-02",
            "blocked_until_1": "11:00",
            # The read-only message history inline still posts its management form.
            "notifications-TOTAL_FORMS": "0",
            "notifications-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.client_name == "New Name"
    assert booking.client_phone == "+441170000000"  # E.164, like the booking form's
    assert booking.therapist == therapist
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.start == FUTURE


def test_a_bad_email_on_the_change_form_is_a_form_error(client, front_desk_user, therapist):
    booking = BookingFactory.create(therapist=therapist, start=FUTURE)
    client.force_login(front_desk_user)
    response = client.post(
        change_url(booking),
        {"client_name": "X", "client_email": "not an email", "client_phone": "1"},
    )
    assert response.status_code == 200
    assert "valid email" in response.content.decode()
    assert "Please enter a phone number we can reach" in response.content.decode()


# Actions through the services


def test_cancelling_from_the_list_goes_through_the_service(client, therapist):
    bookings = [
        BookingFactory.create(therapist=therapist, start=FUTURE + timedelta(days=n))
        for n in range(2)
    ]
    client.force_login(therapist.user)
    question = action(client, "cancel_bookings", bookings)
    assert question.status_code == 200
    assert "Cancel these bookings?" in question.content.decode()
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.CONFIRMED}

    response = confirmed_cancel(client, bookings, reason="Therapist ill")
    assert response.status_code == 302
    assert "2 bookings cancelled." in texts(response)
    assert set(Booking.objects.values_list("status", "cancel_reason", "cancelled_by")) == {
        (BookingStatus.CANCELLED, "Therapist ill", therapist.user.pk)
    }


def test_marking_a_future_session_completed_is_refused_per_booking(client, therapist):
    past = BookingFactory.create(therapist=therapist, start=PAST)
    future = BookingFactory.create(therapist=therapist, start=FUTURE, reference="FUTURE22")
    client.force_login(therapist.user)
    response = action(client, "mark_completed", [past, future])
    assert response.status_code == 302
    messages = texts(response)
    assert "FUTURE22: This session has not started yet." in messages
    assert "1 booking marked as completed." in messages
    past.refresh_from_db()
    future.refresh_from_db()
    assert past.status == BookingStatus.COMPLETED
    assert future.status == BookingStatus.CONFIRMED


def test_marking_a_no_show(client, front_desk_user, therapist):
    booking = BookingFactory.create(therapist=therapist, start=PAST)
    client.force_login(front_desk_user)
    action(client, "mark_no_show", [booking])
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


def test_a_finished_session_cannot_be_cancelled(client, front_desk_user, therapist):
    booking = BookingFactory.create(
        therapist=therapist, start=PAST, status=BookingStatus.COMPLETED, reference="DONE2345"
    )
    client.force_login(front_desk_user)
    response = confirmed_cancel(client, [booking])
    assert "DONE2345: This session has already taken place; it cannot be cancelled." in texts(
        response
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED


def test_confirming_again_when_the_time_was_taken_is_a_message_not_an_error(
    client, front_desk_user, therapist
):
    cancelled = BookingFactory.create(
        therapist=therapist, start=FUTURE, status=BookingStatus.CANCELLED, reference="OLDER234"
    )
    BookingFactory.create(therapist=therapist, start=FUTURE)
    restorable = BookingFactory.create(
        therapist=therapist, start=FUTURE + timedelta(days=1), status=BookingStatus.CANCELLED
    )
    client.force_login(front_desk_user)
    response = action(client, "confirm_bookings", [cancelled, restorable])
    assert response.status_code == 302
    messages = texts(response)
    assert "OLDER234: Sorry, that time has just been taken. Please choose another time." in messages
    assert "1 booking confirmed." in messages
    cancelled.refresh_from_db()
    restorable.refresh_from_db()
    assert cancelled.status == BookingStatus.CANCELLED
    assert restorable.status == BookingStatus.CONFIRMED


def test_a_content_editor_cannot_post_actions(client, content_editor, therapist):
    booking = BookingFactory.create(therapist=therapist, start=FUTURE)
    client.force_login(content_editor)
    assert action(client, "cancel_bookings", [booking]).status_code == 403
    assert confirmed_cancel(client, [booking]).status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


# Clinic rules


def test_clinic_rules_open_straight_on_the_single_row(client, front_desk_user):
    client.force_login(front_desk_user)
    response = client.get(changelist(ClinicRules))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:bookings_clinicrules_change", args=[1])


def test_clinic_rules_cannot_be_added_twice_or_deleted(client, front_desk_user):
    client.force_login(front_desk_user)
    assert client.get(reverse("admin:bookings_clinicrules_add")).status_code == 403
    assert client.get(reverse("admin:bookings_clinicrules_delete", args=[1])).status_code == 403
    assert ClinicRules.objects.count() == 1


def test_front_desk_edits_the_clinic_rules(client, front_desk_user):
    client.force_login(front_desk_user)
    response = client.post(
        reverse("admin:bookings_clinicrules_change", args=[1]),
        {
            "buffer_minutes": 10,
            "min_notice_minutes": 60,
            "booking_horizon_days": 21,
            "slot_step_minutes": 30,
            "cancellation_window_hours": 24,
            "reminder_hours_before": 24,
            "safety_recheck_days": 21,
            "trail_names": "role",
            "payment_policy": "at_clinic",
        },
    )
    assert response.status_code == 302
    assert ClinicRules.load().slot_step_minutes == 30
    assert ClinicRules.load().safety_recheck_days == 21
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Clinic rules saved."]


def test_front_desk_chooses_how_clients_see_staff_named_on_their_trail(client, front_desk_user):
    client.force_login(front_desk_user)
    page = client.get(reverse("admin:bookings_clinicrules_change", args=[1]))
    assert "Staff named to clients as" in page.content.decode()
    response = client.post(
        reverse("admin:bookings_clinicrules_change", args=[1]),
        {
            "buffer_minutes": 15,
            "min_notice_minutes": 120,
            "booking_horizon_days": 28,
            "slot_step_minutes": 15,
            "cancellation_window_hours": 24,
            "reminder_hours_before": 24,
            "safety_recheck_days": 30,
            "trail_names": "first_name",
            "payment_policy": "at_clinic",
        },
    )
    assert response.status_code == 302
    assert ClinicRules.load().trail_names == "first_name"


def test_a_therapist_cannot_change_the_clinic_rules(client, therapist):
    client.force_login(therapist.user)
    assert client.get(changelist(ClinicRules)).status_code == 403
    assert client.get(reverse("admin:bookings_clinicrules_change", args=[1])).status_code == 403


# Query counts


@pytest.mark.parametrize("who", ["front_desk_user", "therapist_user"])
def test_the_booking_list_makes_a_fixed_number_of_queries(
    client, request, therapist, other_therapist, who, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(who))
    url = changelist(Booking)
    BookingFactory.create(therapist=therapist, start=FUTURE)
    BookingFactory.create(therapist=other_therapist, start=FUTURE)
    client.get(url)  # warm the session and content types
    with django_assert_num_queries(BOOKING_LIST_QUERIES[who]) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 20):
        BookingFactory.create(
            therapist=therapist if n % 2 else other_therapist,
            start=FUTURE + timedelta(days=n),
            warning_flags=["injury"],
        )
    # The same reads, and one INSERT recording the looks at the safety marks now shown
    # (the content type is cached once per process, as the warm-up does for the others).
    ContentType.objects.get_for_model(Booking)
    with django_assert_num_queries(len(one.captured_queries) + 1):
        response = client.get(url)
    assert response.context["cl"].result_count == {"front_desk_user": 21, "therapist_user": 11}[who]
    assert looks().filter(additional_data__what="mark_list").count() == len(
        [b for b in response.context["cl"].result_list if b.warning_flags]
    )


def test_the_therapist_list_makes_a_fixed_number_of_queries(
    client, front_desk_user, django_assert_num_queries
):
    client.force_login(front_desk_user)
    url = changelist(Therapist)
    TherapistFactory.create(techniques=["swedish", "deep-tissue"])
    client.get(url)
    with django_assert_num_queries(QUERIES["therapist list"]):
        client.get(url)
    for _ in range(19):
        TherapistFactory.create(techniques=["swedish", "deep-tissue"])
    with django_assert_num_queries(QUERIES["therapist list"]):
        response = client.get(url)
    assert response.context["cl"].result_count == 20


@pytest.mark.parametrize("model", [TimeOff, WorkingHours])
def test_the_time_off_and_hours_lists_make_a_fixed_number_of_queries(
    client, front_desk_user, model, django_assert_num_queries
):
    client.force_login(front_desk_user)
    url = changelist(model)
    factory = TimeOffFactory if model is TimeOff else WorkingHoursFactory
    factory.create()
    client.get(url)
    with django_assert_num_queries(QUERIES[model.__name__]) as one:
        client.get(url)
    for _ in range(19):
        factory.create()
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


# Session, user, groups, permissions, the staff scope, the filtered count (no count of
# the whole table: show_full_result_count is off), filters, date hierarchy and the rows:
# none of them repeats per row.
BOOKING_LIST_QUERIES = {"front_desk_user": 12, "therapist_user": 10}
QUERIES = {
    "therapist list": 12,
    "TimeOff": 13,
    "WorkingHours": 11,
}


# Check before starting: the safety facts every booking keeps, and who checked them.


def test_the_therapist_sees_the_safety_facts_kept_without_consent(client, therapist):
    booking = BookingFactory.create(therapist=therapist, with_safety_facts=True)
    client.force_login(therapist.user)

    html = client.get(change_url(booking)).content.decode()

    assert "Check before starting" in html
    assert "needed to treat safely" in html
    assert "Constant pain at night or at rest" in html
    assert "Osteoporosis" in html
    assert "Numbness or tingling down one leg: they wrote “leg goes numb”" in html
    assert "You said it hurts constantly at night or at rest." in html
    assert "did not consent" in html
    assert "Not yet" in html


def test_front_desk_sees_the_safety_facts(client, front_desk_user, therapist):
    booking = BookingFactory.create(therapist=therapist, with_safety_facts=True)
    client.force_login(front_desk_user)

    assert "Osteoporosis" in client.get(change_url(booking)).content.decode()


def test_the_therapist_of_the_booking_records_the_safety_check(client, therapist, now):
    booking = BookingFactory.create(therapist=therapist, with_safety_facts=True)
    client.force_login(therapist.user)

    response = action(client, "record_safety_check", [booking])

    assert "1 booking recorded as checked with the client." in texts(response)
    booking.refresh_from_db()
    assert booking.safety_checked_by == therapist.user and booking.safety_checked_at == now
    html = client.get(change_url(booking)).content.decode()
    assert f"Mon 2 Mar 2026, 08:00, by {therapist.user.get_full_name()}" in html


def test_another_therapist_cannot_record_the_check_nor_see_the_facts(
    client, therapist, other_therapist
):
    booking = BookingFactory.create(therapist=therapist, with_safety_facts=True)
    client.force_login(other_therapist.user)

    action(client, "record_safety_check", [booking])

    booking.refresh_from_db()
    assert booking.safety_checked_at is None
    assert client.get(change_url(booking)).status_code in (302, 404)


def test_front_desk_cannot_record_a_check_they_did_not_make(client, front_desk_user, therapist):
    booking = BookingFactory.create(therapist=therapist, with_safety_facts=True)
    client.force_login(front_desk_user)

    response = action(client, "record_safety_check", [booking])

    assert any("Only the therapist of this session" in text for text in texts(response))
    booking.refresh_from_db()
    assert booking.safety_checked_at is None
