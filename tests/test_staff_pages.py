"""Every staff page, for every role, with the demo clinic: one date and time format, and
no internal values (Python lists, codes, row numbers, logins, E.164 phones)."""

import re
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.urls import reverse

from bookings.messaging import notifications
from bookings.models import (
    Booking,
    BookingStatus,
    Client,
    NoteAmendment,
    TreatmentNote,
    WaitlistEntry,
)
from bookings.waitlist import services as waitlist
from catalog.models import ConditionRule, Technique, WarningPhrase
from catalog.vocabulary import RuleEffect
from tests.factories import SCREENED_INTAKE
from tests.staff_pages import page_kind, problems_in, visible_text, walk

# A Tuesday in December: the demo's past crosses the October clock change, its bank
# holidays (single days) are ahead.
DEMO_NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
# Logins made unmistakable: one shown anywhere but the user pages is a raw code.
LOGIN_PREFIX = "login_"
# Therapist first: the superuser, last, reads the trail of the looks the others made.
ROLES = ["login_anna", "login_clinical", "login_frontdesk", "login_editor", "login_admin"]


@pytest.fixture
def demo_clinic(db, settings, time_machine) -> None:
    settings.DEBUG = True
    time_machine.move_to(DEMO_NOW, tick=False)
    call_command("demo_data", stdout=StringIO())
    settings.DEBUG = False
    User.objects.update(username=Concat(Value(LOGIN_PREFIX), F("username")))
    _what_the_demo_lacks(User.objects.get(username="login_frontdesk"))


def _what_the_demo_lacks(desk: User) -> None:
    """Rows the demo has none of, each a page that once showed an internal value."""
    now = DEMO_NOW
    swedish = Technique.objects.get(slug="swedish")
    entry = waitlist.join_waitlist(
        technique=swedish,
        length_minutes=60,
        therapist_id=None,
        first_day=date(2026, 12, 9),
        last_day=date(2026, 12, 11),
        parts_of_day=["afternoon", "morning"],
        client_name="Wendy Wait",
        client_email="wendy@demo.example",
        client_phone="07700 900199",
        sms_opt_in=True,
        intake=SCREENED_INTAKE,
        now=now,
        by=desk,
    )
    waitlist.make_offer(entry=entry, start=now + timedelta(days=1, hours=5), now=now, by=desk)
    upcoming = Booking.objects.filter(status=BookingStatus.CONFIRMED, start__gt=now).first()
    assert upcoming is not None
    notifications.notify_booked(upcoming, now=now)
    note = TreatmentNote.objects.select_related("booking").first()
    assert note is not None
    NoteAmendment.objects.create(
        note=note, by=note.written_by, at=now, field="plan", old_value="Rest.", new_value="Walk."
    )
    rule = ConditionRule.objects.filter(effect=RuleEffect.EXCLUDE).first()
    assert rule is not None
    rule.effect = RuleEffect.DOCTOR_FIRST
    rule.save()
    phrase = WarningPhrase.objects.first()
    assert phrase is not None
    phrase.phrase = "firm lump under the skin that has grown quickly over the last few weeks"
    phrase.save()
    phrase.phrase = "firm lump under the skin that has grown quickly over the last few months"
    phrase.save()
    sign_in = {"ip_address": "192.0.2.1", "user_agent": "Firefox", "path_info": "/admin/login/"}
    AccessLog.objects.create(username="login_admin", attempt_time=now, **sign_in)
    AccessFailureLog.objects.create(username="login_admin", attempt_time=now, **sign_in)


def starting_points() -> list[str]:
    """The desk's own pages, and rows no link from the home page leads to."""
    booking = Booking.objects.filter(status=BookingStatus.CONFIRMED, start__gt=DEMO_NOW).first()
    past = Booking.objects.filter(status=BookingStatus.COMPLETED).order_by("-start").first()
    client = Client.objects.filter(name="Priya Shah").first()
    entry = WaitlistEntry.objects.first()
    note = NoteAmendment.objects.select_related("note").first()
    assert booking and past and client and entry and note
    return [
        reverse("admin:index"),
        reverse("admin:bookings_booking_day"),
        reverse("admin:bookings_booking_day") + "?date=2026-12-09",
        reverse("admin:bookings_booking_day") + "?date=2026-12-25",
        reverse("admin:bookings_booking_schedule"),
        reverse("admin:bookings_booking_changelist"),
        reverse("admin:bookings_booking_changelist") + "?when=past",
        reverse("admin:bookings_booking_change", args=[booking.pk]),
        reverse("admin:bookings_booking_change", args=[past.pk]),
        reverse("admin:bookings_booking_move", args=[booking.pk]),
        reverse("admin:bookings_booking_move", args=[booking.pk]) + "?date=2026-12-10",
        reverse("admin:bookings_booking_cancel", args=[booking.pk]),
        reverse("admin:bookings_booking_add") + "?date=2026-12-09",
        reverse("admin:bookings_client_change", args=[client.pk]),
        reverse("admin:bookings_client_data", args=[client.pk]),
        reverse("admin:bookings_client_merge", args=[client.pk]),
        reverse("admin:bookings_treatmentnote_change", args=[note.note_id]),
        reverse("admin:bookings_waitlistentry_change", args=[entry.pk]),
        reverse("admin:bookings_waitlistentry_offer", args=[entry.pk]),
        reverse("admin:bookings_notification_changelist"),
        reverse("admin:bookings_clinicclosure_changelist"),
        reverse("admin:bookings_timeoff_changelist"),
        reverse("admin:bookings_workinghours_changelist"),
        reverse("admin:bookings_outcomerequest_changelist"),
        reverse("admin:catalog_conditionrule_history", args=[ConditionRule.objects.first().pk]),  # type: ignore[union-attr]
        reverse("admin:catalog_warningphrase_history", args=[WarningPhrase.objects.first().pk]),  # type: ignore[union-attr]
        reverse("admin:auditlog_logentry_changelist"),
    ]


