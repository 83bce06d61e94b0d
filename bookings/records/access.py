"""Who reads which health data: one rule for every page, download and export.

Health data is a client's treatment notes, their outcome answers (the 0-10 scores and
the intake baseline each keeps: the pain chart) and a booking's intake answers and
safety facts. `health_data_rule(user)` is the rule; the note page, the client page,
the booking page and every export read through it (docs/privacy.md says who reads what).

A therapist reads a client's record of care (their history, chart and other therapists'
notes) only through a confirmed link: a session of their own, not cancelled, whose
client is known to be that person, because front desk booked it or the client proved
the booking's email (records/identity.py). A typed email proves nothing: anyone can
book with another person's address and a therapist of their choosing.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from bookings.models import Booking, BookingQuerySet, BookingStatus, OutcomeRequest, TreatmentNote
from clinic.roles import CLINICAL_LEADS, FRONT_DESK


def clients_in_care(user: Any) -> QuerySet[Any]:
    """The ids of the clients whose record of care a therapist may open (the client page:
    history, pain chart, notes)."""
    return vouched_sessions(user).values("client_id")


def vouched_sessions(user: Any) -> BookingQuerySet:
    """The user's own sessions that link them to their client's record of care."""
    return (
        Booking.objects.filter(therapist__user=user, client__isnull=False)
        .exclude(status=BookingStatus.CANCELLED)
        .filter(Q(booked_by__isnull=False) | Q(email_confirmed_at__isnull=False))
    )


@dataclass(frozen=True)
class HealthDataRule:
    """What one staff member may read. `whole`: clinical leads and superusers, every
    client's whole record; `desk`: front desk, bookings' intake answers and safety facts
    (they run the day) but no notes or outcome answers; anyone else signed in (a
    therapist): their own sessions' data, and the record of care of the clients their
    confirmed sessions link them to."""

    user: Any
    signed_in: bool
    whole: bool
    desk: bool

    def _in_care(self, booking: str) -> Q:
        """Rows (reached by the `booking` path) of the therapist's own sessions or of the
        clients their confirmed sessions link them to."""
        theirs = clients_in_care(self.user)
        return Q(**{f"{booking}__therapist__user": self.user}) | Q(
            **{f"{booking}__client__in": theirs}
        )

    def notes(self) -> QuerySet[TreatmentNote]:
        """The treatment notes they may read (the note page's own question)."""
        found = TreatmentNote.objects.all()
        if self.whole:
            return found
        if not self.signed_in:
            return found.none()
        return found.filter(Q(written_by=self.user) | self._in_care("booking"))

    def outcomes(self) -> QuerySet[OutcomeRequest]:
        """The outcome answers and baselines (the pain chart) they may read: as notes."""
        found = OutcomeRequest.objects.all()
        if self.whole:
            return found
        if not self.signed_in:
            return found.none()
        return found.filter(self._in_care("booking"))

    def intake(self) -> BookingQuerySet:
        """The bookings whose intake answers and safety facts they may read."""
        found = Booking.objects.all()
        if self.whole or self.desk:
            return found
        if not self.signed_in:
            return found.none()
        return found.filter(therapist__user=self.user)

    def left_out(self) -> list[str]:
        """What an export for this reader leaves out, said in the file."""
        if self.whole:
            return []
        if self.desk:
            return [
                "treatment notes and outcome scores: front desk may not read them "
                "(a clinical lead or superuser exports the whole record)"
            ]
        return [
            "anything outside your own sessions and the records of care they link you to "
            "(a clinical lead or superuser exports the whole record)"
        ]


def health_data_rule(user: Any) -> HealthDataRule:
    """The one rule for reading health data: who reads which notes, outcome answers and
    intake answers. Inactive and anonymous users read nothing; content editors nothing."""
    if not user.is_authenticated or not user.is_active:
        return HealthDataRule(user=user, signed_in=False, whole=False, desk=False)
    groups = set(user.groups.values_list("name", flat=True))
    return HealthDataRule(
        user=user,
        signed_in=True,
        whole=bool(user.is_superuser or CLINICAL_LEADS in groups),
        desk=FRONT_DESK in groups,
    )


def own_record_rule() -> HealthDataRule:
    """The client reading their own record ("My bookings"): all of it. The export parts
    filter every row by the client, so `whole` reaches no one else's."""
    return HealthDataRule(user=None, signed_in=True, whole=True, desk=False)
