"""A waitlist offer as its message goes out: the link, whether the time may still be
offered, and the email's and text's words. Below the waitlist's services (which book
an accepted offer) so the outbox can send an offer without importing the booking
services that queue the outbox's other messages."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bookings.booking.selectors import free_starts, technique_choices
from bookings.frontdesk.selectors import first_name
from bookings.messaging import rendering
from bookings.models import OfferStatus, WaitlistEntry, WaitlistOffer, WaitlistStatus
from bookings.scheduling import selectors


def offer_url(offer: WaitlistOffer) -> str:
    site: str = settings.SITE_URL
    return site + reverse("bookings:waitlist_offer", args=[offer.token])


def offer_is_open(
    offer: WaitlistOffer, now: datetime, *, status: OfferStatus = OfferStatus.OPEN
) -> bool:
    """Whether the offer may still be booked: OPEN for the client's link, TO_CALL for
    the desk booking it for a client they phoned."""
    return (
        offer.status == status
        and offer.start > now
        and offer.entry.status in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)
    )


def _free_on(entry: WaitlistEntry, day: date, now: datetime) -> set[datetime]:
    choices = technique_choices(entry.technique.slug, now=now, day=day)
    if choices is None:
        return set()
    slots = free_starts(
        choices, length_minutes=entry.length_minutes, therapist_id=entry.therapist_id
    )
    return {slot.start for slot in slots}


def free_checker(now: datetime) -> Callable[[WaitlistOffer], bool]:
    """`still_free` for many offers: each technique, day, length and therapist's free
    starts are read once, however many offers share them."""
    found: dict[tuple[str, date, int, int | None], set[datetime]] = {}

    def check(offer: WaitlistOffer) -> bool:
        entry = offer.entry
        day = offer.start.astimezone(selectors.clinic_zone()).date()
        key = (entry.technique.slug, day, entry.length_minutes, entry.therapist_id)
        if key not in found:
            found[key] = _free_on(entry, day, now)
        return offer.start in found[key]

    return check


def still_free(offer: WaitlistOffer, now: datetime) -> bool:
    """Whether the offered time is free for this entry right now (a read, no lock)."""
    return free_checker(now)(offer)


def batch_of(offer: WaitlistOffer, now: datetime) -> list[WaitlistOffer]:
    """The offers one message tells of: those made to the same entry in the same sweep
    (the same moment) as `offer`, which the notification points at, still open and
    still free, earliest first."""
    batch = (
        WaitlistOffer.objects.filter(
            entry_id=offer.entry_id, created_at=offer.created_at, status=OfferStatus.OPEN
        )
        .select_related("entry__technique")
        .order_by("start")
    )
    free = free_checker(now)
    return [o for o in batch if offer_is_open(o, now) and free(o)]


class OfferedTime(NamedTuple):
    start: datetime
    end: datetime
    url: str


def _times(batch: list[WaitlistOffer]) -> list[OfferedTime]:
    zone = selectors.clinic_zone()
    times: list[OfferedTime] = []
    for offer in batch:
        start = timezone.localtime(offer.start, zone)
        end = start + timedelta(minutes=offer.entry.length_minutes)
        times.append(OfferedTime(start, end, offer_url(offer)))
    return times


def offer_text(batch: list[WaitlistOffer]) -> str:
    """The text's words: first name, days and times, clinic, links; no surname, no health."""
    return render_to_string(
        "sms/waitlist_offer.txt",
        {
            "first_name": first_name(batch[0].entry.client_name),
            "times": _times(batch),
            "clinic": rendering.clinic_details(),
        },
    ).strip()


def offer_email(batch: list[WaitlistOffer], recipient: str) -> EmailMultiAlternatives:
    """One email for the times offered together, each with its own link."""
    entry = batch[0].entry
    times = _times(batch)
    first = times[0].start
    context = {
        "first_name": first_name(entry.client_name),
        "times": times,
        "entry": entry,
        "technique": entry.technique,
        "clinic": rendering.clinic_details(),
    }
    subject = f"A time came free: {first:%A} {first.day} {first:%B} at {first:%H:%M}"
    if len(times) > 1:
        subject = f"{len(times)} times came free, from {first:%A} {first.day} {first:%B}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/waitlist_offer.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        reply_to=[settings.CLINIC_EMAIL],
    )
    message.attach_alternative(
        rendering.render_html("emails/waitlist_offer.html", context), "text/html"
    )
    return message
