from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse

from bookings.intake import cookie as intake
from bookings.intake.answers import IntakeAnswers
from bookings.models import Booking
from bookings.scheduling import step_cache
from catalog.models import Technique
from tests.clock import NOW as NOW_FIXED
from tests.factories import SCREENED_INTAKE, BookingFactory, TherapistFactory, TimeOffFactory

LONDON = ZoneInfo("Europe/London")
BOOK = reverse("bookings:book", kwargs={"slug": "swedish"})
SUBMIT = reverse("bookings:book_submit", kwargs={"slug": "swedish"})
DETAILS = {
    "client_name": "Sam Client",
    "client_email": "sam@example.com",
    "client_phone": "07700 900123",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(clinic_rules, therapist, other_therapist, now):
    return therapist


@pytest.fixture(autouse=True)
def screened(client):
    """A client who answered the safety screen with nothing to report; the tests of
    the screen itself are in test_views_safety.py."""
    with_intake(client, SCREENED_INTAKE)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON)


def post(client, therapist="any", start="2026-03-03T10:00Z", **overrides):
    return client.post(
        SUBMIT, {"length": 60, "therapist": therapist, "start": start} | DETAILS | overrides
    )


def with_intake(client, answers: IntakeAnswers) -> None:
    response = HttpResponse()
    intake.remember(response, answers)
    client.cookies[intake.COOKIE_NAME] = response.cookies[intake.COOKIE_NAME].value


def test_the_technique_page_has_a_book_button(client, clinic):
    response = client.get(reverse("catalog:technique_detail", kwargs={"slug": "swedish"}))
    assert BOOK.encode() in response.content
    assert b"Book this technique" in response.content


def test_the_first_step_offers_the_lengths_and_therapists(client, clinic):
    response = client.get(BOOK)
    assert response.status_code == 200
    content = response.content.decode()
    for text in (
        "30 minutes",
        "60 minutes",
        "90 minutes",
        "Anyone who is free",
        "Anna K.",
        "Ben M.",
    ):
        assert text in content


def test_with_one_therapist_the_first_step_offers_no_anyone_and_names_her(
    client, clinic, other_therapist
):
    other_therapist.is_active = False
    other_therapist.save()

    response = client.get(BOOK)

    content = response.content.decode()
    assert "Anyone who is free" not in content
    assert f'<input type="hidden" name="therapist" value="{clinic.pk}">' in content
    assert "With Anna K." in content
    # Each length is one label around its radio: the whole row is the target.
    assert content.count('<label class="choice-option"') == 3


def test_anyone_with_one_therapist_is_shown_as_her_name(client, clinic, other_therapist):
    other_therapist.is_active = False
    other_therapist.save()

    response = client.get(BOOK, {"length": 60, "therapist": "any"})

    assert response.context["therapist"] == clinic
    assert "anyone who is free" not in response.content.decode()


def test_the_day_step_shows_which_days_have_free_times(client, clinic):
    response = client.get(BOOK, {"length": 60, "therapist": "any"})
    days = {d["date"].isoformat(): d["count"] for d in response.context["days"]}
    assert len(days) == 15  # today and the 14-day horizon
    assert days["2026-03-08"] == 0  # Sunday: nobody works
    assert days["2026-03-02"] > 0 and days["2026-03-03"] > days["2026-03-02"]  # notice today
    # A full day is shown, but not as a link.
    assert '<span class="day-chip-count">full</span>' in response.content.decode()


def test_the_day_step_shows_the_first_free_days_times_on_the_same_page(client, clinic):
    response = client.get(BOOK, {"length": 60, "therapist": "any"})

    assert response.context["day"].isoformat() == "2026-03-02"
    times = [t["start"] for t in response.context["times"]]
    assert times and all(t.astimezone(LONDON).date().day == 2 for t in times)
    chosen = [d for d in response.context["days"] if d["chosen"]]
    assert [d["date"].isoformat() for d in chosen] == ["2026-03-02"]
    assert b'aria-current="date"' in response.content
    assert b"Free times on Monday 2 March" in response.content


def test_a_day_tapped_in_the_strip_shows_its_times_with_the_strip_still_there(client, clinic):
    response = client.get(BOOK, {"length": 60, "therapist": "any", "day": "2026-03-04"})

    assert b"Free times on Wednesday 4 March" in response.content
    assert len(response.context["days"]) == 15
    assert [d["date"].isoformat() for d in response.context["days"] if d["chosen"]] == [
        "2026-03-04"
    ]
    # Each day's link swaps the times in place with JavaScript, and is a plain link without.
    content = response.content.decode()
    assert 'hx-get="/book/swedish/?length=60&amp;therapist=any&amp;day=2026-03-05"' in content
    assert 'href="/book/swedish/?length=60&amp;therapist=any&amp;day=2026-03-05"' in content
    assert 'hx-push-url="true"' in content


