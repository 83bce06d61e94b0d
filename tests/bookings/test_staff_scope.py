from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.test import RequestFactory
from django.urls import reverse

from bookings.frontdesk.staff_scope import NOBODY, StaffScope, TherapistScopedAdmin, staff_scope
from bookings.models import Booking, BookingStatus, Therapist, TimeOff, WorkingHours
from tests.factories import BookingFactory, StaffFactory, TimeOffFactory, WorkingHoursFactory

FUTURE = datetime(2030, 7, 1, 9, 0, tzinfo=UTC)


def change_url(obj, view="change"):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


def changelist(model):
    return reverse(f"admin:bookings_{model._meta.model_name}_changelist")


def request_by(user) -> HttpRequest:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


# The scope itself: no database


@pytest.fixture
def therapist_hours():
    """No working hours: each test adds the ones it looks at."""
    return {}


ANNA = Therapist(pk=1, display_name="Anna K.")


@pytest.mark.parametrize(
    ("scope", "therapist_id", "allowed"),
    [
        (StaffScope(sees_all=True, therapist=None), 1, True),
        (StaffScope(sees_all=True, therapist=None), None, True),
        (StaffScope(sees_all=True, therapist=ANNA), 2, True),
        (StaffScope(sees_all=False, therapist=ANNA), 1, True),
        (StaffScope(sees_all=False, therapist=ANNA), 2, False),
        (StaffScope(sees_all=False, therapist=ANNA), None, False),
        (NOBODY, 1, False),
        (NOBODY, None, False),
    ],
)
def test_a_scope_allows_everyone_its_own_therapist_or_nobody(scope, therapist_id, allowed):
    assert scope.allows(therapist_id) is allowed


def test_own_means_the_scopes_therapist_even_for_those_who_see_all():
    front_desk_therapist = StaffScope(sees_all=True, therapist=ANNA)
    assert front_desk_therapist.is_own(1)
    assert not front_desk_therapist.is_own(2)
    assert not StaffScope(sees_all=True, therapist=None).is_own(1)
    assert not NOBODY.is_own(None)


# Who gets which scope


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["superuser", "front_desk_user"])
def test_superusers_and_front_desk_see_all(request, who):
    scope = staff_scope(request_by(request.getfixturevalue(who)))
    assert scope == StaffScope(sees_all=True, therapist=None)


@pytest.mark.django_db
def test_a_therapist_sees_only_themselves(therapist):
    assert staff_scope(request_by(therapist.user)) == StaffScope(
        sees_all=False, therapist=therapist
    )


@pytest.mark.django_db
def test_a_content_editor_and_staff_without_a_role_see_nobody(content_editor):
    assert staff_scope(request_by(content_editor)) == NOBODY
    outsider = StaffFactory.create(username="outsider")
    outsider.user_permissions.add(Permission.objects.get(codename="view_booking"))
    assert staff_scope(request_by(outsider)) == NOBODY


@pytest.mark.django_db
def test_a_visitor_and_a_deactivated_therapist_see_nobody(therapist):
    assert staff_scope(request_by(AnonymousUser())) == NOBODY
    therapist.user.is_active = False
    assert staff_scope(request_by(therapist.user)) == NOBODY


@pytest.mark.django_db
def test_the_scope_is_looked_up_once_per_request(therapist, django_assert_num_queries):
    request = request_by(therapist.user)
    with django_assert_num_queries(2):
        first = staff_scope(request)
    with django_assert_num_queries(0):
        assert staff_scope(request) is first
    assert staff_scope(request_by(therapist.user)) is not first


# The scoped admin, called directly


class TimeOffAdmin(TherapistScopedAdmin):
    list_filter = ["therapist", "reason"]


@pytest.fixture
def time_off_admin() -> TherapistScopedAdmin:
    return TimeOffAdmin(TimeOff, admin.site)


@pytest.fixture
def anna_off(therapist):
    return TimeOffFactory.create(therapist=therapist)


@pytest.fixture
def ben_off(other_therapist):
    return TimeOffFactory.create(therapist=other_therapist)


@pytest.mark.django_db
def test_the_admin_gives_a_therapist_only_their_own_rows(
    time_off_admin, therapist, anna_off, ben_off
):
    request = request_by(therapist.user)
    assert list(time_off_admin.get_queryset(request)) == [anna_off]
    assert time_off_admin.has_view_permission(request, anna_off)
    assert time_off_admin.has_change_permission(request, anna_off)
    assert time_off_admin.has_delete_permission(request, anna_off)
    assert not time_off_admin.has_view_permission(request, ben_off)
    assert not time_off_admin.has_change_permission(request, ben_off)
    assert not time_off_admin.has_delete_permission(request, ben_off)
    assert time_off_admin.get_object(request, str(anna_off.pk)) == anna_off
    with pytest.raises(Http404):
        time_off_admin.get_object(request, str(ben_off.pk))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["superuser", "front_desk_user"])
