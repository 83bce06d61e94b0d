"""The email worker: django-tasks-db's loop, kept alive through database blips.

`db_worker` exits on the first lost database connection and every email then waits
for a person to notice. This worker runs the same loop (in batches: every ready
task, then back here), and between batches beats its heartbeat, sweeps the messages
and, once a day, prunes old task results. A lost connection is closed and retried
with a growing pause; systemd restarts the process if anything else kills it.
"""

import logging
import socket
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
)
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from bookings.messaging import notifications
from bookings.models import WorkerHeartbeat
from bookings.waitlist import services as waitlist

logger = logging.getLogger(__name__)


# Pauses after the 1st, 2nd, ... database failure in a row.
BACKOFF_SECONDS = (1, 2, 5, 10, 30)
# Often enough that "last seen" means alive, rarely enough to cost nothing.
HEARTBEAT_EVERY = timedelta(seconds=5)


class _QuietBatches(logging.Filter):
    # Each batch of the parent loop says "starting" and "no more tasks": noise here.
    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not message.startswith(("Starting worker", "No more tasks to run"))


def backoff(failures: int) -> int:
    return BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS)) - 1]


class SupervisedWorker(Worker):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.keep_running_batches = not self.batch
        self.started_at = timezone.now()
        self.next_beat: datetime | None = None
        self.next_sweep: datetime | None = None
        self.next_prune: datetime | None = None
        self.failures = 0

    def run(self) -> None:
        logger.info("Email worker %s starting", self.worker_id)
        quiet = _QuietBatches()
        logging.getLogger("django_tasks_db").addFilter(quiet)
        # The parent loop drains the ready tasks and returns; this loop owns the waiting.
        self.batch = True
        try:
            while self.running:
                try:
                    self.between_batches()
                    super().run()
                    self.failures = 0
                except (OperationalError, InterfaceError) as error:
                    self.lost_database(error)
                    continue
                finally:
                    self.startup_delay = False
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                if not self.keep_running_batches:
                    return
                if self.running:
                    time.sleep(self.interval)
        finally:
            logging.getLogger("django_tasks_db").removeFilter(quiet)

    def lost_database(self, error: Exception) -> None:
        self.failures += 1
        pause = backoff(self.failures)
        logger.warning(
            "Email worker lost the database (%s); trying again in %ss",
            type(error).__name__,
            pause,
        )
        # Drop the broken connection so the next query opens a fresh one.
        for connection in connections.all(initialized_only=True):
            try:
                connection.close()
            except DatabaseError:
                logger.info("Closing the broken connection failed; a new one opens anyway")
        time.sleep(pause)

    def between_batches(self) -> None:
        close_old_connections()
        now = timezone.now()
        if self.next_beat is None or now >= self.next_beat:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={"last_seen": now, "hostname": socket.gethostname()[:255]},
                create_defaults={
                    "last_seen": now,
                    "hostname": socket.gethostname()[:255],
                    "started_at": self.started_at,
                },
            )
            self.next_beat = now + HEARTBEAT_EVERY
        if self.next_sweep is None or now >= self.next_sweep:
            notifications.sweep(now=now)
            fail_abandoned_tasks(now=now)
            sweep_waitlist(now=now)
            self.next_sweep = now + timedelta(seconds=settings.WORKER_SWEEP_SECONDS)
        if self.next_prune is None or now >= self.next_prune:
            prune_task_results(now=now)
            self.next_prune = now + timedelta(days=1)


def sweep_waitlist(*, now: datetime) -> None:
    """Offer freed times to the waitlist; a failure here must not stop the emails."""
    try:
        waitlist.sweep(now=now)
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:
        logger.warning("Waitlist sweep failed: %s", type(error).__name__)


def fail_abandoned_tasks(*, now: datetime) -> int:
    """Task rows left "running" by a worker that died; finished, so pruning removes them."""
    limit = timedelta(seconds=settings.NOTIFICATION_SENDING_LIMIT_SECONDS)
    return DBTaskResult.objects.filter(status="RUNNING", started_at__lt=now - limit).update(
        status="FAILED",
        finished_at=now,
        exception_class_path="bookings.messaging.worker.WorkerStopped",
        traceback="The worker stopped while running this task.",
    )


def prune_task_results(*, now: datetime) -> int:
    keep = timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=now - keep).delete()
    if deleted:
        logger.info("Pruned %s old task results", deleted)
    return deleted
