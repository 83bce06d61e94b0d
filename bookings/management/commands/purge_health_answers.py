from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from bookings.privacy.looks import purge_old_looks
from bookings.privacy.outcomes import purge_outcomes
from bookings.privacy.services import purge_health_answers
from bookings.records.notes import purge_notes


class Command(BaseCommand):
    help = (
        "Delete intake answers and warning flags of sessions that ended more than "
        "HEALTH_ANSWERS_RETENTION_DAYS ago, and treatment notes and outcome answers (with "
        "their intake baseline) of clients whose last visit was more than "
        "NOTES_RETENTION_YEARS ago, and the trail of looks older than LOOKS_RETENTION_YEARS. "
        "Run daily (cron or a scheduler); it works in batches of 1,000 rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Override the retention.")

    def handle(self, *args: object, days: int | None = None, **options: object) -> None:
        retention = settings.HEALTH_ANSWERS_RETENTION_DAYS if days is None else days
        count = purge_health_answers(retention_days=retention, now=timezone.now())
        self.stdout.write(
            f"Removed health answers from {count} booking(s) older than {retention} days."
        )
        years = settings.NOTES_RETENTION_YEARS
        notes = purge_notes(years=years, now=timezone.now())
        self.stdout.write(
            f"Removed {notes} treatment note(s) of clients last seen over {years} years ago."
        )
        outcomes = purge_outcomes(years=years, now=timezone.now())
        self.stdout.write(
            f"Removed {outcomes} outcome answer(s) of clients last seen over {years} years ago."
        )
        trail_years = settings.LOOKS_RETENTION_YEARS
        old = purge_old_looks(years=trail_years, now=timezone.now())
        self.stdout.write(
            f"Removed {old} look(s) at health data older than {trail_years} years from the trail."
        )
