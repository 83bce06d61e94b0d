"""Free slots for "anyone": the loader and availability call the day step makes."""

import statistics
import time
from dataclasses import dataclass, replace
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings import availability, selectors
from bookings.forms import ANYONE

from .seed import SESSION_MINUTES, set_rules


@dataclass(frozen=True)
class SlotsRow:
    therapists: int
    days: int
    slots: int
    total_ms: float
    load_ms: float
    compute_ms: float
    page_ms: float
    queries: int
    page_queries: int


def _choices(slug: str) -> selectors.TechniqueChoices:
    choices = selectors.technique_choices(slug, now=timezone.now())
    if choices is None:
        raise RuntimeError(f"No technique {slug!r} is offered")
    return choices


def _ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def measure(*, slug: str, therapists: int, days: int, runs: int) -> SlotsRow:
    """Median times over `runs` calls; queries from the last one (they never vary)."""
    set_rules(horizon_days=days)
    client = Client(SERVER_NAME="127.0.0.1")
    url = reverse("bookings:book", kwargs={"slug": slug})
    params: dict[str, str | int] = {"length": SESSION_MINUTES, "therapist": ANYONE}
    totals, loads, computes, pages = [], [], [], []
    slots: list[availability.Slot] = []
    queries = page_queries = 0
    client.get(url, params)  # warm up templates and connections
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            choices = _choices(slug)
            loaded = time.perf_counter()
            slots = selectors.free_starts(
                choices, length_minutes=SESSION_MINUTES, therapist_id=None
            )
            done = time.perf_counter()
        queries = len(captured)
        totals.append(done - started)
        loads.append(loaded - started)
        computes.append(done - loaded)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            pages.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"The day step answered {response.status_code}")
        page_queries = len(captured)
    if len(choices.therapists) != therapists:
        raise RuntimeError(f"Expected {therapists} therapists, found {len(choices.therapists)}")
    return SlotsRow(
        therapists=therapists,
        days=days,
        slots=len(slots),
        total_ms=_ms(totals),
        load_ms=_ms(loads),
        compute_ms=_ms(computes),
        page_ms=_ms(pages),
        queries=queries,
        page_queries=page_queries,
    )


def booked_share(slug: str, days: int) -> float:
    """How many of the 60-minute slots the seeded bookings take (time off aside)."""
    set_rules(horizon_days=days)
    choices = _choices(slug)
    length = timedelta(minutes=SESSION_MINUTES)
    rules = choices.rules.as_rules()

    def free_count(schedule: availability.TherapistSchedule) -> int:
        return len(
            availability.free_slots(
                schedule, length=length, rules=rules, now=choices.now, zone=selectors.clinic_zone()
            )
        )

    free = sum(free_count(s) for s in choices.schedules)
    empty = sum(free_count(replace(s, busy=())) for s in choices.schedules)
    return 1 - free / empty if empty else 0.0


def table(rows: list[SlotsRow]) -> str:
    lines = [
        "therapists  days   slots  total ms  load ms  python ms  page ms  queries  page queries",
    ]
    lines += [
        f"{r.therapists:>10}  {r.days:>4}  {r.slots:>6}  {r.total_ms:>8.1f}  {r.load_ms:>7.1f}"
        f"  {r.compute_ms:>9.1f}  {r.page_ms:>7.1f}  {r.queries:>7}  {r.page_queries:>12}"
        for r in rows
    ]
    return "\n".join(lines)
