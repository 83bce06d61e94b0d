"""The waitlist: joining it, offering freed times to those waiting, booking an offer.

How freed times are found: the worker's sweep (`sweep`, every WORKER_SWEEP_SECONDS)
compares every waiting entry with `selectors.free_starts`. A scan rather than a hook in
each service that frees time: a cancellation, a move, new working hours, time off or a
closure removed in admin, a changed rule, all show up as free starts without anyone
remembering to call anything, and a scan that crashed half-way is simply done again.
The unique (entry, start) constraint makes each offer once-only however many sweeps
race; each offer's email and text are Notification rows, claimed once by `deliver`.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.booking import locks, offers, services
from bookings.booking.errors import SAFETY_MESSAGES, BookingError, SlotUnavailable
from bookings.booking.selectors import free_starts, technique_choices
from bookings.intake.answers import IntakeAnswers
from bookings.intake.gate import Stop
from bookings.messaging import notifications, phones
from bookings.models import (
    Booking,
    ClinicRules,
    Notification,
    NotificationChannel,
    NotificationKind,
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from bookings.payments import services as payment_services
from bookings.scheduling import availability, selectors
from bookings.waitlist.matching import (
    PARTS,
    Wish,
    gap_ends,
    gaps,
    in_day_order,
    suitable_starts,
    unoffered_gaps,
)
from bookings.waitlist.offers import offer_is_open
from catalog.models import Technique

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Offers an entry holds open at once: enough to choose from, few enough not to flood
# a client's phone when a whole day comes free.
MAX_OPEN_OFFERS = 3
# How far ahead a client may ask to wait.
MAX_WAIT_DAYS = 90


class WaitlistError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OfferGone(WaitlistError):
    """Someone else booked the time first (or it passed): the client stays waiting."""


class AlreadyWaiting(WaitlistError):
    """The client has a live place for this technique and these days: the form was sent
    again (Back and send, a double click). The place is the one they made."""

    def __init__(self, entry: WaitlistEntry) -> None:
        super().__init__(
            f"{entry.client_name} is already on the waitlist for these days, so nothing was added."
        )
        self.entry = entry


# Offers that count against MAX_OPEN_OFFERS: sent and waiting for a click, or waiting
# for the desk to phone.
LIVE_OFFERS = (OfferStatus.OPEN, OfferStatus.TO_CALL)


GONE_MESSAGE = (
    "Sorry, someone booked this time a moment before you. You are still on the waitlist: "
    "we will tell you when another time comes free."
)


def expires_at(last_day: date) -> datetime:
    """The end of the last day wanted, in the clinic's zone."""
    return availability.wall_to_utc(last_day + timedelta(days=1), time(0), selectors.clinic_zone())


def wish_of(entry: WaitlistEntry) -> Wish:
    return Wish(
        first_day=entry.first_day,
        last_day=entry.last_day,
        parts=frozenset(entry.parts_of_day),
        therapist_id=entry.therapist_id,
    )


def join_waitlist(
    *,
    technique: Technique,
    length_minutes: int,
    therapist_id: int | None,
    first_day: date,
    last_day: date,
    parts_of_day: list[str],
    client_name: str,
    client_email: str,
    client_phone: str,
    sms_opt_in: bool,
    intake: IntakeAnswers | None,
    acknowledged_warning: bool = False,
    now: datetime | None = None,
    by: "User | None" = None,
) -> WaitlistEntry:
    """Put a client on the waitlist, or raise WaitlistError / services.UnsafeBooking.

    The same safety screen as booking: an offer must book in one step.
    """
    now = now or timezone.now()
    if not technique.is_active:
        raise WaitlistError(f"{technique.name} is not offered at the moment.")
    services.require_safe(technique, intake, acknowledged_warning)
    try:
        offers.offered_length(technique, length_minutes)
        offers.candidate_therapist_ids(therapist_id, technique)
    except BookingError as error:
        raise WaitlistError(error.message) from error
    today = now.astimezone(selectors.clinic_zone()).date()
    if first_day > last_day:
        raise WaitlistError("The last day must not be before the first day.")
    if last_day < today:
        raise WaitlistError("Those days have passed. Please choose days from today on.")
    if last_day > today + timedelta(days=MAX_WAIT_DAYS):
        raise WaitlistError(f"Please choose days within the next {MAX_WAIT_DAYS} days.")
    parts = in_day_order(parts_of_day)
    if not parts or not set(parts_of_day) <= PARTS:
        raise WaitlistError("Please choose at least one part of the day.")
    phone = phones.to_e164(client_phone)
    if phone is None:
        raise WaitlistError("Please enter a phone number we can reach, e.g. 07700 900123.")
    if intake is None:  # require_safe refused it already; mypy does not know
        raise WaitlistError(SAFETY_MESSAGES[Stop.NOT_SCREENED])
    first_day = max(first_day, today)
    live = WaitlistEntry.objects.waiting().filter(
        client_phone=phone,
        client_email=client_email,
        client_name=client_name,
        technique=technique,
        first_day=first_day,
        last_day=last_day,
    )
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                client_name=client_name,
                client_email=client_email,
                client_phone=phone,
                sms_opt_in=sms_opt_in,
                technique=technique,
                length_minutes=length_minutes,
                therapist_id=therapist_id,
                first_day=first_day,
                last_day=last_day,
                parts_of_day=parts,
                intake_answers=intake.to_dict(),
                acknowledged_warning=acknowledged_warning,
                added_by=by,
                joined_at=now,
                expires_at=expires_at(last_day),
            )
            _mark_free_now(entry, now)
    except IntegrityError:
        # The constraint waitlist_entry_one_live_place: the same place, made before.
        existing = live.first()
        if existing is None:
            raise
        raise AlreadyWaiting(existing) from None
    return entry


