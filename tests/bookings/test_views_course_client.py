"""The client's course pages (bookings/booking/course_pages.py, manage.py): booking a
session as a course behind the private link and from My bookings, choosing around a
clash, sending it twice, cancelling one, the rest or all, and the pages kept by no cache."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from bookings.booking import courses
from bookings.booking.course_forms import pick_value
from bookings.models import Booking, BookingStatus, ClinicRules, Course, PaymentPolicy
from tests.bookings.test_account_pages import sign_in
from tests.clock import clinic_time
from tests.factories import EVERY_DAY_NINE_TO_FIVE, BookingFactory, TimeOffFactory

Book = Callable[..., Booking]


@pytest.fixture
def therapist_hours():
    return EVERY_DAY_NINE_TO_FIVE


@pytest.fixture
def rules(clinic_rules: ClinicRules) -> ClinicRules:
    clinic_rules.booking_horizon_days = 120
    clinic_rules.save()
    return clinic_rules


@pytest.fixture
def source(book: Book, rules: ClinicRules) -> Booking:
    """Jane's Wednesday 4 March, 10:00 with Anna."""
    return book()


def url(booking: Booking, name: str) -> str:
    return reverse(f"bookings:{name}", args=[booking.manage_token])


def dates_page(client: Any, booking: Booking, every: int = 2, sessions: int = 4) -> Any:
    return client.get(url(booking, "manage_course"), {"every_weeks": every, "sessions": sessions})


def fortnightly(source: Booking, sessions: int = 4) -> list[courses.Occurrence]:
    return courses.plan_course(source=source, every_weeks=2, sessions=sessions, staff=False)


def post_of(occurrences: list[courses.Occurrence], every: int = 2, **chosen: str) -> dict:
    """The dates page's POST: each free time, or what `chosen` says for a position."""
    data: dict[str, Any] = {"every_weeks": every, "sessions": len(occurrences) + 1}
    for o in occurrences:
        name = f"pick_{o.position}"
        if name in chosen:
            data[name] = chosen[name]
        elif o.free:
            data[name] = pick_value(o.start, o.therapist_id)
        else:
            first = o.options[0]
            data[name] = pick_value(first.start, first.therapist_id)
    return data


def no_store(response: Any) -> bool:
    return "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# Repeat


def test_the_booking_page_offers_to_book_it_as_a_course(client, source):
    page = client.get(url(source, "manage"))

    assert "Book this as a course" in page.text
    assert url(source, "manage_course") in page.text


def test_how_often_and_how_many_are_asked_first_as_big_choices(client, source):
    page = client.get(url(source, "manage_course"))

    assert page.status_code == 200 and no_store(page)
    assert "How often?" in page.text and "How many sessions in all?" in page.text
    for label in ("Every week", "Every 2 weeks", "Every 4 weeks"):
        assert label in page.text
    assert page.text.count('name="sessions"') == 11
    assert "Show the dates" in page.text
    assert "Book these" not in page.text


def test_the_dates_are_shown_each_free_with_the_count_to_book(client, source):
    page = dates_page(client, source)

    assert page.status_code == 200 and no_store(page)
    assert "4 sessions in all, every 2 weeks" in page.text
    assert "Session 1: Wednesday 4 March, 10:00" in page.text
    assert "Session 3: Wednesday 1 April, 10:00" in page.text  # summer time: still 10:00
    assert page.text.count(">Free<") == 3
    assert "Book these 3 sessions" in page.text
    # Two months on, the answers are asked again first.
    assert "we will ask you our safety questions again" in page.text
    assert not Course.objects.exists()


def test_a_nonsense_choice_is_asked_again_with_a_plain_message(client, source):
    page = client.get(url(source, "manage_course"), {"every_weeks": 3, "sessions": 40})

    assert page.status_code == 400
    assert "Please choose every week, every 2 weeks or every 4 weeks." in page.text
    assert "Please choose from 2 to 12 sessions." in page.text


def test_booking_the_dates_makes_one_course_and_says_so(client, source):
    mail.outbox.clear()
    response = client.post(url(source, "manage_course"), post_of(fortnightly(source)))

    assert response.status_code == 303 and response["Location"] == url(source, "manage")
    course = Course.objects.get()
    assert course.sessions.count() == 4 and course.created_by is None
    page = client.get(url(source, "manage"))
    assert "Your course is booked: 4 sessions, every 2 weeks." in page.text
    assert "Session 1 of 4" in page.text
    assert "Book this as a course" not in page.text


