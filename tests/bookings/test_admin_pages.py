from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from bookings.models import Booking, BookingStatus
from bookings.privacy.looks import looks
from clinic.display import clinic_datetime
from tests.factories import (
    BookingFactory,
    ClientFactory,
    ClinicClosureFactory,
    TherapistFactory,
    TimeOffFactory,
    WorkingHoursFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def therapist_hours():
    """No working hours: each test adds the ones it looks at."""
    return {}


URL = reverse("admin:bookings_booking_schedule")
DST_WEEK = "2026-10-21"  # a Wednesday: the page shows Monday 19 to Sunday 25 October
FUTURE = datetime(2030, 7, 1, 9, 0, tzinfo=UTC)


def booking_link(booking):
    return reverse("admin:bookings_booking_change", args=[booking.pk])


# The week schedule


def test_a_therapist_opens_their_own_week(client, therapist, other_therapist):
    own = BookingFactory.create(
        therapist=therapist, start=datetime(2026, 7, 1, 9, 0, tzinfo=UTC), client_name="Own Client"
    )
    other = BookingFactory.create(
        therapist=other_therapist,
        start=datetime(2026, 7, 1, 9, 0, tzinfo=UTC),
        client_name="Other Client",
    )
    client.force_login(therapist.user)
    response = client.get(URL, {"week": "2026-07-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Week of Mon 29 Jun 2026" in html
    assert "Anna K." in html
    assert booking_link(own) in html
    assert "10:00" in html  # 09:00 UTC on the clinic's summer clock
    assert "Own Client" in html
    assert "Ben M." not in html
    assert booking_link(other) not in html
    assert 'name="therapist"' not in html


def test_a_therapist_cannot_open_someone_elses_week(client, therapist, other_therapist):
    client.force_login(therapist.user)
    assert client.get(URL, {"therapist": other_therapist.pk}).status_code == 404
    assert client.get(URL, {"therapist": "nonsense"}).status_code == 404
    assert client.get(URL, {"therapist": therapist.pk}).status_code == 200


def test_a_therapist_user_without_a_therapist_row_sees_nothing(client, therapist_user):
    client.force_login(therapist_user)
    assert client.get(URL).status_code == 404


def test_front_desk_sees_everyone_and_can_pick_a_therapist(
    client, front_desk_user, therapist, other_therapist
):
    start = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    anna_booking = BookingFactory.create(therapist=therapist, start=start)
    ben_booking = BookingFactory.create(therapist=other_therapist, start=start)
    client.force_login(front_desk_user)

    html = client.get(URL, {"week": "2026-07-01"}).content.decode()
    assert booking_link(anna_booking) in html
    assert booking_link(ben_booking) in html
    assert '<label for="schedule-therapist">Therapist</label>' in html

    html = client.get(URL, {"week": "2026-07-01", "therapist": other_therapist.pk}).content.decode()
    assert booking_link(ben_booking) in html
    assert booking_link(anna_booking) not in html
    assert f'<option value="{other_therapist.pk}" selected>' in html
    assert client.get(URL, {"therapist": 999999}).status_code == 404


def test_the_week_shows_breaks_time_off_and_hides_cancelled_sessions(client, therapist):
    WorkingHoursFactory.create(
        therapist=therapist, weekday=2, start_time=time(9), end_time=time(12)
    )
    WorkingHoursFactory.create(
        therapist=therapist, weekday=2, start_time=time(13), end_time=time(17)
    )
    TimeOffFactory.create(
        therapist=therapist,
        start=datetime(2026, 7, 2, 11, 0, tzinfo=UTC),
        end=datetime(2026, 7, 2, 15, 0, tzinfo=UTC),
        reason="Dentist",
    )
    cancelled = BookingFactory.create(
        therapist=therapist,
        start=datetime(2026, 7, 1, 9, 0, tzinfo=UTC),
        status=BookingStatus.CANCELLED,
    )
    client.force_login(therapist.user)
    html = client.get(URL, {"week": "2026-07-01"}).content.decode()
    assert "Working 09:00 to 12:00, 13:00 to 17:00" in html
    assert "12:00 to 13:00" in html
    assert "Break" in html
    assert "Time off: Dentist" in html
    assert "12:00 to 16:00" in html
    assert booking_link(cancelled) not in html


def test_names_with_markup_or_quotes_are_shown_as_text_in_the_week(
    client, front_desk_user, therapist
):
    therapist.display_name = 'Anna "<script>alert(1)</script>'
    therapist.save()
    BookingFactory.create(
        therapist=therapist,
        start=datetime(2026, 7, 1, 9, 0, tzinfo=UTC),
        client_name='Jo "<script>alert(2)</script>',
    )
    TimeOffFactory.create(
        therapist=therapist,
        start=datetime(2026, 7, 2, 11, 0, tzinfo=UTC),
        end=datetime(2026, 7, 2, 15, 0, tzinfo=UTC),
        reason='"<script>alert(3)</script>',
    )
    client.force_login(front_desk_user)
    html = client.get(URL, {"week": "2026-07-01"}).content.decode()
    assert "alert(" in html
    assert "<script>alert" not in html
    name = "Anna &quot;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f'<h2 id="therapist-{therapist.pk}">{name}</h2>' in html
    assert f">{name}</option>" in html
    assert "Jo &quot;&lt;script&gt;alert(2)&lt;/script&gt;: Swedish Massage, 60 min</a>" in html
    assert "Time off: &quot;&lt;script&gt;alert(3)&lt;/script&gt;" in html


def test_the_autumn_clock_change_week_shows_a_25_hour_sunday_at_local_times(client, therapist):
    WorkingHoursFactory.create(
        therapist=therapist, weekday=6, start_time=time(9), end_time=time(17)
    )
    # 00:30 UTC is 01:30 summer time; 01:30 UTC is the second 01:30, on winter time.
    first = BookingFactory.create(
        therapist=therapist, start=datetime(2026, 10, 25, 0, 30, tzinfo=UTC), length_minutes=30
    )
    second = BookingFactory.create(
        therapist=therapist, start=datetime(2026, 10, 25, 1, 30, tzinfo=UTC), length_minutes=30
    )
    evening = BookingFactory.create(
        therapist=therapist, start=datetime(2026, 10, 25, 22, 30, tzinfo=UTC), length_minutes=30
    )
    client.force_login(therapist.user)
    response = client.get(URL, {"week": DST_WEEK})
    html = response.content.decode()
    assert "Week of Mon 19 Oct 2026" in html
    assert "Clocks change: 25-hour day" in html
    assert "01:30 BST to 01:00 GMT" in html
    assert "01:30 GMT to 02:00 GMT" in html
    assert "Working 09:00 GMT to 17:00 GMT" in html
    sunday = response.context["weeks"][0][1][6]
    assert sunday.hours == 25
    assert [e.booking_id for e in sunday.entries] == [first.pk, second.pk, evening.pk]
    # 22:30 UTC is still Sunday evening on winter time, not Monday.
    assert evening.start.hour == 22


def test_previous_and_next_week_links_keep_the_chosen_therapist(client, front_desk_user, therapist):
    client.force_login(front_desk_user)
    html = client.get(URL, {"week": DST_WEEK, "therapist": therapist.pk}).content.decode()
    assert f'href="?week=2026-10-12&amp;therapist={therapist.pk}"' in html
    assert f'href="?week=2026-10-26&amp;therapist={therapist.pk}"' in html


@pytest.mark.parametrize("week", ["tomorrow", "9999-12-31", "0001-01-01", "2026-02-30"])
def test_a_nonsense_week_shows_this_week_instead_of_an_error(client, therapist, week):
    client.force_login(therapist.user)
    response = client.get(URL, {"week": week})
    assert response.status_code == 200
    assert response.context["monday"].weekday() == 0


def test_a_content_editor_and_a_visitor_cannot_open_the_schedule(client, content_editor):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    client.force_login(content_editor)
    assert client.get(URL).status_code == 403
    assert "week schedule" not in client.get(reverse("admin:index")).content.decode()


def test_the_schedule_is_linked_from_the_navigation_and_the_booking_list(client, front_desk_user):
    client.force_login(front_desk_user)
    link = f'href="{URL}"'
    assert link in client.get(reverse("admin:bookings_booking_day")).content.decode()
    assert link in client.get(reverse("admin:bookings_booking_changelist")).content.decode()


@pytest.mark.parametrize("who", ["front_desk_user", "therapist_user"])
def test_the_schedule_makes_a_fixed_number_of_queries(
    client, request, therapist, other_therapist, who, django_assert_num_queries
):
    monday = datetime(2026, 10, 19, 8, 0, tzinfo=UTC)
    for someone in (therapist, other_therapist):
        WorkingHoursFactory.create(therapist=someone, weekday=0)
        TimeOffFactory.create(therapist=someone, start=monday + timedelta(days=2))
        BookingFactory.create(therapist=someone, start=monday)
    client.force_login(request.getfixturevalue(who))
    client.get(URL, {"week": DST_WEEK})
    with django_assert_num_queries(SCHEDULE_QUERIES[who]):
        client.get(URL, {"week": DST_WEEK})
    for n in range(1, 20):
        for someone in (therapist, other_therapist):
            BookingFactory.create(therapist=someone, start=monday + timedelta(minutes=90 * n))
        TherapistFactory.create()
    with django_assert_num_queries(SCHEDULE_QUERIES[who]):
        response = client.get(URL, {"week": DST_WEEK})
    shown = sum(len(day.entries) for _, days in response.context["weeks"] for day in days)
    assert shown >= 20


# Session, user, the staff scope (groups, therapist row), permissions, then the
# therapists with their hours, time off and bookings (one query each), and the picker; then
# which sessions need attention (the confirmed ones, and schedules_between's one).
SCHEDULE_QUERIES = {"front_desk_user": 15, "therapist_user": 13}


def test_the_week_records_a_look_at_each_safety_mark_in_one_insert(
    client, front_desk_user, therapist, other_therapist, django_assert_num_queries
):
    monday = datetime(2026, 10, 19, 8, 0, tzinfo=UTC)
    plain = BookingFactory.create(therapist=therapist, start=monday)
    client.force_login(front_desk_user)
    ContentType.objects.get_for_model(Booking)  # cached once per process
    client.get(URL, {"week": DST_WEEK})
    with django_assert_num_queries(SCHEDULE_QUERIES["front_desk_user"]):
        client.get(URL, {"week": DST_WEEK})
    assert not looks().exists()

    flagged = [
        BookingFactory.create(
            therapist=someone, start=monday + timedelta(days=1), with_safety_facts=True
        )
        for someone in (therapist, other_therapist)
    ]
    with django_assert_num_queries(SCHEDULE_QUERIES["front_desk_user"] + 1):
        page = client.get(URL, {"week": DST_WEEK}).content.decode()
    assert page.count("Check warnings first") == 2
    assert sorted(
        (look.object_id, look.additional_data["client"], look.additional_data["what"])
        for look in looks()
    ) == sorted((b.pk, b.client_id, "mark_week") for b in flagged)
    assert plain.pk not in {look.object_id for look in looks()}


# A client's data: see, download, erase


CLIENT_DATA = "/admin/bookings/booking/client-data/"


def test_front_desk_finds_downloads_and_erases_one_clients_data(client, front_desk_user, therapist):
    mine = BookingFactory.create(therapist=therapist, start=FUTURE, client_email="sam@example.com")
    other = BookingFactory.create(
        therapist=therapist, start=FUTURE + timedelta(days=1), client_email="x@example.com"
    )
    client.force_login(front_desk_user)
    changelist = client.get(reverse("admin:bookings_booking_changelist")).content.decode()
    assert CLIENT_DATA in changelist

    found = client.post(CLIENT_DATA, {"email": "SAM@example.com", "action": "lookup"})
    assert mine.reference in found.content.decode()
    assert other.reference not in found.content.decode()

    download = client.post(CLIENT_DATA, {"email": "sam@example.com", "action": "download"})
    assert download["Content-Disposition"].startswith("attachment")
    assert [b["reference"] for b in download.json()["bookings"]] == [mine.reference]

    refused = client.post(CLIENT_DATA, {"email": "sam@example.com", "action": "erase"})
    assert "Tick this box" in refused.content.decode()
    mine.refresh_from_db()
    assert mine.client_email == "sam@example.com"

    erased = client.post(
        CLIENT_DATA, {"email": "sam@example.com", "action": "erase", "confirm_erase": "on"}
    )
    assert erased.status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.client_email != "sam@example.com"
    assert mine.status == BookingStatus.CANCELLED
    assert other.client_email == "x@example.com"


def test_the_lookup_shows_times_in_the_staff_format_and_the_clients_record(
    client, front_desk_user, therapist
):
    record = ClientFactory(name="Sam Record", email="sam@example.com")
    BookingFactory.create(
        therapist=therapist, start=FUTURE, client_email="sam@example.com", client=record
    )
    client.force_login(front_desk_user)
    page = client.post(CLIENT_DATA, {"email": "sam@example.com", "action": "lookup"})
    html = page.content.decode()
    assert clinic_datetime(FUTURE, ZoneInfo(settings.TIME_ZONE)) in html
    assert FUTURE.isoformat() not in html
    assert reverse("admin:bookings_client_change", args=[record.pk]) in html
    download = client.post(CLIENT_DATA, {"email": "sam@example.com", "action": "download"})
    [exported] = download.json()["client_records"]
    assert exported["client"]["name"] == "Sam Record"


def test_therapists_and_content_editors_cannot_reach_a_clients_data(
    client, therapist, content_editor
):
    BookingFactory.create(therapist=therapist, start=FUTURE, client_email="sam@example.com")
    for user in (therapist.user, content_editor):
        client.force_login(user)
        response = client.post(CLIENT_DATA, {"email": "sam@example.com", "action": "download"})
        assert response.status_code == 403


def test_the_week_shows_a_closure_and_only_the_hours_that_hold_that_week(
    client, front_desk_user, therapist
):
    # The week of Monday 6 July 2026: the old Monday ends on the 5th, the new starts.
    WorkingHoursFactory(
        therapist=therapist,
        weekday=0,
        start_time=time(9),
        end_time=time(12),
        valid_until=date(2026, 7, 5),
    )
    WorkingHoursFactory(
        therapist=therapist,
        weekday=0,
        start_time=time(13),
        end_time=time(18),
        valid_from=date(2026, 7, 6),
    )
    ClinicClosureFactory(start_date=date(2026, 7, 8), reason="Staff training")
    client.force_login(front_desk_user)
    days = client.get(URL, {"week": "2026-07-06"}).context["weeks"][0][1]
    assert days[0].working == ("13:00 to 18:00",)
    wednesday = [e.label for e in days[2].entries]
    assert wednesday == ["Clinic closed: Staff training"]
    before = client.get(URL, {"week": "2026-06-29"}).context["weeks"][0][1]
    assert before[0].working == ("09:00 to 12:00",)


def test_the_week_marks_a_session_inside_newer_time_off_as_needing_attention(
    client, front_desk_user, therapist
):
    tuesday = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    for weekday in (1, 2):
        WorkingHoursFactory.create(therapist=therapist, weekday=weekday)
    covered = BookingFactory.create(therapist=therapist, start=tuesday, client_name="Cleo Covered")
    BookingFactory.create(
        therapist=therapist, start=tuesday + timedelta(days=1), client_name="Fay Fine"
    )
    TimeOffFactory.create(
        therapist=therapist, start=tuesday - timedelta(hours=1), end=tuesday + timedelta(hours=3)
    )
    client.force_login(front_desk_user)
    page = client.get(URL, {"week": "2026-03-02"}).content.decode()
    assert page.count('<span class="day-attention">Needs attention</span>') == 1
    marked = page.index('<span class="day-attention">')
    assert page.rfind("Cleo Covered", 0, marked) > page.rfind("Fay Fine", 0, marked)
    assert covered.pk in {
        entry.booking_id
        for _, days in client.get(URL, {"week": "2026-03-02"}).context["weeks"]
        for day in days
        for entry in day.entries
        if entry.needs_attention
    }