# Pages whose subject is staff logins themselves (the users, the sign-in logs): there a
# login is the data, not a name shown in place of a person's.
LOGINS_ARE_THE_SUBJECT = ("/admin/auth/user/", "/admin/axes/")


def test_no_staff_page_shows_a_foreign_date_or_an_internal_value_to_any_role(demo_clinic, client):
    problems: list[str] = []
    reached: dict[str, set[str]] = {}
    for username in ROLES:
        client.force_login(User.objects.get(username=username))
        walked = walk(client, starting_points())
        assert walked.errors == [], f"{username}: {walked.errors}"
        reached[username] = walked.kinds
        for url, page in walked.pages.items():
            text = visible_text(page)
            if url.startswith(LOGINS_ARE_THE_SUBJECT):
                text = re.sub(rf"\b{LOGIN_PREFIX}\w+", "login", text)
            for problem in problems_in(text):
                problems.append(f"{username} at {page_kind(url)}: {problem}")
        client.logout()

    assert not problems, "\n".join(sorted(set(problems)))
    # The walk reached the pages that matter, so the check above is not vacuous.
    desk = reached["login_frontdesk"]
    for kind in [
        # Front desk's /admin/ is their landing page, the day view (clinic/admin_site.py).
        "/admin/bookings/booking/day/",
        "/admin/bookings/booking/schedule/",
        "/admin/bookings/booking/week-report/",
        "/admin/bookings/booking/",
        "/admin/bookings/booking/N/change/",
        "/admin/bookings/booking/N/history/",
        "/admin/bookings/booking/N/move/",
        "/admin/bookings/booking/add/?date",
        "/admin/bookings/client/N/change/",
        "/admin/bookings/client/N/data/",
        "/admin/bookings/waitlistentry/N/change/",
        "/admin/bookings/waitlistentry/N/offer/",
        "/admin/bookings/notification/",
        "/admin/bookings/clinicclosure/N/change/",
        "/admin/bookings/timeoff/N/change/",
        "/admin/bookings/workinghours/N/change/",
        "/admin/bookings/therapist/N/change/",
        "/admin/catalog/conditionrule/N/history/",
        "/admin/catalog/warningphrase/N/history/",
    ]:
        assert kind in desk, kind
    assert "/admin/bookings/treatmentnote/N/change/" in reached["login_clinical"]
    assert "/admin/bookings/outcomerequest/" in reached["login_clinical"]
    assert "/admin/bookings/client/N/change/" in reached["login_anna"]
    assert "/admin/catalog/technique/N/change/" in reached["login_editor"]
    assert "/admin/auditlog/logentry/" in reached["login_admin"]
    assert "/admin/axes/accesslog/N/change/" in reached["login_admin"]
    assert len(set().union(*reached.values())) > 100


@pytest.mark.parametrize(
    "text",
    [
        "Monday 7 December 2026",
        "Mon 07 Dec 2026, 11:00",
        "Mon 7 Dec 2026, 11:00 UTC",
        "Tue 08 Dec 2026 12:00",
        "09 December 2034",
        "kept until 9 December",
        "After the session of 7 November",
        "28 Dec 2026 to 28 Dec 2026",
        "Mon 28 Dec 2026 to Mon 28 Dec 2026",
        "2026-12-09 11:15 UTC",
        "09:00:00",
        "8 Dec 2026",
        "08/12/2026",
        "10 a.m.",
        "December 2026",
        '["afternoon", "morning"]',
        "{'what': 'notes'}",
        "Treatment note for 347",
        "Outcome of booking 12",
        "Client 1",
        "TimeOff object (3)",
        "Firm [56 chars]kin...",
        "Effect: exclude -> doctor_first",
        "Written by: login_anna",
        "+447700900105",
        "<bookings.models.Booking object at 0x7f>",
    ],
)
def test_the_check_refuses_each_format_and_value_staff_once_saw(text):
    assert problems_in(text) != []


@pytest.mark.parametrize(
    "text",
    [
        "Tue 8 Dec 2026, 10:00",
        "Tue 8 Dec 2026, 10:00 to 11:00",
        "Mon 28 Dec to Thu 31 Dec 2026",
        "Week of Mon 30 Nov 2026",
        "Sun 25 Oct 2026, 01:30 BST",
        "Monday 09:00 to 13:00",
        "Written by: Anna Kowalski",
        "07700 900105",
        "Morning (before 12:00), Afternoon (12:00 to 17:00)",
        "Surgery in the last three months → Deep Tissue Massage: Not advised",
        "Dec 2026",
        "45 min, £60.00",
    ],
)
def test_the_check_lets_the_house_formats_and_plain_words_through(text):
    assert problems_in(text) == []


def test_visible_text_leaves_out_attributes_scripts_and_hidden_inputs():
    page = (
        '<a href="tel:+447700900105" data-start="2026-12-08T10:00:00Z">07700 900105</a>'
        '<input type="hidden" name="start" value="2026-12-08T10:00">'
        "<script>const at = '2026-12-08';</script><p>Tue 8 Dec 2026</p>"
    )
    assert visible_text(page).split() == ["07700", "900105", "Tue", "8", "Dec", "2026"]
