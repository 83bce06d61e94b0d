import random
from datetime import datetime, time, timedelta
from time import perf_counter as time_counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bookings.booking.errors import BookingError
from bookings.booking.services import book_session
from bookings.demo import clients as demo_clients
from bookings.demo import history as demo_history
from bookings.demo.closures import bank_holidays
from bookings.intake.answers import IntakeAnswers
from bookings.models import (
    Booking,
    BookingStatus,
    Client,
    ClinicClosure,
    ClinicRules,
    Therapist,
    TimeOff,
    WorkingHours,
)
from bookings.scheduling import availability
from bookings.scheduling.selectors import clinic_zone
from bookings.scheduling.step_cache import diary_changed
from catalog.cache import clear_catalog_pages
from catalog.models import Technique
from clinic.roles import CLINICAL_LEADS, CONTENT_EDITORS, FRONT_DESK, THERAPISTS

# Demo accounts for a local site. The passwords are printed on purpose: this
# command refuses to run unless DEBUG is on.
DEMO_PASSWORD = "demo-clinic-2026"  # noqa: S105
STAFF = [
    # username, first name, last name, group (None for the superuser)
    ("admin", "Ada", "Admin", None),
    ("frontdesk", "Frances", "Desk", FRONT_DESK),
    ("editor", "Eddie", "Words", CONTENT_EDITORS),
    ("clinical", "Clara", "Lead", CLINICAL_LEADS),
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
DEMO_EMAIL_DOMAIN = demo_clients.DEMO_EMAIL_DOMAIN
DEMO_CLIENTS = [
    "Priya Shah",
    "Tom Reilly",
    "Maria Silva",
    "James Okoro",
    "Lucy Chen",
    "Omar Haddad",
    "Grace Byrne",
    "Daniel Novak",
    "Aisha Bello",
    "Sam Price",
]
DEMO_DAYS = 7  # bookings from tomorrow to a week ahead; later days stay open

Offer = tuple[Technique, int]  # a technique and a session length in minutes


class Command(BaseCommand):
    help = (
        "Load demo accounts, schedules, about three months of past sessions (notes and "
        "outcome scores) and next week's bookings. Safe to re-run."
    )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_data only runs with DEBUG=true: it creates known passwords.")
        with transaction.atomic():
            for username, first, last, group_name in STAFF:
                self._ensure_user(username, first, last, group_name)
            for username, profile in THERAPISTS_PROFILES.items():
                self._ensure_therapist(username, *profile)
            # The demo's clinical lead has read the shipped between-sessions advice; a
            # real clinic's lead reviews it before clients see it.
            Technique.objects.exclude(self_care="").filter(self_care_reviewed_at=None).update(
                self_care_reviewed_at=timezone.now(), self_care_reviewed_by="Clara Lead"
            )
            clear_catalog_pages()
        self._ensure_history()
        self._ensure_closures()
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

    def _ensure_history(self) -> None:
        started = time_counter()
        made = demo_history.ensure_history(now=timezone.now())
        if made:
            self.stdout.write(
                f"Wrote {sum(made.get(s, 0) for s in BookingStatus.values)} past demo sessions "
                f"({made.get(BookingStatus.COMPLETED, 0)} completed, "
                f"{made.get(BookingStatus.CANCELLED, 0)} cancelled, "
                f"{made.get(BookingStatus.NO_SHOW, 0)} no-shows) with {made['notes']} treatment "
                f"notes and {made['answers']} outcome answers in {time_counter() - started:.1f} s "
                "(no emails queued)."
            )

    def _ensure_closures(self) -> None:
        """Close the clinic on each bank holiday of the coming year, once: the desk books
        up to a year ahead, and clients see the closures as their horizon reaches them."""
        today = timezone.localdate(timezone=clinic_zone())
        last = today + timedelta(days=366)
        made = [
            ClinicClosure.objects.create(
                start_date=day, end_date=day, reason=f"Bank holiday: {name}"[:80]
            )
            for day, name in bank_holidays(today, last)
            if not ClinicClosure.objects.filter(start_date__lte=day, end_date__gte=day).exists()
        ]
        if made:
            diary_changed()
            self.stdout.write(f"Closed the clinic on {len(made)} bank holidays ahead.")

    def _ensure_bookings(self) -> None:
        """Fill about half of each working day of the coming week, once.

        The plan comes from the therapist's own hours and time off, not from the
        free-slot search, and every booking still goes through the service (so the
        database constraints hold). `notify=False`: demo clients are invented, so no
        confirmation, clinic note or reminder is queued for the worker.
        """
        now = timezone.now()
        demo = Booking.objects.filter(client_email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
        if demo.upcoming(now).exists():
            return
        zone = clinic_zone()
        buffer = timedelta(minutes=ClinicRules.load().buffer_minutes)
        today = now.astimezone(zone).date()
        days = [today + timedelta(days=n) for n in range(1, DEMO_DAYS + 1)]
        made = 0
        # Booked by the desk, as phoned-in sessions are: the demo's clients are the
        # records they name, with no email link waiting to be tapped.
        desk = get_user_model().objects.filter(username="frontdesk").first()
        # The same number as the client's past bookings (the history gave them one each).
        phones = dict(
            Client.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").values_list(
                "email", "phone"
            )
        )
        # Each therapist sees their own clients again (the history's), so a client page
        # shows one therapist's course; without a history, the ten demo names.
        regulars: dict[str, list[str]] = {}
        for name, _, username, *_ in demo_clients.CLIENTS:
            regulars.setdefault(username, []).append(name)
        for therapist in Therapist.objects.active().select_related("user").order_by("pk"):
            mine = 0
            offers = _offers(therapist)
            if not offers:
                continue
            hours: dict[int, list[tuple[time, time]]] = {}
            for wh in therapist.working_hours.order_by("start_time"):
                hours.setdefault(wh.weekday, []).append((wh.start_time, wh.end_time))
            time_off = list(therapist.time_off.values_list("start", "end"))
            for day in days:
                for part, (wall_start, wall_end) in enumerate(hours.get(day.weekday(), [])):
                    start = availability.wall_to_utc(day, wall_start, zone)
                    end = availability.wall_to_utc(day, wall_end, zone)
                    # Demo time off covers whole afternoons: leave such a part empty.
                    if any(a < end and start < b for a, b in time_off):
                        continue
                    turn = day.toordinal() * 2 + part + therapist.pk
                    for start_at, (technique, minutes) in plan_part(
                        start, end, offers, turn=turn, buffer=buffer
                    ):
                        clients = regulars.get(therapist.user.username) or DEMO_CLIENTS
                        client = clients[mine % len(clients)]
                        mine += 1
                        try:
                            book_session(
                                therapist_id=therapist.pk,
                                technique=technique,
                                length_minutes=minutes,
                                start=start_at,
                                client_name=client,
                                client_email=demo_clients.demo_email(client),
                                client_phone=phones.get(
                                    demo_clients.demo_email(client), "+447700900123"
                                ),
                                # Demo clients answered the screen with nothing to report.
                                intake=IntakeAnswers(screened=True),
                                now=now,
                                notify=False,
                                by=desk,
                            )
                        except BookingError:
                            continue  # e.g. a real booking already holds that time
                        made += 1
        self.stdout.write(f"Booked {made} demo sessions over the coming week (no emails queued).")


def _offers(therapist: Therapist) -> list[Offer]:
    """What the therapist offers, alternating techniques: shortest of each, then the next..."""
    per_technique = [
        [(technique, length.minutes) for length in technique.lengths.order_by("minutes")]
        for technique in therapist.techniques.filter(is_active=True).order_by("display_order")
    ]
    longest = max((len(lengths) for lengths in per_technique), default=0)
    return [lengths[n] for n in range(longest) for lengths in per_technique if n < len(lengths)]


def plan_part(
    start: datetime, end: datetime, offers: list[Offer], *, turn: int, buffer: timedelta
) -> list[tuple[datetime, Offer]]:
    """Sessions taking about half of [start, end), with the free time spread between them.

    `turn` picks where in `offers` to begin, so days and therapists get different mixes.
    """
    span = end - start
    target, slack = span / 2, timedelta(minutes=15)
    picked: list[Offer] = []
    booked = timedelta()
    for n in range(turn, turn + 2 * len(offers)):
        offer = offers[n % len(offers)]
        length = timedelta(minutes=offer[1])
        if booked + length <= target + slack and booked + length + len(picked) * buffer <= span:
            picked.append(offer)
            booked += length
        if booked >= target - slack:
            break
    if not picked:
        return []
    # Free time in half-hour pieces, dropped into the gaps before, between and after the
    # sessions; seeded by `turn`, so the same day gets the same plan.
    shuffle = random.Random(turn)  # noqa: S311 (demo layout, not a secret)
    piece = timedelta(minutes=30)
    gaps = [timedelta()] * (len(picked) + 1)
    free = span - booked - (len(picked) - 1) * buffer
    for _ in range(int(free // piece)):
        gaps[shuffle.randrange(len(gaps))] += piece
    plan = []
    at = start
    for gap, offer in zip(gaps, picked, strict=False):
        at += gap
        plan.append((at, offer))
        at += timedelta(minutes=offer[1]) + buffer
    return plan
