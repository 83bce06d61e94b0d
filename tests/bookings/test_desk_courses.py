"""The desk's courses of care (frontdesk/courses.py): repeating a booking as a course,
each date checked and each clash settled first; the course on the booking page, the day
view and the client page; cancelling one, the rest, or all that remain; per role."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bookings.models import Booking, BookingStatus, Course
from tests.bookings.test_admin_desk import DAY_VIEW_QUERIES
from tests.clock import NOW, clinic_time
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

WEDNESDAY = NOW + timedelta(days=2)  # 4 March 2026, the `book` fixture's day


def course_url(booking):
    return reverse("admin:bookings_booking_course", args=[booking.pk])


def book_url(booking):
    return reverse("admin:bookings_booking_course_book", args=[booking.pk])


def cancel_url(booking, scope):
    return reverse("admin:bookings_booking_course_cancel", args=[booking.pk]) + f"?scope={scope}"


def change_url(booking):
    return reverse("admin:bookings_booking_change", args=[booking.pk])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def week(n: int) -> datetime:
    """10:00 on the clinic's wall clock, n weeks after the source's Wednesday (the clocks
    go forward on 29 March: from then 10:00 is 09:00 UTC)."""
    return clinic_time(WEDNESDAY + timedelta(weeks=n), 10)


@pytest.fixture
def source(book):
    return book()


def plan(client, booking, **query):
    return client.get(course_url(booking), {"every_weeks": 1, "sessions": 6} | query)


def picks_from(html: str) -> dict[str, str]:
    """What the plan's form posts as it stands: the free dates' own picks."""
    posted = {}
    for chunk in html.split('type="hidden" name="pick-')[1:]:
        position, rest = chunk.split('"', 1)
        posted[f"pick-{position}"] = rest.split('value="', 1)[1].split('"', 1)[0]
    return posted


def option_for(html: str, position: int, label: str) -> str:
    """The value of the radio button of session `position` whose label holds `label`."""
    for chunk in html.split(f'name="pick-{position}" value="')[1:]:
        value, rest = chunk.split('"', 1)
        if label in rest.split("</label>", 1)[0]:
            return value.replace("&#x2B;", "+")
    raise AssertionError(f"no option {label!r} for session {position}")


def course_post(**picks):
    return {"every_weeks": 1, "sessions": 6} | picks


# Who may repeat a booking


def test_the_booking_page_offers_front_desk_to_repeat_a_booking_as_a_course(
    client, front_desk_user, source
):
    client.force_login(front_desk_user)
    html = client.get(change_url(source)).content.decode()
    assert f'href="{course_url(source)}">Repeat as a course</a>' in html


def test_a_superuser_may_repeat_a_booking(client, superuser, source):
    client.force_login(superuser)
    assert "Repeat as a course" in client.get(change_url(source)).content.decode()
    assert plan(client, source).status_code == 200


def test_a_therapist_is_not_offered_to_repeat_and_may_not_open_the_page(
    client, therapist_user, source
):
    client.force_login(therapist_user)
    assert "Repeat as a course" not in client.get(change_url(source)).content.decode()
    assert client.get(course_url(source)).status_code == 403
    assert client.post(book_url(source), course_post()).status_code == 403


def test_another_therapists_booking_is_not_found_for_a_therapist(
    client, therapist_user, other_therapist
):
    theirs = BookingFactory(therapist=other_therapist)
    client.force_login(therapist_user)
    assert client.get(course_url(theirs)).status_code == 404


def test_a_content_editor_may_not_repeat_a_booking(client, content_editor, source):
    client.force_login(content_editor)
    assert client.get(course_url(source)).status_code == 403
    assert client.post(book_url(source), course_post()).status_code == 403
    assert not Course.objects.exists()


def test_booking_a_course_only_takes_a_post(client, front_desk_user, source):
    client.force_login(front_desk_user)
    assert client.get(book_url(source)).status_code == 405


# Checking the dates


def test_the_course_page_asks_how_often_and_how_many_six_by_default(
    client, front_desk_user, source
):
    client.force_login(front_desk_user)
    response = client.get(course_url(source))
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'name="sessions" value="6"' in html
    for label in ("Every week", "Every 2 weeks", "Every 4 weeks"):
        assert label in html
    assert "Check these dates" in html
    assert "Book 6 sessions" not in html  # nothing checked yet


def test_checking_the_dates_lists_each_session_free_in_the_house_format(
    client, front_desk_user, source
):
    client.force_login(front_desk_user)
    html = plan(client, source).content.decode()
    assert html.count('class="course-free">Free<') == 5
    assert "Wed 4 Mar 2026, 10:00" in html  # this booking, session 1
    assert "Wed 8 Apr 2026, 10:00" in html  # after the clocks change: still 10:00
    assert "with Anna K." in html
    assert "Book 6 sessions" in html
    assert len(picks_from(html)) == 5


def test_a_clash_lists_its_problem_and_the_nearest_free_times_by_kind(
    client, front_desk_user, source, other_therapist
):
    BookingFactory(therapist=source.therapist, start=week(3))
    client.force_login(front_desk_user)
    html = plan(client, source).content.decode()
    assert html.count('class="course-free">Free<') == 4
    assert "Anna K. already has a session then." in html
    assert "Instead of session 4" in html
    assert "(another therapist, same day)" in html and "Ben M." in html
    assert "(same therapist, same day)" in html
    assert "Leave this one out" in html
    assert "Book the sessions chosen (up to 6)" in html
    assert "same_therapist" not in html


def test_every_four_weeks_spaces_the_dates_four_weeks_apart(client, front_desk_user, source):
    client.force_login(front_desk_user)
    html = plan(client, source, every_weeks=4, sessions=3).content.decode()
    assert "The dates: every 4 weeks, 3 sessions" in html
    assert "Wed 1 Apr 2026, 10:00" in html and "Wed 29 Apr 2026, 10:00" in html
    assert "Book 3 sessions" in html


@pytest.mark.parametrize(
    ("sessions", "says"),
    [
        ("13", "A course has at most 12 sessions."),
        ("1", "A course has at least 2 sessions."),
        ("six", "Please enter a number of sessions, e.g. 6."),
    ],
)
def test_a_number_of_sessions_out_of_range_is_explained(
    client, front_desk_user, source, sessions, says
):
    client.force_login(front_desk_user)
    response = plan(client, source, sessions=sessions)
    assert response.status_code == 400
    assert says in response.content.decode()


def test_sessions_far_ahead_are_marked_for_the_safety_questions_again(
    client, front_desk_user, source
):
    client.force_login(front_desk_user)
    html = plan(client, source, sessions=8).content.decode()
    # Answered on 2 March at 08:00, good for 30 days: from 1 April (session 5) on.
    assert html.count("Safety questions asked again before this one") == 4


# Booking it


def test_booking_the_checked_dates_books_the_course_and_says_its_span(
    client, front_desk_user, source
):
    client.force_login(front_desk_user)
    picks = picks_from(plan(client, source).content.decode())
    response = client.post(book_url(source), course_post(**picks))
    assert response.status_code == 303
    assert response["Location"] == change_url(source)
    assert texts(response) == ["6 sessions booked: Wed 4 Mar to Wed 8 Apr 2026."]
    source.refresh_from_db()
    sessions = Booking.objects.filter(course=source.course).order_by("start")
    assert [s.course_position for s in sessions] == [1, 2, 3, 4, 5, 6]
    assert [s.start for s in sessions] == [week(n) for n in range(6)]


def test_posting_the_course_twice_books_it_once(client, front_desk_user, source):
    client.force_login(front_desk_user)
    picks = picks_from(plan(client, source).content.decode())
    client.post(book_url(source), course_post(**picks))
    again = client.post(book_url(source), course_post(**picks))
    assert again.status_code == 303
    already = f"{source.reference} is already in a course: nothing more was booked."
    assert texts(again)[-1] == already
    assert Course.objects.count() == 1
    assert Booking.objects.count() == 6


def test_a_clash_left_unanswered_is_asked_again_and_nothing_is_booked(
    client, front_desk_user, source, other_therapist
):
    BookingFactory(therapist=source.therapist, start=week(3))
    client.force_login(front_desk_user)
    picks = picks_from(plan(client, source).content.decode())
    response = client.post(book_url(source), course_post(**picks))
    assert response.status_code == 400
    assert "Please choose a time for session 4, or leave it out." in response.content.decode()
    assert not Course.objects.exists()


def test_an_alternative_picked_for_the_clash_is_booked_with_the_rest(
    client, front_desk_user, source, other_therapist
):
    BookingFactory(therapist=source.therapist, start=week(3))
    client.force_login(front_desk_user)
    html = plan(client, source).content.decode()
    picks = picks_from(html) | {"pick-4": option_for(html, 4, "Ben M.")}
    response = client.post(book_url(source), course_post(**picks))
    assert response.status_code == 303
    fourth = Booking.objects.get(course__isnull=False, course_position=4)
    assert fourth.therapist == other_therapist
    assert fourth.start.astimezone(UTC).date() == date(2026, 3, 25)


def test_leaving_the_clash_out_books_the_other_five(
    client, front_desk_user, source, other_therapist
):
    BookingFactory(therapist=source.therapist, start=week(3))
    client.force_login(front_desk_user)
    picks = picks_from(plan(client, source).content.decode()) | {"pick-4": "leave-out"}
    response = client.post(book_url(source), course_post(**picks))
    assert texts(response) == ["5 sessions booked: Wed 4 Mar to Wed 8 Apr 2026."]
    assert not Booking.objects.filter(course_position=4).exists()


def test_a_date_taken_while_the_desk_chose_lists_again_and_books_nothing(
    client, front_desk_user, source, other_therapist
):
    client.force_login(front_desk_user)
    picks = picks_from(plan(client, source).content.decode())
    BookingFactory(therapist=source.therapist, start=week(3))  # someone else, meanwhile
    response = client.post(book_url(source), course_post(**picks))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Taken while you chose: session 4." in html
    assert "Instead of session 4" in html and "(another therapist, same day)" in html
    assert not Course.objects.exists()
    assert Booking.objects.count() == 2


def test_nonsense_picks_are_asked_again_never_an_error_page(client, front_desk_user, source):
    client.force_login(front_desk_user)
    picks = picks_from(plan(client, source).content.decode()) | {"pick-3": "tomorrow|x"}
    response = client.post(book_url(source), course_post(**picks))
    assert response.status_code == 400
    assert "Please choose a time for session 3, or leave it out." in response.content.decode()
    assert not Course.objects.exists()


def test_a_cancelled_booking_cannot_be_repeated(client, front_desk_user):
    cancelled = BookingFactory(cancelled=True)
    client.force_login(front_desk_user)
    response = client.get(course_url(cancelled))
    assert response.status_code == 303
    assert texts(response) == ["Only a confirmed booking can be repeated as a course."]


# The course, once booked


@pytest.fixture
def course(client, front_desk_user, source):
    """Jane's six Wednesdays with Anna, booked at the desk."""
    client.force_login(front_desk_user)
    picks = picks_from(plan(client, source).content.decode())
    client.post(book_url(source), course_post(**picks))
    return list(Booking.objects.filter(course__isnull=False).order_by("course_position"))