def test_a_full_day_asked_for_says_so_and_offers_the_strip(client, clinic):
    response = client.get(BOOK, {"length": 60, "therapist": "any", "day": "2026-03-08"})

    assert response.context["times"] == []
    assert b"There are no free times on this day." in response.content
    assert sum(d["count"] for d in response.context["days"]) > 0


def test_the_day_step_offers_the_clinics_phone_as_a_tap_to_call_link(client, clinic, settings):
    response = client.get(BOOK, {"length": 60, "therapist": "any"})

    number = settings.CLINIC_PHONE.replace(" ", "")
    assert f'<a href="tel:{number}">{settings.CLINIC_PHONE}</a>' in response.content.decode()


def test_the_time_step_lists_the_free_times_of_the_day(client, clinic):
    BookingFactory(
        therapist=clinic, start=at(3, 9), technique=Technique.objects.get(slug="swedish")
    )
    response = client.get(BOOK, {"length": 60, "therapist": clinic.pk, "day": "2026-03-03"})
    times = [t["start"] for t in response.context["times"]]
    assert at(3, 9) not in times and at(3, 10) not in times
    assert times[0] == at(3, 10, 15)  # after the booking and its buffer
    assert at(3, 12, 15) not in times  # would run into lunch
    assert b"10:15" in response.content


def test_the_whole_flow_books_and_shows_the_reference(client, clinic):
    response = client.get(BOOK, {"length": 60, "therapist": "any", "start": "2026-03-03T10:00Z"})
    assert response.status_code == 200
    assert b'name="client_name"' in response.content
    assert b'name="consent"' not in response.content

    response = post(client)

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "bookings:booking_detail", kwargs={"token": booking.manage_token}
    )
    assert booking.start == at(3, 10) and booking.client_name == "Sam Client"
    assert response.cookies[intake.COOKIE_NAME]["max-age"] == 0
    page = client.get(response.url)
    assert booking.reference.encode() in page.content
    assert b"10:00" in page.content
    assert reverse("bookings:manage", args=[booking.manage_token]).encode() in page.content


def test_the_same_post_arriving_again_with_its_answers_says_it_is_booked(client, clinic):
    # What the second of two posts sent at once meets (tests/bookings/test_concurrency.py
    # races them on PostgreSQL): it still carries the answers the first one cleared.
    assert post(client).status_code == 302
    with_intake(client, SCREENED_INTAKE)

    response = post(client)

    assert response.status_code == 409
    content = response.content.decode()
    assert "You are already booked" in content
    assert "already booked this session" in content
    booking = Booking.objects.get()
    # Nothing of the booking: the post alone proves nobody's identity.
    assert booking.reference not in content and booking.manage_token not in content
    assert "nearest free times" not in content


def test_it_refuses_a_slot_taken_a_moment_ago_and_keeps_what_was_typed(client, clinic):
    BookingFactory(
        therapist=clinic, start=at(3, 10), technique=Technique.objects.get(slug="swedish")
    )

    response = post(client, therapist=clinic.pk)

    assert response.status_code == 409
    content = response.content.decode()
    assert "just been taken" in content
    assert 'value="Sam Client"' in content and 'value="sam@example.com"' in content
    alternatives = [a["start"] for a in response.context["alternatives"]]
    assert alternatives and at(3, 10) not in alternatives
    assert at(3, 11, 15) in alternatives
    assert Booking.objects.count() == 1

    chosen = response.context["alternatives"][0]["iso"]
    assert post(client, therapist=clinic.pk, start=chosen).status_code == 302
    assert Booking.objects.count() == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"length": 60, "therapist": "999999"}, "choose a therapist from the list"),
        ({"length": 60, "therapist": "not-a-number"}, "choose a therapist from the list"),
        ({"length": 45, "therapist": "any"}, "session lengths offered"),
        ({"length": "DROP TABLE", "therapist": "any"}, "session lengths offered"),
        ({"length": 60, "therapist": "any", "day": "2026-13-45"}, "not a date we understand"),
        ({"length": 60, "therapist": "any", "start": "yesterday-ish"}, "not one we understand"),
        ({"length": 60, "therapist": "any", "start": "2026-03-02T07:00Z"}, "already passed"),
        ({"length": 60, "therapist": "any", "start": "2026-03-02T08:30Z"}, "too soon"),
        ({"length": 60, "therapist": "any", "start": "2026-03-03T07:00Z"}, "outside the therapist"),
        ({"length": 60, "therapist": "any", "start": "2026-03-08T10:00Z"}, "does not work on that"),
        ({"length": 60, "therapist": "any", "start": "2026-06-08T10:00Z"}, "too far ahead"),
        ({"length": 60, "therapist": "any", "start": "2026-03-03T10:07Z"}, "times offered"),
    ],
)
def test_bad_input_on_the_steps_gets_a_clear_message(client, clinic, params, message):
    response = client.get(BOOK, params)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")


