"""Whether a therapist (or anyone) offers a technique at a length, and at what price: the
checks every booking, move and waitlist claim makes, with the messages clients read."""

from decimal import Decimal

from django.db.models import Exists, OuterRef

from bookings.booking import locks
from bookings.booking.errors import InvalidBooking
from bookings.models import Therapist
from catalog.models import SessionLength, Technique

NOT_TAKING_BOOKINGS = "That therapist is not taking bookings. Please choose another."


def _no_such_length(technique: Technique, length_minutes: int) -> InvalidBooking:
    return InvalidBooking(
        f"{technique.name} does not come in {length_minutes}-minute sessions. "
        "Please choose one of the lengths offered."
    )


def _nobody_offers(technique: Technique) -> InvalidBooking:
    return InvalidBooking(f"Nobody offers {technique.name} at the moment.")


def _does_not_offer(name: str, technique: Technique) -> InvalidBooking:
    return InvalidBooking(
        f"{name} does not offer {technique.name}. Please choose another therapist or “anyone”."
    )


def offered_length(technique: Technique, length_minutes: int) -> SessionLength:
    length = technique.lengths.filter(minutes=length_minutes).first()
    if length is None:
        raise _no_such_length(technique, length_minutes)
    return length


def candidate_therapist_ids(therapist_id: int | None, technique: Technique) -> list[int]:
    if therapist_id is None:
        ids = list(
            Therapist.objects.active()
            .offering(technique)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            raise _nobody_offers(technique)
        return ids
    # One read: whether they take bookings and offer the technique.
    found = (
        Therapist.objects.filter(pk=therapist_id)
        .annotate(
            offers=Exists(
                Therapist.techniques.through.objects.filter(
                    therapist_id=OuterRef("pk"), technique_id=technique.pk
                )
            )
        )
        .values_list("is_active", "display_name", "offers")
        .first()
    )
    if found is None or not found[0]:
        raise InvalidBooking(NOT_TAKING_BOOKINGS)
    if not found[2]:
        raise _does_not_offer(found[1], technique)
    return [therapist_id]


def lock_offer(
    therapist_id: int | None, technique: Technique, length_minutes: int
) -> tuple[dict[int, Therapist], Decimal]:
    """`candidate_therapist_ids`, `offered_length` and the lock of the therapists' rows
    (the lock order's first step) in one statement (`locks.lock_offering`): the therapist,
    or everyone active who offers the technique for "anyone", locked, and the length's
    price. Raises why not, as those two would, the length first."""
    found = locks.lock_offering(therapist_id, technique.pk, length_minutes)
    if not found:
        if therapist_id is None:
            raise _nobody_offers(technique)
        raise InvalidBooking(NOT_TAKING_BOOKINGS)
    therapist, offers, price = found[0]  # every row carries the same price
    if price is None:
        raise _no_such_length(technique, length_minutes)
    if not therapist.is_active:
        raise InvalidBooking(NOT_TAKING_BOOKINGS)
    if not offers:
        raise _does_not_offer(therapist.display_name, technique)
    return {row[0].pk: row[0] for row in found}, price
