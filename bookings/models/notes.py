"""The clinic's record of care: a treatment note per session, its amendments, and the
trail of who looked at a client's health data."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from catalog.models import Technique
from catalog.vocabulary import PRESSURE_LABELS

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
        return f"Treatment note for {self.booking_id}"


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
        return f"{self.field} amended"


class HealthDataAccess(models.Model):
    """Someone opened a page showing a client's health data. Never the data itself."""

    class What(models.TextChoices):
        BOOKING = "booking", "Intake answers and safety facts"
        NOTE = "note", "Treatment note"
        CLIENT_NOTES = "client_notes", "Client's treatment notes"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="health_data_looks"
    )
    at = models.DateTimeField(db_index=True)
    what = models.CharField(max_length=20, choices=What.choices)
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client = models.ForeignKey(
        "bookings.Client", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at"]
        verbose_name = "look at health data"
        verbose_name_plural = "looks at health data"

    def __str__(self) -> str:
        return f"{self.user} · {self.get_what_display()}"
