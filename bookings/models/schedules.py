import logging
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import (
    RangeBoundary,
    RangeOperators,
)
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils.formats import date_format

from bookings.models.constraints import DateRange, PostgresOnlyExclusionConstraint, WallClockRange
from bookings.scheduling import availability
from catalog.models import Technique
from clinic.display import clinic_days

logger = logging.getLogger(__name__)


def new_calendar_token() -> str:
    # 256 bits: a therapist's calendar app holds it in the feed URL, with no login.
    return secrets.token_urlsafe(32)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class TherapistQuerySet(models.QuerySet["Therapist"]):
    def active(self) -> "TherapistQuerySet":
        return self.filter(is_active=True)

    def offering(self, technique: Technique | int) -> "TherapistQuerySet":
        return self.filter(techniques=technique)


class Therapist(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="therapist",
        help_text="The staff login this therapist uses for the admin.",
    )
    display_name = models.CharField(max_length=80, help_text="Shown to clients, e.g. “Anna K.”")
    bio = models.TextField(blank=True, help_text="A few friendly sentences for clients.")
    techniques = models.ManyToManyField(
        Technique, related_name="therapists", blank=True, help_text="Techniques they offer."
    )
    is_active = models.BooleanField(
        "taking bookings", default=True, help_text="Untick to hide them from booking."
    )
    calendar_token = models.CharField(
        max_length=43, unique=True, default=new_calendar_token, editable=False
    )

    objects = TherapistQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name


class WorkingHours(models.Model):
    """One working range on a weekday, in the clinic's wall-clock time; breaks are gaps.

    A row holds from `valid_from` to `valid_until` (both days included; empty means
    open), so a new rota from next month is new rows from a date.
    """

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    valid_from = models.DateField(
        null=True, blank=True, help_text="First day these hours hold; empty: from always."
    )
    valid_until = models.DateField(
        null=True, blank=True, help_text="Last day these hours hold; empty: until changed."
    )

    class Meta:
        ordering = ["therapist", "weekday", "start_time"]
        verbose_name = "working hours"
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=models.F("end_time")),
                name="working_hours_start_before_end",
                violation_error_message="The start time must be before the end time.",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="working_hours_weekday_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=models.F("valid_until")),
                name="working_hours_valid_from_before_until",
                violation_error_message="The first day must not be after the last day.",
            ),
            # Overlapping rows would merge and silently swallow a break.
            PostgresOnlyExclusionConstraint(
                name="working_hours_no_overlap",
                expressions=[
                    ("therapist", RangeOperators.EQUAL),
                    ("weekday", RangeOperators.EQUAL),
                    (WallClockRange("start_time", "end_time"), RangeOperators.OVERLAPS),
                    (
                        # Typed, so full_clean's query can compare an open (NULL) end.
                        DateRange(
                            Cast("valid_from", models.DateField()),
                            Cast("valid_until", models.DateField()),
                            RangeBoundary(inclusive_upper=True),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                violation_error_message="These hours overlap other hours of this therapist "
                "on the same day.",
            ),
        ]

    def __str__(self) -> str:
        hours = f"{self.get_weekday_display()} {self.start_time:%H:%M} to {self.end_time:%H:%M}"
        if self.valid_from and self.valid_until:
            return f"{hours}, {clinic_days(self.valid_from, self.valid_until)}"
        if self.valid_from:
            return f"{hours}, from {date_format(self.valid_from)}"
        if self.valid_until:
            return f"{hours}, until {date_format(self.valid_until)}"
        return hours

    def clean(self) -> None:
        # Field-keyed errors: full_clean then leaves out the constraints on those fields,
        # so the exclusion constraint is not asked about a range PostgreSQL cannot build.
        # Overlaps are the forms' to say (bookings/admin_schedule.py): on the therapist
        # page the stored rows may be changing in the same post.
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError(
                {"end_time": "The start time must be before the end time."}, code="end_first"
            )
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            raise ValidationError(
                {"valid_until": "The last day must not be before the first day."},
                code="until_first",
            )

    def as_dated_hours(self) -> availability.DatedHours:
        return availability.DatedHours(
            self.weekday, self.start_time, self.end_time, self.valid_from, self.valid_until
        )

    def overlapping(self) -> "models.QuerySet[WorkingHours]":
        """The therapist's other rows on this weekday that share a moment on some day."""
        if self.therapist_id is None or self.weekday is None:
            return WorkingHours.objects.none()
        if self.start_time is None or self.end_time is None:
            return WorkingHours.objects.none()
        rows = WorkingHours.objects.filter(
            therapist_id=self.therapist_id,
            weekday=self.weekday,
            start_time__lt=self.end_time,
            end_time__gt=self.start_time,
        ).exclude(pk=self.pk)
        if self.valid_until is not None:
            rows = rows.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=self.valid_until))
        if self.valid_from is not None:
            rows = rows.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from))
        return rows.order_by("start_time")