def test_a_therapist_who_does_not_offer_the_technique_is_not_a_choice(client, clinic):
    deep = TherapistFactory(
        techniques=[Technique.objects.get(slug="deep-tissue")], works_weekdays=True
    )
    response = client.get(BOOK, {"length": 60, "therapist": deep.pk})
    assert "choose a therapist from the list" in response.content.decode()
    response = post(client, therapist=deep.pk)
    assert response.status_code == 400
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start": "2026-03-02T07:00Z"}, "already passed"),
        ({"start": "2026-03-08T10:00Z"}, "does not work on that day"),
        ({"start": "2026-03-03T12:30Z"}, "outside the therapist"),
        ({"length": 45}, "Something in your choice was not right"),
        ({"start": "garbage"}, "Something in your choice was not right"),
        ({"start": ""}, "Something in your choice was not right"),
        ({"therapist": "123456"}, "Something in your choice was not right"),
        ({"client_email": "not-an-email"}, "Enter a valid email address"),
        ({"client_phone": "call me maybe"}, "phone number we can reach"),
        ({"client_name": "   "}, "This field is required"),
    ],
)
def test_bad_input_on_submit_gets_a_clear_message_and_books_nothing(
    client, clinic, overrides, message
):
    response = post(client, **overrides)
    assert response.status_code in (200, 400)
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Booking.objects.exists()


def test_time_off_is_explained(client, clinic):
    for therapist in (clinic, clinic.__class__.objects.exclude(pk=clinic.pk).get()):
        TimeOffFactory(therapist=therapist, start=at(3, 9), end=at(3, 17))
    response = post(client)
    assert response.status_code == 400
    assert "away at that time" in response.content.decode()


def test_unknown_and_inactive_techniques_are_404(client, clinic):
    assert client.get(reverse("bookings:book", kwargs={"slug": "nope"})).status_code == 404
    Technique.objects.filter(slug="swedish").update(is_active=False)
    assert client.get(BOOK).status_code == 404
    assert post(client).status_code == 404


def test_a_wrong_booking_token_is_404(client, clinic):
    assert (
        client.get(reverse("bookings:booking_detail", kwargs={"token": "x" * 43})).status_code
        == 404
    )


def test_submit_only_accepts_post_and_the_steps_only_get(client, clinic):
    assert client.get(SUBMIT).status_code == 405
    assert client.post(BOOK).status_code == 405


def test_urgent_answers_get_emergency_advice_instead_of_a_booking_form(client, clinic):
    with_intake(client, IntakeAnswers(warning_signs=("saddle_numbness",), screened=True))
    response = client.get(BOOK)
    assert b"Please get medical help today" in response.content
    assert b"<form" not in response.content.split(b"<main")[1]
    assert b"Please get medical help today" in post(client).content
    assert not Booking.objects.exists()


def test_doctor_first_answers_need_an_acknowledgement_and_consent_keeps_answers(client, clinic):
    with_intake(
        client, IntakeAnswers(areas=("lower",), warning_signs=("night_pain",), screened=True)
    )
    page = client.get(BOOK, {"length": 60, "therapist": "any", "start": "2026-03-03T10:00Z"})
    assert b'name="acknowledge_warning"' in page.content
    assert b'name="consent"' in page.content
    assert b"Constant pain at night or at rest" in page.content

    refused = post(client)
    assert "Please tick this box" in refused.content.decode()
    assert not Booking.objects.exists()

    response = post(client, acknowledge_warning="on", consent="on")
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.intake_answers is not None
    assert booking.intake_answers["areas"] == ["lower"]
    assert booking.warning_flags == ["night_pain"]
    assert response.cookies[intake.COOKIE_NAME]["max-age"] == 0


def test_without_consent_the_answers_are_not_kept(client, clinic):
    with_intake(client, IntakeAnswers(areas=("lower",), screened=True))
    assert post(client).status_code == 302
    assert Booking.objects.get().intake_answers is None


def _free_days_queries(client, django_assert_num_queries, expected: int) -> None:
    with django_assert_num_queries(expected):
        response = client.get(BOOK, {"length": 60, "therapist": "any"})
    assert response.status_code == 200


