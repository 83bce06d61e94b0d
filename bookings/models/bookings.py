import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bookings.models.constraints import PostgresOnlyExclusionConstraint, TsTzRange
from bookings.models.schedules import Therapist
from catalog.models import Technique

# No 0/O, 1/I/L: the reference is read out over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_manage_token() -> str:
    # 256 bits, url-safe: the client's only key to their booking (no accounts).
    return secrets.token_urlsafe(32)


def new_email_token() -> str:
    # The key of the "confirm your email" link: proves the booker reads that inbox.
    return secrets.token_urlsafe(32)


# What the clinic's cancellation email says to the client unless the desk writes
# something else (their "Message to the client").
DEFAULT_CLIENT_MESSAGE = "We apologise for the trouble this causes you."


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"
    # Held for the client while they pay on Stripe's page (bookings/payments): the
    # time is theirs, as for any active booking, until the hold ends.
    AWAITING_PAYMENT = "awaiting", "Awaiting payment"


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
        help_text="The see-a-doctor-first advice and the cautions the client confirmed reading.",
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
    # Checked in at the desk: the client is here. Status stays confirmed until the session
    # is marked completed or no-show.
    arrived_at = models.DateTimeField("arrived at", null=True, blank=True)
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
    safety_override_reason = models.CharField(
        "clinical override",
        max_length=200,
        blank=True,
        help_text="Why staff booked it although the client's answers said massage should "
        "wait (staff only; never shown to the client).",
    )
    # An online booking's email is only typed until the client taps the link in the
    # booking email (records/identity.py): only then may it join the record of care
    # another booking holds, or open that record to this booking's therapist.
    email_token = models.CharField(
        max_length=43, unique=True, null=True, blank=True, default=None, editable=False
    )
    email_confirmed_at = models.DateTimeField("email confirmed at", null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who cancelled it; empty when the client did.",
    )
    cancel_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why it was cancelled, for the clinic (staff only; never shown to the client).",
    )
    # What the clinic's cancellation email says to the client, word for word (by default
    # DEFAULT_CLIENT_MESSAGE): the desk writes it apart from the reason, so the clinic's
    # own words never reach the client.
    client_message = models.TextField(
        "message to the client",
        max_length=600,
        blank=True,
        help_text="Said to the client in the cancellation email, exactly as written.",
    )
    # A course of care (models/courses.py): the session's place in it, as planned (1 is
    # the booking the course was made from).
    course = models.ForeignKey(
        "bookings.Course",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    course_position = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["therapist", "start"]),
            # Reads of what is still ahead (upcoming, a day, a schedule window) filter on
            # the end or the blocked-until: with these they read the future, not the years
            # behind it. The PostgreSQL-only search indexes are in migration 0027.
            models.Index(fields=["end"], name="booking_end"),
            models.Index(fields=["therapist", "blocked_until"], name="booking_blocked_until"),
            # A client's bookings newest first (the desk's "Find client" offers their last
            # session): without it the planner walks every booking by start.
            models.Index(fields=["client", "start"], name="booking_client_start"),
        ]
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
            models.CheckConstraint(
                condition=Q(course__isnull=True, course_position__isnull=True)
                | Q(course__isnull=False, course_position__gte=1),
                name="booking_course_position_with_course",
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
