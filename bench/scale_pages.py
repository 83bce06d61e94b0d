"""What the scale bench measures: every staff page per role, and the daily jobs.

Each page is asked once to warm up (templates, caches, the day's trail entries), then
`runs` times; the figure is the median server time in this process and the number of
statements (BEGIN/COMMIT/ROLLBACK/SAVEPOINT left out). The slowest statement of the
last run is kept, so a page over its target can show its plan.
"""

import logging
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from time import perf_counter
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.scale_seed import PREFIX, Seeded
from bookings.models import Client

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


@dataclass
class Row:
    name: str
    role: str
    ms: float
    queries: int
    sql_ms: float = 0.0
    slowest_sql: str = ""
    extra: str = ""
    statuses: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Page:
    name: str
    roles: tuple[str, ...]
    path: str
    method: str = "GET"
    data: dict[str, str] | None = None
    status: int = 200


def pages(seeded: Seeded) -> list[Page]:
    day = seeded.day.isoformat()
    booking = reverse("admin:bookings_booking_changelist")
    clients = reverse("admin:bookings_client_changelist")
    trail = reverse("admin:auditlog_logentry_changelist")
    notes = reverse("admin:bookings_notification_changelist")
    week = reverse("admin:bookings_booking_week_report")
    staff_id = get_user_model().objects.get(username=f"{PREFIX}desk-0").pk
    heavy = seeded.heavy_client
    # Terms that find the same client at every size: the one with 200 bookings.
    surname = Client.objects.get(pk=heavy).name.split()[-1]
    desk = ("desk",)
    schedule = reverse("admin:bookings_booking_schedule")
    one_booking = reverse("admin:bookings_booking_change", args=[seeded.a_booking])
    seeing = ("desk", "therapist", "admin")
    return [
        Page("day view", seeing, reverse("admin:bookings_booking_day") + f"?date={day}"),
        # The week of the seeded day (the week page reads `week`): at every size it holds
        # a flagged session of the therapist, so its look is recorded at every size.
        Page("week", ("desk", "therapist"), schedule + f"?week={day}"),
        Page("booking list", ("desk", "therapist"), booking),
        Page("booking list all", desk, booking + "?when=all"),
        Page("booking list phone", desk, booking + f"?when=all&q=07700 9{heavy:05d}"),
        Page("booking list name", desk, booking + f"?when=all&q={surname}"),
        Page("booking page", seeing, one_booking),
        Page(
            "add booking",
            desk,
            reverse("admin:bookings_booking_add"),
            "POST",
            # One match at every size (a name part matches more as the clinic grows):
            # the desk's usual case, the client chosen and their last booking offered.
            {"client_search": f"client{heavy}@mail.example", "action": "find"},
        ),
        Page("client list", desk, clients),
        Page("client search", desk, clients + f"?q={surname}"),
        Page(
            "client 200 bookings",
            ("desk", "lead", "admin"),
            reverse("admin:bookings_client_change", args=[heavy]),
        ),
        Page("merge", desk, reverse("admin:bookings_client_merge", args=[heavy + 1]) + "?q=Patel"),
        Page(
            "data by email",
            desk,
            reverse("admin:bookings_booking_client_data"),
            "POST",
            {"email": f"client{heavy + 2}@mail.example", "action": "show"},
        ),
        Page("weekly report", desk, week + f"?week={day}"),
        Page("weekly report csv", desk, week + f"?week={day}&format=csv"),
        Page("outcomes report", ("lead",), reverse("admin:bookings_outcomerequest_changelist")),
        Page("trail by client", ("admin",), trail + f"?client={heavy}"),
        Page("trail by staff", ("admin",), trail + f"?actor__id__exact={staff_id}"),
        Page("trail", ("admin",), trail),
        Page("notifications", desk, notes),
        Page("notifications failed", desk, notes + "?status__exact=failed"),
        Page("waitlist", desk, reverse("admin:bookings_waitlistentry_changelist")),
    ]


def statements(captured: CaptureQueriesContext) -> list[dict[str, Any]]:
    return [q for q in captured.captured_queries if not q["sql"].startswith(CONTROL)]


