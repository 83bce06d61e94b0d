"""Schedule edits in the admin: overlaps refused in words, clashes listed before saving."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from bookings.models import ClinicClosure, TimeOff, WorkingHours
from bookings.scheduling import selectors
from bookings.scheduling.clash_listing import SAVE_ANYWAY, SAVE_ANYWAY_VALUE
from tests.bookings.test_admin import change_url, inline_management
from tests.clock import NOW, clinic_time
from tests.factories import BookingFactory, ClinicClosureFactory, WorkingHoursFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# Anna and Ben work Monday to Saturday, 09-13 and 14-17 (London is on GMT in March).
TUESDAY = date(2026, 3, 3)
SAVE = {SAVE_ANYWAY: SAVE_ANYWAY_VALUE}


def at(hour: int, day: date = TUESDAY) -> datetime:
    return clinic_time(datetime.combine(day, time(12)).replace(tzinfo=NOW.tzinfo), hour)


def split(value: datetime) -> dict[str, str]:
    local = value.astimezone(selectors.clinic_zone())
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M")}


def time_off_data(therapist, start: datetime, end: datetime) -> dict[str, object]:
    s, e = split(start), split(end)
    return {
        "therapist": therapist.pk,
        "start_0": s["0"],
        "start_1": s["1"],
        "end_0": e["0"],
        "end_1": e["1"],
        "reason": "Course",
    }


@pytest.fixture
def two_bookings(therapist):
    return [
        BookingFactory(therapist=therapist, start=at(10), client_name="Jane Doe"),
        BookingFactory(therapist=therapist, start=at(12), client_name="Sam Roe"),
    ]


# Time off


@pytest.mark.parametrize("who", ["front_desk_user", "therapist_user"])
def test_time_off_over_two_bookings_lists_them_and_saves_only_when_confirmed(
    client, request, therapist, two_bookings, who
):
    client.force_login(request.getfixturevalue(who))
    url = reverse("admin:bookings_timeoff_add")
    data = time_off_data(therapist, at(9), at(13))

    response = client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "outside the schedule" in page
    for booking in two_bookings:
        assert booking.reference in page
    assert "Jane" in page and "Sam" in page
    assert "Doe" not in page, "first names only"
    assert [c.pk for c in response.context["schedule_clashes"]] == [b.pk for b in two_bookings]
    assert not TimeOff.objects.exists()

    assert client.post(url, data | SAVE).status_code == 302
    assert TimeOff.objects.count() == 1
    flagged = selectors.bookings_needing_attention(NOW, NOW + timedelta(days=7))
    assert flagged == {b.pk for b in two_bookings}


def test_time_off_that_leaves_every_booking_alone_saves_at_once(client, front_desk_user, therapist):
    BookingFactory(therapist=therapist, start=at(10))
    client.force_login(front_desk_user)
    response = client.post(
        reverse("admin:bookings_timeoff_add"), time_off_data(therapist, at(14), at(17))
    )
    assert response.status_code == 302
    assert TimeOff.objects.count() == 1


def test_past_and_cancelled_bookings_are_not_listed(client, front_desk_user, therapist):
    BookingFactory(therapist=therapist, start=at(10), cancelled=True)
    BookingFactory(therapist=therapist, past=True)
    client.force_login(front_desk_user)
    yesterday = NOW - timedelta(days=3)
    response = client.post(
        reverse("admin:bookings_timeoff_add"),
        time_off_data(therapist, yesterday - timedelta(hours=2), at(17)),
    )
    assert response.status_code == 302


def test_a_booking_already_needing_attention_is_not_asked_about_again(
    client, front_desk_user, therapist
):
    BookingFactory(therapist=therapist, start=at(10))
    TimeOff.objects.create(therapist=therapist, start=at(9), end=at(11))
    client.force_login(front_desk_user)
    response = client.post(
        reverse("admin:bookings_timeoff_add"), time_off_data(therapist, at(10), at(12))
    )
    assert response.status_code == 302


# Working hours


def test_shortening_a_day_under_a_booking_lists_it_first(client, front_desk_user, therapist):
    booking = BookingFactory(therapist=therapist, start=at(16))
    afternoon = therapist.working_hours.get(weekday=1, start_time=time(14))
    client.force_login(front_desk_user)
    data = {"therapist": therapist.pk, "weekday": 1, "start_time": "14:00", "end_time": "16:00"}

    response = client.post(change_url(afternoon), data)

    assert response.status_code == 200
    assert [c.reference for c in response.context["schedule_clashes"]] == [booking.reference]
    afternoon.refresh_from_db()
    assert afternoon.end_time == time(17)
    assert client.post(change_url(afternoon), data | SAVE).status_code == 302
    afternoon.refresh_from_db()
    assert afternoon.end_time == time(16)


def test_ending_hours_before_next_week_lists_the_bookings_they_drop(
    client, front_desk_user, therapist
):
    next_tuesday = TUESDAY + timedelta(days=7)
    this_week = BookingFactory(therapist=therapist, start=at(16))
    next_week = BookingFactory(therapist=therapist, start=at(16, next_tuesday))
    afternoon = therapist.working_hours.get(weekday=1, start_time=time(14))
    client.force_login(front_desk_user)
    data = {
        "therapist": therapist.pk,
        "weekday": 1,
        "start_time": "14:00",
        "end_time": "17:00",
        "valid_until": (next_tuesday - timedelta(days=1)).isoformat(),
    }
    response = client.post(change_url(afternoon), data)
    assert [c.pk for c in response.context["schedule_clashes"]] == [next_week.pk]
    assert this_week.pk != next_week.pk
    # The new rota from that day holds the booking again: nothing to ask.
    assert client.post(change_url(afternoon), data | SAVE).status_code == 302
    response = client.post(
        reverse("admin:bookings_workinghours_add"),
        data | {"valid_until": "", "valid_from": next_tuesday.isoformat(), "end_time": "18:00"},
    )
    assert response.status_code == 302
    assert selectors.bookings_needing_attention(NOW, NOW + timedelta(days=14)) == set()


def test_an_overlapping_row_is_refused_in_words(client, front_desk_user, therapist):
    client.force_login(front_desk_user)
    response = client.post(
        reverse("admin:bookings_workinghours_add"),
        {"therapist": therapist.pk, "weekday": 1, "start_time": "12:00", "end_time": "15:00"},
    )
    assert response.status_code == 200
    assert "These hours overlap “Tuesday 09:00 to 13:00”" in response.content.decode()
    assert therapist.working_hours.filter(weekday=1).count() == 2


def test_rows_that_hold_on_different_dates_may_share_hours(client, front_desk_user, therapist):
    for row in therapist.working_hours.filter(weekday=1):
        row.valid_until = date(2026, 3, 31)
        row.save()
    client.force_login(front_desk_user)
    response = client.post(
        reverse("admin:bookings_workinghours_add"),
        {
            "therapist": therapist.pk,
            "weekday": 1,
            "start_time": "10:00",
            "end_time": "18:00",
            "valid_from": "2026-04-01",
        },
    )
    assert response.status_code == 302


def test_a_last_day_before_the_first_is_a_form_error(client, front_desk_user, therapist):
    client.force_login(front_desk_user)
    response = client.post(
        reverse("admin:bookings_workinghours_add"),
        {
            "therapist": therapist.pk,
            "weekday": 6,
            "start_time": "10:00",
            "end_time": "12:00",
            "valid_from": "2026-04-01",
            "valid_until": "2026-03-01",
        },
    )
    assert response.status_code == 200
    assert "The last day must not be before the first day." in response.content.decode()


def test_deleting_hours_under_a_booking_lists_it_on_the_confirmation_page(
    client, front_desk_user, therapist
):
    booking = BookingFactory(therapist=therapist, start=at(10))
    morning = therapist.working_hours.get(weekday=1, start_time=time(9))
    client.force_login(front_desk_user)
    response = client.get(change_url(morning, "delete"))
    assert response.status_code == 200
    assert booking.reference in response.content.decode()
    assert (
        "delete_selected"
        not in client.get(reverse("admin:bookings_workinghours_changelist")).content.decode()
    )


# The therapist page: all rows at once


def hours_rows(therapist, rows, *, changed=()):
    """The therapist page's hours inline: the stored rows, then `rows` added."""
    stored = list(therapist.working_hours.order_by("pk"))
    data = inline_management("working_hours", total=len(stored) + len(rows), initial=len(stored))
    for n, row in enumerate(stored):
        values = {
            "id": row.pk,
            "therapist": therapist.pk,
            "weekday": row.weekday,
            "start_time": f"{row.start_time:%H:%M}",
            "end_time": f"{row.end_time:%H:%M}",
        } | dict(changed).get(row.pk, {})
        data |= {f"working_hours-{n}-{k}": v for k, v in values.items()}
    for n, (weekday, start, end) in enumerate(rows, start=len(stored)):
        data |= {
            f"working_hours-{n}-therapist": therapist.pk,
            f"working_hours-{n}-weekday": weekday,
            f"working_hours-{n}-start_time": start,
            f"working_hours-{n}-end_time": end,
        }
    return data


