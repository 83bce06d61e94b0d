"""Home care: the clinic's short list of exercises, and the plan a therapist writes for
a client after a session (which exercises, plus advice in their own words).

A plan is about one client's back: it is health data. The client is told by email that
it is waiting and reads it behind their booking's private link, never in the email.
"""

from django.conf import settings
from django.db import models


class HomeExerciseQuerySet(models.QuerySet["HomeExercise"]):
    def offered(self) -> "HomeExerciseQuerySet":
        return self.filter(is_active=True)


class HomeExercise(models.Model):
    """One exercise on the clinic's list, kept by clinical leads, that a therapist can put
    in a client's home-care plan."""

    name = models.CharField(max_length=100, unique=True)
    how = models.TextField(
        "how to do it",
        help_text="Plain steps the client will read at home: position, movement, how long, "
        "how often, and when to stop.",
    )
    is_active = models.BooleanField(
        "offered", default=True, help_text="Untick to stop offering it in new plans."
    )
    display_order = models.PositiveSmallIntegerField(default=0)

    objects = HomeExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]
        verbose_name = "home exercise"

    def __str__(self) -> str:
        return self.name


class HomeCarePlan(models.Model):
    """What the client does between sessions, written by the session's therapist."""

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.CASCADE, related_name="home_care_plan"
    )
    exercises = models.ManyToManyField(HomeExercise, blank=True, related_name="+")
    advice = models.TextField(
        "advice in your words",
        blank=True,
        help_text="Written to the client, who reads it at home: what to do, how often, "
        "what to avoid for now.",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # When the client was told the plan is waiting: once per plan, whatever the edits.
    client_told_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-written_at"]
        verbose_name = "home-care plan"

    def __str__(self) -> str:
        return "Home-care plan"
