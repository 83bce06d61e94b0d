"""Admin lists that grow past thousands of rows stay cheap: no full count beside the
filtered one, and the notifications newest first."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.urls import reverse

from bookings.models import Booking, Client, Notification, TreatmentNote, WaitlistEntry
from bookings.models.waitlist import WaitlistOffer
from tests.clock import NOW
from tests.factories import BookingFactory

GROWING = [Booking, Client, Notification, TreatmentNote, WaitlistEntry, WaitlistOffer, LogEntry]


@pytest.mark.parametrize("model", GROWING, ids=lambda m: m.__name__)
def test_a_list_that_grows_with_the_years_never_counts_the_whole_table(model):
    assert admin.site._registry[model].show_full_result_count is False


@pytest.mark.django_db
def test_the_notifications_list_shows_the_newest_message_first(client, superuser, therapist):
    older = BookingFactory(therapist=therapist, start=NOW + timedelta(days=2))
    newer = BookingFactory(therapist=therapist, start=NOW + timedelta(days=3))
    for booking, made in [(older, NOW - timedelta(days=1)), (newer, NOW)]:
        sent = Notification.objects.create(
            booking=booking,
            kind="confirmation",
            recipient=booking.client_email,
            session_start=booking.start,
            scheduled_for=made,
        )
        Notification.objects.filter(pk=sent.pk).update(created_at=made)
    client.force_login(superuser)
    shown = client.get(reverse("admin:bookings_notification_changelist")).context["cl"]
    bookings = [n.booking_id for n in shown.result_list]
    assert bookings and bookings[0] == newer.pk and bookings[-1] == older.pk
