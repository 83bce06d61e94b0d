from datetime import time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bookings import availability
from bookings.models import Booking, ClinicRules, Therapist, TimeOff, WorkingHours
from bookings.services import SlotUnavailable, book_session, clinic_zone
from catalog.models import Technique
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
# username -> display name, bio, technique slugs, working weekdays
THERAPISTS_PROFILES = {
    "anna": (
        "Anna K.",
        "Sports and remedial massage therapist; likes a firm hand for stubborn knots.",
        ["deep-tissue", "trigger-point", "swedish"],
        [0, 1, 2, 3, 4],
    ),
    "ben": (
        "Ben O.",
        "Gentle, steady work for long-standing stiffness and desk-bound backs.",
        ["swedish", "myofascial-release"],
        [0, 1, 2, 3, 4],
    ),
    "chloe": (
        "Chloe M.",
        "Trained in lymphatic drainage; calm sessions for tired, heavy backs.",
        ["lymphatic-drainage", "swedish", "myofascial-release"],
        [1, 2, 3, 4, 5],
    ),
}
DAY = [(time(9), time(13)), (time(14), time(18))]  # the gap is lunch
DEMO_EMAIL_DOMAIN = "demo.example"
DEMO_CLIENTS = [
    "Priya Shah",
    "Tom Reilly",
    "Maria Silva",
    "James Okoro",
    "Lucy Chen",
    "Omar Haddad",
]


class Command(BaseCommand):
    help = "Load demo accounts (and, once they exist, schedules and bookings). Safe to re-run."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_data only runs with DEBUG=true: it creates known passwords.")
        with transaction.atomic():
            for username, first, last, group_name in STAFF:
                self._ensure_user(username, first, last, group_name)
            for username, profile in THERAPISTS_PROFILES.items():
                self._ensure_therapist(username, *profile)
        self._ensure_bookings()
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

    def _ensure_therapist(
        self, username: str, name: str, bio: str, slugs: list[str], weekdays: list[int]
    ) -> None:
        user = get_user_model().objects.get(username=username)
        therapist, created = Therapist.objects.get_or_create(
            user=user, defaults={"display_name": name, "bio": bio}
        )
        if not created:
            return
        therapist.techniques.set(Technique.objects.filter(slug__in=slugs))
        WorkingHours.objects.bulk_create(
            WorkingHours(therapist=therapist, weekday=day, start_time=a, end_time=b)
            for day in weekdays
            for a, b in DAY
        )
        # A blocked afternoon next week, so time off shows in the schedule.
        zone = clinic_zone()
        day = timezone.localdate() + timedelta(days=7 + len(username) % 3)
        TimeOff.objects.create(
            therapist=therapist,
            start=availability.wall_to_utc(day, time(14), zone),
            end=availability.wall_to_utc(day, time(18), zone),
            reason="Training",
        )

    def _ensure_bookings(self) -> None:
        """Book roughly every fourth free slot of the coming week, once."""
        now = timezone.now()
        demo = Booking.objects.filter(client_email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
        if demo.upcoming(now).exists():
            return
        rules = ClinicRules.load().as_rules()
        zone = clinic_zone()
        days = availability.local_days(now, 7, zone)
        made = 0
        for therapist in Therapist.objects.active().order_by("pk"):
            technique = therapist.techniques.order_by("display_order").first()
            if technique is None:
                continue
            length = technique.lengths.order_by("minutes").last()
            slots = availability.free_slots(
                therapist.schedule(),
                length=timedelta(minutes=length.minutes),
                rules=rules,
                now=now,
                zone=zone,
                days=days,
            )
            for n, start in enumerate(slots[:: max(1, 4 * 60 // length.minutes)]):
                client = DEMO_CLIENTS[(made + n) % len(DEMO_CLIENTS)]
                try:
                    book_session(
                        therapist_id=therapist.pk,
                        technique=technique,
                        length_minutes=length.minutes,
                        start=start,
                        client_name=client,
                        client_email=f"{client.split()[0].lower()}@{DEMO_EMAIL_DOMAIN}",
                        client_phone="07700 900123",
                        now=now,
                    )
                    made += 1
                except SlotUnavailable:
                    continue
        self.stdout.write(f"Booked {made} demo sessions over the coming week.")