def test_the_booking_page_shows_its_place_in_the_course_and_the_other_sessions(client, course):
    third = course[2]
    html = client.get(change_url(third)).content.decode()
    assert "Session 3 of 6 in a course" in html
    for other in (course[0], course[5]):
        assert f'href="{change_url(other)}"' in html
    assert "(this one)" in html
    for label in ("Cancel this one", "Cancel this and the rest", "Cancel all remaining"):
        assert label in html
    assert "Repeat as a course" not in html


def test_a_session_after_the_answers_grow_old_says_the_questions_are_due_again(client, course):
    assert "Safety questions due again" in client.get(change_url(course[5])).content.decode()
    assert "Safety questions due again" not in client.get(change_url(course[1])).content.decode()


def test_cancelling_this_and_the_rest_asks_first_then_cancels_once(client, course):
    fifth = course[4]
    confirm = client.get(cancel_url(fifth, "rest"))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Cancel this and the rest?" in html
    listed = html.split("<ul>", 1)[1].split("</ul>", 1)[0]
    assert listed.count("<li>") == 2
    assert "Wed 1 Apr 2026, 10:00" in listed and "Wed 8 Apr 2026, 10:00" in listed
    assert "Reason, for the clinic" in html and "Message to the client" in html
    assert "we have had to cancel these massages of your course" in html  # one email

    data = {"reason": "Client moving away", "client_message": "See you soon."}
    response = client.post(cancel_url(fifth, "rest"), data)
    assert response.status_code == 303
    assert texts(response) == ["Cancelled 2 sessions of the course."]
    statuses = [b.status for b in Booking.objects.filter(course__isnull=False).order_by("start")]
    assert statuses == [BookingStatus.CONFIRMED] * 4 + [BookingStatus.CANCELLED] * 2

    again = client.post(cancel_url(fifth, "rest"), data)
    assert texts(again)[-1] == "Nothing left to cancel: those sessions were already cancelled."
    page = client.get(change_url(fifth)).content.decode()
    assert "Cancelled: one session of a course" in page
    assert "Cancel all remaining" in page and "Cancel this and the rest" not in page


