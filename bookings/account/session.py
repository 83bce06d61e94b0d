"""The client's sign-in to "My bookings", kept in the Django session under keys of its
own: it never logs anyone in as a staff user, and signing out leaves a staff sign-in on
the same browser alone. It ends after IDLE_LIMIT without a page of "My bookings", and
after ABSOLUTE_LIMIT whatever happens."""

from datetime import datetime, timedelta

from django.http import HttpRequest

from bookings.models import Client

CLIENT_KEY = "account_client"
SIGNED_IN_KEY = "account_signed_in_at"
SEEN_KEY = "account_seen_at"

IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)


def sign_in(request: HttpRequest, client: Client, now: datetime) -> None:
    # A new session key, so a key planted before the sign-in is worth nothing after it.
    request.session.cycle_key()
    request.session[CLIENT_KEY] = client.pk
    request.session[SIGNED_IN_KEY] = now.timestamp()
    request.session[SEEN_KEY] = now.timestamp()


def sign_out(request: HttpRequest) -> None:
    for key in (CLIENT_KEY, SIGNED_IN_KEY, SEEN_KEY):
        request.session.pop(key, None)
    request.session.cycle_key()


def signed_in_client(request: HttpRequest, now: datetime) -> Client | None:
    """The signed-in client, or None (never signed in, idle too long, signed in too long
    ago, or their record was erased or merged since)."""
    client_id = request.session.get(CLIENT_KEY)
    if client_id is None:
        return None
    signed_in_at = float(request.session.get(SIGNED_IN_KEY, 0))
    seen_at = float(request.session.get(SEEN_KEY, 0))
    stamp = now.timestamp()
    if stamp - seen_at > IDLE_LIMIT.total_seconds() or (
        stamp - signed_in_at > ABSOLUTE_LIMIT.total_seconds()
    ):
        sign_out(request)
        return None
    client = Client.objects.filter(pk=client_id).select_related("merged_into").first()
    if client is not None and client.merged_into is not None:
        client = client.merged_into
    if client is None or not client.email:
        sign_out(request)
        return None
    request.session[SEEN_KEY] = stamp
    return client
