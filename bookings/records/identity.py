"""Whose record an online booking joins: only the one whose email the client proved.

An online booking with an address another record holds waits on a provisional client
(`Client.same_email_as`). The client proves the address by tapping the link in the
booking email (`confirm_email`); front desk settles the rest from the client's page
("Join to ..." / "Different person"). Until then, the booking opens nobody's record of
care to its therapist (records/access.py).
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction

from bookings.booking.errors import BookingError
from bookings.booking.locks import retry_on_deadlock
from bookings.models import Booking, Client
from bookings.records.services import merge_clients

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The link in the booking email works for two weeks; later bookings send their own.
EMAIL_LINK_DAYS = 14


class IdentityError(BookingError):
    pass


def email_link_open(booking: Booking, *, now: datetime) -> bool:
    return booking.email_token is not None and now < booking.created_at + timedelta(
        days=EMAIL_LINK_DAYS
    )


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _holders(email: str, *, leaving_out: int) -> list[Client]:
    """The settled records with this address (a merged duplicate's leads to the client
    it was merged into), the provisional one left out."""
    found = (
        Client.objects.filter(email__iexact=email.strip(), same_email_as__isnull=True)
        .exclude(pk=leaving_out)
        .select_related("merged_into")
    )
    return list({(c.merged_into or c).pk: c.merged_into or c for c in found}.values())


@retry_on_deadlock
def confirm_email(*, booking: Booking, now: datetime) -> bool:
    """The client tapped the link in their booking email: the address is theirs. Safe to
    repeat: False when it was already confirmed (nothing changes then).

    A provisional record joins the one with that address when exactly one current
    record holds it and bears the same name; a household address (two people, one
    inbox) or another name stays with front desk, who see the email was proved.
    """
    with transaction.atomic():
        # The lock order (booking/locks.py): client records by primary key, then the
        # booking, as a merge takes them.
        seen = Booking.objects.filter(pk=booking.pk).values("client_id", "client_email").get()
        ids = {seen["client_id"], *(c.pk for c in _holders(seen["client_email"], leaving_out=0))}
        list(Client.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        locked = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("client__same_email_as")
            .get(pk=booking.pk)
        )
        if locked.email_confirmed_at is not None or not email_link_open(locked, now=now):
            return False
        Booking.objects.filter(pk=locked.pk).update(email_confirmed_at=now, updated_at=now)
        if locked.course_id is not None:
            # A course's sessions were booked with the same typed address: proven with it.
            Booking.objects.filter(
                course_id=locked.course_id,
                client_email=locked.client_email,
                email_confirmed_at__isnull=True,
            ).update(email_confirmed_at=now, updated_at=now)
        client = locked.client
        if client is None or client.same_email_as is None or client.merged_into_id:
            return True
        holders = _holders(locked.client_email, leaving_out=client.pk)
        if len(holders) == 1 and _same_name(holders[0].name, client.name):
            _join(provisional=client, keep=holders[0], by=None, now=now)
        return True


def _join(*, provisional: Client, keep: Client, by: "User | None", now: datetime) -> Client:
    Client.objects.filter(pk=provisional.pk).update(same_email_as=None)
    provisional.same_email_as = None
    return merge_clients(keep=keep, duplicate=provisional, by=by, now=now)


@retry_on_deadlock
def join_provisional(*, client: Client, by: "User", now: datetime) -> Client:
    """Front desk: the provisional record is the person it shares the email with."""
    with transaction.atomic():
        # Both records by primary key, as the merge takes them (booking/locks.py).
        ids: set[int] = {client.pk}
        for pk in Client.objects.filter(pk=client.pk).values_list("same_email_as", flat=True):
            if pk is not None:
                ids.add(pk)
        for pk in Client.objects.filter(pk__in=ids).values_list("merged_into", flat=True):
            if pk is not None:
                ids.add(pk)
        list(Client.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        locked = Client.objects.select_related("same_email_as").get(pk=client.pk)
        match = locked.same_email_as
        if match is None or locked.merged_into_id is not None:
            raise IdentityError("This client is no longer waiting to be joined; reload the page.")
        return _join(provisional=locked, keep=match.merged_into or match, by=by, now=now)


def different_person(*, client: Client, now: datetime) -> Client:
    """Front desk: the provisional record is someone else who typed that address; it
    stays a record of its own."""
    with transaction.atomic():
        updated = Client.objects.filter(pk=client.pk, same_email_as__isnull=False).update(
            same_email_as=None, updated_at=now
        )
        if not updated:
            raise IdentityError("This client is no longer waiting to be joined; reload the page.")
        return Client.objects.get(pk=client.pk)
