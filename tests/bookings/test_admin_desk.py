"""The front desk's day in the admin: the day view, booking a phone client, moving and
cancelling with a reason, per role."""

from datetime import UTC, date, timedelta
from urllib.parse import quote

import pytest
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from bookings.models import Booking, BookingStatus, Notification, NotificationKind
from bookings.privacy.looks import looks
from tests.clock import NOW, clinic_time
from tests.factories import (
    BookingFactory,
    ClinicClosureFactory,
    TherapistFactory,
    TimeOffFactory,
    answered,
)

pytestmark = pytest.mark.django_db

DAY_URL = reverse("admin:bookings_booking_day")
ADD_URL = reverse("admin:bookings_booking_add")
TUESDAY = date(2026, 3, 3)
TUESDAY_10 = clinic_time(NOW + timedelta(days=1), 10)


def move_url(booking):
    return reverse("admin:bookings_booking_move", args=[booking.pk])


def cancel_url(booking):
    return reverse("admin:bookings_booking_cancel", args=[booking.pk])


def change_url(booking):
    return reverse("admin:bookings_booking_change", args=[booking.pk])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# The day view


def test_front_desk_sees_every_therapist_side_by_side_today(
    client, now, front_desk_user, therapist, other_therapist
):
    own = BookingFactory(
        therapist=therapist, start=clinic_time(now, 10), client_name="Olive Own-Client"
    )
    BookingFactory(
        therapist=other_therapist,
        start=clinic_time(now, 11),
        client_name="Oscar Other",
        warning_flags=["night_pain"],
    )
    client.force_login(front_desk_user)
    response = client.get(DAY_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Day of Mon 2 Mar 2026" in html
    assert '<th scope="col">Anna K.</th>' in html and '<th scope="col">Ben M.</th>' in html
    assert '<th scope="row" class="day-time">09:00</th>' in html
    assert reverse("admin:bookings_booking_change", args=[own.pk]) in html
    assert "Olive · Swedish Massage" in html
    assert "Own-Client" not in html  # first names only
    assert "Check the safety answers first" in html
    assert 'rowspan="4"' in html
    # 08:00 is before anyone works: the "now" row is the first one only once it is 09:00.
    assert "day-now" not in html


def test_the_now_row_is_marked_and_free_gaps_link_to_a_prefilled_booking(
    client, clock, front_desk_user, therapist
):
    clock.move_to(clinic_time(NOW, 9, 20))
    client.force_login(front_desk_user)
    html = client.get(DAY_URL).content.decode()
    assert '<tr class="day-now">' in html
    assert "09:15 <span" in html
    gap = clinic_time(NOW, 9, 30).astimezone(UTC)
    local = gap.astimezone(therapist_zone())
    assert f"?therapist={therapist.pk}&amp;start={quote(local.isoformat())}" in html
    # The 09:00 row has passed: no link to book it.
    past = clinic_time(NOW, 9).astimezone(therapist_zone())
    assert quote(past.isoformat()) not in html


def therapist_zone():
    from bookings.scheduling.selectors import clinic_zone

    return clinic_zone()


def test_a_therapist_sees_only_their_own_column(client, now, therapist, other_therapist):
    BookingFactory(therapist=other_therapist, start=clinic_time(now, 11), client_name="Oscar X")
    client.force_login(therapist.user)
    html = client.get(DAY_URL).content.decode()
    assert "Anna K." in html
    assert "Ben M." not in html and "Oscar" not in html
    # Therapists do not book: no gap links, no add link.
    assert ADD_URL not in html


def test_a_content_editor_cannot_open_the_day_view(client, content_editor):
    client.force_login(content_editor)
    assert client.get(DAY_URL).status_code == 403


def test_a_date_that_cannot_be_read_says_so_and_shows_today(client, now, front_desk_user):
    client.force_login(front_desk_user)
    response = client.get(DAY_URL, {"date": "2026-02-31"})
    assert response.status_code == 200
    assert "That date could not be read" in response.content.decode()
    assert "Day of Mon 2 Mar 2026" in response.content.decode()


def test_the_day_view_shows_time_off_and_picks_other_days(client, now, front_desk_user, therapist):
    TimeOffFactory(
        therapist=therapist, start=clinic_time(now, 14), end=clinic_time(now, 17), reason="Dentist"
    )
    client.force_login(front_desk_user)
    html = client.get(DAY_URL, {"date": "2026-03-02"}).content.decode()
    assert 'class="day-time-off"' in html
    assert "?date=2026-03-01" in html and "?date=2026-03-03" in html
    html = client.get(DAY_URL, {"date": "2026-03-03"}).content.decode()
    assert "Day of Tue 3 Mar 2026" in html
    assert 'href="?">Today</a>' in html


def test_a_closure_is_shaded_and_a_session_it_covers_needs_attention(
    client, front_desk_user, therapist
):
    tuesday_session = BookingFactory(therapist=therapist, start=TUESDAY_10, client_name="Cleo C")
    ClinicClosureFactory(start_date=TUESDAY, end_date=TUESDAY, reason="Staff training")
    client.force_login(front_desk_user)
    html = client.get(DAY_URL, {"date": "2026-03-03"}).content.decode()
    assert "The clinic is closed: Staff training" in html
    assert 'class="day-time-off day-closure"' in html and ">Closed<" in html
    assert "day-free-link" not in html
    assert html.count("Needs attention") == 2  # the grid's block and the narrow list
    assert change_url(tuesday_session) in html


def test_names_with_markup_or_quotes_are_shown_as_text_in_the_day_view(
    client, now, front_desk_user, therapist
):
    therapist.display_name = 'Anna "<script>alert(1)</script>'
    therapist.save()
    BookingFactory(
        therapist=therapist, start=TUESDAY_10, client_name='"Jo<script>alert(2)</script>" Doe'
    )
    TimeOffFactory(
        therapist=therapist,
        start=clinic_time(NOW + timedelta(days=1), 14),
        end=clinic_time(NOW + timedelta(days=1), 15),
        reason="<script>alert(3)</script>",
    )
    client.force_login(front_desk_user)
    html = client.get(DAY_URL, {"date": "2026-03-03"}).content.decode()
    assert "alert(" in html
    assert "<script>alert" not in html
    name = "Anna &quot;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f'<th scope="col">{name}</th>' in html
    assert f'<span class="visually-hidden"> Book {name} at 09:00</span>' in html
    first_name = "&quot;Jo&lt;script&gt;alert(2)&lt;/script&gt;&quot;"
    # The grid's block and the narrow list.
    assert html.count(f"{first_name} · Swedish Massage") == 2


def test_a_session_outside_the_hours_needs_attention_but_others_do_not(
    client, front_desk_user, therapist
):
    BookingFactory(therapist=therapist, start=TUESDAY_10, client_name="Fine F")
    BookingFactory(
        therapist=therapist, start=clinic_time(NOW + timedelta(days=1), 18), client_name="Late L"
    )
    client.force_login(front_desk_user)
    html = client.get(DAY_URL, {"date": "2026-03-03"}).content.decode()
    assert html.count("Needs attention") == 2
    assert '<th scope="row" class="day-time">18:45</th>' in html  # the grid reaches it


@pytest.mark.parametrize(
    ("day", "labels"),
    [
        pytest.param("2026-03-29", ["09:00 BST", "16:45 BST"], id="spring forward"),
        pytest.param("2026-10-25", ["09:00 GMT", "16:45 GMT"], id="fall back"),
    ],
)
def test_the_clock_change_days_show_their_zone(client, front_desk_user, therapist, day, labels):
    from tests.factories import WorkingHoursFactory

    WorkingHoursFactory(therapist=therapist, weekday=6)  # Sundays, 09:00 to 17:00
    client.force_login(front_desk_user)
    html = client.get(DAY_URL, {"date": day}).content.decode()
    assert "The clocks change today" in html
    for label in labels:
        assert f">{label}</th>" in html
    assert html.count('<th scope="row" class="day-time"') == 32


def _clinic_with(therapists: int, bookings_each: int) -> None:
    for n in range(therapists):
        therapist = TherapistFactory(display_name=f"Therapist {n:02}", works_weekdays=True)
        for k in range(bookings_each):
            BookingFactory(
                therapist=therapist,
                # 75 minutes apart: a session and its buffer (PostgreSQL refuses overlaps).
                start=clinic_time(NOW + timedelta(days=1), 9) + k * timedelta(minutes=75),
                warning_flags=["night_pain"] if k % 2 else [],
            )


@pytest.mark.parametrize(
    ("therapists", "bookings_each", "marks"),
    [pytest.param(2, 1, 0, id="2"), pytest.param(10, 6, 30, id="10")],
)
def test_the_day_view_costs_the_same_queries_for_2_or_10_therapists(
    client, now, front_desk_user, django_assert_num_queries, therapists, bookings_each, marks
):
    _clinic_with(therapists, bookings_each)
    client.force_login(front_desk_user)
    client.get(DAY_URL, {"date": "2026-03-03"})  # the rules reach the cache
    LogEntry.objects.all().delete()
    # One more, the INSERT of the looks, only when a safety mark is shown.
    with django_assert_num_queries(DAY_VIEW_QUERIES + (1 if marks else 0)):
        response = client.get(DAY_URL, {"date": "2026-03-03"})
    page = response.content.decode()
    assert page.count('class="day-block"') == therapists * bookings_each
    assert page.count('class="booking-warning"') == 2 * marks  # the grid, and the lists
    assert looks().filter(additional_data__what="mark_day").count() == marks


def test_the_day_view_records_a_look_at_each_safety_mark_it_shows(
    client, now, therapist, therapist_user
):
    flagged = BookingFactory(
        therapist=therapist, start=clinic_time(NOW + timedelta(days=1), 9), with_safety_facts=True
    )
    BookingFactory(therapist=therapist, start=clinic_time(NOW + timedelta(days=1), 11))
    client.force_login(therapist_user)
    client.get(DAY_URL, {"date": "2026-03-03"})
    look = looks().get()
    assert (look.actor, look.content_type.model, look.object_id) == (
        therapist_user,
        "booking",
        flagged.pk,
    )
    assert look.additional_data == {
        "what": "mark_day",
        "client": flagged.client_id,
        "booking": flagged.pk,
        "staff": therapist_user.username,
        "day": str(NOW.date()),  # the day it was seen, not the day shown
    }
    assert look.object_repr == f"Booking {flagged.reference}"
    # Reloading the page the same day adds no entry: one per staff member, booking, day.
    client.get(DAY_URL, {"date": "2026-03-03"})
    assert looks().count() == 1


# Session and user (2), permissions (2), staff scope (2), the day's columns (4: names,
# closures, schedules_between's one statement of hours, closures, time off and bookings,
# the sessions), and the admin's sidebar asking whether clinic rules exist (1), the
# waitlist panel (1), the call list (1). A day with sessions of a course reads their
# "3 of 6" marks in one more (tests/bookings/test_desk_courses.py).
DAY_VIEW_QUERIES = 13


# Booking a phone client


def form_data(who, **overrides):
    """The desk's form, every safety question answered ("no", "None of these") unless
    `warning_signs`, `conditions` or `risk_factors` say otherwise."""
    return answered(
        {
            "action": "book",
            "technique": who.techniques.get().pk,
            "length_minutes": 60,
            "therapist": who.pk,
            "day": "2026-03-03",
            "time": "10:00",
            "client_name": "Pat Phone",
            "client_phone": "07700 900456",
            "client_email": "",
            **overrides,
        }
    )


def test_a_gap_link_opens_the_booking_form_prefilled(client, now, front_desk_user, therapist):
    client.force_login(front_desk_user)
    start = TUESDAY_10.astimezone(therapist_zone()).isoformat()
    response = client.get(ADD_URL, {"therapist": therapist.pk, "start": start})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="03/03/2026"' in html and 'value="10:00"' in html
    assert f'<option value="{therapist.pk}" selected>Anna K.</option>' in html
    assert "Bladder" in html or "bladder" in html  # the safety questions are asked


def test_free_times_are_offered_for_the_chosen_day(client, now, front_desk_user, therapist):
    BookingFactory(therapist=therapist, start=TUESDAY_10)
    client.force_login(front_desk_user)
    response = client.post(ADD_URL, form_data(therapist, action="times", client_name=""))
    html = response.content.decode()
    assert "errornote" not in html  # the client's name is asked for when booking
    assert ">11:15</button>" in html and ">14:00</button>" in html
    # 09:00 would run into the 10:00 session's start with the buffer; 11:00 into its buffer.
    assert ">09:00</a>" not in html and ">10:00</a>" not in html and ">11:00</a>" not in html
    assert not Booking.objects.filter(client_name="Pat Phone").exists()


def test_front_desk_books_a_phone_client_without_an_email(
    client, now, front_desk_user, therapist, django_capture_on_commit_callbacks
):
    client.force_login(front_desk_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD_URL, form_data(therapist, conditions=["pregnancy"]))
    assert response.status_code == 200 and "advised the client" in response.content.decode()
    response = client.post(
        ADD_URL, form_data(therapist, conditions=["pregnancy"], told_to_see_doctor="on")
    )
    assert response.status_code == 302
    assert response["Location"] == f"{DAY_URL}?date=2026-03-03"
    booking = Booking.objects.get(client_name="Pat Phone")
    assert (booking.start, booking.therapist, booking.booked_by) == (
        TUESDAY_10,
        therapist,
        front_desk_user,
    )
    assert booking.client_email == "" and booking.health_conditions == ["pregnancy"]
    assert any("lie on your side" in line for line in booking.acknowledged_advice)
    kinds = set(Notification.objects.for_booking(booking).values_list("kind", flat=True))
    assert kinds == {NotificationKind.CLINIC_BOOKED}
    assert any("Booked Pat Phone with Anna K." in t for t in texts(response))


def test_front_desk_may_book_inside_the_notice(client, now, front_desk_user, therapist):
    client.force_login(front_desk_user)
    response = client.post(ADD_URL, form_data(therapist, day="2026-03-02", time="09:00"))
    assert response.status_code == 302
    assert Booking.objects.get().start == clinic_time(NOW, 9)


def test_outside_hours_needs_the_box_and_a_reason(client, now, front_desk_user, therapist):
    client.force_login(front_desk_user)
    response = client.post(ADD_URL, form_data(therapist, time="18:00"))
    assert "outside the therapist&#x27;s working hours" in response.content.decode()
    response = client.post(ADD_URL, form_data(therapist, time="18:00", outside_hours="on"))
    assert "Say why this session is outside working hours." in response.content.decode()
    response = client.post(
        ADD_URL,
        form_data(
            therapist, time="18:00", outside_hours="on", outside_hours_reason="Only after work"
        ),
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.override_reason == "Only after work"
    assert booking.booked_by == front_desk_user


def test_urgent_signs_are_refused_at_the_desk_too(client, now, front_desk_user, therapist):
    client.force_login(front_desk_user)
    response = client.post(ADD_URL, form_data(therapist, warning_signs=["bladder_bowel"]))
    assert response.status_code == 200
    assert "urgent medical care" in response.content.decode()
    assert not Booking.objects.exists()


def test_an_overlap_is_a_message_on_the_form(client, now, front_desk_user, therapist):
    BookingFactory(therapist=therapist, start=TUESDAY_10)
    client.force_login(front_desk_user)
    response = client.post(ADD_URL, form_data(therapist, time="10:30"))
    assert response.status_code == 200
    assert "just been taken" in response.content.decode()
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"day": "not a date"},
        {"time": "25:99"},
        {"day": "1800-01-01"},
        {"length_minutes": "7"},
        {"technique": "999999"},
        {"therapist": "abc"},
        {"client_email": "nope"},
    ],
)
def test_nonsense_is_a_form_error(client, now, front_desk_user, therapist, overrides):
    client.force_login(front_desk_user)
    response = client.post(ADD_URL, form_data(therapist, **overrides))
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_therapist_cannot_book_at_the_desk(client, therapist):
    client.force_login(therapist.user)
    assert client.post(ADD_URL, form_data(therapist)).status_code == 403
    assert not Booking.objects.exists()


