"""Check-in at the desk: the client has arrived, the session took place, or they did
not come; and the therapist's safety check with the client."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from bookings.booking import recheck
from bookings.booking.errors import InvalidBooking
from bookings.models import Booking, BookingStatus
from bookings.scheduling.selectors import clinic_zone


def mark_arrived(*, booking: Booking, now: datetime) -> Booking:
    """Record that the client is here, on the day of their session. Safe to repeat: a
    second press keeps the first arrival time."""
    with transaction.atomic():
        # Only the booking's own row: nothing else is read, so nothing else is locked.
        locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
        if locked.status == BookingStatus.CANCELLED:
            raise InvalidBooking("This booking was cancelled.")
        if locked.status != BookingStatus.CONFIRMED:
            raise InvalidBooking(
                f"This session is already marked {locked.get_status_display().lower()}."
            )
        zone = clinic_zone()
        if locked.start.astimezone(zone).date() != now.astimezone(zone).date():
            raise InvalidBooking("Clients check in on the day of their session.")
        if locked.arrived_at is None:
            # A course outlives its answers: later sessions wait for them to be asked again.
            recheck.require_rechecked(locked)
            locked.arrived_at = now
            locked.save(update_fields=["arrived_at", "updated_at"])
        return locked


def _finish(booking: Booking, status: BookingStatus, now: datetime | None) -> Booking:
    now = now or timezone.now()
    with transaction.atomic():
        locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
        if locked.status == BookingStatus.CANCELLED:
            raise InvalidBooking("This booking was cancelled.")
        if locked.start > now:
            raise InvalidBooking("This session has not started yet.")
        if locked.status != status:
            locked.status = status
            locked.save(update_fields=["status", "updated_at"])
        return locked


def mark_completed(*, booking: Booking, now: datetime | None = None) -> Booking:
    return _finish(booking, BookingStatus.COMPLETED, now)


def mark_no_show(*, booking: Booking, now: datetime | None = None) -> Booking:
    return _finish(booking, BookingStatus.NO_SHOW, now)


def record_safety_check(
    *, booking: Booking, by: AbstractBaseUser | AnonymousUser, now: datetime
) -> Booking:
    """The booking's therapist went through its safety facts with the client."""
    with transaction.atomic():
        locked = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("therapist")
            .get(pk=booking.pk)
        )
        if locked.therapist.user_id != by.pk:
            raise InvalidBooking("Only the therapist of this session can record the check.")
        if locked.status == BookingStatus.CANCELLED:
            raise InvalidBooking("This booking was cancelled.")
        locked.safety_checked_at = now
        locked.safety_checked_by_id = by.pk
        locked.save(update_fields=["safety_checked_at", "safety_checked_by", "updated_at"])
        return locked