def _step() -> timedelta:
    return timedelta(minutes=ClinicRules.cached().slot_step_minutes)


def free_now(entry: WaitlistEntry, now: datetime) -> list[datetime]:
    """The free starts that suit the entry at `now`, earliest first."""
    choices = technique_choices(entry.technique.slug, now=now)
    if choices is None:
        return []
    slots = free_starts(choices, length_minutes=entry.length_minutes, therapist_id=None)
    return suitable_starts(wish_of(entry), slots, selectors.clinic_zone())


def _mark_free_now(entry: WaitlistEntry, now: datetime) -> None:
    """Times free when the client joins are shown on the page, never sent as freed: each
    free gap's ends are kept as seen, so the sweep offers only gaps that free up later."""
    WaitlistOffer.objects.bulk_create(
        [
            WaitlistOffer(entry=entry, start=start, status=OfferStatus.SHOWN, created_at=now)
            for start in gap_ends(free_now(entry, now), _step())
        ]
    )


def shown_free(entry: WaitlistEntry, now: datetime, *, limit: int = 6) -> list[datetime]:
    """The times that were free when the client joined and still are (for their page)."""
    shown = set(
        entry.offers.filter(status=OfferStatus.SHOWN, start__gt=now).values_list("start", flat=True)
    )
    if not shown:
        return []
    runs = gaps(free_now(entry, now), _step())
    return [run[0] for run in runs if shown.intersection(run)][:limit]


def _close(entry_id: int, status: WaitlistStatus) -> int:
    """End an entry: its health answers go, its open offers are withdrawn."""
    WaitlistOffer.objects.filter(entry_id=entry_id, status__in=LIVE_OFFERS).update(
        status=OfferStatus.WITHDRAWN
    )
    return (
        WaitlistEntry.objects.waiting()
        .filter(pk=entry_id)
        .update(status=status, intake_answers=None)
    )


def leave_waitlist(*, entry: WaitlistEntry) -> None:
    with transaction.atomic():
        _close(entry.pk, WaitlistStatus.LEFT)


def expire_entries(*, now: datetime) -> int:
    """Entries past their last day end; so do offers of times already past."""
    with transaction.atomic():
        WaitlistOffer.objects.filter(status__in=LIVE_OFFERS, start__lte=now).update(
            status=OfferStatus.GONE
        )
        ended = list(
            WaitlistEntry.objects.waiting().filter(expires_at__lte=now).values_list("pk", flat=True)
        )
        return sum(_close(pk, WaitlistStatus.EXPIRED) for pk in ended)


def _recipients(entry: WaitlistEntry) -> list[tuple[NotificationChannel, str]]:
    """Where an offer reaches the client: their email, and texts agreed to a number that
    takes them."""
    recipients: list[tuple[NotificationChannel, str]] = []
    if entry.client_email:
        recipients.append((NotificationChannel.EMAIL, entry.client_email))
    number = phones.to_e164(entry.client_phone) if entry.sms_opt_in else None
    if number and phones.can_receive_texts(number):
        recipients.append((NotificationChannel.SMS, number))
    return recipients


def can_be_messaged(entry: WaitlistEntry) -> bool:
    """Whether an offer can reach the client by itself: an email, or texts agreed to a
    number that takes them. If not, the desk phones them (the day view's "To call")."""
    return bool(_recipients(entry))