# Cold: the technique with its lengths and therapists (one query), the schedules (one:
# hours, closures, time off and bookings; the rules come from the cache after the first
# page), then the safety screen's profiles of the offered techniques (techniques and
# their condition rules, one query), whatever the horizon. Warm (the step cache, see
# bookings/step_cache.py): none.
FREE_SLOT_QUERIES = 1 + 1 + 1
WARM_STEP_QUERIES = 0
# After a schedule write swapped the versions: the technique's offer (1) and the
# schedules (1) again; the profiles stay cached with the catalog's version. After a
# booking the offer stays too (tests/bench/test_bench_smoke.py).
AFTER_A_WRITE_QUERIES = 1 + 1


def test_a_days_times_with_a_cold_cache_are_read_in_at_most_five_queries(
    client, clinic, django_assert_max_num_queries
):
    """Issue 26: 11 queries before (the rules, the offer's two, the safety profiles'
    four, the schedules' four for that day, then the horizon's again for the strip)."""
    cache.clear()
    with django_assert_max_num_queries(5) as cold:
        response = client.get(BOOK, {"length": 60, "therapist": "any", "day": "2026-03-05"})
    assert response.status_code == 200
    assert len(response.context["times"]) == 22  # two therapists, 09-13 and 14-17
    assert sum(d["count"] for d in response.context["days"]) > 22
    # The rules, the offer, the schedule read and the profiles.
    assert len(cold.captured_queries) == 4


def test_the_free_days_step_makes_a_fixed_number_of_queries(
    client, clinic, django_assert_num_queries
):
    _free_days_queries(client, django_assert_num_queries, FREE_SLOT_QUERIES + 1)  # rules
    _free_days_queries(client, django_assert_num_queries, WARM_STEP_QUERIES)
    swedish = Technique.objects.get(slug="swedish")
    for n in range(5):
        therapist = TherapistFactory(techniques=[swedish], works_weekdays=True)
        TimeOffFactory(therapist=therapist, start=at(4, 9), end=at(4, 12))
        for day in range(3, 10):
            BookingFactory(therapist=therapist, technique=swedish, start=at(day, 10 + n % 3))
    step_cache.new_diary_version()  # as the services do on commit
    _free_days_queries(client, django_assert_num_queries, AFTER_A_WRITE_QUERIES)
    _free_days_queries(client, django_assert_num_queries, WARM_STEP_QUERIES)
    # Another day's times share the offer and the free runs the strip counted from.
    time_step = {"length": 60, "therapist": "any", "day": "2026-03-05"}
    with django_assert_num_queries(0):
        client.get(BOOK, time_step)
    with django_assert_num_queries(WARM_STEP_QUERIES):
        client.get(BOOK, time_step)
    cache.clear()
    _free_days_queries(client, django_assert_num_queries, FREE_SLOT_QUERIES + 1)


def test_a_technique_without_lengths_yet_says_there_is_nothing_to_choose(client, clinic):
    Technique.objects.get(slug="swedish").lengths.all().delete()
    response = client.get(BOOK)
    assert response.status_code == 200
    assert response.context["lengths"] == []
    assert client.get(BOOK, {"length": 60, "therapist": "any"}).status_code == 200
    assert post(client).status_code == 400


def test_a_rules_change_in_admin_shows_on_the_very_next_booking_page(
    client, clinic, front_desk_user
):
    assert len(client.get(BOOK, {"length": 60, "therapist": "any"}).context["days"]) == 15
    client.force_login(front_desk_user)
    response = client.post(
        reverse("admin:bookings_clinicrules_change", args=[1]),
        {
            "buffer_minutes": 15,
            "min_notice_minutes": 120,
            "booking_horizon_days": 21,
            "slot_step_minutes": 15,
            "cancellation_window_hours": 24,
            "reminder_hours_before": 24,
            "safety_recheck_days": 30,
            "trail_names": "role",
            "payment_policy": "at_clinic",
        },
    )
    assert response.status_code == 302
    client.logout()  # which forgets every cookie, the screened answers too
    with_intake(client, SCREENED_INTAKE)
    assert len(client.get(BOOK, {"length": 60, "therapist": "any"}).context["days"]) == 22


def test_times_are_shown_in_the_clinics_summer_time(client, clinic, monkeypatch):
    summer = datetime(2026, 6, 1, 7, tzinfo=LONDON)
    monkeypatch.setattr("django.utils.timezone.now", lambda: summer)
    response = client.get(BOOK, {"length": 60, "therapist": clinic.pk, "day": "2026-06-02"})
    times = response.context["times"]
    assert times[0]["start"] == datetime(2026, 6, 2, 9, tzinfo=LONDON)
    assert times[0]["url"].endswith("start=2026-06-02T08%3A00Z")
    assert b">09:00<" in response.content


