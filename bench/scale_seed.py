"""Years of a clinic's data for the scale bench (bench/scale.py), written with COPY.

Three sizes from the issue (S: 3 therapists, ~400 bookings; M: 10 therapists, two years,
~24,000 bookings; L: 50 therapists, five years, ~243,000 bookings) and a small one for
CI. Everything is made from a seeded random generator relative to `now`: a run seeds the
same clinic on the same day. Rows go in with PostgreSQL's COPY, with the ids chosen here
and the sequences moved past them afterwards.
"""

import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from bookings.models import Booking, Client, Therapist
from bookings.scheduling import availability
from bookings.scheduling.selectors import clinic_zone
from catalog.models import Technique
from clinic.roles import CLINICAL_LEADS, FRONT_DESK, THERAPISTS

PREFIX = "scale-"
PASSWORD = "!"  # noqa: S105  (unusable: the bench signs in with force_login)
SESSION = timedelta(minutes=60)
BLOCKED = timedelta(minutes=75)
# The wall-clock starts a therapist's day offers (60 minutes and a 15-minute buffer).
STARTS = [time(9), time(10, 15), time(11, 30), time(13, 30), time(14, 45), time(16)]
FIRST_NAMES = [
    "Amelia",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Finn",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Katie",
    "Leo",
    "Maya",
    "Noah",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Khan",
    "Patel",
]
WARNING = ["night_pain"]
INTAKE = {"areas": ["lower_back"], "intensity": 6, "feelings": ["ache"], "duration": "weeks"}
# The rate the app writes the trail at (one safety-mark entry per staff member, booking
# and day): each flagged session's marks are seen by every desk member on two days (the
# week before and the day itself), and every session's page is opened once by its
# therapist and once by the desk. "loads" is the rate before issue 26: a mark per page
# load, about 41 entries per session as the issue measured at L.
MARK_DAYS = {"days": 2, "loads": 40}


@dataclass(frozen=True)
class Size:
    name: str
    therapists: int
    days_back: int
    days_ahead: int
    clients: int
    per_day: float  # sessions per therapist and working day
    desk: int


SIZES = {
    "S": Size("S", 3, 30, 60, 150, 2.5, 2),
    "CI": Size("CI", 10, 75, 30, 900, 4.0, 3),
    "M": Size("M", 10, 730, 60, 5000, 4.3, 4),
    "L": Size("L", 50, 1826, 60, 40000, 3.75, 10),
}


