from datetime import time
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

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
    """A therapist working 09:00 to 17:00 every day, offering the given techniques."""

    class Meta:
        model = "bookings.Therapist"
        skip_postgeneration_save = True

    user = factory.SubFactory(StaffFactory)
    display_name = factory.Sequence(lambda n: f"Therapist {n}")

    @factory.post_generation
    def techniques(self, create: bool, extracted: list[Technique] | None, **kwargs: object) -> None:
        if create and extracted:
            self.techniques.add(*extracted)

    @factory.post_generation
    def hours(self, create: bool, extracted: object, **kwargs: object) -> None:
        from bookings.models import WorkingHours

        if create:
            WorkingHours.objects.bulk_create(
                WorkingHours(therapist=self, weekday=day, start_time=time(9), end_time=time(17))
                for day in range(7)
            )
