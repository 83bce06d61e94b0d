"""How a client's back is two days after a session: one 0-10 answer per session."""

import secrets
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import Q

from bookings.intake.answers import IntakeAnswers

OUTCOME_SCORE_MAX = 10


def new_outcome_token() -> str:
    # The same shape as the manage link's token, so the same 404-before-query check holds.
    return secrets.token_urlsafe(32)


def intake_baseline(answers: Mapping[str, object] | None) -> dict[str, Any]:
    """What an outcome request keeps of its booking's intake answers: the pain score,
    where it hurts and what it feels like. Nothing when no answers were kept (the
    client did not consent): `answers` is the booking's `intake_answers`."""
    if answers is None:
        return {}
    kept = IntakeAnswers.from_dict(answers)
    return {
        "intake_score": kept.intensity,
        "intake_areas": list(kept.areas),
        "intake_feelings": list(kept.feelings),
    }


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
    # The baseline the answer is compared with, copied from the booking's consented
    # intake answers when the request is made: those answers are purged a month after
    # the session, and the outcomes report and the pain chart need the starting point
    # for as long as the answer itself is kept.
    intake_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    intake_areas = models.JSONField(default=list, blank=True, editable=False)
    intake_feelings = models.JSONField(default=list, blank=True, editable=False)

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
                condition=Q(intake_score__isnull=True) | Q(intake_score__lte=OUTCOME_SCORE_MAX),
                name="outcome_intake_score_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True, answered_at__isnull=True)
                | Q(score__isnull=False, answered_at__isnull=False),
                name="outcome_score_has_answer_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome of {self.booking}"


# The Patient-Specific Functional Scale (freely usable): the client names up to three
# everyday activities their back makes hard, and scores how able they are to do each,
# 0 (unable) to 10 (as before the problem), at the start and with every third outcome
# question after it.
FUNCTION_ACTIVITIES_MAX = 3


class FunctionActivity(models.Model):
    """An activity the client named, in their own words ("Lifting my toddler")."""

    client = models.ForeignKey(
        "bookings.Client", on_delete=models.CASCADE, related_name="function_activities"
    )
    # Named with this outcome answer: erasing or purging the answers erases it too.
    named_in = models.ForeignKey(OutcomeRequest, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    named_at = models.DateTimeField()

    class Meta:
        ordering = ["named_at", "pk"]
        verbose_name = "everyday activity"
        verbose_name_plural = "everyday activities"

    def __str__(self) -> str:
        return "Everyday activity"


class FunctionScore(models.Model):
    activity = models.ForeignKey(FunctionActivity, on_delete=models.CASCADE, related_name="scores")
    outcome = models.ForeignKey(
        OutcomeRequest, on_delete=models.CASCADE, related_name="function_scores"
    )
    score = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["answered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "outcome"], name="function_score_once_per_answer"
            ),
            models.CheckConstraint(
                condition=Q(score__lte=OUTCOME_SCORE_MAX), name="function_score_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return "Everyday activity score"