def test_the_admin_gives_superusers_and_front_desk_every_row(
    request, time_off_admin, anna_off, ben_off, who
):
    staff = request_by(request.getfixturevalue(who))
    assert set(time_off_admin.get_queryset(staff)) == {anna_off, ben_off}
    for obj in (anna_off, ben_off):
        assert time_off_admin.has_change_permission(staff, obj)
        assert time_off_admin.get_object(staff, str(obj.pk)) == obj


@pytest.mark.django_db
def test_the_admin_refuses_a_content_editor(time_off_admin, content_editor, anna_off):
    request = request_by(content_editor)
    assert not time_off_admin.get_queryset(request).exists()
    assert not time_off_admin.has_view_permission(request)
    assert not time_off_admin.has_view_permission(request, anna_off)
    with pytest.raises(PermissionDenied):
        time_off_admin.get_object(request, str(anna_off.pk))


@pytest.mark.django_db
def test_the_admin_offers_a_therapist_only_themselves_in_forms_and_filters(
    time_off_admin, therapist, other_therapist, front_desk_user
):
    therapist_field = TimeOff._meta.get_field("therapist")
    own = request_by(therapist.user)
    field = time_off_admin.formfield_for_foreignkey(therapist_field, own)
    assert field is not None
    assert list(field.queryset) == [therapist]
    assert field.initial == therapist.pk
    assert list(time_off_admin.get_list_filter(own)) == ["reason"]

    desk = request_by(front_desk_user)
    field = time_off_admin.formfield_for_foreignkey(therapist_field, desk)
    assert field is not None
    assert set(field.queryset) == {therapist, other_therapist}
    assert list(time_off_admin.get_list_filter(desk)) == ["therapist", "reason"]


@pytest.mark.django_db
def test_a_therapist_user_without_a_therapist_row_gets_no_rows_and_no_choices(
    time_off_admin, therapist_user, ben_off
):
    request = request_by(therapist_user)
    assert not time_off_admin.get_queryset(request).exists()
    assert not time_off_admin.has_view_permission(request, ben_off)
    field = time_off_admin.formfield_for_foreignkey(TimeOff._meta.get_field("therapist"), request)
    assert field is not None
    assert not field.queryset.exists()


# Through the admin pages


@pytest.mark.django_db
def test_a_therapist_sees_only_their_own_bookings_in_the_list(client, therapist, other_therapist):
    own = BookingFactory.create(therapist=therapist, reference="OWNREF22")
    other = BookingFactory.create(therapist=other_therapist, reference="OTHREF33")
    client.force_login(therapist.user)
    html = client.get(changelist(Booking), {"when": "all"}).content.decode()
    assert own.reference in html
    assert other.reference not in html


@pytest.mark.django_db
def test_a_therapist_gets_404_for_someone_elses_booking(client, therapist, other_therapist):
    other = BookingFactory.create(therapist=other_therapist)
    client.force_login(therapist.user)
    assert client.get(change_url(other)).status_code == 404
    assert client.post(change_url(other), {"client_name": "Hijacked"}).status_code == 404
    assert client.get(change_url(other, "history")).status_code == 404
    other.refresh_from_db()
    assert other.client_name != "Hijacked"


@pytest.mark.django_db
def test_a_therapist_opens_their_own_booking(client, therapist):
    own = BookingFactory.create(therapist=therapist)
    client.force_login(therapist.user)
    assert client.get(change_url(own)).status_code == 200


@pytest.mark.django_db
def test_a_therapist_cannot_act_on_someone_elses_booking_ids(client, therapist, other_therapist):
    other = BookingFactory.create(therapist=other_therapist, start=FUTURE)
    client.force_login(therapist.user)
    response = client.post(
        changelist(Booking),
        {"action": "cancel_bookings", "_selected_action": [other.pk], "confirm": "yes"},
    )
    assert response.status_code in (200, 302)
    other.refresh_from_db()
    assert other.status == BookingStatus.CONFIRMED


@pytest.mark.django_db
def test_a_therapist_sees_only_their_own_time_off_and_hours(client, therapist, other_therapist):
    own_off = TimeOffFactory.create(therapist=therapist, reason="Own dentist")
    other_off = TimeOffFactory.create(therapist=other_therapist, reason="Other holiday")
    own_hours = WorkingHoursFactory.create(therapist=therapist, weekday=1)
    other_hours = WorkingHoursFactory.create(therapist=other_therapist, weekday=3)
    client.force_login(therapist.user)

    html = client.get(changelist(TimeOff)).content.decode()
    assert "Own dentist" in html
    assert "Other holiday" not in html
    assert client.get(change_url(own_off)).status_code == 200
    assert client.get(change_url(other_off)).status_code == 404
    assert client.post(change_url(other_off, "delete"), {"post": "yes"}).status_code == 404
    assert TimeOff.objects.filter(pk=other_off.pk).exists()

    rows = client.get(changelist(WorkingHours)).context["cl"].result_list
    assert list(rows) == [own_hours]
    assert client.get(change_url(own_hours)).status_code == 200
    assert client.get(change_url(other_hours)).status_code == 404


