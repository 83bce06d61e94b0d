"""Home care: the between-sessions advice each technique carries (reviewed by a clinical
lead before clients read it), and the plan a therapist writes after a session."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from bookings.intake.selectors import load_profiles
from bookings.messaging.rendering import build_message
from bookings.models import HomeCarePlan, HomeExercise, Notification, NotificationKind
from catalog.admin import self_care_digest
from catalog.models import Technique
from tests.factories import BookingFactory

SWEDISH_ADVICE = "Walk a little every day."


@pytest.fixture
def swedish_advice(swedish):
    swedish.self_care = SWEDISH_ADVICE
    swedish.self_care_reviewed_at = None
    swedish.save()
    return swedish


def review_url(technique):
    return reverse("admin:catalog_technique_review_self_care", args=[technique.pk])


def test_the_shipped_techniques_carry_advice_that_waits_for_a_review(db):
    techniques = Technique.objects.all()
    assert techniques.count() == 5
    assert all(t.self_care for t in techniques)
    assert all(t.reviewed_self_care == "" for t in techniques)


def test_clients_read_the_advice_only_once_a_clinical_lead_reviewed_it(
    client, clinical_lead, swedish_advice, django_capture_on_commit_callbacks
):
    detail = reverse("catalog:technique_detail", args=[swedish_advice.slug])
    assert SWEDISH_ADVICE not in client.get(detail).content.decode()
    assert next(p for p in load_profiles() if p.slug == "swedish").self_care == ""

    client.force_login(clinical_lead)
    page = client.get(reverse("admin:catalog_technique_change", args=[swedish_advice.pk]))
    assert "Mark the between-sessions advice reviewed" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            review_url(swedish_advice), {"digest": self_care_digest(SWEDISH_ADVICE)}, follow=True
        )
    assert "clients now see the advice" in response.content.decode()
    swedish_advice.refresh_from_db()
    assert swedish_advice.self_care_reviewed_by == (
        clinical_lead.get_full_name() or clinical_lead.get_username()
    )
    assert swedish_advice.reviewed_self_care == SWEDISH_ADVICE

    client.logout()
    assert SWEDISH_ADVICE in client.get(detail).content.decode()
    assert next(p for p in load_profiles() if p.slug == "swedish").self_care == SWEDISH_ADVICE


def test_reviewing_again_changes_nothing(client, clinical_lead, swedish_advice, clock):
    client.force_login(clinical_lead)
    digest = {"digest": self_care_digest(SWEDISH_ADVICE)}
    client.post(review_url(swedish_advice), digest)
    first = Technique.objects.get(pk=swedish_advice.pk).self_care_reviewed_at
    clock.shift(timedelta(minutes=5))
    response = client.post(review_url(swedish_advice), digest, follow=True)
    assert "already reviewed" in response.content.decode()
    assert Technique.objects.get(pk=swedish_advice.pk).self_care_reviewed_at == first


def test_words_changed_while_the_lead_read_them_are_not_approved(
    client, clinical_lead, swedish_advice
):
    client.force_login(clinical_lead)
    shown = self_care_digest(SWEDISH_ADVICE)
    Technique.objects.filter(pk=swedish_advice.pk).update(self_care="Something else entirely.")
    response = client.post(review_url(swedish_advice), {"digest": shown}, follow=True)
    assert "changed while you were reading it" in response.content.decode()
    assert Technique.objects.get(pk=swedish_advice.pk).self_care_reviewed_at is None


def test_an_editor_writes_the_advice_but_cannot_review_it(client, content_editor, swedish_advice):
    client.force_login(content_editor)
    response = client.post(review_url(swedish_advice), {"digest": self_care_digest(SWEDISH_ADVICE)})
    assert response.status_code == 403


def test_an_editors_change_asks_for_a_new_review(client, superuser, swedish_advice, now):
    Technique.objects.filter(pk=swedish_advice.pk).update(
        self_care_reviewed_at=now, self_care_reviewed_by="Clara Lead"
    )
    client.force_login(superuser)
    change = reverse("admin:catalog_technique_change", args=[swedish_advice.pk])
    form = client.get(change).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"self_care": "New words.", "is_active": "on"}
    for inline_admin in client.get(change).context["inline_admin_formsets"]:
        formset = inline_admin.formset
        prefix = formset.prefix
        management = formset.management_form
        for name in management.fields:
            data[f"{prefix}-{name}"] = management[name].value()
        for index, inline in enumerate(formset.forms):
            for name in inline.fields:
                value = inline[name].value()
                data[f"{prefix}-{index}-{name}"] = "" if value is None else value
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    swedish_advice.refresh_from_db()
    assert swedish_advice.self_care == "New words."
    assert swedish_advice.self_care_reviewed_at is None


def test_the_confirmation_email_carries_reviewed_advice(db, swedish_advice, now):
    Technique.objects.filter(pk=swedish_advice.pk).update(self_care_reviewed_at=now)
    booking = BookingFactory(technique=Technique.objects.get(pk=swedish_advice.pk))
    notification = Notification.objects.create(
        booking=booking,
        kind=NotificationKind.CONFIRMATION,
        recipient=booking.client_email,
        session_start=booking.start,
        scheduled_for=now,
    )
    message = build_message(notification, now=now)
    assert f"Between sessions: {SWEDISH_ADVICE}" in str(message.body)


# The plan a therapist writes after a session -----------------------------------------


@pytest.fixture
def session(therapist, clock):
    """Anna's session that began an hour ago."""
    return BookingFactory(therapist=therapist, start=clock_now() - timedelta(hours=1))


