"""The superusers' trail of looks in the admin: nobody else sees any audit log entry,
per client and per staff member, read-only, in a fixed number of queries."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from bookings.privacy import looks
from bookings.privacy.admin import LookAdmin
from tests.clock import NOW
from tests.factories import BookingFactory, StaffFactory

pytestmark = pytest.mark.django_db

TRAIL = reverse("admin:auditlog_logentry_changelist")


@pytest.fixture
def jane(therapist):
    return BookingFactory(therapist=therapist, client_name="Jane Doe", with_safety_facts=True)


def test_the_librarys_log_entry_admin_is_replaced_by_the_trail():
    assert isinstance(admin.site._registry[LogEntry], LookAdmin)


@pytest.mark.parametrize(
    "who", ["front_desk_user", "therapist_user", "clinical_lead", "content_editor"]
)
def test_no_one_but_superusers_reaches_any_log_entry(client, request, jane, who):
    user = request.getfixturevalue(who)
    entry = looks.record_look(user=user, opened=jane, now=NOW)
    # Even given auditlog's own permissions by hand.
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="auditlog"))
    client.force_login(user)
    assert client.get(TRAIL).status_code == 403
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert client.get(change).status_code in (403, 404)
    assert "Audit log" not in client.get(reverse("admin:index")).content.decode()


def test_superusers_read_the_trail_but_change_nothing(client, jane, therapist_user, superuser):
    entry = looks.record_look(user=therapist_user, opened=jane, now=NOW)
    client.force_login(superuser)
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"object_repr": "x"}).status_code == 403
    delete = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    assert LogEntry.objects.get().object_repr == f"Booking {jane.reference}"


def test_the_trail_shows_who_what_which_client_and_when_in_the_clinic_format(
    client, jane, therapist_user, superuser
):
    therapist_user.first_name, therapist_user.last_name = "Anna", "Smith"
    therapist_user.save()
    looks.record_look(user=therapist_user, opened=jane, now=NOW)
    client.force_login(superuser)
    page = client.get(TRAIL).content.decode()
    assert "Looks at health data" in page
    assert "Mon 2 Mar 2026, 08:00" in page  # DATETIME_FORMAT, in the clinic's zone
    assert "Anna Smith" in page and "Intake answers and safety facts" in page
    assert f"Booking {jane.reference}" in page
    client_link = reverse("admin:bookings_client_change", args=[jane.client_id])
    assert f'<a href="{client_link}">Jane Doe</a>' in page


def test_the_trail_filters_per_client_per_staff_member_and_per_kind(
    client, jane, therapist_user, front_desk_user, superuser
):
    other = BookingFactory(client_name="Someone Else", with_safety_facts=True)
    looks.record_look(user=therapist_user, opened=jane, now=NOW)
    looks.record_look(user=front_desk_user, opened=other, now=NOW)
    looks.record_marks(user=front_desk_user, bookings=[jane], page=looks.Look.MARK_DAY, now=NOW)
    client.force_login(superuser)

    def rows(**query):
        return [
            (e.actor.username, e.additional_data["what"], e.client_name)
            for e in client.get(TRAIL, query).context["cl"].result_list
        ]

    assert sorted(rows(client=jane.client_id)) == [
        ("frontdesk", "mark_day", "Jane Doe"),
        ("therapist", "booking", "Jane Doe"),
    ]
    assert sorted(rows(actor__id__exact=front_desk_user.pk)) == [
        ("frontdesk", "booking", "Someone Else"),
        ("frontdesk", "mark_day", "Jane Doe"),
    ]
    assert rows(what="mark_day") == [("frontdesk", "mark_day", "Jane Doe")]


def test_the_trail_shows_only_looks_not_other_log_entries(client, jane, superuser):
    LogEntry.objects.log_create(jane, action=LogEntry.Action.UPDATE, force_log=True, changes={})
    client.force_login(superuser)
    assert client.get(TRAIL).context["cl"].result_count == 0


@pytest.mark.parametrize("nonsense", ["abc", "-1", "99999999999999999999999", "0"])
def test_a_mistyped_client_shows_an_empty_trail_not_an_error(client, jane, superuser, nonsense):
    looks.record_look(user=superuser, opened=jane, now=NOW)
    client.force_login(superuser)
    response = client.get(TRAIL, {"client": nonsense})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


@pytest.mark.parametrize("entries", [2, 10])
def test_the_trail_reads_in_a_fixed_number_of_queries(
    client, therapist, superuser, django_assert_num_queries, entries
):
    bookings = [
        BookingFactory(therapist=therapist, start=NOW + timedelta(days=n, hours=1))
        for n in range(entries)
    ]
    staff = [StaffFactory(username=f"staff{n}") for n in range(entries)]
    for booking, someone in zip(bookings, staff, strict=True):
        looks.record_look(user=someone, opened=booking, now=NOW)
    client.force_login(superuser)
    client.get(TRAIL)
    with django_assert_num_queries(TRAIL_QUERIES):
        response = client.get(TRAIL, {"client": bookings[0].client_id})
    assert response.context["cl"].result_count == 1
    with django_assert_num_queries(TRAIL_QUERIES - 1):  # no client to name
        response = client.get(TRAIL)
    assert len(response.context["cl"].result_list) == entries


# Session and user (2), the client filter's client and duplicates (1), the staff
# filter's choices (1), one count capped at 10,001 rows (1), the admin's sidebar (clinic
# rules, the staff member's therapist row: 2), the page of entries with their staff and
# client names (1). No full count and no date drill-down.
TRAIL_QUERIES = 8


def test_the_trail_is_searched_by_a_bookings_reference(client, jane, superuser, therapist_user):
    other = BookingFactory(client_name="Someone Else", with_safety_facts=True)
    looks.record_look(user=therapist_user, opened=jane, now=NOW)
    looks.record_look(user=therapist_user, opened=other, now=NOW)
    client.force_login(superuser)
    found = client.get(TRAIL, {"q": jane.reference.lower()}).context["cl"].result_list
    assert [e.object_id for e in found] == [jane.pk]


def test_the_trail_has_no_date_drill_down_and_offers_staff_accounts(client, jane, superuser):
    client.force_login(superuser)
    page = client.get(TRAIL)
    assert page.context["cl"].date_hierarchy is None
    assert "staff member" in page.content.decode()
