from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from django.contrib.auth.models import User

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .display import staff_name

        # Staff are named as people on every staff page (read-only "Booked by", list
        # filters, the trail, history): "Anna Kowalski", not the login "anna". Set once
        # here, because Django's and the packages' own pages print str(user).
        User.__str__ = staff_name  # type: ignore[assignment,method-assign]
