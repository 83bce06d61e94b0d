"""How a client's back is two days after a session: one 0-10 answer per session."""

import secrets

from django.db import models
from django.db.models import Q

OUTCOME_SCORE_MAX = 10


def new_outcome_token() -> str:
    # The same shape as the manage link's token, so the same 404-before-query check holds.
    return secrets.token_urlsafe(32)


class OutcomeRequestQuerySet(models.QuerySet["OutcomeRequest"]):
    def answered(self) -> "OutcomeRequestQuerySet":
        return self.filter(score__isnull=False)


class OutcomeRequest(models.Model):
    """The link a client gets after a session, and their answer to "How is your back
    today, 0 to 10". One per booking; a moved session keeps its request."""

    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.CASCADE, related_name="outcome_requests"
    )
    token = models.CharField(max_length=43, unique=True, default=new_outcome_token, editable=False)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(help_text="After this the link is a plain 404.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutcomeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["booking__start"]
        verbose_name = "outcome"
        # Figures over many clients, for clinical leads: not every viewer of a client's
        # scores (their therapist) reads the whole clinic's.
        permissions = [("report_outcomerequest", "Can read the outcomes report")]
        constraints = [
            models.UniqueConstraint(fields=["booking"], name="outcome_request_one_per_booking"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=OUTCOME_SCORE_MAX),
                name="outcome_score_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True, answered_at__isnull=True)
                | Q(score__isnull=False, answered_at__isnull=False),
                name="outcome_score_has_answer_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome of booking {self.booking_id}"
