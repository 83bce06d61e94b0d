"""Pages under load through gunicorn, and a storm of bookings at a few slots."""

import http.client
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bookings.booking.selectors import technique_choices
from bookings.booking.views import start_param
from bookings.models import Booking
from bookings.scheduling import availability, selectors
from clinic.protection import HONEYPOT_FIELD

from .load import HOST, LoadResult, Request, csrf_pair, fetch, form_post, hammer
from .seed import BUFFER_MINUTES, SESSION_MINUTES
from .slots import step_params

CLIENT = {
    "client_name": "Bench Client",
    "client_email": "client@bench.example",
    "client_phone": "07700 900123",
    HONEYPOT_FIELD: "",
}


@dataclass(frozen=True)
class PageRow:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    ratio: float
    statuses: str


def bookable_slots(slug: str) -> list[tuple[int, datetime]]:
    """Free (therapist, start) pairs that do not get in each other's way, therapists interleaved."""
    choices = technique_choices(slug, now=timezone.now())
    if choices is None:
        raise RuntimeError(f"No technique {slug!r} is offered")
    rules = choices.rules.as_rules()
    gap = timedelta(minutes=SESSION_MINUTES + BUFFER_MINUTES)
    per_therapist = []
    for schedule in choices.schedules:
        chosen: list[datetime] = []
        for start in availability.free_slots(
            schedule,
            length=timedelta(minutes=SESSION_MINUTES),
            rules=rules,
            now=choices.now + timedelta(hours=1),  # clear of the notice while the bench runs
            zone=selectors.clinic_zone(),
        ):
            if not chosen or start >= chosen[-1] + gap:
                chosen.append(start)
        per_therapist.append([(schedule.therapist_id, start) for start in chosen])
    longest = max((len(slots) for slots in per_therapist), default=0)
    return [slots[n] for n in range(longest) for slots in per_therapist if n < len(slots)]


def booking_fields(therapist_id: int | str, start: datetime, token: str) -> dict[str, object]:
    return {
        "length": SESSION_MINUTES,
        "therapist": therapist_id,
        "start": start_param(start),
        "csrfmiddlewaretoken": token,
        **CLIENT,
    }


def _details_path(slug: str, therapist_id: int, start: datetime) -> str:
    query = {"length": SESSION_MINUTES, "therapist": therapist_id, "start": start_param(start)}
    return reverse("bookings:book", kwargs={"slug": slug}) + "?" + urlencode(query)


Plan = list[tuple[str, Callable[[], Request | None]]]


def repeat(path: str) -> Callable[[], Request]:
    request = Request("GET", path)
    return lambda: request


def step_path(slug: str, day: date | None = None) -> str:
    """The day step of "anyone", or its time step for `day`."""
    return reverse("bookings:book", kwargs={"slug": slug}) + "?" + urlencode(step_params(day))


def catalog_paths(technique_slug: str) -> dict[str, str]:
    return {
        "home page": reverse("catalog:home"),
        "technique list": reverse("catalog:technique_list"),
        "technique page": reverse("catalog:technique_detail", kwargs={"slug": technique_slug}),
        "how massage helps": reverse("catalog:how_massage_helps"),
    }


def site_plan(
    port: int, *, slug: str, technique_slug: str, post_slug: str, day: date, label: str
) -> Plan:
    """The catalog pages, the steps of `slug` ("day step <label>") and a booking POST of
    `post_slug`: each POST takes a free time of its own, so it needs the technique with
    the most therapists (at 10 therapists the 30 days hold about 700, fewer than three
    rounds of a POST at 180 a second take)."""
    slots = bookable_slots(post_slug)
    cookie, token = csrf_pair(port, _details_path(post_slug, *slots[-1]))
    submit = reverse("bookings:book_submit", kwargs={"slug": post_slug})
    slot_lock = threading.Lock()
    remaining = enumerate(slots)

    def next_booking() -> Request | None:
        with slot_lock:
            n, slot = next(remaining, (0, None))
        if slot is None:
            return None
        # Each POST a different client, as on the site: one client's bookings queue on
        # their address's lock (booking/locks.py), and their provisional records pile up.
        fields = booking_fields(*slot, token) | {"client_email": f"client{n}@load.example"}
        return form_post(submit, fields, cookie=cookie)

    return [
        *((name, repeat(path)) for name, path in catalog_paths(technique_slug).items()),
        *steps_plan(slug=slug, day=day, label=label),
        # The floor of any write, beside the POST: one INSERT and one COMMIT.
        ("one INSERT + commit", repeat("/bench/commit/")),
        # Last: its bookings stay, so the steps above would read a fuller diary after it.
        ("booking POST", next_booking),
    ]


def steps_plan(*, slug: str, day: date, label: str) -> Plan:
    return [
        (f"day step {label}", repeat(step_path(slug))),
        (f"time step {label}", repeat(step_path(slug, day))),
    ]


def mixed_paths(*, technique_slug: str, slugs: list[str], day: date) -> list[str]:
    """What the memory bench cycles through: catalog pages, the intake, both steps."""
    return [
        *catalog_paths(technique_slug).values(),
        reverse("bookings:intake"),
        *(step_path(slug) for slug in slugs),
        *(step_path(slug, day) for slug in slugs),
    ]


