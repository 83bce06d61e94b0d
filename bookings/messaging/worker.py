"""The email worker: one loop over the outbox, kept alive through database blips.

Each round it beats its heartbeat, every WORKER_SWEEP_SECONDS marks what a dead worker
left "sending" as delivery unknown and offers freed times to the waitlist, once a day
prunes old heartbeats, and then sends every due message, claiming one row at a time
(`outbox.send_next`). With nothing due it waits WORKER_POLL_SECONDS. A lost
database connection is closed and retried with a growing pause; systemd restarts the
process if anything else kills it.
"""

import logging
import signal
import socket
import sys
import threading
from datetime import datetime, timedelta
from types import FrameType
from uuid import uuid4

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
)
from django.utils import timezone

from bookings.messaging import outbox
from bookings.models import WorkerHeartbeat
from bookings.payments import services as payments
from bookings.waitlist import services as waitlist

logger = logging.getLogger(__name__)


# Pauses after the 1st, 2nd, ... database failure in a row.
BACKOFF_SECONDS = (1, 2, 5, 10, 30)
# Often enough that "last seen" means alive, rarely enough to cost nothing.
HEARTBEAT_EVERY = timedelta(seconds=5)
# A worker silent this long has stopped for good (a deploy, a machine retired); its
# row in *Email workers* only hides the live ones.
HEARTBEATS_KEEP = timedelta(days=7)


def backoff(failures: int) -> int:
    return BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS)) - 1]


class Worker:
    def __init__(self, *, interval: float, once: bool = False) -> None:
        self.worker_id = uuid4().hex
        self.interval = interval
        self.once = once
        self.started_at = timezone.now()
        self.stopping = threading.Event()
        self.sending = False
        self.next_beat: datetime | None = None
        self.next_sweep: datetime | None = None
        self.next_prune: datetime | None = None
        self.failures = 0

    def handle_signals(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.stop)

    def stop(self, signum: int, frame: FrameType | None) -> None:
        if self.sending and not self.stopping.is_set():
            # The message in hand finishes, so it is not left "sending" for staff to check.
            logger.warning("Email worker %s stopping after this message", self.worker_id)
            self.stopping.set()
            return
        # Nothing in hand, or asked a second time.
        sys.exit(1 if self.sending else 0)

    def run(self) -> None:
        logger.info("Email worker %s starting", self.worker_id)
        while not self.stopping.is_set():
            try:
                self.housekeeping(timezone.now())
                self.send_due()
                self.failures = 0
            except (OperationalError, InterfaceError) as error:
                if self.once:
                    raise
                self.lost_database(error)
                continue
            if self.once:
                return
            self.stopping.wait(self.interval)

    def send_due(self) -> None:
        while not self.stopping.is_set():
            self.sending = True
            try:
                outcome = outbox.send_next(now=timezone.now())
            finally:
                self.sending = False
            if outcome is None:
                return

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
        self.stopping.wait(pause)

    def housekeeping(self, now: datetime) -> None:
        close_old_connections()
        # Sent while the database was away: recorded before anything can mark it unknown.
        outbox.record_unrecorded()
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
            outbox.mark_stuck_sending(now=now)
            sweep_waitlist(now=now)
            sweep_payments(now=now)
            self.next_sweep = now + timedelta(seconds=settings.WORKER_SWEEP_SECONDS)
        if self.next_prune is None or now >= self.next_prune:
            prune_heartbeats(now=now)
            self.next_prune = now + timedelta(days=1)


def sweep_waitlist(*, now: datetime) -> None:
    """Offer freed times to the waitlist; a failure here must not stop the emails."""
    try:
        waitlist.sweep(now=now)
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:
        logger.warning("Waitlist sweep failed: %s", type(error).__name__)


def sweep_payments(*, now: datetime) -> None:
    """Settle holds past their time by asking Stripe (bookings/payments); a failure
    here must not stop the emails."""
    try:
        payments.release_lapsed(now=now)
        payments.settle_cancellations(now=now)
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:
        logger.warning("Payments sweep failed: %s", type(error).__name__)


def prune_heartbeats(*, now: datetime) -> int:
    deleted, _ = WorkerHeartbeat.objects.filter(last_seen__lt=now - HEARTBEATS_KEEP).delete()
    if deleted:
        logger.info("Pruned %s heartbeats of workers long stopped", deleted)
    return deleted