@dataclass(frozen=True)
class Seeded:
    size: Size
    bookings: int
    clients: int
    notifications: int
    looks: int
    notes: int
    outcomes: int
    heavy_client: int  # a client with about 200 bookings
    a_booking: int  # an upcoming booking with a safety mark, on `day`
    day: date  # a busy day next week: the day view and week view show it
    therapist_user: str


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    cols = ", ".join(f'"{c}"' for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _users(size: Size, prefix: str) -> dict[str, list[int]]:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    groups = {g.name: g for g in Group.objects.all()}
    made: dict[str, list[int]] = {}
    for role, n, group in [
        ("therapist", size.therapists, THERAPISTS),
        ("desk", size.desk, FRONT_DESK),
        ("lead", 1, CLINICAL_LEADS),
        ("admin", 1, None),
    ]:
        users = User.objects.bulk_create(
            User(
                username=f"{prefix}{role}-{k}",
                email=f"{role}{k}@clinic.example",
                password=PASSWORD,
                is_staff=True,
                is_superuser=role == "admin",
            )
            for k in range(n)
        )
        if group:
            groups[group].user_set.add(*users)
        made[role] = [u.pk for u in users]
    return made


def _phone(n: int) -> str:
    return f"+4477009{n:05d}"


def seed(
    size: Size, *, now: datetime, trail: str = "days", prefix: str = PREFIX, id_base: int = 0
) -> Seeded:
    """Seed one clinic of `size`. A second clinic in the same database (the tests grow
    a clinic this way) takes another `prefix` for its staff and an `id_base` above the
    first's ids."""
    rng = random.Random(26)  # noqa: S311  (bench data, not secrets)
    zone = clinic_zone()
    today = now.astimezone(zone).date()
    users = _users(size, prefix)
    technique = Technique.objects.filter(lengths__minutes=60).order_by("pk").first()
    if technique is None:
        raise RuntimeError("The seeded catalog has no technique with a 60-minute length")
    staff = Therapist.objects.bulk_create(
        Therapist(user_id=uid, display_name=f"Therapist {n:02d}")
        for n, uid in enumerate(users["therapist"])
    )
    Therapist.techniques.through.objects.bulk_create(
        Therapist.techniques.through(therapist=t, technique=technique) for t in staff
    )
    from bookings.models import WorkingHours

    WorkingHours.objects.bulk_create(
        WorkingHours(therapist=t, weekday=d, start_time=time(9), end_time=time(17, 30))
        for t in staff
        for d in range(6)
        if d != (t.pk % 6)
    )

    _copy(
        "bookings_client",
        ["id", "name", "phone", "email", "staff_notes", "created_at", "updated_at"],
        (
            (
                c,
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}-{c}",
                _phone(c),
                f"client{c}@mail.example",
                "",
                now,
                now,
            )
            for c in range(id_base + 1, id_base + size.clients + 1)
        ),
    )
    heavy = id_base + 1
    # A busy day next week (not a Sunday, nobody's day off pattern is Sunday), and not the
    # first therapist's day off (it follows their id): the flagged booking is theirs.
    day = today + timedelta(days=7)
    while day.weekday() in (6, staff[0].pk % 6):
        day += timedelta(days=1)

    bookings: list[tuple[Any, ...]] = []
    flagged_upcoming = 0
    heavy_count = 0
    for offset in range(-size.days_back, size.days_ahead + 1):
        when = today + timedelta(days=offset)
        for n, therapist in enumerate(staff):
            if when.weekday() == 6 or when.weekday() == therapist.pk % 6:
                continue
            wanted = len(STARTS) if when == day else min(len(STARTS), _poisson(rng, size.per_day))
            for wall in sorted(rng.sample(STARTS, wanted)):
                start = availability.wall_to_utc(when, wall, zone)
                pk = id_base + len(bookings) + 1
                if heavy_count < 200 and n == 0 and start < now and rng.random() < 0.5:
                    client, heavy_count = heavy, heavy_count + 1
                else:
                    client = id_base + rng.randint(2, size.clients)
                past = start < now
                roll = rng.random()
                status = "cancelled" if roll < 0.08 else "no_show" if past and roll < 0.11 else None
                status = status or ("completed" if past else "confirmed")
                flags = WARNING if (roll * 97) % 1 < 0.1 else []
                if when == day and n == 0 and not flagged_upcoming:
                    flags, status, flagged_upcoming = WARNING, "confirmed", pk
                recent = start > now - timedelta(days=30)
                bookings.append(
                    (
                        pk,
                        f"S{pk:07d}",
                        f"token-{pk}",
                        client,
                        therapist.pk,
                        technique.pk,
                        start,
                        status,
                        json.dumps(flags),
                        json.dumps(INTAKE) if recent and status != "cancelled" else None,
                    )
                )
    names = dict(Client.objects.values_list("pk", "name"))
    _copy(
        "bookings_booking",
        [
            "id",
            "reference",
            "manage_token",
            "client_id",
            "therapist_id",
            "technique_id",
            "start",
            "end",
            "blocked_until",
            "status",
            "warning_flags",
            "intake_answers",
            "client_name",
            "client_email",
            "client_phone",
            "length_minutes",
            "price",
            "health_conditions",
            "text_checks",
            "acknowledged_advice",
            "sms_opt_in",
            "cancel_reason",
            "override_reason",
            "safety_override_reason",
            "client_message",
            "created_at",
            "updated_at",
            "health_consent_at",
            "cancelled_at",
        ],
        (
            (
                pk,
                ref,
                token,
                client,
                therapist,
                tech,
                start,
                start + SESSION,
                start + BLOCKED,
                status,
                flags,
                intake,
                names[client],
                f"client{client}@mail.example",
                _phone(client),
                60,
                Decimal("60.00"),
                "[]",
                "[]",
                "[]",
                client % 3 == 0,
                "",
                "",
                "",
                "",
                start - timedelta(days=7),
                start,
                start - timedelta(days=7) if intake else None,
                start - timedelta(days=1) if status == "cancelled" else None,
            )
            for pk, ref, token, client, therapist, tech, start, status, flags, intake in bookings
        ),
    )
    notifications = _copy(
        "bookings_notification",
        [
            "booking_id",
            "kind",
            "channel",
            "recipient",
            "status",
            "session_start",
            "calendar_sequence",
            "attempts",
            "last_error",
            "scheduled_for",
            "sent_at",
            "created_at",
            "course_sessions",
        ],
        _notifications(bookings, now, rng),
    )
    notes = _copy(
        "bookings_treatmentnote",
        [
            "booking_id",
            "written_by_id",
            "subjective",
            "objective",
            "assessment",
            "plan",
            "pressure",
            "areas",
            "pain_before",
            "pain_after",
            "created_at",
            "updated_at",
        ],
        (
            (
                pk,
                None,
                "Stiff lower back.",
                "Tight QL.",
                "Improving.",
                "Two weeks.",
                "",
                "[]",
                6,
                3,
                start + SESSION,
                start + SESSION,
            )
            for pk, _r, _t, _c, _th, _te, start, status, _f, _i in bookings
            if status == "completed" and pk % 5 == 0
        ),
    )
    outcomes = _copy(
        "bookings_outcomerequest",
        [
            "booking_id",
            "token",
            "score",
            "answered_at",
            "expires",
            "created_at",
            "intake_score",
            "intake_areas",
            "intake_feelings",
        ],
        (
            (
                pk,
                f"outcome-{pk}",
                (pk * 7) % 11 if pk % 3 else None,
                start + timedelta(days=2) if pk % 3 else None,
                start + timedelta(days=30),
                start + timedelta(days=2),
                4 + pk % 6,
                '["lower_back"]',
                '["ache"]',
            )
            for pk, _r, _t, _c, _th, _te, start, status, _f, _i in bookings
            if status == "completed" and pk % 10 < 3 and start < now - timedelta(days=2)
        ),
    )
    _waitlist(size, staff, technique, today, now, rng, id_base)
    # Read before the COPY: no other statement may run on the connection during one.
    booking_type = ContentType.objects.get_for_model(Booking).pk
    looks = _copy(
        "auditlog_logentry",
        [
            "object_pk",
            "object_id",
            "object_repr",
            "action",
            "timestamp",
            "actor_id",
            "content_type_id",
            "additional_data",
            "changes_text",
            "actor_email",
        ],
        _looks(bookings, users, staff, now, MARK_DAYS[trail], booking_type),
    )
    _finish_sequences()
    return Seeded(
        size,
        len(bookings),
        size.clients,
        notifications,
        looks,
        notes,
        outcomes,
        heavy,
        flagged_upcoming,
        day,
        f"{prefix}therapist-0",
    )