def test_cancelling_all_remaining_leaves_nothing_ahead(client, course):
    client.post(cancel_url(course[2], "all"), {"reason": "", "client_message": ""})
    assert not Booking.objects.filter(course__isnull=False, status="confirmed").exists()


def test_an_unknown_cancel_scope_is_not_found(client, course):
    assert client.get(cancel_url(course[1], "everything")).status_code == 404


def test_a_therapist_cancels_one_session_of_a_course_but_not_the_rest(
    client, course, therapist_user
):
    client.force_login(therapist_user)
    html = client.get(change_url(course[1])).content.decode()
    assert "Cancel this one" in html and "Cancel this and the rest" not in html
    assert client.get(cancel_url(course[1], "rest")).status_code == 403
    assert client.get(cancel_url(course[1], "one")).status_code == 200


def test_the_day_view_marks_each_course_session_with_one_more_query(
    client, course, django_assert_num_queries
):
    day_url = reverse("admin:bookings_booking_day")
    client.get(day_url, {"date": "2026-03-18"})  # the rules reach the cache
    # One more than a day without courses: the marks ("3 of 6"), read together.
    with django_assert_num_queries(DAY_VIEW_QUERIES + 1):
        response = client.get(day_url, {"date": "2026-03-18"})
    html = response.content.decode()
    assert '<span class="visually-hidden">Course session </span>3 of 6</span>' in html


def test_the_client_page_marks_each_session_of_a_course(client, course):
    html = client.get(
        reverse("admin:bookings_client_change", args=[course[0].client_id])
    ).content.decode()
    for n in range(1, 7):
        assert f"{n} of 6" in html
