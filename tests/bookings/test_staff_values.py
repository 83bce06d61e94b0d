"""Staff pages say things as staff say them: names not logins, labels not codes, one day
once, phones as dialled, and no button that only leads to a refusal."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from bookings.booking.errors import STAFF_SAFETY_MESSAGES, UnsafeBooking, staff_message
from bookings.intake.gate import Stop
from bookings.models import ClinicClosure, Notification
from catalog.models import ConditionRule
from catalog.vocabulary import RuleEffect
from tests.factories import BookingFactory, ClientFactory, ClinicClosureFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_a_closure_left_without_a_last_day_closes_its_one_day(client, front_desk_user):
    client.force_login(front_desk_user)
    add = reverse("admin:bookings_clinicclosure_add")

    form = client.get(add).content.decode()
    response = client.post(add, {"start_date": "25/12/2026", "end_date": "", "reason": "Christmas"})

    assert "Leave empty for one day." in form
    assert response.status_code == 302
    closure = ClinicClosure.objects.get()
    assert (closure.start_date, closure.end_date) == (date(2026, 12, 25), date(2026, 12, 25))


def test_a_one_day_closure_shows_its_day_once_on_the_day_view(client, front_desk_user):
    ClinicClosureFactory(start_date=date(2026, 3, 3), end_date=date(2026, 3, 3), reason="Flood")
    client.force_login(front_desk_user)

    page = client.get(reverse("admin:bookings_booking_day"), {"date": "2026-03-03"})

    assert "The clinic is closed: Flood</strong> (Tue 3 Mar 2026)." in page.content.decode()


def test_front_desk_gets_no_delete_button_on_a_client_and_a_superuser_still_does(
    client, front_desk_user, superuser
):
    person = ClientFactory(name="Priya Shah", phone="+447700900100")
    url = reverse("admin:bookings_client_change", args=[person.pk])
    delete = reverse("admin:bookings_client_delete", args=[person.pk])

    client.force_login(front_desk_user)
    desk_page = client.get(url).content.decode()
    desk_delete = client.get(delete)
    client.force_login(superuser)
    boss_page = client.get(url).content.decode()

    assert delete not in desk_page
    assert desk_delete.status_code == 403
    assert delete in boss_page


def test_a_clients_phone_reads_as_dialled_in_the_list_the_form_and_for_a_reader(
    client, front_desk_user, clinical_lead
):
    person = ClientFactory(name="Omar Haddad", phone="+447700900105")
    client.force_login(front_desk_user)

    listed = client.get(reverse("admin:bookings_client_changelist")).content.decode()
    form = client.get(reverse("admin:bookings_client_change", args=[person.pk])).content.decode()
    client.force_login(clinical_lead)
    read = client.get(reverse("admin:bookings_client_change", args=[person.pk])).content.decode()

    assert '<a href="tel:+447700900105">07700\u00a0900105</a>' in listed
    assert 'value="07700 900105"' in form
    assert '<a href="tel:+447700900105">07700\u00a0900105</a>' in read


def test_the_booking_page_says_who_booked_and_whether_texts_were_asked_for_in_words(
    client, front_desk_user, therapist
):
    desk = StaffFactory(username="fdesk", first_name="Frances", last_name="Desk")
    booking = BookingFactory(therapist=therapist, sms_opt_in=True, booked_by=desk)
    client.force_login(front_desk_user)

    page = client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).content.decode()

    assert "Frances Desk" in page and ">fdesk<" not in page
    assert "Yes, the client asked for them" in page
    assert "icon-yes.svg" not in page and "icon-no.svg" not in page


def test_notifications_are_listed_newest_first(client, front_desk_user, therapist, now):
    older = BookingFactory(therapist=therapist, client_name="Older")
    # Another time: PostgreSQL's exclusion constraint refuses a second session at once.
    newer = BookingFactory(
        therapist=therapist, client_name="Newer", start=older.start + timedelta(hours=2)
    )
    for booking in (older, newer):
        Notification.objects.create(
            booking=booking,
            kind="confirmation",
            recipient="a@example.org",
            session_start=booking.start,
            scheduled_for=now,
        )
    client.force_login(front_desk_user)

    page = client.get(reverse("admin:bookings_notification_changelist")).content.decode()

    assert page.index("Newer") < page.index("Older")


def test_a_condition_rules_history_shows_labels_and_whole_text(client, clinical_lead):
    rule = ConditionRule.objects.filter(effect=RuleEffect.EXCLUDE).first()
    assert rule is not None
    rule.effect = RuleEffect.DOCTOR_FIRST
    rule.reason = "A long reason that staff must read whole, " * 4
    rule.save()
    client.force_login(clinical_lead)

    page = client.get(reverse("admin:catalog_conditionrule_history", args=[rule.pk]))
    text = page.content.decode()

    assert RuleEffect.EXCLUDE.label in text and RuleEffect.DOCTOR_FIRST.label in text
    assert "doctor_first" not in text and "chars]" not in text


@pytest.mark.parametrize("stop", list(STAFF_SAFETY_MESSAGES))
def test_a_refused_desk_booking_speaks_about_the_client_not_to_them(stop):
    message = staff_message(UnsafeBooking("for the client's own screen", stop=stop))

    assert message == STAFF_SAFETY_MESSAGES[stop]
    assert "the client" in message.lower()
    assert "for you" not in message and "your " not in message.lower()


def test_other_refusals_keep_their_own_words():
    assert staff_message(ValueError("Odd")) == "Odd"
    assert STAFF_SAFETY_MESSAGES[Stop.RULED_OUT].endswith("choose another technique.")
