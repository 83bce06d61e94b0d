from datetime import datetime

from django.db import models
from django.db.models import Q

from bookings.models.bookings import Booking


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
    # After a session: the therapist wrote a home-care plan (read behind the private link).
    HOME_CARE = "home_care", "Home-care plan waiting"
    # "Sign in to My bookings": the one-time link (bookings/account/).
    SIGN_IN_LINK = "sign_in_link", "Sign-in link"
    # Payments (bookings/payments).
    RECEIPT = "receipt", "Receipt"
    HOLD_RELEASED = "hold_released", "Not paid: time released"
    LATE_REFUND = "late_refund", "Paid too late: refunded"
    REFUND = "refund", "Refund"
    PAYMENT_LINK = "payment_link", "Payment link from the desk"
    # Courses of care (bookings/booking/courses.py): one email for the whole course.
    COURSE_BOOKED = "course_booked", "Course booked"
    COURSE_CANCELLED = "course_cancelled", "Course sessions cancelled"
    # Before the course's later sessions: "please answer the safety questions again".
    SAFETY_RECHECK = "safety_recheck", "Safety questions again"


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
    """One email or text about a booking (or a time offered to the waitlist, or a client's
    sign-in link): the history staff see, and the unit a worker claims."""

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
    sign_in_link = models.ForeignKey(
        "bookings.SignInLink",
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
    # A course's email (COURSE_BOOKED, COURSE_CANCELLED) is about several sessions: each
    # as [booking id, its calendar sequence in this email's calendar file].
    course_sessions = models.JSONField(default=list, blank=True)
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
                condition=Q(booking__isnull=False)
                | Q(waitlist_offer__isnull=False)
                | Q(sign_in_link__isnull=False),
                name="notification_about_something",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} ({self.get_channel_display().lower()}) to {self.recipient}"
        )


class WorkerHeartbeatQuerySet(models.QuerySet["WorkerHeartbeat"]):
    def latest_beat(self) -> datetime | None:
        latest: datetime | None = self.aggregate(latest=models.Max("last_seen"))["latest"]
        return latest


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
