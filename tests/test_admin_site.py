"""The admin as the clinic's (clinic/admin_site.py): each role lands on its work after
signing in and on /admin/, and the navigation shows what that role uses, in the clinic's
words."""

import pytest
from django.urls import reverse

from clinic.roles import CLINICAL_LEADS, FRONT_DESK
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"
DAY = reverse("admin:bookings_booking_day")
SAFETY_RULES = reverse("admin:catalog_conditionrule_changelist")
TECHNIQUES = reverse("admin:catalog_technique_changelist")


@pytest.mark.parametrize(
    ("who", "home"),
    [
        ("front_desk_user", DAY),
        ("therapist_user", DAY),
        ("clinical_lead", SAFETY_RULES),
        ("content_editor", TECHNIQUES),
    ],
)
def test_each_role_lands_on_its_work_after_signing_in(client, request, who, home, therapist):
    user = request.getfixturevalue(who)
    signed_in = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": PASSWORD, "next": reverse("admin:index")},
        follow=True,
        REMOTE_ADDR="203.0.113.7",
    )
    assert signed_in.redirect_chain[-1] == (home, 302)
    assert signed_in.status_code == 200
    # And "Home" (the breadcrumbs, the site header) leads there again.
    assert client.get(reverse("admin:index"))["Location"] == home


def test_a_superuser_keeps_the_index_with_every_group(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    html = page.content.decode()
    for group in (
        "The diary",
        "Clients and their care",
        "Therapists and opening hours",
        "Safety rules",
        "Techniques and prices",
        "Messages to clients",
        "Staff accounts",
    ):
        assert group in html
    assert "Email workers" in html and "Answer weights" in html
    assert html.index("The diary") < html.index("Techniques and prices")


def navigation(client, user, url: str = DAY) -> str:
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    html: str = page.content.decode()
    return html[html.index('id="nav-sidebar"') :]


def test_front_desk_navigation_has_the_diary_and_none_of_the_tuning_pages(client, front_desk_user):
    nav = navigation(client, front_desk_user)
    for shown in ("The diary", "Day view", "Week schedule", "Bookings", "Clients", "Time off"):
        assert shown in nav
    for hidden in ("Email workers", "Answer weights", "Keyword weights", "Staff accounts"):
        assert hidden not in nav
    # Kept out of sight, not out of reach: the pages still open by their address.
    assert client.get(reverse("admin:catalog_answerweight_changelist")).status_code == 200


def test_a_therapist_sees_their_diary_and_clients_not_the_catalog(
    client, therapist_user, therapist
):
    nav = navigation(client, therapist_user)
    assert "Day view" in nav and "Clients and their care" in nav and "Time off" in nav
    for hidden in ("Techniques and prices", "Safety rules", "Messages to clients"):
        assert hidden not in nav


def test_a_clinical_lead_sees_safety_rules_and_outcomes(client, clinical_lead):
    nav = navigation(client, clinical_lead, SAFETY_RULES)
    assert "Safety rules" in nav and "Warning phrases" in nav
    assert "Outcomes" in nav
    assert "The diary" not in nav and "Day view" not in nav


def test_a_content_editor_sees_the_catalog_with_its_weights(client, content_editor):
    nav = navigation(client, content_editor, TECHNIQUES)
    assert "Techniques and prices" in nav and "Answer weights" in nav
    assert "Safety rules" not in nav and "The diary" not in nav


def test_someone_in_two_roles_sees_what_either_uses(client, therapist):
    both = StaffFactory(groups=[FRONT_DESK, CLINICAL_LEADS])
    nav = navigation(client, both)
    assert "The diary" in nav and "Safety rules" in nav
    client.force_login(both)
    assert client.get(reverse("admin:index"))["Location"] == DAY