def _queue_offer_messages(offer: WaitlistOffer, entry: WaitlistEntry, now: datetime) -> None:
    """One email and one text for the offers made to the entry at `now` (the message
    lists each of them: see offers.batch_of)."""
    for channel, recipient in _recipients(entry):
        notification = Notification.objects.create(
            waitlist_offer=offer,
            kind=NotificationKind.WAITLIST_OFFER,
            channel=channel,
            recipient=recipient,
            session_start=offer.start,
            scheduled_for=now,
        )
        notifications.deliver_on_commit(notification.pk)


def _offer_starts(
    entry: WaitlistEntry, starts: list[datetime], now: datetime, by: "User | None"
) -> list[WaitlistOffer]:
    """Offer `starts` to the entry in one go, each once (the unique (entry, start)
    constraint), with one message for all of them, or onto the desk's call list when
    no message can reach the client; then the entry counts as offered a time only if a
    message went."""
    messaged = can_be_messaged(entry)
    status = OfferStatus.OPEN if messaged else OfferStatus.TO_CALL
    made: list[WaitlistOffer] = []
    with transaction.atomic():
        for start in starts:
            try:
                with transaction.atomic():
                    made.append(
                        WaitlistOffer.objects.create(
                            entry=entry, start=start, created_at=now, offered_by=by, status=status
                        )
                    )
            except IntegrityError:
                # Shown when they joined (free then) is not offered: staff may offer it.
                shown = WaitlistOffer.objects.filter(
                    entry=entry, start=start, status=OfferStatus.SHOWN
                )
                if shown.update(status=status, created_at=now, offered_by=by):
                    made.append(WaitlistOffer.objects.get(entry=entry, start=start))
        if made and messaged:
            WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistStatus.WAITING).update(
                status=WaitlistStatus.OFFERED
            )
            _queue_offer_messages(made[0], entry, now)
    return made


def make_offer(
    *, entry: WaitlistEntry, start: datetime, now: datetime, by: "User | None" = None
) -> WaitlistOffer | None:
    """Offer `start` to the entry, once: None when it was offered before."""
    made = _offer_starts(entry, [start], now, by)
    return made[0] if made else None


def offer_freed_times(*, now: datetime) -> list[WaitlistOffer]:
    """Offer every waiting entry, in order of joining, the best start of each freed gap
    that suits it (a gap none of whose starts it was offered or shown before), at most
    MAX_OPEN_OFFERS live at once, all in one message per entry and sweep."""
    entries = list(
        WaitlistEntry.objects.waiting()
        .filter(expires_at__gt=now, technique__is_active=True)
        .select_related("technique")
        .order_by("joined_at", "pk")
    )
    if not entries:
        return []
    offered: dict[int, set[datetime]] = defaultdict(set)
    live_count: dict[int, int] = defaultdict(int)
    for entry_id, start, status in WaitlistOffer.objects.filter(
        entry__in=[e.pk for e in entries]
    ).values_list("entry_id", "start", "status"):
        offered[entry_id].add(start)
        if status in LIVE_OFFERS and start > now:
            live_count[entry_id] += 1
    groups: dict[tuple[str, int], list[WaitlistEntry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.technique.slug, entry.length_minutes)].append(entry)
    zone = selectors.clinic_zone()
    step = _step()
    made: list[WaitlistOffer] = []
    for (slug, length), waiting in groups.items():
        choices = technique_choices(slug, now=now)
        if choices is None:
            continue
        slots = free_starts(choices, length_minutes=length, therapist_id=None)
        for entry in waiting:
            room = MAX_OPEN_OFFERS - live_count[entry.pk]
            if room <= 0:
                continue
            starts = unoffered_gaps(
                suitable_starts(wish_of(entry), slots, zone), step, offered=offered[entry.pk]
            )
            if starts:
                made.extend(_offer_starts(entry, starts[:room], now, None))
    return made


def sweep(*, now: datetime | None = None) -> int:
    """The worker's periodic waitlist work: expire, then offer. Returns offers made."""
    now = now or timezone.now()
    expire_entries(now=now)
    return len(offer_freed_times(now=now))


class _TakenMeanwhile(Exception):
    """The offer was withdrawn or ended while its time was being booked."""