def _poisson(rng: random.Random, mean: float) -> int:
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)


def _notifications(
    bookings: list[tuple[Any, ...]], now: datetime, rng: random.Random
) -> Iterator[tuple[Any, ...]]:
    for pk, _r, _t, client, _th, _te, start, _status, _f, _i in bookings:
        made = start - timedelta(days=7)
        email = f"client{client}@mail.example"
        for kind, to, due in [
            ("confirmation", email, made),
            ("clinic_booked", "desk@clinic.example", made),
            ("reminder", email, start - timedelta(days=1)),
            ("outcome_ask", email, start + timedelta(days=2)),
        ]:
            if due > now:
                state, sent = "pending", None
            elif rng.random() < 0.004:
                state, sent = "failed", None
            else:
                state, sent = "sent", due
            yield (pk, kind, "email", to, state, start, 0, 1, "", due, sent, made, "[]")


def _looks(
    bookings: list[tuple[Any, ...]],
    users: dict[str, list[int]],
    staff: list[Therapist],
    now: datetime,
    mark_days: int,
    booking_type: int,
) -> Iterator[tuple[Any, ...]]:
    therapist_user = {t.pk: t.user_id for t in staff}
    desk = users["desk"]
    for pk, ref, _t, client, therapist, _te, start, _s, flags, _i in bookings:
        if start > now:
            continue
        seen = [(therapist_user[therapist], "booking", start - timedelta(hours=1))]
        seen.append((desk[pk % len(desk)], "booking", start - timedelta(hours=2)))
        if flags != "[]":
            seen += [
                (d, "mark_day", start - timedelta(days=k % 7, minutes=k))
                for k in range(mark_days)
                for d in desk
            ]
        for actor, what, at in seen:
            data = {"what": what, "client": client, "booking": pk, "staff": f"user{actor}"}
            yield (
                str(pk),
                pk,
                f"Booking {ref}",
                3,
                at,
                actor,
                booking_type,
                json.dumps(data),
                "",
                None,
            )


