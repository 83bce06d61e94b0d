"""The booking POST's statements, transactions and commits, counted in this process, and
the processor time it costs this process and its PostgreSQL backend."""

import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .load import screened_intake
from .pages import CLIENT, bookable_slots, booking_fields

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


@dataclass(frozen=True)
class PostCount:
    statements: int  # reads and writes
    transactions: int  # BEGIN (Django lists it on PostgreSQL)
    commits: int
    savepoints: int
    status: int


def count(slug: str) -> PostCount:
    """Post one booking of a free slot of `slug`, as a browser with screened answers
    would, after a first booking has warmed the process (templates, rules, caches)."""
    slots = bookable_slots(slug)
    submit = reverse("bookings:book_submit", kwargs={"slug": slug})
    name, value = screened_intake()
    browsers = [Client(SERVER_NAME="127.0.0.1"), Client(SERVER_NAME="127.0.0.1")]
    for browser in browsers:
        browser.cookies[name] = value
    browsers[0].post(submit, booking_fields(*slots[-1], token="") | CLIENT)
    # Another visitor: a second post from the first would be answered as a repeat.
    with CaptureQueriesContext(connection) as captured:
        response = browsers[1].post(submit, booking_fields(*slots[-2], token="") | CLIENT)
    sql = [q["sql"] for q in captured.captured_queries]
    return PostCount(
        statements=sum(1 for s in sql if not s.startswith(CONTROL)),
        transactions=sum(1 for s in sql if s == "BEGIN"),
        commits=sum(1 for s in sql if s == "COMMIT"),
        savepoints=sum(1 for s in sql if s.startswith("SAVEPOINT")),
        status=response.status_code,
    )


@dataclass(frozen=True)
class PostCpu:
    posts: int
    wall_ms: float  # median, in process (the test client's own work included)
    python_ms: float  # this process's processor time per POST
    postgres_ms: float | None  # the backend's, when it runs on this machine


def _backend_seconds() -> float | None:
    """The processor time of this connection's PostgreSQL backend so far (/proc), or None
    when it cannot be read (another machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu(slug: str, posts: int = 100) -> PostCpu:
    """`posts` bookings of free slots of `slug`, one visitor each, after 5 to warm up:
    where a POST's processor time goes: this process (the view, the ORM, the test client)
    and its PostgreSQL backend (docs/benchmarks.md)."""
    slots = bookable_slots(slug)[-(posts + 5) :]
    submit = reverse("bookings:book_submit", kwargs={"slug": slug})
    name, value = screened_intake()

    def post(n: int) -> float:
        browser = Client(SERVER_NAME="127.0.0.1")
        browser.cookies[name] = value
        fields = booking_fields(*slots[n], token="") | CLIENT
        began = time.perf_counter()
        response = browser.post(submit, fields | {"client_email": f"cpu{n}@load.example"})
        if response.status_code != 302:
            raise RuntimeError(f"A booking POST answered {response.status_code}")
        return time.perf_counter() - began

    for n in range(5):
        post(n)
    backend, python = _backend_seconds(), time.process_time()
    walls = [post(n) for n in range(5, 5 + posts)]
    python = time.process_time() - python
    after = _backend_seconds()
    return PostCpu(
        posts=posts,
        wall_ms=statistics.median(walls) * 1000,
        python_ms=python / posts * 1000,
        postgres_ms=None if backend is None or after is None else (after - backend) / posts * 1000,
    )