def _timed(runs: int, act: Callable[[], int]) -> Row:
    times: list[float] = []
    sql: list[float] = []
    statuses: set[int] = set()
    ran: list[dict[str, Any]] = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = perf_counter()
            statuses.add(act())
            times.append(perf_counter() - started)
        ran = statements(captured)
        sql.append(sum(float(q["time"]) for q in ran))
    slowest = max(ran, key=lambda q: float(q["time"]), default={"sql": "", "time": "0"})
    row = Row("", "", statistics.median(times) * 1000, len(ran), statistics.median(sql) * 1000)
    row.slowest_sql, row.statuses = slowest["sql"], statuses
    return row


def measure_pages(seeded: Seeded, *, runs: int, only: set[str] | None = None) -> list[Row]:
    """Every page, or the pages named in `only`."""
    User = get_user_model()
    users = {
        "desk": User.objects.get(username=f"{PREFIX}desk-0"),
        "therapist": User.objects.get(username=seeded.therapist_user),
        "lead": User.objects.get(username=f"{PREFIX}lead-0"),
        "admin": User.objects.get(username=f"{PREFIX}admin-0"),
    }
    browsers = {}
    for role, user in users.items():
        browsers[role] = Browser(SERVER_NAME="127.0.0.1")
        browsers[role].force_login(user)
    rows = []
    for page in pages(seeded):
        if only and page.name not in only:
            continue
        for role in page.roles:
            browser = browsers[role]

            def ask(browser: Browser = browser, page: Page = page) -> int:
                if page.method == "POST":
                    status: int = browser.post(page.path, page.data or {}).status_code
                else:
                    status = browser.get(page.path).status_code
                return status

            ask()
            row = _timed(runs, ask)
            row.name, row.role = page.name, role
            if row.statuses != {page.status}:
                row.extra = f"answered {sorted(row.statuses)}"
            rows.append(row)
    return rows


class _Batches(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def measure_jobs(seeded: Seeded, *, backlog: int) -> list[Row]:
    """The daily purge with `backlog` bookings' answers waiting, the notes purge past a
    three-year retention, the trail's retention, the worker's sweep, the waitlist sweep,
    and an erasure by email. The purge's longest transaction is read from its log."""
    from bookings.messaging import outbox
    from bookings.models import Booking
    from bookings.privacy import services as privacy
    from bookings.records.notes import purge_notes
    from bookings.waitlist import services as waitlist

    now = timezone.now()
    old = Booking.objects.filter(end__lt=now - timedelta(days=40)).order_by("-start")
    ids = list(old.values_list("pk", flat=True)[:backlog])
    Booking.objects.filter(pk__in=ids).update(intake_answers={"intensity": 5})
    handler = _Batches()
    log = logging.getLogger("bookings")
    log.addHandler(handler)
    level = log.level
    log.setLevel(logging.INFO)
    jobs: list[tuple[str, Callable[[], Any]]] = [
        ("purge health answers", lambda: privacy.purge_health_answers(retention_days=30, now=now)),
        ("purge notes (3 years)", lambda: purge_notes(years=3, now=now)),
        ("worker sweep", lambda: outbox.sweep(now=swept)),
        ("waitlist sweep", lambda: waitlist.sweep(now=now)),
        (
            "erase by email",
            lambda: privacy.erase_client_data(
                email=f"client{seeded.heavy_client + 3}@mail.example", now=now
            ),
        ),
    ]
    # The sweeps first send what fell due since the seeding: a sweep is measured idle.
    # (A message that fails goes back to pending a few minutes later: the same `now`.)
    swept = timezone.now()
    outbox.sweep(now=swept)
    waitlist.sweep(now=now)
    rows = []
    try:
        for name, job in jobs:
            handler.lines.clear()
            result: list[Any] = []

            def run(job: Callable[[], Any] = job, result: list[Any] = result) -> int:
                result.append(job())
                return 0

            row = _timed(1, run)
            row.name, row.role = name, "job"
            longest = _longest_batch(handler.lines)
            row.extra = f"-> {result[0]}" + (f"; longest batch {longest:.0f} ms" if longest else "")
            rows.append(row)
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    return rows


def _longest_batch(lines: list[str]) -> float:
    # The purges log "... in N ms" after each batch's transaction.
    found = [float(line.rsplit(" in ", 1)[1].split()[0]) for line in lines if " ms" in line]
    return max(found, default=0.0)
