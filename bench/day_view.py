"""The admin's day view of the whole clinic: 10 therapists, 60 sessions, one day."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from time import perf_counter
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Booking, Therapist
from bookings.scheduling import availability
from bookings.scheduling.selectors import clinic_zone
from catalog.models import Technique
from clinic.roles import FRONT_DESK

from .load import Request
from .seed import BENCH_PREFIX, BUFFER_MINUTES, SESSION_MINUTES

TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})
# Past the seeded diary (90 days and a margin), so the day holds exactly these sessions.
DAYS_AHEAD = 120


@dataclass(frozen=True)
class DayView:
    day: date
    therapists: int
    bookings: int
    path: str
    cookie: str


def prepare(*, therapists: int, bookings_each: int, now: datetime) -> DayView:
    """Only the first `therapists` stay on the day view (the rest stop taking bookings:
    run this part last), each with `bookings_each` sessions on one day; a front-desk
    session to open it."""
    zone = clinic_zone()
    day = now.astimezone(zone).date() + timedelta(days=DAYS_AHEAD)
    ids = list(Therapist.objects.order_by("pk").values_list("pk", flat=True))[:therapists]
    Therapist.objects.exclude(pk__in=ids).update(is_active=False)
    technique = Technique.objects.filter(lengths__minutes=SESSION_MINUTES).first()
    if technique is None:
        raise RuntimeError("No technique has a 60-minute length")
    session = timedelta(minutes=SESSION_MINUTES)
    blocked = session + timedelta(minutes=BUFFER_MINUTES)
    first = availability.wall_to_utc(day, time(9), zone)
    Booking.objects.bulk_create(
        Booking(
            client_name=f"Day Client {n}-{k}",
            client_email=f"day{n}-{k}@bench.example",
            client_phone="07700 900123",
            therapist_id=therapist_id,
            technique=technique,
            length_minutes=SESSION_MINUTES,
            price=Decimal("60.00"),
            start=first + k * blocked,
            end=first + k * blocked + session,
            blocked_until=first + (k + 1) * blocked,
            warning_flags=["night_pain"] if (n + k) % 5 == 0 else [],
        )
        for n, therapist_id in enumerate(ids)
        for k in range(bookings_each)
    )
    path = reverse("admin:bookings_booking_day") + "?" + urlencode({"date": day.isoformat()})
    return DayView(day, len(ids), len(ids) * bookings_each, path, _desk_session())


def _desk_session() -> str:
    """A signed-in front-desk user's session, as the admin's login would leave it."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=f"{BENCH_PREFIX}desk", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def request(view: DayView) -> Request:
    return Request("GET", view.path, headers=(("Cookie", view.cookie),))


def measure(view: DayView, *, runs: int) -> tuple[float, int]:
    """The page's median server time in this process (ms) and its queries."""
    User = get_user_model()
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(username=f"{BENCH_PREFIX}desk"))
    client.get(view.path)  # warm up templates, the rules' cache and connections
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = perf_counter()
            response = client.get(view.path)
            times.append(perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"The day view answered {response.status_code}")
        blocks = response.content.count(b'class="day-block"')
        if blocks != view.bookings:
            raise RuntimeError(f"The day view shows {blocks} sessions, not {view.bookings}")
        # Statements that read or write data. Outside a test's transaction the marks'
        # INSERT (bulk_create) brings its own BEGIN and COMMIT, which Django also lists.
        queries = sum(1 for q in captured if q["sql"] not in TRANSACTION_CONTROL)
    return statistics.median(times) * 1000, queries
