"""Threaded races on PostgreSQL: many attempts at once, and the deadlocks they caused."""

import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence

from django.db import connection

# One line per race run in this session ("offer clicks: 12 at once -> ..."), printed at
# the end of the run (tests/conftest.py), so `make security` shows the figures.
FIGURES: list[str] = []


def report(line: str) -> None:
    FIGURES.append(line)


def fire(attempts: Sequence[Callable[[], str]], timeout: float = 60) -> Counter[str]:
    """Run every attempt from its own thread (its own connection) at once; count outcomes.

    An attempt returns its outcome ("booked", "told kindly"...); an unexpected exception
    counts as "error: ...", so the test shows it rather than a thread dying quietly.
    """
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(attempts))

    def run(attempt: Callable[[], str]) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = attempt()
        except Exception as error:  # the test reports any unexpected failure
            outcome = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


def deadlocks() -> int:
    """PostgreSQL's count of deadlocks it detected in this database so far.

    The statistics reach the view a moment after each backend reports them, so the
    count is read after a pause, with a fresh snapshot.
    """
    time.sleep(1.2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        row = cursor.fetchone()
    return int(row[0]) if row else 0
