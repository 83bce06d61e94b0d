import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    DateRangeField,
    DateTimeRangeField,
    RangeBoundary,
    RangeOperators,
)
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format

from catalog.models import Technique

from .. import availability

# No 0/O, 1/I/L: the reference is read out over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8

logger = logging.getLogger(__name__)


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_manage_token() -> str:
    # 256 bits, url-safe: the client's only key to their booking (no accounts).
    return secrets.token_urlsafe(32)


def new_calendar_token() -> str:
    # 256 bits: a therapist's calendar app holds it in the feed URL, with no login.
    return secrets.token_urlsafe(32)


class TsTzRange(models.Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class DateRange(models.Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class WallClockRange(models.Func):
    """Two `time` columns as a range PostgreSQL can compare (it has no time range type):
    both put on one arbitrary day, a timestamp range."""

    template = "TSRANGE(DATE '2000-01-01' + %(expressions)s, '[)')"
    arg_joiner = ", DATE '2000-01-01' + "
    output_field = DateTimeRangeField()


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that exists on PostgreSQL and is invisible elsewhere.

    SQLite rebuilds tables on later migrations and re-emits every constraint, and
    `full_clean()` validates constraints; both would fail on SQL SQLite cannot run.
    On SQLite, IMMEDIATE transactions serialise the booking writes instead.
    """

    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(
        self,
        model: Any,
        instance: Any,
        exclude: Any = None,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        if connections[using].vendor != "postgresql":
            return
        super().validate(model, instance, exclude=exclude, using=using)


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
            return f"{hours}, {date_format(self.valid_from)} to {date_format(self.valid_until)}"
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
        ]

    def __str__(self) -> str:
        return "Clinic rules"

    @classmethod
    def load(cls) -> "ClinicRules":
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
            rules = cache.get(RULES_CACHE_KEY)
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

    def as_rules(self) -> availability.Rules:
        return availability.Rules(
            buffer=timedelta(minutes=self.buffer_minutes),
            min_notice=timedelta(minutes=self.min_notice_minutes),
            horizon_days=self.booking_horizon_days,
            step=timedelta(minutes=self.slot_step_minutes),
        )


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self) -> "BookingQuerySet":
        """Bookings that hold their time (everything but cancelled)."""
        return self.exclude(status=BookingStatus.CANCELLED)

    def for_therapist(self, therapist: "Therapist | int") -> "BookingQuerySet":
        return self.filter(therapist=therapist)

    def upcoming(self, now: datetime | None = None) -> "BookingQuerySet":
        return self.filter(start__gte=now or timezone.now()).order_by("start")


class Booking(models.Model):
    reference = models.CharField(max_length=REFERENCE_LENGTH, unique=True, default=new_reference)
    manage_token = models.CharField(
        max_length=43, unique=True, default=new_manage_token, editable=False
    )
    client_name = models.CharField(max_length=120)
    # Blank for a phone or walk-in client who gave none: no emails are sent then.
    client_email = models.EmailField(blank=True)
    client_phone = models.CharField(max_length=30)
    # The person; the three fields above are the details given for this booking.
    client = models.ForeignKey(
        "bookings.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
    )
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="bookings")
    technique = models.ForeignKey(Technique, on_delete=models.PROTECT, related_name="bookings")
    length_minutes = models.PositiveSmallIntegerField("length (minutes)")
    price = models.DecimalField(
        max_digits=7, decimal_places=2, help_text="The price when it was booked."
    )
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    blocked_until = models.DateTimeField(
        help_text="End plus the clinic's buffer when it was booked; no other session starts "
        "before this."
    )
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    intake_answers = models.JSONField(
        null=True, blank=True, help_text="Stored only when the client consented."
    )
    health_consent_at = models.DateTimeField(null=True, blank=True)
    warning_flags = models.JSONField(
        default=list,
        blank=True,
        help_text="Signs from the intake that a doctor should see first; check before starting.",
    )
    warning_acknowledged_at = models.DateTimeField(null=True, blank=True)
    # The safety facts below are kept with every booking, consent or not: the therapist
    # needs them to treat safely. They never leave the admin (no email, SMS or feed).
    health_conditions = models.JSONField(
        default=list,
        blank=True,
        help_text="Health conditions from the screen, ticked or implied by a warning sign.",
    )
    text_checks = models.JSONField(
        default=list,
        blank=True,
        help_text="Warning signs the client's own words seemed to mention, asked and "
        "answered “no”, with their words.",
    )
    acknowledged_advice = models.JSONField(
        default=list,
        blank=True,
        help_text="The see-a-doctor-first advice the client confirmed reading.",
    )
    safety_checked_at = models.DateTimeField("checked with the client at", null=True, blank=True)
    safety_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="checked with the client by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sms_opt_in = models.BooleanField(
        "text reminders", default=False, help_text="The client asked for a text reminder."
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who booked it; empty when the client booked online.",
    )
    override_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why staff booked it outside the therapist's working hours.",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who cancelled it; empty when the client did.",
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["therapist", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")) & Q(end__lte=models.F("blocked_until")),
                name="booking_start_end_blocked_ordered",
            ),
            models.CheckConstraint(
                condition=Q(length_minutes__gt=0), name="booking_length_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=BookingStatus.values), name="booking_status_valid"
            ),
            # The guarantee against double booking: no two active bookings of one
            # therapist overlap, buffer included.
            PostgresOnlyExclusionConstraint(
                name="booking_no_overlap_per_therapist",
                expressions=[
                    (TsTzRange("start", "blocked_until", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("therapist", RangeOperators.EQUAL),
                ],
                condition=~Q(status=BookingStatus.CANCELLED),
                violation_error_message="This therapist already has a session at that time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.client_name}"


class NotificationKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Confirmation"
    RESCHEDULE = "reschedule", "Moved"
    CANCELLATION = "cancellation", "Cancellation"
    # The clinic cancelled: the client gets an apology and a way to book again.
    CANCELLED_BY_CLINIC = "cancelled_by_clinic", "Cancellation by the clinic"
    REMINDER = "reminder", "Reminder"
    CLINIC_BOOKED = "clinic_booked", "Note to clinic: booked"
    CLINIC_RESCHEDULED = "clinic_rescheduled", "Note to clinic: moved"
    CLINIC_CANCELLED = "clinic_cancelled", "Note to clinic: cancelled"
    # Two days after the session: "How is your back today?", a link to one question.
    OUTCOME_ASK = "outcome_ask", "How is your back?"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist: a time came free"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not needed"
    # The worker stopped mid-send: it may or may not have arrived, so it is never sent
    # again by itself; staff check and resend.
    UNKNOWN = "unknown", "Delivery unknown"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_booking(self, booking: Booking | int) -> "NotificationQuerySet":
        return self.filter(booking=booking)

    def pending(self) -> "NotificationQuerySet":
        return self.filter(status=NotificationStatus.PENDING)

    def needing_staff(self) -> "NotificationQuerySet":
        return self.filter(status__in=[NotificationStatus.FAILED, NotificationStatus.UNKNOWN])


class Notification(models.Model):
    """One email or text about a booking (or a time offered to the waitlist): the history
    staff see, and the unit a worker claims."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    waitlist_offer = models.ForeignKey(
        "bookings.WaitlistOffer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    channel = models.CharField(
        max_length=5, choices=NotificationChannel.choices, default=NotificationChannel.EMAIL
    )
    # An email address, or for a text the number in E.164 (+447700900123).
    recipient = models.CharField(max_length=254)
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    # The session time this message is about: a reminder whose booking has moved
    # since is not sent, and a late retry still describes the right time.
    session_start = models.DateTimeField()
    # For a move: the time it moved from, kept here because the booking forgets it.
    previous_start = models.DateTimeField(null=True, blank=True)
    calendar_sequence = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(
        max_length=300, blank=True, help_text="The kind of error and a short message; no content."
    )
    scheduled_for = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=NotificationChannel.values),
                name="notification_channel_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=NotificationStatus.SENT) | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=False) | Q(waitlist_offer__isnull=False),
                name="notification_about_something",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} ({self.get_channel_display().lower()}) to {self.recipient}"
        )


class WorkerHeartbeatQuerySet(models.QuerySet["WorkerHeartbeat"]):
    def latest_beat(self) -> datetime | None:
        return self.aggregate(latest=models.Max("last_seen"))["latest"]


class WorkerHeartbeat(models.Model):
    """When each email worker last went round its loop; staff and /healthz/ read it."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = "email worker"

    def __str__(self) -> str:
        return f"Worker {self.worker_id[:8]} on {self.hostname or 'unknown host'}"


from .clients import Client as Client  # noqa: E402
from .notes import NoteAmendment, TreatmentNote  # noqa: E402, F401
from .outcomes import OutcomeRequest as OutcomeRequest  # noqa: E402
from .waitlist import OfferStatus as OfferStatus  # noqa: E402
from .waitlist import PartOfDay as PartOfDay  # noqa: E402
from .waitlist import WaitlistEntry as WaitlistEntry  # noqa: E402
from .waitlist import WaitlistOffer as WaitlistOffer  # noqa: E402
from .waitlist import WaitlistStatus as WaitlistStatus  # noqa: E402