def therapist_page(therapist, hours):
    return {
        "display_name": therapist.display_name,
        "bio": therapist.bio,
        "user": therapist.user.pk,
        "techniques": [t.pk for t in therapist.techniques.all()],
        "is_active": "on",
        **hours,
        **inline_management("time_off"),
    }


def test_two_new_rows_overlapping_each_other_are_refused_on_the_therapist_page(
    client, front_desk_user, therapist
):
    client.force_login(front_desk_user)
    data = therapist_page(
        therapist, hours_rows(therapist, [(6, "09:00", "12:00"), (6, "11:00", "13:00")])
    )
    response = client.post(change_url(therapist), data)
    assert response.status_code == 200
    assert "overlap: change or end one of them" in response.content.decode()
    assert not therapist.working_hours.filter(weekday=6).exists()


def test_a_day_split_for_a_new_break_saves_in_one_go(client, front_desk_user, therapist):
    monday_afternoon = therapist.working_hours.get(weekday=0, start_time=time(14))
    client.force_login(front_desk_user)
    hours = hours_rows(
        therapist,
        [(0, "16:00", "18:00")],
        changed=[(monday_afternoon.pk, {"end_time": "15:00"})],
    )
    response = client.post(change_url(therapist), therapist_page(therapist, hours))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(
        therapist.working_hours.filter(weekday=0).values_list("start_time", "end_time")
    ) == [(time(9), time(13)), (time(14), time(15)), (time(16), time(18))]