def test_the_step_links_carry_the_choices_in_the_query_string(client, clinic):
    response = client.get(BOOK, {"length": 60, "therapist": "any"})
    url = next(d["url"] for d in response.context["days"] if d["count"])
    assert url.startswith(BOOK + "?") and "length=60" in url and "therapist=any" in url
    assert client.get(url).status_code == 200
    assert timedelta(minutes=60) == timedelta(minutes=int(response.context["length"]))


def test_the_details_step_says_what_is_kept_why_and_for_how_long(client, clinic, settings):
    settings.HEALTH_ANSWERS_RETENTION_DAYS = 45
    settings.NOTES_RETENTION_YEARS = 6
    with_intake(client, IntakeAnswers(areas=("lower",), screened=True))
    page = client.get(BOOK, {"length": 60, "therapist": "any", "start": "2026-03-03T10:00Z"})
    text = page.content.decode()
    assert "kept with this booking only if you tick the box" in text
    assert "so your therapist can read them" in text
    assert "45 days after your session" in text
    assert "pain score (0 to 10), where it hurts and what it feels like" in text
    assert "so the clinic can see whether treatment helps" in text
    assert "for 6 years after your last visit" in text


def test_consent_is_recorded_with_its_time(client, clinic):
    with_intake(client, IntakeAnswers(areas=("lower",), screened=True))
    assert post(client, consent="on").status_code == 302
    assert Booking.objects.get().health_consent_at == NOW_FIXED


def test_a_bot_filling_the_hidden_field_books_nothing(client, clinic):
    response = post(client, website="http://spam.example")
    assert response.status_code in (200, 400)
    assert not Booking.objects.exists()
    html = client.get(BOOK, {"length": 60, "therapist": "any", "start": "2026-03-03T10:00Z"})
    assert 'class="hp-field"' in html.content.decode()


def test_too_many_booking_posts_from_one_address_get_the_friendly_429(client, clinic, settings):
    settings.FORM_RATE_LIMIT = "2/h"
    post(client, client_email="not an email")
    post(client, client_email="not an email")
    response = post(client)
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    assert not Booking.objects.exists()


def test_details_errors_are_summarised_at_the_top_with_links_to_each_field(client, clinic):
    response = post(client, client_email="not an email", client_phone="call me")
    text = response.content.decode()
    summary = text[text.index('id="form-problems"') :]
    assert summary.index("Please check your details") < summary.index('name="client_email"')
    assert 'href="#id_client_email"' in summary
    assert 'href="#id_client_phone"' in summary
    assert not Booking.objects.exists()


@pytest.mark.parametrize("horizon", [7, 30, 90])
def test_the_time_step_makes_the_same_queries_whatever_the_horizon(
    client, clinic, clinic_rules, django_assert_num_queries, horizon
):
    clinic_rules.booking_horizon_days = horizon
    clinic_rules.save()
    clinic_rules.remember()
    swedish = Technique.objects.get(slug="swedish")
    for day in range(3, 32, 2):
        BookingFactory(therapist=clinic, technique=swedish, start=at(day, 10))
    with django_assert_num_queries(FREE_SLOT_QUERIES):
        response = client.get(BOOK, {"length": 60, "therapist": "any", "day": "2026-03-05"})
    with django_assert_num_queries(WARM_STEP_QUERIES):
        again = client.get(BOOK, {"length": 60, "therapist": "any", "day": "2026-03-05"})
    assert again.context["times"] == response.context["times"]
    starts = [t["start"] for t in response.context["times"]]
    assert starts[0] == at(5, 9) and len(starts) == 22  # 09:00-12:00, 14:00-16:00 by quarters
    # The one booking that day leaves the other therapist free at 10:00.
    assert at(5, 10) in starts


def test_each_days_count_is_the_number_of_times_that_day_offers(client, clinic, monkeypatch):
    # Across the spring clock change (Sunday 29 March: nobody works, Monday 30 in BST).
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(24, 7))
    swedish = Technique.objects.get(slug="swedish")
    BookingFactory(therapist=clinic, technique=swedish, start=at(26, 10, 30))
    BookingFactory(therapist=clinic, technique=swedish, start=at(30, 9))
    for therapist in ("any", clinic.pk):
        days = client.get(BOOK, {"length": 60, "therapist": therapist}).context["days"]
        assert sum(d["count"] for d in days) > 0
        for d in days:
            times = client.get(d["url"]).context["times"]
            assert d["count"] == len(times), d["date"]
