from zoneinfo import ZoneInfo

from django.apps import AppConfig
from django.conf import settings


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
        from django.contrib.auth.models import User

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .display import clinic_datetime, staff_name

        # Staff pages name people and moments as the clinic does, also on Django's and
        # the packages' own pages, which print str(row) in titles, filters and history:
        # "Anna Kowalski", not the login "anna"; a sign-in at "Tue 8 Dec 2026, 10:00",
        # not "2026-12-08 10:00:03.514+00:00". Set once, here.
        zone = ZoneInfo(settings.TIME_ZONE)
        User.__str__ = staff_name  # type: ignore[assignment,method-assign]
        AccessLog.__str__ = lambda log: (
            f"Sign-in as {log.username}, {clinic_datetime(log.attempt_time, zone)}"
        )
        AccessAttempt.__str__ = lambda attempt: (
            f"Failed sign-ins as {attempt.username}, {clinic_datetime(attempt.attempt_time, zone)}"
        )
        AccessFailureLog.__str__ = lambda failure: (
            f"Failed sign-in as {failure.username}, {clinic_datetime(failure.attempt_time, zone)}"
        )
