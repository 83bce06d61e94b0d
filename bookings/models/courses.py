from django.conf import settings
from django.db import models
from django.db.models import Q


class CourseInterval(models.IntegerChoices):
    WEEKLY = 1, "Every week"
    FORTNIGHTLY = 2, "Every 2 weeks"
    FOUR_WEEKLY = 4, "Every 4 weeks"


class RecheckResult(models.TextChoices):
    """What the client said when the course's safety answers were asked again."""

    NOT_ASKED = "", "Not asked yet"
    CLEAR = "clear", "No emergency signs, health unchanged"
    CHANGED = "changed", "Health has changed: ask before the session"
    EMERGENCY = "emergency", "Emergency sign reported: call the client"


COURSE_MAX_SESSIONS = 12


class Course(models.Model):
    """A course of care: one session repeated every 1, 2 or 4 weeks, each occurrence a
    Booking of its own (`Booking.course`, `Booking.course_position`), booked together in
    one transaction or not at all (bookings/booking/courses.py)."""

    every_weeks = models.PositiveSmallIntegerField(choices=CourseInterval.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who booked the course; empty when the client did.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the safety answers the course rests on were given (the first booking's), or
    # last asked again: sessions later than this plus the clinic's re-check interval need
    # the questions asked again first.
    answers_at = models.DateTimeField()
    recheck_result = models.CharField(
        max_length=10, choices=RecheckResult.choices, default=RecheckResult.NOT_ASKED, blank=True
    )
    recheck_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(every_weeks__in=CourseInterval.values), name="course_interval_valid"
            ),
            models.CheckConstraint(
                condition=Q(recheck_result__in=RecheckResult.values),
                name="course_recheck_result_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Course {self.pk} ({self.get_every_weeks_display().lower()})"
