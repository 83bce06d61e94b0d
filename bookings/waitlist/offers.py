"""A waitlist offer as its message goes out: the link, whether the time may still be
offered, and the email's and text's words. Below the waitlist's services (which book
an accepted offer) so the outbox can send an offer without importing the booking
services that queue the outbox's other messages."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bookings.booking.selectors import free_starts, technique_choices
from bookings.frontdesk.selectors import first_name
from bookings.messaging import rendering
from bookings.models import OfferStatus, WaitlistOffer, WaitlistStatus
from bookings.scheduling import selectors


def offer_url(offer: WaitlistOffer) -> str:
    site: str = settings.SITE_URL
    return site + reverse("bookings:waitlist_offer", args=[offer.token])


def offer_is_open(offer: WaitlistOffer, now: datetime) -> bool:
    return (
        offer.status == OfferStatus.OPEN
        and offer.start > now
        and offer.entry.status in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)
    )


def still_free(offer: WaitlistOffer, now: datetime) -> bool:
    """Whether the offered time is free for this entry right now (a read, no lock)."""
    entry = offer.entry
    day = offer.start.astimezone(selectors.clinic_zone()).date()
    choices = technique_choices(entry.technique.slug, now=now, day=day)
    if choices is None:
        return False
    slots = free_starts(
        choices, length_minutes=entry.length_minutes, therapist_id=entry.therapist_id
    )
    return any(slot.start == offer.start for slot in slots)


def offer_text(offer: WaitlistOffer) -> str:
    """The text's words: first name, day and time, clinic, link; no surname, no health."""
    return render_to_string(
        "sms/waitlist_offer.txt",
        {
            "first_name": first_name(offer.entry.client_name),
            "start": timezone.localtime(offer.start, selectors.clinic_zone()),
            "offer_url": offer_url(offer),
            "clinic": rendering.clinic_details(),
        },
    ).strip()


def offer_email(offer: WaitlistOffer, recipient: str) -> EmailMultiAlternatives:
    entry = offer.entry
    start = timezone.localtime(offer.start, selectors.clinic_zone())
    context = {
        "first_name": first_name(entry.client_name),
        "start": start,
        "end": start + timedelta(minutes=entry.length_minutes),
        "entry": entry,
        "technique": entry.technique,
        "offer_url": offer_url(offer),
        "clinic": rendering.clinic_details(),
    }
    message = EmailMultiAlternatives(
        subject=f"A time came free: {start:%A} {start.day} {start:%B} at {start:%H:%M}",
        body=render_to_string("emails/waitlist_offer.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        reply_to=[settings.CLINIC_EMAIL],
    )
    message.attach_alternative(
        rendering.render_html("emails/waitlist_offer.html", context), "text/html"
    )
    return message