class TimeOff(models.Model):
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=80, blank=True, help_text="e.g. Holiday, Training.")

    class Meta:
        ordering = ["start"]
        verbose_name = "time off"
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")),
                name="time_off_start_before_end",
                violation_error_message="The start must be before the end.",
            ),
        ]
        indexes = [models.Index(fields=["therapist", "start"])]

    def __str__(self) -> str:
        return self.reason or "Time off"


class ClinicClosure(models.Model):
    """Days the whole clinic is closed (a bank holiday): nobody can be booked, all day
    in the clinic's zone, from the first day to the last, both included."""

    start_date = models.DateField("first day")
    end_date = models.DateField("last day", help_text="The same as the first day for one day.")
    reason = models.CharField(max_length=80, help_text="e.g. Bank holiday.")

    class Meta:
        ordering = ["start_date"]
        verbose_name = "clinic closure"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")),
                name="clinic_closure_start_before_end",
                violation_error_message="The first day must not be after the last day.",
            ),
        ]

    def __str__(self) -> str:
        return self.reason


RULES_CACHE_KEY = "bookings:clinic-rules:v1"
RULES_CACHE_SECONDS = 300


class TrailNames(models.TextChoices):
    ROLE = "role", "Their role"
    FIRST_NAME = "first_name", "Their first name"


class PaymentPolicy(models.TextChoices):
    AT_CLINIC = "at_clinic", "Pay at the clinic"
    DEPOSIT = "deposit", "A deposit when booking"
    FULL = "full", "Full payment when booking"
    CARD_ON_FILE = "card", "A card kept on file, with a no-show and late-cancel fee"


