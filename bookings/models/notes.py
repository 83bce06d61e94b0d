"""The clinic's record of care: a treatment note per session and its amendments. (The
trail of who looked at a client's health data is django-auditlog's: bookings/looks.py.)"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import capfirst

from catalog.models import Technique
from catalog.vocabulary import PRESSURE_LABELS
from clinic.display import clinic_datetime

PAIN_SCALE = [MinValueValidator(0), MaxValueValidator(10)]
PRESSURE_CHOICES = [(p.value, label) for p, label in PRESSURE_LABELS.items()]


class TreatmentNote(models.Model):
    """What the therapist found and did in one session (SOAP), written by them."""

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.CASCADE, related_name="treatment_note"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subjective = models.TextField(blank=True, help_text="What the client reports.")
    objective = models.TextField(blank=True, help_text="What you found: posture, tissue, range.")
    assessment = models.TextField(blank=True, help_text="Your reading of it.")
    plan = models.TextField(blank=True, help_text="What next: sessions, advice, referral.")
    techniques = models.ManyToManyField(Technique, blank=True, related_name="+")
    pressure = models.CharField(max_length=10, choices=PRESSURE_CHOICES, blank=True)
    areas = models.JSONField("areas treated", default=list, blank=True)
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain_before__lte=10) & models.Q(pain_after__lte=10),
                name="treatment_note_pain_0_to_10",
            )
        ]

    def __str__(self) -> str:
        # The page's title and the trail's "which": who and when, never a row number.
        when = clinic_datetime(self.booking.start, ZoneInfo(settings.TIME_ZONE))
        return f"Treatment note: {self.booking.client_name}, {when}"


class NoteAmendment(models.Model):
    """One field changed after the 24-hour edit window: the original stays readable."""

    note = models.ForeignKey(TreatmentNote, on_delete=models.CASCADE, related_name="amendments")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()
    field = models.CharField(max_length=30)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.field_shown()} amended"

    def field_shown(self) -> str:
        """The amended part by its label ("Plan", "Areas treated"), not its code."""
        try:
            field = TreatmentNote._meta.get_field(self.field)
        except FieldDoesNotExist:
            return self.field
        return str(capfirst(getattr(field, "verbose_name", self.field)))