def test_sending_it_again_books_nothing_more(client, source):
    data = post_of(fortnightly(source))
    client.post(url(source, "manage_course"), data)

    again = client.post(url(source, "manage_course"), data)

    assert again.status_code == 303
    assert Course.objects.count() == 1 and Booking.objects.count() == 4
    page = client.get(url(source, "manage"))
    assert "These sessions are booked already. Nothing more needs doing." in page.text


def test_a_clash_offers_other_times_and_skip_and_a_skipped_one_is_left_out(
    client, source, other_therapist
):
    taken = clinic_time(source.start + timedelta(days=14), 10)
    BookingFactory(therapist=source.therapist, start=taken)

    page = dates_page(client, source)
    assert "Session 2: Wednesday 18 March, 10:00" in page.text
    assert "Not free: Anna K. already has a session then." in page.text
    assert "with Ben M." in page.text and "Skip this one" in page.text
    assert "Book these 3 sessions" in page.text

    response = client.post(
        url(source, "manage_course"), post_of(fortnightly(source), pick_2="skip")
    )

    assert response.status_code == 303
    course = Course.objects.get()
    kept = course.sessions.order_by("start")
    assert [b.course_position for b in kept] == [1, 3, 4]
    page = client.get(url(source, "manage"))
    assert "Session 2 was not booked: please phone us on" in page.text


def test_a_date_with_no_time_near_it_gives_one_reason_and_no_safety_note(client, source, rules):
    rules.safety_recheck_days = 1
    rules.save()
    away = clinic_time(source.start + timedelta(days=42), 0)
    TimeOffFactory(therapist=source.therapist, start=away, end=away + timedelta(days=2))

    page = dates_page(client, source)

    assert page.text.count("Not free:") == 1
    assert "Not free: Anna K. is away then. This one is left out" in (page.text)
    assert "No free time near this date" not in page.text
    # Sessions 2 and 3 are asked about again; session 4, left out, is not.
    assert page.text.count("we will ask you our safety questions again") == 2


def test_a_course_reaches_past_the_online_horizon(client, source, rules):
    rules.booking_horizon_days = 14
    rules.save()

    page = dates_page(client, source)

    assert page.text.count(">Free<") == 3
    assert "too far ahead" not in page.text


def test_an_alternative_chosen_is_booked_with_that_therapist(client, source, other_therapist):
    taken = clinic_time(source.start + timedelta(days=14), 10)
    BookingFactory(therapist=source.therapist, start=taken)
    plan = fortnightly(source)
    ben = next(o for o in plan[0].options if o.therapist_name == "Ben M.")

    client.post(
        url(source, "manage_course"),
        post_of(plan, pick_2=pick_value(ben.start, ben.therapist_id)),
    )

    second = Booking.objects.get(course_position=2)
    assert (second.therapist_id, second.start) == (other_therapist.pk, taken)


def test_a_time_taken_since_the_page_was_drawn_is_asked_again_and_nothing_is_booked(client, source):
    data = post_of(fortnightly(source))
    BookingFactory(
        therapist=source.therapist, start=clinic_time(source.start + timedelta(days=28), 10)
    )

    page = client.post(url(source, "manage_course"), data)

    assert page.status_code == 400
    assert "That time is no longer free. Please choose one of these, or skip it." in page.text
    assert not Course.objects.exists()


def test_a_clash_at_the_last_moment_redraws_the_dates_with_new_options(client, source, monkeypatch):
    real = courses.book_course
    plan = fortnightly(source)

    def someone_else_first(**kwargs: Any) -> Course:
        BookingFactory(therapist=source.therapist, start=plan[1].start)
        return real(**kwargs)

    monkeypatch.setattr(courses, "book_course", someone_else_first)
    page = client.post(url(source, "manage_course"), post_of(plan))

    assert page.status_code == 409 and no_store(page)
    assert "Session 3 is no longer free. Nothing has been booked yet" in page.text
    assert "Not free: Anna K. already has a session then." in page.text
    assert "Skip this one" in page.text
    assert not Course.objects.exists()


