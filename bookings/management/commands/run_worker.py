from typing import Any

from django_tasks_db.management.commands import db_worker

from bookings.messaging.worker import SupervisedWorker


class Command(db_worker.Command):
    help = (
        "Send the queued emails: db_worker's loop, surviving database blips, with a "
        "heartbeat, the message sweeper and a daily prune of old task results."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # db_worker builds its Worker by name; hand it ours for this command only.
        original = db_worker.Worker
        db_worker.Worker = SupervisedWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