@locks.retry_on_deadlock
def accept_offer(*, offer: WaitlistOffer, now: datetime | None = None) -> Booking:
    """Book the offered time with the entry's details, or raise OfferGone kindly.

    The lock order (booking/locks.py): the therapists who could take the time first,
    then (in `book_session`) the client, then the offers. Clicks on offers of one time
    queue on the therapists' rows holding no offer, so the winner can mark the others'
    offers gone without waiting for them, and an erasure holding the client's record
    never waits for an offer a click holds.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            booking = _book_offer(offer.pk, now)
    except _TakenMeanwhile:
        booking = None
    if booking is None:
        raise OfferGone(GONE_MESSAGE)
    return booking


def _open_offer(offer_id: int) -> WaitlistOffer | None:
    # None once an erasure has deleted it (with its entry) since the link was opened.
    return WaitlistOffer.objects.select_related("entry__technique").filter(pk=offer_id).first()


def _book_offer(
    offer_id: int,
    now: datetime,
    *,
    status: OfferStatus = OfferStatus.OPEN,
    by: "User | None" = None,
) -> Booking | None:
    offer = _open_offer(offer_id)
    if offer is None:
        return None
    entry = offer.entry
    try:
        candidates = offers.candidate_therapist_ids(entry.therapist_id, entry.technique)
    except BookingError:
        candidates = []
    locks.lock_therapists(candidates)
    # Read again once the therapists are ours: a click that held them before us may
    # have taken this time, or marked this offer gone.
    offer = _open_offer(offer_id)
    if offer is None or not offer_is_open(offer, now, status=status):
        return None
    entry = offer.entry
    try:
        booking = services.book_session(
            therapist_id=entry.therapist_id,
            technique=entry.technique,
            length_minutes=entry.length_minutes,
            start=offer.start,
            client_name=entry.client_name,
            client_email=entry.client_email,
            client_phone=entry.client_phone,
            intake=IntakeAnswers.from_dict(entry.intake_answers or {}),
            acknowledged_warning=entry.acknowledged_warning,
            sms_opt_in=entry.sms_opt_in,
            now=now,
            by=by,
            # The client's claim is held for payment as an online booking is (unpaid,
            # the release frees it for the sweep); the desk's call list: at the clinic.
            hold_for_payment=payment_services.hold_if_paid(now=now) if by is None else None,
        )
    except SlotUnavailable:
        WaitlistOffer.objects.filter(pk=offer.pk, status=status).update(status=OfferStatus.GONE)
        return None
    except BookingError as error:
        if by is not None:  # the desk hears why (the safety rules, the length)
            raise WaitlistError(error.message) from error
        WaitlistOffer.objects.filter(pk=offer.pk, status=status).update(status=OfferStatus.GONE)
        return None
    taken = WaitlistOffer.objects.filter(pk=offer.pk, status=status).update(
        status=OfferStatus.TAKEN, booking=booking
    )
    if not taken:  # withdrawn or expired while we booked: the booking goes too
        raise _TakenMeanwhile
    _close(entry.pk, WaitlistStatus.BOOKED)
    WaitlistEntry.objects.filter(pk=entry.pk).update(booking=booking)
    # Others offered this time with this therapist alone would only be disappointed;
    # "anyone" may still find someone else free, so stays open.
    WaitlistOffer.objects.filter(
        start=offer.start,
        status__in=LIVE_OFFERS,
        entry__therapist_id=booking.therapist_id,
    ).update(status=OfferStatus.GONE)
    return booking


@locks.retry_on_deadlock
def book_for_caller(*, offer: WaitlistOffer, by: "User", now: datetime | None = None) -> Booking:
    """The desk phoned a client on the call list and books the time for them: through
    `book_session` and its safety rules, as the offer's link would. Booking it again
    (a second click) finds the booking made; raises OfferGone when the time went, and
    WaitlistError with the reason when the booking is refused."""
    now = now or timezone.now()
    if offer.status == OfferStatus.TAKEN and offer.booking is not None:
        return offer.booking
    try:
        with transaction.atomic():
            booking = _book_offer(offer.pk, now, status=OfferStatus.TO_CALL, by=by)
    except _TakenMeanwhile:
        booking = None
    if booking is None:
        raise OfferGone("That time has gone: someone booked it first. They stay on the waitlist.")
    return booking


def mark_unreached(*, offer: WaitlistOffer) -> bool:
    """The desk could not reach the client: the time leaves the call list (they stay on
    the waitlist for the next gap). False when it had left it already."""
    return bool(
        WaitlistOffer.objects.filter(pk=offer.pk, status=OfferStatus.TO_CALL).update(
            status=OfferStatus.UNREACHED
        )
    )
