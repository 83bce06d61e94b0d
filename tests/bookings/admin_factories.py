from datetime import UTC, datetime, timedelta
from decimal import Decimal

import factory

from bookings.models import Booking, Therapist, TimeOff, WorkingHours
from catalog.models import Technique
from clinic.roles import THERAPISTS
from tests.factories import StaffFactory


class TherapistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Therapist
        skip_postgeneration_save = True

    user = factory.SubFactory(StaffFactory, groups=[THERAPISTS])
    display_name = factory.Sequence(lambda n: f"Therapist {n}")
    bio = "Helps people with back pain."

    @factory.post_generation
    def techniques(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            self.techniques.set(Technique.objects.filter(slug__in=extracted or ["swedish"]))


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    therapist = factory.SubFactory(TherapistFactory)
    weekday = 0
    start_time = "09:00"
    end_time = "17:00"


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    therapist = factory.SubFactory(TherapistFactory)
    start = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=4))
    reason = "Training"


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    client_name = factory.Sequence(lambda n: f"Client {n}")
    client_email = factory.Sequence(lambda n: f"client{n}@example.com")
    client_phone = "07700 900123"
    therapist = factory.SubFactory(TherapistFactory)
    technique = factory.LazyFunction(lambda: Technique.objects.get(slug="swedish"))
    length_minutes = 60
    price = Decimal("60.00")
    start = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    end = factory.LazyAttribute(lambda o: o.start + timedelta(minutes=o.length_minutes))
    blocked_until = factory.LazyAttribute(lambda o: o.end + timedelta(minutes=15))