@pytest.mark.django_db
def test_a_therapist_sees_only_their_own_therapist_row(client, therapist, other_therapist):
    client.force_login(therapist.user)
    html = client.get(changelist(Therapist)).content.decode()
    assert "Anna K." in html
    assert "Ben M." not in html
    assert client.get(change_url(other_therapist)).status_code == 404
    assert (
        client.post(change_url(other_therapist), {"display_name": "Taken over"}).status_code == 404
    )
    other_therapist.refresh_from_db()
    assert other_therapist.display_name == "Ben M."


@pytest.mark.django_db
def test_a_therapist_can_only_add_time_off_for_themselves(client, therapist, other_therapist):
    client.force_login(therapist.user)
    url = reverse("admin:bookings_timeoff_add")
    form = client.get(url).context["adminform"].form
    assert list(form.fields["therapist"].queryset) == [therapist]
    data = {
        "start_0": "2026-08-03",
        "start_1": "09:00",
        "end_0": "2026-08-07",
        "end_1": "18:00",
        "reason": "Holiday",
    }
    response = client.post(url, data | {"therapist": other_therapist.pk})
    assert response.status_code == 200
    assert "therapist" in response.context["adminform"].form.errors
    assert not TimeOff.objects.exists()

    response = client.post(url, data | {"therapist": therapist.pk})
    assert response.status_code == 302
    off = TimeOff.objects.get()
    assert off.therapist == therapist
    # Entered in the clinic's wall clock (summer time), stored in UTC.
    assert off.start == datetime(2026, 8, 3, 8, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_a_therapist_can_only_add_working_hours_for_themselves(client, therapist, other_therapist):
    client.force_login(therapist.user)
    url = reverse("admin:bookings_workinghours_add")
    data = {"weekday": 0, "start_time": "09:00", "end_time": "13:00"}
    assert client.post(url, data | {"therapist": other_therapist.pk}).status_code == 200
    assert not WorkingHours.objects.exists()
    assert client.post(url, data | {"therapist": therapist.pk}).status_code == 302
    assert WorkingHours.objects.get().therapist == therapist


@pytest.mark.django_db
def test_a_therapist_has_no_therapist_filter(client, therapist):
    BookingFactory.create(therapist=therapist)
    client.force_login(therapist.user)
    response = client.get(changelist(Booking))
    specs = [spec.title for spec in response.context["cl"].filter_specs]
    assert "therapist" not in specs
    assert "status" in specs


@pytest.mark.django_db
def test_front_desk_sees_every_therapists_bookings_and_rows(
    client, front_desk_user, therapist, other_therapist
):
    bookings = [
        BookingFactory.create(therapist=therapist),
        BookingFactory.create(therapist=other_therapist),
    ]
    off = TimeOffFactory.create(therapist=other_therapist)
    client.force_login(front_desk_user)
    html = client.get(changelist(Booking), {"when": "all"}).content.decode()
    for booking in bookings:
        assert booking.reference in html
        assert client.get(change_url(booking)).status_code == 200
    assert client.get(change_url(off)).status_code == 200
    assert client.get(change_url(other_therapist)).status_code == 200
    page = client.get(reverse("admin:bookings_therapist_add")).content.decode()
    assert 'type="checkbox" name="techniques"' in page


@pytest.mark.django_db
def test_a_superuser_sees_every_therapists_bookings(client, superuser, therapist, other_therapist):
    bookings = [
        BookingFactory.create(therapist=therapist),
        BookingFactory.create(therapist=other_therapist),
    ]
    client.force_login(superuser)
    html = client.get(changelist(Booking), {"when": "all"}).content.decode()
    for booking in bookings:
        assert booking.reference in html
        assert client.get(change_url(booking)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:bookings_booking_changelist",
        "admin:bookings_therapist_changelist",
        "admin:bookings_timeoff_changelist",
        "admin:bookings_workinghours_changelist",
        "admin:bookings_clinicrules_changelist",
        "admin:bookings_booking_schedule",
    ],
)
def test_a_content_editor_sees_none_of_the_bookings_admin(client, content_editor, url_name):
    client.force_login(content_editor)
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.django_db
def test_a_content_editor_cannot_open_a_booking_directly(client, content_editor, therapist):
    booking = BookingFactory.create(therapist=therapist)
    client.force_login(content_editor)
    assert client.get(change_url(booking)).status_code == 403
    assert client.get(change_url(therapist)).status_code == 403


@pytest.mark.django_db
def test_staff_with_booking_permissions_but_no_role_see_no_bookings(client, therapist):
    booking = BookingFactory.create(therapist=therapist)
    outsider = StaffFactory.create(username="outsider")
    outsider.user_permissions.add(Permission.objects.get(codename="view_booking"))
    client.force_login(outsider)
    assert booking.reference not in client.get(changelist(Booking)).content.decode()
    assert client.get(change_url(booking)).status_code == 404