def clock_now():
    from django.utils import timezone

    return timezone.now()


def write_url(booking):
    return reverse("admin:bookings_homecareplan_write", args=[booking.pk])


def plan_post(advice="Ten minutes of walking a day.", exercises=("Knee to chest",)):
    ids = [HomeExercise.objects.get(name=name).pk for name in exercises]
    return {"exercises": ids, "advice": advice}


def test_the_clinic_starts_with_a_list_of_gentle_exercises(db):
    assert list(HomeExercise.objects.offered().values_list("name", flat=True)) == [
        "Knee to chest",
        "Pelvic tilt",
        "Cat and camel",
        "Walking",
        "Heat",
        "Breaks from sitting",
    ]


def test_the_therapist_writes_a_plan_and_the_client_is_told_once_without_the_plan(
    client, therapist_user, session, django_capture_on_commit_callbacks
):
    client.force_login(therapist_user)
    page = client.get(reverse("admin:bookings_booking_change", args=[session.pk]))
    assert write_url(session) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(write_url(session), plan_post(), follow=True)
    assert "has been emailed that it is waiting" in response.content.decode()
    plan = HomeCarePlan.objects.get(booking=session)
    assert [e.name for e in plan.exercises.all()] == ["Knee to chest"]
    (email,) = mail.outbox
    assert email.subject == "Your home-care plan is ready"
    link = reverse("bookings:home_care", args=[session.manage_token])
    assert link in str(email.body)
    # The plan is health data: it stays behind the private link.
    assert "Ten minutes of walking" not in str(email.body)
    assert "Knee to chest" not in str(email.body)
    assert not email.attachments

    # Sent again (a double click, Back and resend): the same plan, no second email.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(write_url(session), plan_post(advice="Walk daily."), follow=True)
    assert "told about the plan when it was first saved" in response.content.decode()
    assert len(mail.outbox) == 1
    assert HomeCarePlan.objects.get(booking=session).advice == "Walk daily."
    assert Notification.objects.filter(kind=NotificationKind.HOME_CARE).count() == 1


def test_the_client_reads_the_plan_behind_the_private_link(client, therapist_user, session):
    page = reverse("bookings:home_care", args=[session.manage_token])
    assert client.get(page).status_code == 404  # no plan yet
    client.force_login(therapist_user)
    client.post(write_url(session), plan_post())
    client.logout()
    response = client.get(page)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Knee to chest" in html and "Ten minutes of walking a day." in html
    manage = client.get(reverse("bookings:manage", args=[session.manage_token]))
    assert page in manage.content.decode()
    assert client.get(page.replace(session.manage_token, "x" * 43)).status_code == 404


def test_a_plan_needs_an_exercise_or_advice(client, therapist_user, session):
    client.force_login(therapist_user)
    response = client.post(write_url(session), {"advice": "  "})
    assert response.status_code == 200
    assert "Choose an exercise or write some advice." in response.content.decode()
    assert not HomeCarePlan.objects.exists()


def test_no_plan_before_the_session_starts(client, therapist_user, therapist, clock):
    later = BookingFactory(therapist=therapist, start=clock_now() + timedelta(hours=2))
    client.force_login(therapist_user)
    assert client.get(write_url(later)).status_code == 403
    assert client.post(write_url(later), plan_post()).status_code == 403
    page = client.get(reverse("admin:bookings_booking_change", args=[later.pk]))
    assert write_url(later) not in page.content.decode()


@pytest.mark.parametrize("who", ["front_desk_user", "clinical_lead", "content_editor"])
def test_only_the_sessions_therapist_writes_its_plan(client, request, who, session):
    client.force_login(request.getfixturevalue(who))
    assert client.post(write_url(session), plan_post()).status_code == 403


def test_a_client_without_email_gets_a_printed_copy(client, therapist_user, therapist, clock):
    booking = BookingFactory(
        therapist=therapist, start=clock_now() - timedelta(hours=1), client_email=""
    )
    client.force_login(therapist_user)
    response = client.post(write_url(booking), plan_post(), follow=True)
    assert "no email address: give them a printed copy" in response.content.decode()
    assert not Notification.objects.filter(kind=NotificationKind.HOME_CARE).exists()


def test_the_top_suggestion_shows_what_helps_between_sessions(db):
    from django.template.loader import render_to_string

    from bookings.intake.suggestion import Suggestion

    suggestion = Suggestion(
        slug="swedish",
        name="Swedish Massage",
        summary="",
        score=3,
        excluded=False,
        demoted=False,
        reasons=(),
        drawbacks=(),
        cautions=(),
        self_care=SWEDISH_ADVICE,
    )
    top = render_to_string("bookings/_suggestion.html", {"suggestion": suggestion, "is_top": True})
    assert "Between sessions: what helps" in top and SWEDISH_ADVICE in top
    other = render_to_string(
        "bookings/_suggestion.html", {"suggestion": suggestion, "is_top": False}
    )
    assert SWEDISH_ADVICE not in other