def test_skipping_every_later_session_is_refused_plainly(client, source, other_therapist):
    for days in (14, 28, 42):
        start = clinic_time(source.start + timedelta(days=days), 10)
        BookingFactory(therapist=source.therapist, start=start)
    plan = fortnightly(source)

    page = client.post(
        url(source, "manage_course"),
        post_of(plan, pick_2="skip", pick_3="skip", pick_4="skip"),
    )

    assert page.status_code == 400
    assert "please keep at least one" in page.text
    assert not Course.objects.exists()


def test_a_course_is_not_offered_online_when_the_clinic_takes_payment_first(client, source):
    rules = ClinicRules.load()
    rules.payment_policy = PaymentPolicy.FULL
    rules.save()

    assert "Book this as a course" not in client.get(url(source, "manage")).text
    response = client.get(url(source, "manage_course"))
    assert response.status_code == 303
    assert courses.CALL_TO_BOOK in client.get(url(source, "manage")).text


def test_under_a_payment_policy_the_booking_page_says_to_phone_for_a_course(client, source):
    rules = ClinicRules.load()
    rules.payment_policy = PaymentPolicy.FULL
    rules.save()

    page = client.get(url(source, "manage"))

    assert "To book a course of sessions, please phone us on" in page.text


def test_a_second_post_that_finds_the_course_booked_goes_to_the_booking(
    client, source, monkeypatch
):
    real = courses.book_course
    data = post_of(fortnightly(source))

    def the_other_tab_first(**kwargs: Any) -> Course:
        real(**kwargs)
        return real(**kwargs)

    monkeypatch.setattr(courses, "book_course", the_other_tab_first)
    response = client.post(url(source, "manage_course"), data)

    assert response.status_code == 303 and response["Location"] == url(source, "manage")
    assert Course.objects.count() == 1
    page = client.get(url(source, "manage"))
    assert "These sessions are booked already. Nothing more needs doing." in page.text


def test_show_the_dates_with_nothing_chosen_says_what_to_answer(client, source):
    # Radios left unticked send nothing: only the button's own name.
    page = client.get(url(source, "manage_course"), {"show": "1"})

    assert page.status_code == 400
    assert "Please choose how often." in page.text
    assert "Please choose how many sessions." in page.text


def test_a_cancelled_booking_cannot_become_a_course(client, source):
    source.status = BookingStatus.CANCELLED
    source.save()

    assert "Book this as a course" not in client.get(url(source, "manage")).text
    assert client.post(url(source, "manage_course"), {}).status_code == 303
    assert not Course.objects.exists()


@pytest.mark.parametrize("name", ["manage_course", "manage_course_cancel", "manage_recheck"])
def test_another_clients_or_a_made_up_token_is_a_plain_404(client, source, name):
    for token in ("x" * 43, "short"):
        response = client.get(reverse(f"bookings:{name}", args=[token]))
        assert response.status_code == 404
        assert "Jane" not in response.text


# Cancelling sessions of a course


@pytest.fixture
def course(client, source) -> list[Booking]:
    client.post(url(source, "manage_course"), post_of(fortnightly(source)))
    return list(Course.objects.get().sessions.order_by("start"))


def test_a_course_session_offers_three_ways_to_cancel(client, course):
    page = client.get(url(course[1], "manage"))

    assert "Session 2 of 4" in page.text
    for words in ("Cancel this session", "Cancel this and the later ones", "Cancel all"):
        assert words in page.text
    assert url(course[1], "manage_cancel") not in page.text


def test_a_course_sessions_page_lists_the_courses_dates_and_their_status(client, course):
    client.post(url(course[3], "manage_course_cancel"), {"scope": "one"})

    page = client.get(url(course[1], "manage"))

    assert "Your course" in page.text
    assert "Wednesday 4 March, 10:00: Booked" in page.text
    assert "Wednesday 18 March, 10:00: Booked (this one)" in page.text
    assert "Wednesday 15 April, 10:00: Cancelled" in page.text