# Moving


def test_front_desk_moves_a_session_inside_the_cancellation_window(
    client, now, front_desk_user, therapist, other_therapist
):
    booking = BookingFactory(therapist=therapist, start=clinic_time(now, 11))
    client.force_login(front_desk_user)
    page = client.get(move_url(booking))
    assert page.status_code == 200
    assert 'value="11:00"' in page.content.decode()
    response = client.post(
        move_url(booking), {"day": "2026-03-02", "time": "15:00", "therapist": other_therapist.pk}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.start, booking.therapist) == (clinic_time(now, 15), other_therapist)
    assert (
        Notification.objects.for_booking(booking).filter(kind=NotificationKind.RESCHEDULE).exists()
    )
    # "Ben M." ends the sentence: one full stop, not two.
    said = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert f"with {other_therapist.display_name} The client has been emailed" in said[0]


def test_a_move_onto_a_taken_time_keeps_the_old_one(client, now, front_desk_user, therapist):
    booking = BookingFactory(therapist=therapist, start=clinic_time(now, 11))
    BookingFactory(therapist=therapist, start=clinic_time(now, 15))
    client.force_login(front_desk_user)
    response = client.post(
        move_url(booking), {"day": "2026-03-02", "time": "15:30", "therapist": therapist.pk}
    )
    assert response.status_code == 200
    assert "just been taken" in response.content.decode()
    booking.refresh_from_db()
    assert booking.start == clinic_time(now, 11)


