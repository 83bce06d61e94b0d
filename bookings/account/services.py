"""Signing a client in to "My bookings" with a one-time link sent to their email."""

from datetime import datetime, timedelta

from django.db import transaction

from bookings.account import selectors
from bookings.account.links import LINK_LIFETIME
from bookings.messaging import notifications
from bookings.models import (
    Client,
    Notification,
    NotificationKind,
    NotificationStatus,
    SignInLink,
)
from bookings.models.accounts import email_digest, token_digest

# Links per address in a window: enough for a lost email and a second try, too few to
# flood an inbox. Counted in the database, for known and unknown addresses alike.
LINKS_PER_ADDRESS = 3
ADDRESS_WINDOW = timedelta(minutes=15)


def account_holder(email: str) -> Client | None:
    """The one settled client record with that address, or None: none holds it, or a
    household shares it (each record's bookings are its own person's, so the clinic
    helps them by phone), or it waits on a provisional record nobody confirmed."""
    found = list(
        Client.objects.current()
        .filter(email__iexact=email.strip(), same_email_as__isnull=True)
        .exclude(email="")[:2]
    )
    return found[0] if len(found) == 1 else None


def request_sign_in_link(*, email: str, now: datetime) -> SignInLink | None:
    """Make a link for the address and queue its email; None when the address asked for
    LINKS_PER_ADDRESS links in the last ADDRESS_WINDOW already. An address no client
    holds gets a link row and a "not needed" message row all the same (the writes a
    known address makes), and no email: nothing here tells the asker which it was."""
    digest = email_digest(email)
    with transaction.atomic():
        recent = SignInLink.objects.filter(
            email_digest=digest, created_at__gt=now - ADDRESS_WINDOW
        ).count()
        if recent >= LINKS_PER_ADDRESS:
            return None
        client = account_holder(email)
        link = SignInLink(
            client=client, email_digest=digest, created_at=now, expires_at=now + LINK_LIFETIME
        )
        link.token_digest = token_digest(link.token)
        link.save()
        message = Notification.objects.create(
            sign_in_link=link,
            kind=NotificationKind.SIGN_IN_LINK,
            recipient=client.email if client is not None else "",
            session_start=now,
            scheduled_for=now,
            status=NotificationStatus.PENDING if client is not None else NotificationStatus.SKIPPED,
        )
        if client is not None:
            notifications.deliver_on_commit(message.pk)
        return link


def use_sign_in_link(*, token: str, now: datetime) -> Client | None:
    """Spend the link: the client it signs in, or None when it is unknown, used or
    expired. One conditional UPDATE, so two clicks (or a scanner and a person) racing
    each other sign in once."""
    with transaction.atomic():
        spent = SignInLink.objects.usable(now).filter(token_digest=token_digest(token))
        link = spent.select_related("client__merged_into").first()
        if link is None or not spent.filter(pk=link.pk).update(used_at=now):
            return None
        client = link.client
        person = client.merged_into or client if client is not None else None
        # Erased since the link went out: their address is gone, and so is the way in.
        return person if person is not None and person.email else None


def erase_sign_in_links(client: Client, now: datetime) -> None:
    """The client's part of the privacy erasure (privacy/parts.py): their links, and
    with them the emails' rows that hold their address. Nothing of them is exported:
    a link is a used or spent key, not something about the person."""
    SignInLink.objects.filter(client_id__in=selectors.record_ids(client)).delete()
