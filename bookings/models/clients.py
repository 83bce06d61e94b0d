from django.conf import settings
from django.db import models

# What an erased client is called from then on (privacy.services.erase_client).
ERASED_NAME = "Erased client"


class ClientQuerySet(models.QuerySet["Client"]):
    def current(self) -> "ClientQuerySet":
        """Clients not merged into another record."""
        return self.filter(merged_into__isnull=True)

    def unconfirmed(self) -> "ClientQuerySet":
        """Provisional records waiting for the client's proof or front desk's decision."""
        return self.current().filter(same_email_as__isnull=False)


class Client(models.Model):
    """One person the clinic treats: their bookings, notes and outcomes hang from here."""

    name = models.CharField(max_length=120)
    # E.164 (+447700900123), like the bookings; blank when nobody gave one.
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    staff_notes = models.TextField(
        blank=True,
        help_text="Practical notes for staff, e.g. “prefers mornings”. Nothing clinical: "
        "treatment notes belong to the session.",
    )
    # A merged duplicate is kept, empty, as a pointer: who merged it and when is the
    # record of the merge, and an old link to it leads to the kept client.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # An online booking typed an email another client holds, unproven: it waits on this
    # provisional record until the client confirms the email or front desk decides
    # ("Join to ..." / "Different person"). Empty for every settled record.
    same_email_as = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="unconfirmed: same email as",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["email"]), models.Index(fields=["phone"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")), name="client_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        return self.name