def test_the_last_session_left_offers_one_way_to_cancel_and_asks_about_it_alone(client, course):
    client.post(url(course[0], "manage_course_cancel"), {"scope": "all"})
    last = Booking.objects.get(pk=course[1].pk)
    last.status = BookingStatus.CONFIRMED
    last.save()

    page = client.get(url(last, "manage"))
    assert "Cancel this session" in page.text
    assert "Cancel this and the later ones" not in page.text and "Cancel all" not in page.text

    ask = client.get(url(last, "manage_course_cancel") + "?scope=all")
    assert "<h1>Cancel this session?</h1>" in ask.text
    assert "No, keep it<" in ask.text and 'name="scope" value="one"' in ask.text
    assert client.post(url(last, "manage_course_cancel"), {"scope": "one"}).status_code == 303
    assert Booking.objects.get(pk=last.pk).status == BookingStatus.CANCELLED


def test_the_question_page_names_the_dates_each_choice_cancels(client, course):
    page = client.get(url(course[1], "manage_course_cancel") + "?scope=rest")

    assert (
        "Cancel this and the later ones: Wednesday 18 March, 10:00; Wednesday 1 April, 10:00; "
        "Wednesday 15 April, 10:00" in page.text
    )
    assert "Cancel all: Wednesday 4 March, 10:00; Wednesday 18 March, 10:00;" in page.text
    assert "No, keep them" in page.text


def test_the_question_page_ticks_the_choice_the_link_named(client, course):
    page = client.get(url(course[1], "manage_course_cancel") + "?scope=rest")

    assert page.status_code == 200 and no_store(page)
    assert 'value="rest" checked' in page.text


@pytest.mark.parametrize(
    ("scope", "cancelled"),
    [("one", [1]), ("rest", [1, 2, 3]), ("all", [0, 1, 2, 3])],
)
def test_cancelling_one_the_rest_or_all(client, course, scope, cancelled):
    response = client.post(url(course[1], "manage_course_cancel"), {"scope": scope})

    assert response.status_code == 303
    statuses = [Booking.objects.get(pk=b.pk).status for b in course]
    assert [i for i, s in enumerate(statuses) if s == BookingStatus.CANCELLED] == cancelled
    page = client.get(url(course[1], "manage"))
    assert "cancelled. We have sent you an email to confirm." in page.text


def test_cancelling_twice_cancels_once(client, course):
    client.post(url(course[1], "manage_course_cancel"), {"scope": "rest"})
    mail.outbox.clear()

    client.post(url(course[1], "manage_course_cancel"), {"scope": "rest"})

    assert mail.outbox == []
    page = client.get(url(course[1], "manage"))
    assert "These sessions are already cancelled. Nothing more needs doing." in page.text


def test_a_session_inside_the_window_is_not_cancelled_online(client, course, clock):
    clock.move_to(course[0].start - timedelta(hours=5))

    page = client.get(url(course[0], "manage"))
    assert "Cancel this session" not in page.text
    assert "can no longer be changed online" in page.text

    client.post(url(course[0], "manage_course_cancel"), {"scope": "all"})
    assert all(Booking.objects.get(pk=b.pk).status == BookingStatus.CONFIRMED for b in course)
    assert "Please phone the clinic." in client.get(url(course[0], "manage")).text


def test_no_choice_is_asked_again(client, course):
    page = client.post(url(course[1], "manage_course_cancel"), {"scope": "some"})

    assert page.status_code == 400
    assert "Please choose which sessions to cancel." in page.text


def test_a_booking_in_no_course_goes_to_the_ordinary_cancel(client, source):
    response = client.get(url(source, "manage_course_cancel"))

    assert response.status_code == 303
    assert response["Location"] == url(source, "manage_cancel")


# My bookings


def test_my_bookings_marks_course_sessions_and_offers_a_course_for_the_others(
    client, course, therapist, now
):
    single = BookingFactory(
        client=course[0].client,
        client_email="jane@example.org",
        therapist=therapist,
        start=clinic_time(now + timedelta(days=3), 15),
    )
    sign_in(client, "jane@example.org")

    page = client.get(reverse("bookings:account"))

    assert no_store(page)
    for n in range(1, 5):
        assert f"Session {n} of 4" in page.text
    link = reverse("bookings:account_book_as_course", args=[single.reference])
    assert page.text.count("Book this as a course") == 1 and link in page.text
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == url(single, "manage_course")


def test_my_bookings_course_link_for_someone_elses_reference_is_a_404(client, course):
    other = BookingFactory(client_email="john@example.org")
    sign_in(client, "jane@example.org")

    response = client.get(reverse("bookings:account_book_as_course", args=[other.reference]))

    assert response.status_code == 404
