"""Free slots for "anyone": the loader and availability calls the day and time steps make."""

import statistics
import time
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.booking.forms import ANYONE
from bookings.booking.selectors import TechniqueChoices, free_counts, free_starts, technique_choices
from bookings.scheduling import availability, selectors, step_cache

from .load import screened_intake
from .seed import SESSION_MINUTES, set_rules


@dataclass(frozen=True)
class SlotsRow:
    step: str
    therapists: int
    days: int
    slots: int
    total_ms: float
    load_ms: float
    compute_ms: float
    page_ms: float
    queries: int
    page_queries: int
    # The page right after a booking's commit swapped the diary version and its
    # therapist's (the counts or starts and the technique's offer computed again, the
    # day step from the other therapists' kept runs; the profiles and rules still cached).
    cold_page_ms: float = 0.0
    cold_page_queries: int = 0
    # The page after a schedule change (hours, time off, closures, rules): every
    # therapist's runs computed again, as with an empty cache.
    rebuilt_page_ms: float = 0.0


def _choices(slug: str, day: date | None = None) -> TechniqueChoices:
    choices = technique_choices(slug, now=timezone.now(), day=day)
    if choices is None:
        raise RuntimeError(f"No technique {slug!r} is offered")
    return choices


def _ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def time_step_day(now: datetime) -> date:
    """A working day for every seeded therapist inside the shortest horizon: the first
    Tuesday to Friday after today (hours run Monday to Friday or Tuesday to Saturday)."""
    day = now.astimezone(selectors.clinic_zone()).date() + timedelta(days=1)
    while day.weekday() not in (1, 2, 3, 4):
        day += timedelta(days=1)
    return day


def step_params(day: date | None) -> dict[str, str | int]:
    """The day step's query string, or the time step's for `day`."""
    params: dict[str, str | int] = {"length": SESSION_MINUTES, "therapist": ANYONE}
    return params if day is None else params | {"day": day.isoformat()}


def measure(
    *, slug: str, therapists: int, days: int, runs: int, day: date | None = None
) -> SlotsRow:
    """Median times over `runs` calls of the day step, or of the time step for `day`;
    queries from the last call (they never vary)."""
    set_rules(horizon_days=days)
    client = Client(SERVER_NAME="127.0.0.1")
    name, value = screened_intake()
    client.cookies[name] = value
    url = reverse("bookings:book", kwargs={"slug": slug})
    params = step_params(day)
    totals, loads, computes, pages, colds, rebuilds = [], [], [], [], [], []
    slots = 0
    queries = page_queries = cold_page_queries = 0
    client.get(url, params)  # warm up templates and connections
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            choices = _choices(slug, day)
            choices.schedules  # noqa: B018 - read now, to time the loading apart
            loaded = time.perf_counter()
            if day is None:
                counts = free_counts(choices, length_minutes=SESSION_MINUTES, therapist_id=None)
                slots = sum(counts.values())
            else:
                slots = len(free_starts(choices, length_minutes=SESSION_MINUTES, therapist_id=None))
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
            raise RuntimeError(f"The step answered {response.status_code}")
        page_queries = len(captured)
        # As a booking's commit does (with one of the technique's therapists).
        step_cache.new_diary_version((choices.therapists[-1].pk,))
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            colds.append(time.perf_counter() - started)
        cold_page_queries = len(captured)
        step_cache.new_diary_version()  # as a schedule change does
        started = time.perf_counter()
        client.get(url, params)
        rebuilds.append(time.perf_counter() - started)
        client.get(url, params)  # warm again
    if len(choices.therapists) != therapists:
        raise RuntimeError(f"Expected {therapists} therapists, found {len(choices.therapists)}")
    return SlotsRow(
        step="day step" if day is None else "time step",
        therapists=therapists,
        days=days,
        slots=slots,
        total_ms=_ms(totals),
        load_ms=_ms(loads),
        compute_ms=_ms(computes),
        page_ms=_ms(pages),
        queries=queries,
        page_queries=page_queries,
        cold_page_ms=_ms(colds),
        cold_page_queries=cold_page_queries,
        rebuilt_page_ms=_ms(rebuilds),
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
        "step       therapists  days   slots  total ms  load ms  python ms  page ms  queries"
        "  page queries  cold page ms  cold queries  rebuilt ms",
    ]
    lines += [
        f"{r.step:<9}  {r.therapists:>10}  {r.days:>4}  {r.slots:>6}  {r.total_ms:>8.1f}"
        f"  {r.load_ms:>7.1f}  {r.compute_ms:>9.1f}  {r.page_ms:>7.1f}  {r.queries:>7}"
        f"  {r.page_queries:>12}  {r.cold_page_ms:>12.1f}  {r.cold_page_queries:>12}"
        f"  {r.rebuilt_page_ms:>10.1f}"
        for r in rows
    ]
    return "\n".join(lines)