def load_pages(
    port: int, plan: Plan, *, clients: int, seconds: float, max_requests: int, rounds: int
) -> list[PageRow]:
    """Medians over rounds; each ratio is against the trivial view of the same round."""
    trivial = ("trivial view", repeat("/bench/trivial/"))
    # Short rounds, each page between two runs of the trivial view, so a neighbour
    # hogging the machine for a while skews one round's pair, not the whole ratio.
    measured: dict[str, list[tuple[LoadResult, float]]] = {}
    for _ in range(rounds):
        results = [
            hammer(
                name, port, requests, clients=clients, seconds=seconds, max_requests=max_requests
            )
            for name, requests in [trivial, *plan, trivial]
        ]
        baseline = (results[0].rps + results[-1].rps) / 2
        for result in results:
            measured.setdefault(result.name, []).append((result, baseline))
    rows = []
    for name, runs in measured.items():
        statuses: Counter = Counter()
        for result, _ in runs:
            statuses.update(result.statuses)
        rows.append(
            PageRow(
                name=name,
                rps=statistics.median(r.rps for r, _ in runs),
                p50_ms=statistics.median(r.p50_ms for r, _ in runs),
                p99_ms=statistics.median(r.percentile(99) for r, _ in runs),
                ratio=statistics.median(r.rps / b for r, b in runs),
                statuses=" ".join(f"{status}x{n}" for status, n in sorted(statuses.items())),
            )
        )
    return rows


def pages_table(rows: list[PageRow]) -> str:
    lines = ["page                      req/s   p50 ms   p99 ms  vs trivial  statuses"]
    lines += [
        f"{r.name:<23}  {r.rps:>6.0f}  {r.p50_ms:>7.1f}  {r.p99_ms:>7.1f}  {r.ratio:>10.2f}"
        f"  {r.statuses}"
        for r in rows
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class StormResult:
    attempts: int
    slots: int
    made: int
    conflicts: int
    errors: int
    other: Counter
    bookings_at_slots: int
    double_bookings: int
    seconds: float


OVERLAPS = """
    SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
      ON a.therapist_id = b.therapist_id AND a.id < b.id
     AND a.start < b.blocked_until AND b.start < a.blocked_until
     WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
"""


def double_bookings() -> int:
    """Pairs of active bookings of one therapist that overlap (buffer included)."""
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        return cursor.fetchone()[0]


def storm(port: int, *, slug: str, slots: int, per_slot: int) -> StormResult:
    """`slots` x `per_slot` clients post at once; every slot should go exactly once."""
    targets = bookable_slots(slug)[:slots]
    cookie, token = csrf_pair(port, _details_path(slug, *targets[0]))
    submit = reverse("bookings:book_submit", kwargs={"slug": slug})
    attempts = [target for target in targets for _ in range(per_slot)]
    outcomes: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(attempts))

    def attempt(n: int, therapist_id: int, start: datetime) -> None:
        # Different people racing for one time: the same person's post sent twice at once
        # is answered "already booked" instead (services.book_session).
        fields = booking_fields(therapist_id, start, token) | {
            "client_name": f"Storm Client {n}",
            "client_email": f"storm{n}@load.example",
        }
        request = form_post(submit, fields, cookie=cookie)
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        try:
            conn.connect()
            barrier.wait(timeout=60)
            status, _, body = fetch(port, request, conn)
            if status == 302:
                outcome = "made"
            elif status == 409 and b"just been taken" in body:
                outcome = "conflict"
            else:
                outcome = f"status {status}"
        except Exception as error:  # reported, never hidden
            outcome = f"error {type(error).__name__}"
        finally:
            conn.close()
        with lock:
            outcomes[outcome] += 1

    threads = [
        threading.Thread(target=attempt, args=(n, *target)) for n, target in enumerate(attempts)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    elapsed = time.perf_counter() - started
    at_slots = sum(
        Booking.objects.active().filter(therapist_id=therapist_id, start=start).count()
        for therapist_id, start in targets
    )
    made, conflicts = outcomes.pop("made", 0), outcomes.pop("conflict", 0)
    return StormResult(
        attempts=len(attempts),
        slots=len(targets),
        made=made,
        conflicts=conflicts,
        errors=sum(outcomes.values()),
        other=outcomes,
        bookings_at_slots=at_slots,
        double_bookings=double_bookings(),
        seconds=elapsed,
    )


def storm_table(result: StormResult) -> str:
    other = ", ".join(f"{k}: {v}" for k, v in sorted(result.other.items())) or "none"
    return "\n".join(
        [
            f"attempts            {result.attempts} ({result.slots} slots, all at once)",
            f"bookings made       {result.made}",
            f"conflicts (409)     {result.conflicts}",
            f"errors              {result.errors} ({other})",
            f"bookings at slots   {result.bookings_at_slots} (in the database)",
            f"double bookings     {result.double_bookings} (overlapping active pairs)",
            f"wall time           {result.seconds:.1f} s",
        ]
    )
