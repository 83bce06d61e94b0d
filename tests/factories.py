from datetime import time, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from catalog.models import SessionLength, Technique


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@clinic.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("a-long-test-password-1")

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


class StaffFactory(UserFactory):
    is_staff = True


class TechniqueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technique
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Technique {n}")
    slug = factory.Sequence(lambda n: f"test-technique-{n}")
    summary = "A technique made for a test."
    indications = "Made-up indications."
    method = "Made-up method."
    what_to_expect = "Made-up expectations."
    cautions = "Made-up cautions."

    @factory.post_generation
    def lengths(self, create: bool, extracted: list[int] | None, **kwargs: object) -> None:
        if create:
            for minutes in extracted or [60]:
                SessionLength.objects.create(
                    technique=self, minutes=minutes, price=Decimal(minutes)
                )


class TherapistFactory(factory.django.DjangoModelFactory):
    """A therapist working Monday to Saturday 09:00-17:00 with a 13:00-14:00 lunch break."""

    class Meta:
        model = "bookings.Therapist"
        skip_postgeneration_save = True

    user = factory.SubFactory(StaffFactory)
    display_name = factory.Sequence(lambda n: f"Therapist {n}")
    bio = "Works with back pain every day."

    @factory.post_generation
    def techniques(self, create: bool, extracted: list[Technique] | None, **kwargs: object) -> None:
        if create and extracted:
            self.techniques.add(*extracted)

    @factory.post_generation
    def hours(self, create: bool, extracted: object, **kwargs: object) -> None:
        # hours=False for no working hours at all; a dict {weekday: [(start, end), ...]} otherwise.
        if not create or extracted is False:
            return
        from bookings.models import WorkingHours

        ranges = extracted or {day: [(time(9), time(13)), (time(14), time(17))] for day in range(6)}
        WorkingHours.objects.bulk_create(
            WorkingHours(therapist=self, weekday=day, start_time=a, end_time=b)
            for day, day_ranges in ranges.items()
            for a, b in day_ranges
        )


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bookings.WorkingHours"

    therapist = factory.SubFactory(TherapistFactory, hours=False)
    weekday = 0
    start_time = time(9)
    end_time = time(17)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bookings.TimeOff"

    therapist = factory.SubFactory(TherapistFactory)
    start = factory.LazyFunction(timezone.now)
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=4))
    reason = "Holiday"


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bookings.Booking"

    therapist = factory.SubFactory(TherapistFactory)
    technique = factory.LazyFunction(lambda: Technique.objects.get(slug="swedish"))
    client_name = factory.Faker("name")
    client_email = factory.Faker("email")
    client_phone = "07700 900123"
    length_minutes = 60
    price = Decimal("60.00")
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(minutes=o.length_minutes))
    blocked_until = factory.LazyAttribute(lambda o: o.end + timedelta(minutes=15))
