from io import StringIO

import pytest
from django.core.management import call_command

from bookings.models import Booking, Therapist, TimeOff


@pytest.mark.django_db
def test_demo_data_gives_therapists_a_week_and_bookings_and_can_run_twice(settings):
    settings.DEBUG = True
    call_command("demo_data", stdout=StringIO())
    counts = (Therapist.objects.count(), TimeOff.objects.count(), Booking.objects.count())
    call_command("demo_data", stdout=StringIO())

    assert counts[:2] == (3, 3) and counts[2] > 10
    assert (Therapist.objects.count(), TimeOff.objects.count(), Booking.objects.count()) == counts
    assert all(t.working_hours.filter(weekday=2).count() == 2 for t in Therapist.objects.all())
    assert (
        len({tuple(t.techniques.values_list("slug", flat=True)) for t in Therapist.objects.all()})
        == 3
    )
