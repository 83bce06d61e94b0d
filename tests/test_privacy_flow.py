import logging

import pytest
from django.core import mail
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from bookings.models import Booking
from tests.factories import answered

pytestmark = pytest.mark.django_db

# Words nobody would type by chance: if they show up anywhere, the answers leaked there.
MARKER = "quokka-zebra-7731"
INTAKE = answered(
    {
        "areas": ["lower"],
        "duration": "months",
        "intensity": "6",
        "frequency": "often",
        "feelings": ["tight"],
        "pressure": "medium",
        "risk_factors": ["over_50_new"],
        "description": f"It started after moving house {MARKER}",
    }
)
DETAILS = {
    "length": 60,
    "therapist": "any",
    "start": "2026-03-03T10:00Z",
    "client_name": "Sam Client",
    "client_email": "sam@example.com",
    "client_phone": "07700 900123",
    "consent": "on",
    "acknowledge_warning": "on",
}


def test_a_distinctive_health_answer_never_reaches_logs_emails_or_messages(
    client,
    clinic_rules,
    therapist,
    other_therapist,
    now,
    caplog,
    front_desk_user,
    django_capture_on_commit_callbacks,
):
    caplog.set_level(logging.DEBUG)
    posted = client.post(reverse("bookings:intake"), INTAKE)
    assert posted.status_code == 303
    result = client.get(posted["Location"])
    assert result.status_code == 200
    # The page quotes choices, not free text (it quotes their words only to ask about a
    # warning sign they seem to mention, which this marker is not).
    assert MARKER not in result.content.decode()

    book = reverse("bookings:book", args=["swedish"])
    step = client.get(book, {k: DETAILS[k] for k in ("length", "therapist", "start")})
    assert step.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bookings:book_submit", args=["swedish"]), DETAILS)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.intake_answers is not None
    assert MARKER in booking.intake_answers["description"]  # kept, with consent

    client.get(response.url)
    client.force_login(front_desk_user)
    admin_page = client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert MARKER in admin_page.content.decode()  # staff who need it can read it

    assert mail.outbox, "the confirmation and the clinic's note were sent"
    for message in mail.outbox:
        parts = [message.subject, message.body]
        parts += [alt[0] for alt in getattr(message, "alternatives", [])]
        parts += [str(a[1]) if isinstance(a, tuple) else str(a) for a in message.attachments]
        for part in parts:
            assert MARKER not in part
            assert "night" not in part.lower()
    assert MARKER not in caplog.text
    assert "moving house" not in caplog.text


def test_error_reports_hide_the_intake_and_booking_posts(client, clinic_rules, therapist, now):
    for url in (reverse("bookings:intake"), reverse("bookings:book_submit", args=["swedish"])):
        request = client.post(url, INTAKE | DETAILS).wsgi_request
        cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
        assert MARKER not in str(cleansed)
        assert "sam@example.com" not in str(cleansed)
