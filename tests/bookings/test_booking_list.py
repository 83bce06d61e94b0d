"""The admin's booking list: what front desk sees first, filters, phone search, marks."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from bookings.frontdesk.booking_list import phone_digits_of
from bookings.models import BookingStatus, Therapist, TimeOff
from tests.factories import BookingFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

LIST = reverse("admin:bookings_booking_changelist")
# The suite's clock: Monday 2 March 2026, 08:00 in London (GMT).
MONDAY_10 = datetime(2026, 3, 2, 10, tzinfo=UTC)
DAY = timedelta(days=1)


def shown(client, **params) -> set[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {b.client_name for b in response.context["cl"].result_list}


@pytest.fixture
def week(therapist):
    for name, start, extra in [
        ("Today", MONDAY_10, {}),
        ("Tomorrow", MONDAY_10 + DAY, {}),
        ("Sunday", MONDAY_10 + 6 * DAY, {}),
        ("Next Monday", MONDAY_10 + 7 * DAY, {}),
        ("Last Friday", MONDAY_10 - 3 * DAY, {"status": BookingStatus.COMPLETED}),
        ("Cancelled", MONDAY_10 + DAY + timedelta(hours=3), {"status": BookingStatus.CANCELLED}),
    ]:
        BookingFactory(therapist=therapist, start=start, client_name=name, **extra)


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({}, {"Today", "Tomorrow", "Sunday", "Next Monday"}),
        ({"when": "today"}, {"Today"}),
        ({"when": "tomorrow"}, {"Tomorrow"}),
        ({"when": "week"}, {"Today", "Tomorrow", "Sunday"}),
        ({"when": "past"}, {"Last Friday"}),
        ({"when": "all"}, {"Today", "Tomorrow", "Sunday", "Next Monday", "Last Friday"}),
        (
            {"when": "all", "status": "all"},
            {"Today", "Tomorrow", "Sunday", "Next Monday", "Last Friday", "Cancelled"},
        ),
        ({"status": "cancelled"}, {"Cancelled"}),
        ({"q": "Cancelled"}, {"Cancelled"}),
    ],
)
def test_the_list_shows_upcoming_active_bookings_unless_asked(
    client, front_desk_user, week, params, names
):
    client.force_login(front_desk_user)
    assert shown(client, **params) == names


def test_all_is_one_click_away_and_the_default_is_marked(client, front_desk_user, week):
    client.force_login(front_desk_user)
    html = client.get(LIST).content.decode()
    assert 'href="?when=all"' in html
    assert 'href="?status=all"' in html
    assert 'class="selected"' in html


def test_days_are_the_clinics_days_in_summer_time(client, front_desk_user, therapist, clock):
    clock.move_to(datetime(2026, 7, 1, 22, 30, tzinfo=UTC))  # 23:30 in London
    BookingFactory(
        therapist=therapist,
        start=datetime(2026, 7, 1, 23, 15, tzinfo=UTC),
        client_name="After midnight",
    )
    client.force_login(front_desk_user)
    assert shown(client, when="today") == set()
    assert shown(client, when="tomorrow") == {"After midnight"}


def test_the_past_reads_from_the_most_recent_back(client, front_desk_user, therapist):
    for n in (3, 1, 2):
        BookingFactory(therapist=therapist, start=MONDAY_10 - n * DAY, client_name=f"{n} days ago")
    client.force_login(front_desk_user)
    response = client.get(LIST, {"when": "past"})
    assert [b.client_name for b in response.context["cl"].result_list] == [
        "1 days ago",
        "2 days ago",
        "3 days ago",
    ]


# Searching by phone


@pytest.mark.parametrize(
    ("term", "digits"),
    [
        ("07700 900123", "07700900123"),
        ("+44 (0)7700-900.123", "4407700900123"),
        ("900 123", "900123"),
        ("123", None),
        ("Maria", None),
        ("ABCD2345", None),
        ("maria@example.org", None),
    ],
)
def test_a_search_is_a_phone_number_when_it_is_digits_and_punctuation(term, digits):
    assert phone_digits_of(term) == digits


@pytest.mark.parametrize(
    "term", ["07700900123", "07700 900 123", "0770-090-0123", "(07700) 900123", "900123"]
)
def test_searching_a_phone_ignores_spaces_and_punctuation(client, front_desk_user, therapist, term):
    BookingFactory(therapist=therapist, client_name="Maria", client_phone="07700 900123")
    BookingFactory(
        therapist=therapist,
        start=MONDAY_10 + 2 * DAY,
        client_name="Other",
        client_phone="07700 900999",
    )
    client.force_login(front_desk_user)
    assert shown(client, q=term) == {"Maria"}


def test_a_stored_phone_with_punctuation_is_found_by_its_digits(client, front_desk_user, therapist):
    BookingFactory(therapist=therapist, client_name="Maria", client_phone="+44 (0)117-496.0123")
    client.force_login(front_desk_user)
    assert shown(client, q="1174960123") == {"Maria"}


def test_a_number_stored_in_e164_is_found_as_the_client_says_it(
    client, front_desk_user, therapist, other_therapist
):
    BookingFactory(therapist=therapist, client_name="Maria", client_phone="+447700900123")
    BookingFactory(therapist=other_therapist, client_name="Other", client_phone="+447700900999")
    client.force_login(front_desk_user)
    assert shown(client, q="07700 900123") == {"Maria"}


def test_a_therapist_finds_only_their_own_clients_by_phone(client, therapist, other_therapist):
    BookingFactory(therapist=other_therapist, client_name="Theirs", client_phone="07700 900123")
    client.force_login(therapist.user)
    assert shown(client, q="07700900123") == set()


# Columns, marks, money and the one date format


def test_a_row_shows_what_the_phone_call_needs(client, front_desk_user, therapist):
    booking = BookingFactory(
        therapist=therapist,
        start=MONDAY_10 + DAY,
        client_name="Jo Warned",
        client_phone="07700 900123",
        warning_flags=["night_pain"],
    )
    client.force_login(front_desk_user)
    html = client.get(LIST).content.decode()
    for text in [
        booking.reference,
        "Tue 3 Mar 2026, 10:00",
        "Jo Warned",
        "07700 900123",
        "Anna K.",
        "Swedish Massage",
        "Confirmed",
        "⚠ Constant pain at night or at rest",
    ]:
        assert text in html


def test_a_booking_saved_over_by_time_off_is_marked_and_filtered(
    client, front_desk_user, therapist
):
    fine = BookingFactory(therapist=therapist, start=MONDAY_10 + DAY, client_name="Fine")
    BookingFactory(therapist=therapist, start=MONDAY_10 + 2 * DAY, client_name="Stranded")
    TimeOff.objects.create(therapist=therapist, start=MONDAY_10 + 2 * DAY, end=MONDAY_10 + 3 * DAY)
    client.force_login(front_desk_user)
    html = client.get(LIST).content.decode()
    assert html.count('<span class="needs-attention">⚠ Needs attention</span>') == 1
    assert shown(client, attention="yes") == {"Stranded"}
    assert fine.client_name in shown(client)


def test_the_list_with_marks_makes_a_fixed_number_of_queries(
    client, front_desk_user, therapist, other_therapist, django_assert_num_queries
):
    client.force_login(front_desk_user)
    BookingFactory(therapist=therapist, start=MONDAY_10 + DAY)
    client.get(LIST)
    # No full count (show_full_result_count); schedules_between in one query.
    with django_assert_num_queries(13) as one:
        client.get(LIST)
    for n in range(2, 20):
        BookingFactory(therapist=therapist if n % 2 else other_therapist, start=MONDAY_10 + n * DAY)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(LIST).context["cl"].result_count == 19


@pytest.mark.parametrize(("symbol", "shown_price"), [("£", "£60.00"), ("€", "€60.00")])
def test_money_shows_the_clinics_currency(
    client, front_desk_user, therapist, settings, symbol, shown_price
):
    settings.CLINIC_CURRENCY_SYMBOL = symbol
    booking = BookingFactory(therapist=therapist)
    client.force_login(front_desk_user)
    html = client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).content.decode()
    assert shown_price in html


def test_a_session_on_the_autumn_change_says_which_0130_it_is(
    client, front_desk_user, therapist, clock
):
    clock.move_to(datetime(2026, 10, 20, 8, tzinfo=UTC))
    BookingFactory(
        therapist=therapist, start=datetime(2026, 10, 25, 1, 30, tzinfo=UTC), length_minutes=30
    )
    client.force_login(front_desk_user)
    assert "Sun 25 Oct 2026, 01:30 GMT" in client.get(LIST).content.decode()


def test_a_content_editor_sees_no_bookings(client, content_editor):
    client.force_login(content_editor)
    assert client.get(LIST).status_code == 403


# The therapist form's logins


def test_the_therapist_form_offers_only_free_active_staff_logins(
    client, front_desk_user, therapist
):
    free = StaffFactory(username="newcomer")
    StaffFactory(username="boss", is_superuser=True)
    StaffFactory(username="left", is_active=False)
    StaffFactory(username="client", is_staff=False)
    client.force_login(front_desk_user)

    add = client.get(reverse("admin:bookings_therapist_add")).context["adminform"].form
    assert list(add.fields["user"].queryset) == [front_desk_user, free]

    change = client.get(reverse("admin:bookings_therapist_change", args=[therapist.pk]))
    options = set(change.context["adminform"].form.fields["user"].queryset)
    assert options == {front_desk_user, free, therapist.user}


def test_a_login_already_linked_cannot_be_posted_for_a_new_therapist(
    client, front_desk_user, therapist
):
    client.force_login(front_desk_user)
    response = client.post(
        reverse("admin:bookings_therapist_add"),
        {
            "user": therapist.user.pk,
            "display_name": "Copy",
            "bio": "",
            "working_hours-TOTAL_FORMS": 0,
            "working_hours-INITIAL_FORMS": 0,
            "time_off-TOTAL_FORMS": 0,
            "time_off-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Therapist.objects.count() == 1