def _waitlist(
    size: Size,
    staff: list[Therapist],
    technique: Technique,
    today: date,
    now: datetime,
    rng: random.Random,
    id_base: int,
) -> None:
    _copy(
        "bookings_waitlistentry",
        [
            "token",
            "client_name",
            "client_email",
            "client_phone",
            "sms_opt_in",
            "length_minutes",
            "first_day",
            "last_day",
            "parts_of_day",
            "acknowledged_warning",
            "status",
            "joined_at",
            "expires_at",
            "technique_id",
            "therapist_id",
        ],
        (
            (
                f"wait-{id_base + n}",
                # Another seeded clinic (id_base) waits under other names: one live place
                # per client, technique and days (waitlist_entry_one_live_place).
                f"Waiting {id_base + n}",
                f"wait{id_base + n}@mail.example",
                _phone(90000 + n),
                False,
                60,
                today + timedelta(days=n % 20) if waiting else today - timedelta(days=n % 900 + 30),
                today + timedelta(days=n % 20 + 14)
                if waiting
                else today - timedelta(days=n % 900 + 16),
                '["morning", "afternoon"]',
                False,
                "waiting" if waiting else "expired",
                now - timedelta(days=n % 900),
                now + timedelta(days=30) if waiting else now - timedelta(days=n % 900),
                technique.pk,
                rng.choice(staff).pk if n % 2 else None,
            )
            for n in range(size.clients // 10)
            for waiting in [n % 8 == 0]
        ),
    )


def _finish_sequences() -> None:
    with connection.cursor() as cursor:
        for table in [
            "bookings_client",
            "bookings_booking",
            "bookings_notification",
            "bookings_treatmentnote",
            "bookings_outcomerequest",
            "bookings_waitlistentry",
            "auditlog_logentry",
        ]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"  # (names from the list above)
            )
        # VACUUM sets the visibility map (index-only scans); inside a test's
        # transaction only ANALYZE can run.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def reseeded(size: Size, *, now: datetime) -> Seeded:
    """The figures of a database this module seeded before (`--reuse`)."""
    from auditlog.models import LogEntry

    from bookings.models import Notification, OutcomeRequest, TreatmentNote

    first = Therapist.objects.get(user__username=f"{PREFIX}therapist-0")
    marked = (
        Booking.objects.filter(therapist=first, start__gte=now, status="confirmed")
        .exclude(warning_flags=[])
        .order_by("start")
        .first()
    )
    if marked is None:
        raise RuntimeError("No upcoming flagged booking: seed again (drop --reuse)")
    return Seeded(
        size,
        Booking.objects.count(),
        Client.objects.count(),
        Notification.objects.count(),
        LogEntry.objects.count(),
        TreatmentNote.objects.count(),
        OutcomeRequest.objects.count(),
        1,
        marked.pk,
        marked.start.astimezone(clinic_zone()).date(),
        first.user.username,
    )
