from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic.roles import CONTENT_EDITORS, FRONT_DESK, THERAPISTS

# Demo accounts for a local site. The passwords are printed on purpose: this
# command refuses to run unless DEBUG is on.
DEMO_PASSWORD = "demo-clinic-2026"  # noqa: S105
STAFF = [
    # username, first name, last name, group (None for the superuser)
    ("admin", "Ada", "Admin", None),
    ("frontdesk", "Frances", "Desk", FRONT_DESK),
    ("editor", "Eddie", "Words", CONTENT_EDITORS),
    ("anna", "Anna", "Kowalski", THERAPISTS),
    ("ben", "Ben", "Okafor", THERAPISTS),
    ("chloe", "Chloe", "Martin", THERAPISTS),
]


class Command(BaseCommand):
    help = "Load demo accounts (and, once they exist, schedules and bookings). Safe to re-run."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_data only runs with DEBUG=true: it creates known passwords.")
        with transaction.atomic():
            for username, first, last, group_name in STAFF:
                self._ensure_user(username, first, last, group_name)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Sign in at /admin/ with:"))
        for username, _, _, group_name in STAFF:
            role = group_name or "Superuser"
            self.stdout.write(f"  {role:<16} {username} / {DEMO_PASSWORD}")

    def _ensure_user(self, username: str, first: str, last: str, group_name: str | None) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@clinic.example",
                "is_staff": True,
                "is_superuser": group_name is None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
