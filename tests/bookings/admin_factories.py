"""The shared factories with the defaults the admin tests are written against.

A therapist here has a login in the Therapists group (so admin permissions apply),
no working hours unless a test adds them, and offers techniques named by slug;
times default to a fixed day so schedule pages are predictable.
"""

from datetime import UTC, datetime, time

import factory

from catalog.models import Technique
from clinic.roles import THERAPISTS
from tests import factories


class TherapistFactory(factories.TherapistFactory):
    user = factory.SubFactory(factories.StaffFactory, groups=[THERAPISTS])
    bio = "Helps people with back pain."

    @factory.post_generation
    def techniques(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            self.techniques.set(Technique.objects.filter(slug__in=extracted or ["swedish"]))

    @factory.post_generation
    def hours(self, create: bool, extracted: object, **kwargs: object) -> None:
        """No working hours: each admin test adds the ones it looks at."""


class WorkingHoursFactory(factories.WorkingHoursFactory):
    therapist = factory.SubFactory(TherapistFactory)
    start_time = time(9)
    end_time = time(17)


class TimeOffFactory(factories.TimeOffFactory):
    therapist = factory.SubFactory(TherapistFactory)
    start = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    reason = "Training"


class BookingFactory(factories.BookingFactory):
    client_name = factory.Sequence(lambda n: f"Client {n}")
    client_email = factory.Sequence(lambda n: f"client{n}@example.com")
    therapist = factory.SubFactory(TherapistFactory)
    start = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
