"""Treatment notes: who may read them, writing them within a day of the session, and
amending them later with the original kept (the trail of looks is bookings/looks.py).

Writes are small keyword-only functions, each one transaction (as in services.py).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet

from bookings.models import Booking, BookingStatus, Client, NoteAmendment, TreatmentNote
from bookings.models.notes import PRESSURE_CHOICES
from bookings.privacy.retention import past_retention, purge_past_retention, years_before
from bookings.records.access import HealthDataRule, health_data_rule
from catalog.vocabulary import AREAS
from clinic.display import clinic_date

EDIT_WINDOW = timedelta(hours=24)
TEXT_FIELDS = ("subjective", "objective", "assessment", "plan")
NOTE_FIELDS = (*TEXT_FIELDS, "techniques", "pressure", "areas", "pain_before", "pain_after")
AREA_LABELS = {choice.code: choice.label for choice in AREAS.choices}
FIELD_LABELS = {
    "subjective": "Subjective",
    "objective": "Objective",
    "assessment": "Assessment",
    "plan": "Plan",
    "techniques": "Techniques used",
    "pressure": "Pressure",
    "areas": "Areas treated",
    "pain_before": "Pain before (0 to 10)",
    "pain_after": "Pain after (0 to 10)",
}


class NoteError(ValueError):
    """A note that cannot be written or amended, with a message for the therapist."""


# A note records a session that happened: none is written ahead of it.
NOT_STARTED = "Treatment notes can be written once the session has started."


def editable_until(booking: Booking) -> datetime:
    return booking.end + EDIT_WINDOW


def is_editable(note_or_booking: TreatmentNote | Booking, *, now: datetime) -> bool:
    booking = (
        note_or_booking.booking if isinstance(note_or_booking, TreatmentNote) else note_or_booking
    )
    return now <= editable_until(booking)


def visible_notes(user: Any) -> QuerySet[TreatmentNote]:
    """The notes `user` may read (records/access.py, the one rule for health data): their
    own sessions' and those they wrote; every note of a client a confirmed session of
    theirs links them to; all for clinical leads and superusers. Front desk and content
    editors: none."""
    return health_data_rule(user).notes()


def may_read_any_notes(user: Any) -> bool:
    """Clinical leads, superusers and therapists: the roles notes are ever shown to.
    (The admin has filled the user's permission cache already: no query.)"""
    return bool(user.is_authenticated and user.has_perm("bookings.view_treatmentnote"))


def may_see_note(user: Any, note: TreatmentNote) -> bool:
    return visible_notes(user).filter(pk=note.pk).exists()


def may_write_note(user: Any, booking: Booking) -> bool:
    """Only the session's own therapist writes its note."""
    return bool(
        user.is_authenticated
        and booking.status != BookingStatus.CANCELLED
        and booking.therapist.user_id == user.pk
    )


def shown(field: str, value: Any) -> str:
    """A field's value as one line of text, for amendments and the original."""
    if value is None:
        return ""
    if field == "techniques":
        return ", ".join(sorted(t.name for t in value))
    if field == "areas":
        return ", ".join(AREA_LABELS.get(code, code) for code in value)
    if field == "pressure":
        return dict(PRESSURE_CHOICES).get(value, str(value))
    return str(value)


def _current(note: TreatmentNote, field: str) -> Any:
    if field == "techniques":
        return list(note.techniques.all())
    return getattr(note, field)


def _apply(note: TreatmentNote, values: dict[str, Any]) -> None:
    techniques = values.get("techniques")
    for field in NOTE_FIELDS:
        if field in values and field != "techniques":
            setattr(note, field, values[field])
    note.full_clean(exclude=["booking", "written_by", "techniques"])
    note.save()
    if techniques is not None:
        note.techniques.set(techniques)


def write_note(*, booking: Booking, by: Any, now: datetime, **values: Any) -> TreatmentNote:
    """Write (or rewrite) the session's note: open until 24 hours after the session ends.

    After that an existing note only changes through `amend_note`.
    """
    unknown = set(values) - set(NOTE_FIELDS)
    if unknown:
        raise TypeError(f"Not note fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("therapist")
            .get(pk=booking.pk)
        )
        if not may_write_note(by, booking):
            raise NoteError("Only the session's therapist writes its treatment note.")
        if now < booking.start:
            raise NoteError(NOT_STARTED)
        note = TreatmentNote.objects.filter(booking=booking).first()
        if note is not None and not is_editable(booking, now=now):
            raise NoteError(
                "The 24 hours to change this note have passed: amend it instead, "
                "the original is kept."
            )
        if note is None:
            note = TreatmentNote(booking=booking, written_by=by, created_at=now)
        note.updated_at = now
        _apply(note, values)
        return note


def amend_note(
    *, note: TreatmentNote, by: Any, now: datetime, **values: Any
) -> list[NoteAmendment]:
    """Change a note after its edit window: one amendment per changed field, keeping
    who, when, and the old and new value. Returns the amendments (none if nothing changed)."""
    unknown = set(values) - set(NOTE_FIELDS)
    if unknown:
        raise TypeError(f"Not note fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        note = (
            # The note's row alone: its booking's therapist is only read (the lock
            # order, booking/locks.py, puts therapists first).
            TreatmentNote.objects.select_for_update(of=("self",))
            .select_related("booking__therapist")
            .get(pk=note.pk)
        )
        if not may_write_note(by, note.booking) and note.written_by_id != by.pk:
            raise NoteError("Only the note's therapist amends it.")
        amendments = []
        for field, new in values.items():
            old_text, new_text = shown(field, _current(note, field)), shown(field, new)
            if old_text != new_text:
                amendments.append(
                    NoteAmendment(
                        note=note,
                        by=by,
                        at=now,
                        field=field,
                        old_value=old_text,
                        new_value=new_text,
                    )
                )
        if amendments:
            note.updated_at = now
            _apply(note, values)
            NoteAmendment.objects.bulk_create(amendments)
        return amendments


@dataclass(frozen=True)
class NoteLine:
    label: str
    original: str
    current: str

    @property
    def amended(self) -> bool:
        return self.original != self.current


def note_lines(note: TreatmentNote, amendments: list[NoteAmendment]) -> list[NoteLine]:
    """Each field as first written and as it reads now (the first amendment of a field
    holds its original)."""
    first_old: dict[str, str] = {}
    for amendment in amendments:
        first_old.setdefault(amendment.field, amendment.old_value)
    lines = []
    for field in NOTE_FIELDS:
        current = shown(field, _current(note, field))
        label = FIELD_LABELS[field]
        lines.append(NoteLine(label, first_old.get(field, current), current))
    return lines


def purge_notes(*, years: int, now: datetime) -> int:
    """Delete the notes of clients whose last visit ended over `years` years ago.

    Returns how many notes were deleted (their amendments go with them)."""
    return purge_past_retention(TreatmentNote.objects.all(), years=years, now=now)


def kept_until(client: Client, *, years: int) -> datetime | None:
    """When the client's notes fall out of retention: their last visit plus `years`."""
    last = (
        Booking.objects.filter(client=client)
        .exclude(status=BookingStatus.CANCELLED)
        .aggregate(last=Max("end"))["last"]
    )
    return None if last is None else years_before(last, -years)


# The client's part of the privacy export and erasure (bookings/privacy/parts.py).


def export_notes(client: Client, rule: HealthDataRule) -> dict[str, Any]:
    """The client's treatment notes the reader may read, as first written and as amended."""
    client_notes = (
        rule.notes()
        .filter(booking__client=client)
        .select_related("booking", "written_by")
        .prefetch_related("techniques", "amendments__by")
        .order_by("booking__start")
    )
    return {
        "treatment_notes": [
            {
                "booking": note.booking.reference,
                "session_start": note.booking.start.isoformat(),
                "written_at": note.created_at.isoformat(),
                **{field: shown(field, _current(note, field)) for field in NOTE_FIELDS},
                "amendments": [
                    {
                        "at": a.at.isoformat(),
                        "field": a.field,
                        "old_value": a.old_value,
                        "new_value": a.new_value,
                    }
                    for a in note.amendments.all()
                ],
            }
            for note in client_notes
        ]
    }


@dataclass(frozen=True)
class NotesErasure:
    kept: int
    deleted: int
    kept_until: datetime | None

    @property
    def message(self) -> str:
        if not self.kept:
            return f"Treatment notes erased: {self.deleted}."
        kept_until = clinic_date(self.kept_until, ZoneInfo(settings.TIME_ZONE))
        until = f" until {kept_until}" if self.kept_until else ""
        return (
            f"{self.kept} treatment note(s) kept{until}: clinical records must be kept for "
            f"{settings.NOTES_RETENTION_YEARS} years after the last visit. Their sessions' "
            "dates, therapist and technique are kept with them; the rest is erased."
        )


def retention_notice(client: Client, *, now: datetime) -> str:
    """What erasing the client does to their notes, said plainly (before and after)."""
    years = settings.NOTES_RETENTION_YEARS
    theirs = TreatmentNote.objects.filter(booking__client=client)
    total = theirs.count()
    expired = past_retention(theirs, years_before(now, years)).count()
    return NotesErasure(
        kept=total - expired, deleted=expired, kept_until=kept_until(client, years=years)
    ).message


def erase_notes(client: Client, now: datetime) -> NotesErasure:
    """Erasing a client deletes only the notes past retention; the others are records
    the clinic must keep, and stay (the erasure says so)."""
    years = settings.NOTES_RETENTION_YEARS
    with transaction.atomic():
        theirs = TreatmentNote.objects.filter(booking__client=client)
        expired = past_retention(theirs, years_before(now, years))
        deleted = expired.count()
        expired.delete()
        kept = theirs.count()
        return NotesErasure(kept=kept, deleted=deleted, kept_until=kept_until(client, years=years))
