"""The desk's course pages as staff read them: refusals inside the admin, the title
naming the client and session, and what the page says about paying."""

import pytest
from django.urls import reverse

from bookings.models import PaymentPolicy
from tests.bookings.test_desk_courses import (  # noqa: F401
    book_url,
    course,
    course_post,
    course_url,
    source,
)

pytestmark = pytest.mark.django_db


def test_a_therapist_typing_the_course_address_stays_inside_the_admin(
    client,
    therapist_user,
    source,  # noqa: F811
):
    client.force_login(therapist_user)
    for response in (client.get(course_url(source)), client.post(book_url(source), course_post())):
        html = response.content.decode()
        assert response.status_code == 403
        assert "Only the front desk books and cancels whole courses." in html
        assert "Back to the booking" in html and 'id="site-name"' in html  # the admin's header


def test_a_content_editor_is_refused_inside_the_admin(
    client,
    content_editor,
    source,  # noqa: F811
):
    client.force_login(content_editor)
    response = client.get(course_url(source))
    assert response.status_code == 403
    assert "Back to the admin home page" in response.content.decode()


def test_the_plan_page_title_names_the_client_and_the_session(
    client,
    front_desk_user,
    source,  # noqa: F811
):
    client.force_login(front_desk_user)
    html = client.get(course_url(source)).content.decode()
    assert "<h1>Repeat Jane Doe&#x27;s session on Wed 4 Mar 2026 as a course</h1>" in html
    assert source.reference not in html.split("<h1>", 1)[1].split("</h1>", 1)[0]


@pytest.mark.parametrize(
    ("policy", "said"),
    [(PaymentPolicy.DEPOSIT, True), (PaymentPolicy.FULL, True), (PaymentPolicy.AT_CLINIC, False)],
)
def test_under_a_paid_policy_the_course_page_says_sessions_are_paid_at_the_clinic(
    client,
    front_desk_user,
    clinic_rules,
    source,  # noqa: F811
    policy,
    said,
):
    clinic_rules.payment_policy = policy
    clinic_rules.save()
    clinic_rules.remember()
    client.force_login(front_desk_user)
    html = client.get(course_url(source)).content.decode()
    assert ("Course sessions are paid at the clinic." in html) is said


def test_the_staff_recheck_notice_reads_as_a_sentence(client, course):  # noqa: F811
    html = client.get(reverse("admin:bookings_booking_change", args=[course[5].pk])).content
    page = html.decode()
    assert "Safety questions due again" in page
    assert "The client&#x27;s answers are from" in page
    assert "the client&#x27;s answers are from" not in page
