"""The booking POST's statements, transactions and commits, counted in this process."""

from dataclasses import dataclass

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
