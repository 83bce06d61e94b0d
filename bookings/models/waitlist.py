"""The waitlist: clients waiting for a time that suits, and the times offered to them."""

import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q

from bookings.models.bookings import Booking
from bookings.models.schedules import Therapist
from catalog.models import Technique
from clinic.display import clinic_datetime, clinic_days


def new_waitlist_token() -> str:
    # 256 bits, url-safe: the client's only key to their place and their offers.
    return secrets.token_urlsafe(32)


class PartOfDay(models.TextChoices):
    # The hours are in bookings/waitlist_matching.py (PART_HOURS), in the clinic's zone.
    MORNING = "morning", "Morning (before 12:00)"
    AFTERNOON = "afternoon", "Afternoon (12:00 to 17:00)"
    EVENING = "evening", "Evening (from 17:00)"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a time"
    BOOKED = "booked", "Booked"
    EXPIRED = "expired", "Expired"
    LEFT = "left", "Left the waitlist"


class WaitlistEntryQuerySet(models.QuerySet["WaitlistEntry"]):
    def waiting(self) -> "WaitlistEntryQuerySet":
        """Entries that still want a time (offered ones too, until they book)."""
        return self.filter(status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED])


class WaitlistEntry(models.Model):
    token = models.CharField(max_length=43, unique=True, default=new_waitlist_token, editable=False)
    client_name = models.CharField(max_length=120)
    client_email = models.EmailField(blank=True)
    client_phone = models.CharField(max_length=30, help_text="In E.164, e.g. +447700900123.")
    sms_opt_in = models.BooleanField("texts", default=False)
    technique = models.ForeignKey(Technique, on_delete=models.PROTECT, related_name="+")
    length_minutes = models.PositiveSmallIntegerField("length (minutes)")
    therapist = models.ForeignKey(
        Therapist,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        help_text="Empty: anyone who offers the technique.",
    )
    first_day = models.DateField()
    last_day = models.DateField()
    parts_of_day = models.JSONField(default=list, help_text="Morning, afternoon and/or evening.")
    # The screened answers, so an offer books in one step through book_session's safety
    # checks; emptied once the entry books, expires or leaves.
    intake_answers = models.JSONField(null=True, blank=True, editable=False)
    acknowledged_warning = models.BooleanField(default=False, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who added it; empty when the client joined online.",
    )
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    joined_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField(help_text="The end of the last day wanted.")
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = "waitlist entry"
        verbose_name_plural = "waitlist"
        constraints = [
            models.CheckConstraint(
                condition=Q(first_day__lte=models.F("last_day")),
                name="waitlist_entry_days_ordered",
            ),
            # One live place per client (name, email and phone: a household may share a
            # phone), technique and range of days: a form sent twice, or Back and send
            # again, finds the place it made.
            models.UniqueConstraint(
                fields=[
                    "client_phone",
                    "client_email",
                    "client_name",
                    "technique",
                    "first_day",
                    "last_day",
                ],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_entry_one_live_place",
            ),
            models.CheckConstraint(
                condition=Q(status__in=WaitlistStatus.values), name="waitlist_entry_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.client_name} · {self.technique} · {clinic_days(self.first_day, self.last_day)}"
        )

    def parts_of_day_shown(self) -> str:
        """The parts of the day as staff read them: "Morning (before 12:00), ..."."""
        labels = dict(PartOfDay.choices)
        return ", ".join(labels.get(part, part) for part in self.parts_of_day) or "Any time"


class OfferStatus(models.TextChoices):
    OPEN = "open", "Open"
    # A client nobody can email or text: the desk phones them (the day view's "To call").
    TO_CALL = "to_call", "To call"
    UNREACHED = "unreached", "Couldn't reach"
    # Free when the client joined, shown on the page then: never sent as a freed time.
    SHOWN = "shown", "Free when they joined"
    TAKEN = "taken", "Booked"
    GONE = "gone", "Time gone"
    WITHDRAWN = "withdrawn", "Withdrawn"


class WaitlistOffer(models.Model):
    """One free time offered to one waitlist entry; never the same time twice."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    start = models.DateTimeField()
    token = models.CharField(max_length=43, unique=True, default=new_waitlist_token, editable=False)
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who offered it by hand; empty when the worker did.",
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "waitlist offer"
        constraints = [
            # The once-only guarantee: two sweeps racing insert one offer, not two.
            models.UniqueConstraint(fields=["entry", "start"], name="waitlist_offer_once"),
            models.CheckConstraint(
                condition=Q(status__in=OfferStatus.values), name="waitlist_offer_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Offer of {clinic_datetime(self.start, ZoneInfo(settings.TIME_ZONE))}"
