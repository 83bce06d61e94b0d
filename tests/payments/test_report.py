import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.booking.attendance import mark_completed
from bookings.frontdesk.selectors import owner_week
from bookings.models import BookingCheckout
from bookings.payments import services

from .helpers import held, open_checkout

pytestmark = pytest.mark.django_db


def test_the_weekly_report_takes_card_money_from_the_payment_rows(fake_stripe, client, superuser):
    booking = held()
    fake_stripe.pay(open_checkout(booking))
    services.confirm_from_return(
        booking=booking,
        session_id=BookingCheckout.objects.get().session_id,
        now=timezone.now(),
    )
    after = booking.end + timedelta(hours=1)
    mark_completed(booking=booking, now=after)
    monday = timezone.localdate(booking.start) - timedelta(
        days=timezone.localtime(booking.start).weekday()
    )
    week = owner_week(monday, now=after)
    assert (str(week.total.card), str(week.total.takings)) == ("20.00", "40.00")

    client.force_login(superuser)
    response = client.get(
        reverse("admin:bookings_booking_week_report"), {"week": monday.isoformat(), "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    total = rows[-1]
    assert total[-4:] == ["20.00", "0.00", "0.00", "40.00"]