def test_a_therapist_moves_only_their_own_sessions_and_only_to_themselves(
    client, now, therapist, other_therapist
):
    own = BookingFactory(therapist=therapist, start=TUESDAY_10)
    other = BookingFactory(therapist=other_therapist, start=TUESDAY_10)
    client.force_login(therapist.user)
    assert client.get(move_url(other)).status_code == 404
    assert client.get(cancel_url(other)).status_code == 404
    html = client.get(move_url(own)).content.decode()
    assert "Ben M." not in html
    response = client.post(
        move_url(own), {"day": "2026-03-03", "time": "15:00", "therapist": other_therapist.pk}
    )
    assert response.status_code == 200  # Ben is not a choice for Anna
    response = client.post(
        move_url(own), {"day": "2026-03-03", "time": "15:00", "therapist": therapist.pk}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.start == clinic_time(NOW + timedelta(days=1), 15)


def test_a_content_editor_cannot_move_or_cancel(client, content_editor, therapist):
    booking = BookingFactory(therapist=therapist)
    client.force_login(content_editor)
    assert client.get(move_url(booking)).status_code == 403
    assert client.post(cancel_url(booking), {"reason": "x"}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


# Cancelling


def test_the_booking_page_offers_move_and_cancel(client, front_desk_user, therapist):
    booking = BookingFactory(therapist=therapist)
    client.force_login(front_desk_user)
    html = client.get(change_url(booking)).content.decode()
    assert move_url(booking) in html and cancel_url(booking) in html


def test_cancelling_asks_first_and_keeps_the_reason_and_who(
    client, now, front_desk_user, therapist
):
    booking = BookingFactory(therapist=therapist)
    client.force_login(front_desk_user)
    question = client.get(cancel_url(booking))
    assert question.status_code == 200
    assert "Yes, cancel" in question.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    response = client.post(cancel_url(booking), {"reason": "Client phoned: flu"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert (booking.cancel_reason, booking.cancelled_by, booking.cancelled_at) == (
        "Client phoned: flu",
        front_desk_user,
        now,
    )
    assert f"Cancelled {booking.reference}." in texts(response)


def test_a_therapist_cancels_their_own_session_with_a_reason(client, now, therapist):
    booking = BookingFactory(therapist=therapist)
    client.force_login(therapist.user)
    client.post(cancel_url(booking), {"reason": ""})
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by) == (BookingStatus.CANCELLED, therapist.user)


def test_unknown_bookings_are_404(client, front_desk_user):
    client.force_login(front_desk_user)
    assert client.get(reverse("admin:bookings_booking_move", args=[999999])).status_code == 404
    assert client.get(reverse("admin:bookings_booking_cancel", args=[999999])).status_code == 404
