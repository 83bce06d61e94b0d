import os
from argparse import SUPPRESS, BooleanOptionalAction
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import autoreload

from bookings.messaging.worker import Worker


class Command(BaseCommand):
    help = (
        "Send the emails and texts waiting in the outbox: claims due messages one at a "
        "time, survives database blips, beats a heartbeat, hands messages a dead worker "
        "left sending to staff and offers freed times to the waitlist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.WORKER_POLL_SECONDS,
            help="Seconds to wait when nothing is due (default: WORKER_POLL_SECONDS).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="One round (heartbeat, sweep, every due message), then exit.",
        )
        parser.add_argument(
            "--reload",
            action=BooleanOptionalAction,
            default=settings.DEBUG,
            help="Restart on code changes, for development (default: DEBUG).",
        )
        # Unit files written for the django-tasks worker pass this; still accepted.
        parser.add_argument("--no-startup-delay", action="store_true", help=SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(interval=options["interval"], once=options["once"])
        if options["reload"] and not options["once"]:
            # Signals belong to the child that runs the loop, not the reloader around it.
            if os.environ.get(autoreload.DJANGO_AUTORELOAD_ENV) == "true":
                worker.handle_signals()
            autoreload.run_with_reloader(worker.run)
        else:
            worker.handle_signals()
            worker.run()