class ClinicRules(models.Model):
    """The clinic's booking rules: a single row (pk=1) that front desk edits in admin."""

    buffer_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MaxValueValidator(240)],
        help_text="Minutes kept free after each session to tidy up and rest.",
    )
    min_notice_minutes = models.PositiveIntegerField(
        "minimum notice (minutes)",
        default=120,
        validators=[MaxValueValidator(60 * 24 * 14)],
        help_text="How long before a session clients can still book it online.",
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How many days ahead clients may book.",
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text="Start times are offered every this many minutes.",
    )
    cancellation_window_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text="Clients can cancel or move a booking online up to this many hours before.",
    )
    reminder_hours_before = models.PositiveSmallIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 7)],
        help_text="A reminder email goes out this many hours before the session.",
    )
    safety_recheck_days = models.PositiveSmallIntegerField(
        "safety re-check interval (days)",
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text="A course's later sessions need the safety questions asked again once "
        "the client's answers are this many days old.",
    )
    trail_names = models.CharField(
        "staff named to clients as",
        max_length=10,
        choices=TrailNames.choices,
        default=TrailNames.ROLE,
        help_text="On “My bookings”, clients see who at the clinic opened their health "
        "answers and notes, and when: by role (“Therapist”) or by first name.",
    )
    # Payments (docs/payments.md). Amounts in the clinic's currency; a share is a
    # whole percentage of the session's price. The checkout copies them per booking.
    payment_policy = models.CharField(
        max_length=10,
        choices=PaymentPolicy.choices,
        default=PaymentPolicy.AT_CLINIC,
        help_text="Anything but “pay at the clinic” needs the Stripe keys set.",
    )
    deposit_amount = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.50"))],
        help_text="A deposit: a fixed amount, or leave empty and give a share below.",
    )
    deposit_percent = models.PositiveSmallIntegerField(
        "deposit (% of the price)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    fee_amount = models.DecimalField(
        "no-show and late-cancel fee",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.50"))],
        help_text="A card on file: charged for a no-show or a cancellation inside the "
        "change window. A fixed amount, or leave empty and give a share below.",
    )
    fee_percent = models.PositiveSmallIntegerField(
        "fee (% of the price)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = "clinic rules"
        verbose_name_plural = "clinic rules"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="clinic_rules_single_row"),
            models.CheckConstraint(
                condition=Q(slot_step_minutes__gte=5), name="clinic_rules_step_positive"
            ),
            models.CheckConstraint(
                condition=Q(booking_horizon_days__gte=1), name="clinic_rules_horizon_positive"
            ),
            models.CheckConstraint(
                condition=Q(deposit_amount__isnull=True) | Q(deposit_percent__isnull=True),
                name="clinic_rules_deposit_amount_or_share",
            ),
            models.CheckConstraint(
                condition=Q(fee_amount__isnull=True) | Q(fee_percent__isnull=True),
                name="clinic_rules_fee_amount_or_share",
            ),
        ]

    def __str__(self) -> str:
        return "Clinic rules"

    @classmethod
    def load(cls) -> "ClinicRules":
        """The row, read (every booking reads it in its transaction: written out, the
        read costs what the database takes), or made with the defaults the first time."""
        quote = connection.ops.quote_name
        # The columns named, never *: kept prepared, the statement keeps its columns.
        columns = ", ".join(quote(str(f.column)) for f in cls._meta.concrete_fields)
        found = cls.objects.raw(
            f"SELECT {columns} FROM {quote(cls._meta.db_table)} WHERE id = %s",  # noqa: S608
            [1],
        )
        for rules in found:
            return rules
        rules, _ = cls.objects.get_or_create(pk=1)
        return rules

    @classmethod
    def cached(cls) -> "ClinicRules":
        """The rules for pages that only show times, without a query on most requests.

        The admin refreshes the cached copy when front desk saves (`remember()`); a
        change made any other way shows within RULES_CACHE_SECONDS. Writes (the
        services) always read the row itself, inside their transaction. With the
        cache down, the pages read the row: slower, never broken.
        """
        try:
            rules: ClinicRules | None = cache.get(RULES_CACHE_KEY)
        except Exception as error:
            # Redis raises its own errors, not Django's: any failure means "not cached".
            logger.warning(
                "Clinic rules read from the database: the cache failed (%s)", type(error).__name__
            )
            return cls.load()
        if rules is None:
            rules = cls.load().remember()
        return rules

    def remember(self) -> "ClinicRules":
        try:
            cache.set(RULES_CACHE_KEY, self, RULES_CACHE_SECONDS)
        except Exception as error:
            logger.warning("Clinic rules not cached: the cache failed (%s)", type(error).__name__)
        return self

    def online_changes_close_at(self, start: datetime) -> datetime:
        """After this moment a client must phone to cancel or move a session at `start`."""
        return start - timedelta(hours=self.cancellation_window_hours)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.deposit_amount is not None and self.deposit_percent is not None:
            errors["deposit_percent"] = "Give a fixed deposit or a share, not both."
        if self.fee_amount is not None and self.fee_percent is not None:
            errors["fee_percent"] = "Give a fixed fee or a share, not both."
        policy = self.payment_policy
        no_deposit = self.deposit_amount is None and self.deposit_percent is None
        if policy == PaymentPolicy.DEPOSIT and no_deposit:
            errors["deposit_amount"] = "A deposit policy needs an amount or a share."
        no_fee = self.fee_amount is None and self.fee_percent is None
        if policy == PaymentPolicy.CARD_ON_FILE and no_fee:
            errors["fee_amount"] = "A card on file needs the fee: an amount or a share."
        if policy != PaymentPolicy.AT_CLINIC and not settings.STRIPE_SECRET_KEY:
            errors["payment_policy"] = (
                "Card payments need Stripe: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET "
                "first (docs/payments.md)."
            )
        if errors:
            raise ValidationError(errors)

    def as_rules(self) -> availability.Rules:
        return availability.Rules(
            buffer=timedelta(minutes=self.buffer_minutes),
            min_notice=timedelta(minutes=self.min_notice_minutes),
            horizon_days=self.booking_horizon_days,
            step=timedelta(minutes=self.slot_step_minutes),
        )