def test_the_therapist_page_lists_bookings_its_hours_would_drop(client, therapist_user, therapist):
    booking = BookingFactory(therapist=therapist, start=at(16))
    afternoon = therapist.working_hours.get(weekday=1, start_time=time(14))
    client.force_login(therapist_user)
    hours = hours_rows(therapist, [], changed=[(afternoon.pk, {"end_time": "15:00"})])
    data = therapist_page(therapist, hours)

    response = client.post(change_url(therapist), data)

    assert response.status_code == 200
    assert booking.reference in response.content.decode()
    assert 'name="save_anyway"' in response.content.decode()
    assert client.post(change_url(therapist), data | SAVE).status_code == 302
    afternoon.refresh_from_db()
    assert afternoon.end_time == time(15)


# Clinic closures


def test_a_closure_lists_every_therapists_bookings_that_day(
    client, front_desk_user, therapist, other_therapist
):
    mine = BookingFactory(therapist=therapist, start=at(10))
    his = BookingFactory(therapist=other_therapist, start=at(11))
    BookingFactory(therapist=other_therapist, start=at(11, TUESDAY + timedelta(days=1)))
    client.force_login(front_desk_user)
    url = reverse("admin:bookings_clinicclosure_add")
    data = {"start_date": "2026-03-03", "end_date": "2026-03-03", "reason": "Bank holiday"}

    response = client.post(url, data)

    assert [c.pk for c in response.context["schedule_clashes"]] == [mine.pk, his.pk]
    assert not ClinicClosure.objects.exists()
    assert client.post(url, data | SAVE).status_code == 302
    assert selectors.bookings_needing_attention(NOW, NOW + timedelta(days=7)) == {mine.pk, his.pk}


def test_a_closure_ending_before_it_starts_is_a_form_error(client, front_desk_user):
    client.force_login(front_desk_user)
    response = client.post(
        reverse("admin:bookings_clinicclosure_add"),
        {"start_date": "2026-03-05", "end_date": "2026-03-03", "reason": "Bank holiday"},
    )
    assert response.status_code == 200
    assert "The last day must not be before the first day." in response.content.decode()


@pytest.mark.parametrize(
    ("who", "add", "view"),
    [("front_desk_user", 200, 200), ("therapist_user", 403, 200), ("content_editor", 403, 403)],
)
def test_who_may_edit_closures(client, request, who, add, view):
    ClinicClosureFactory()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("admin:bookings_clinicclosure_add")).status_code == add
    assert client.get(reverse("admin:bookings_clinicclosure_changelist")).status_code == view


@pytest.mark.parametrize(
    "url_name", ["bookings_workinghours_add", "bookings_timeoff_add", "bookings_clinicclosure_add"]
)
def test_a_content_editor_edits_no_schedule(client, content_editor, url_name):
    client.force_login(content_editor)
    assert client.get(reverse(f"admin:{url_name}")).status_code == 403


# The database's own guarantee


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    ("start", "end", "valid_from", "valid_until", "refused"),
    [
        (time(12), time(15), None, None, True),
        (time(13), time(14), None, None, False),
        (time(10), time(11), date(2026, 4, 1), None, True),
        (time(10), time(11), None, date(2026, 3, 31), False),
    ],
)
def test_postgresql_refuses_overlapping_rows(
    therapist_user, start, end, valid_from, valid_until, refused
):
    row = WorkingHoursFactory(
        therapist__user=therapist_user,
        weekday=1,
        start_time=time(9),
        end_time=time(13),
        valid_from=date(2026, 4, 1),
    )
    new = WorkingHours(
        therapist=row.therapist,
        weekday=1,
        start_time=start,
        end_time=end,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if refused:
        with pytest.raises(IntegrityError), transaction.atomic():
            new.save()
    else:
        new.save()


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "text"),
    [
        (None, None, "Monday 09:00 to 17:00"),
        (date(2026, 4, 1), None, "Monday 09:00 to 17:00, from Wed 1 Apr 2026"),
        (None, date(2026, 3, 31), "Monday 09:00 to 17:00, until Tue 31 Mar 2026"),
        (
            date(2026, 4, 1),
            date(2026, 4, 30),
            "Monday 09:00 to 17:00, Wed 1 Apr to Thu 30 Apr 2026",
        ),
    ],
)
def test_a_row_of_hours_reads_with_its_dates(valid_from, valid_until, text):
    row = WorkingHours(
        weekday=0,
        start_time=time(9),
        end_time=time(17),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    assert str(row) == text
