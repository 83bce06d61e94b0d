"""The waitlist's pages for clients: join it, see or leave your place, book an offer."""

from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from bookings.booking import errors
from bookings.booking.forms import ANYONE
from bookings.booking.selectors import (
    TechniqueChoices,
    free_starts,
    online_changes_until,
    technique_choices,
)
from bookings.intake import gate
from bookings.intake.cookie import recall
from bookings.models import (
    ClinicRules,
    OfferStatus,
    PartOfDay,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from bookings.payments.services import awaits_payment
from bookings.scheduling import selectors
from bookings.waitlist import offers, services
from bookings.waitlist.forms import JoinWaitlistForm
from bookings.waitlist.matching import PARTS, gaps, in_day_order
from clinic.http import HttpResponseSeeOther, no_store, row_by_token
from clinic.protection import limit_form_posts

# How many days a client waits unless they say otherwise.
DEFAULT_WAIT_DAYS = 14
# Free times shown on the join page and the client's place ("These times are free now").
FREE_NOW_SHOWN = 6


class FreeTime(NamedTuple):
    start: datetime
    book_url: str


def _entry(token: str) -> WaitlistEntry:
    entry: WaitlistEntry = row_by_token(
        WaitlistEntry.objects.select_related("technique", "therapist"), "token", token
    )
    return entry


def _offer(token: str) -> WaitlistOffer:
    offer: WaitlistOffer = row_by_token(
        WaitlistOffer.objects.select_related(
            "entry__technique", "entry__therapist", "entry__booking", "booking"
        ),
        "token",
        token,
    )
    return offer


def _initial(request: HttpRequest) -> dict[str, object]:
    today = timezone.localdate(timezone=selectors.clinic_zone())
    day = today
    try:
        asked: date | None = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        asked = None
    if asked is not None and today <= asked <= today + timedelta(days=services.MAX_WAIT_DAYS):
        day = asked
    return {
        "length_minutes": request.GET.get("length"),
        "therapist": request.GET.get("therapist") or ANYONE,
        "first_day": day,
        "last_day": day + timedelta(days=DEFAULT_WAIT_DAYS),
        "parts_of_day": sorted(PARTS),
    }


def _book_link(slug: str, length: int, therapist: str, start: datetime) -> str:
    # The start as the booking steps carry it: UTC, to the minute.
    when = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    query = urlencode({"length": str(length), "therapist": therapist, "start": when})
    return reverse("bookings:book", kwargs={"slug": slug}) + "?" + query


def _free_now(choices: TechniqueChoices, request: HttpRequest, now: datetime) -> list[FreeTime]:
    """The next free times for the length and therapist the page opens with: free now,
    so booked straight away rather than waited for (joining never sends them)."""
    if not choices.lengths:
        return []
    lengths = {x.minutes for x in choices.lengths}
    try:
        length = int(request.GET.get("length", ""))
    except ValueError:
        length = 0
    if length not in lengths:
        length = min(lengths)
    asked = request.GET.get("therapist", "")
    therapist_ids = {str(t.pk) for t in choices.therapists}
    therapist = asked if asked in therapist_ids else ANYONE
    full = technique_choices(choices.technique.slug, now=now)
    if full is None:
        return []
    slots = free_starts(
        full, length_minutes=length, therapist_id=None if therapist == ANYONE else int(therapist)
    )
    zone = selectors.clinic_zone()
    slug = choices.technique.slug
    # The first start of each free gap: a spread of days and hours, not one morning's
    # quarter hours.
    step = timedelta(minutes=full.rules.slot_step_minutes)
    firsts = [run[0] for run in gaps((s.start for s in slots), step)][:FREE_NOW_SHOWN]
    return [FreeTime(s.astimezone(zone), _book_link(slug, length, therapist, s)) for s in firsts]


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@limit_form_posts
def waitlist_join(request: HttpRequest, slug: str) -> HttpResponse:
    """Join the waitlist for a technique; the same safety screen as booking comes first."""
    now = timezone.now()
    choices = technique_choices(slug, now=now, day=timezone.localdate())
    if choices is None:
        raise Http404
    technique = choices.technique
    answers = recall(request)
    book_url = reverse("bookings:book", kwargs={"slug": slug})
    if answers is None:
        return HttpResponseSeeOther(reverse("bookings:book_screen", kwargs={"slug": slug}))
    check = gate.check(answers)
    if check.stop(slug) is not None:
        # Urgent signs, questions unanswered, massage should wait, a ruled-out technique,
        # words nobody asked about: the booking steps say what to do, with the care they
        # already take.
        return HttpResponseSeeOther(book_url)
    if request.method == "POST":
        form = JoinWaitlistForm(
            request.POST, lengths=choices.lengths, therapists=choices.therapists
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.join_waitlist(
                    technique=technique,
                    length_minutes=data["length_minutes"],
                    therapist_id=form.therapist_id(),
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    parts_of_day=data["parts_of_day"],
                    client_name=data["client_name"],
                    client_email=data["client_email"],
                    client_phone=data["client_phone"],
                    sms_opt_in=data["sms_opt_in"],
                    intake=answers,
                    acknowledged_warning=data["acknowledged_warning"],
                    now=now,
                )
            except services.AlreadyWaiting as repeat:
                # Sent again (Back and send, a double click): the place made the first time.
                messages.info(request, "You are already on the waitlist for these days.")
                return HttpResponseSeeOther(
                    reverse("bookings:waitlist_entry", args=[repeat.entry.token])
                )
            except (services.WaitlistError, errors.BookingError) as error:
                form.add_error(None, error.message)
            else:
                return HttpResponseSeeOther(reverse("bookings:waitlist_entry", args=[entry.token]))
    else:
        form = JoinWaitlistForm(
            initial=_initial(request), lengths=choices.lengths, therapists=choices.therapists
        )
    page = {
        "technique": technique,
        "free_now": _free_now(choices, request, now),
        "form": form,
        "needs_doctor": check.needs_acknowledgement(slug),
        "doctor_first": check.needs_doctor(slug),
        "cautions": check.cautions(slug),
        "book_url": book_url,
    }
    response = render(request, "bookings/waitlist_join.html", page)
    no_store(response)
    return response


@never_cache
@require_http_methods(["GET"])
def waitlist_entry(request: HttpRequest, token: str) -> HttpResponse:
    entry = _entry(token)
    now = timezone.now()
    zone = selectors.clinic_zone()
    therapist = str(entry.therapist_id) if entry.therapist_id else ANYONE
    slug = entry.technique.slug
    free = (
        [
            FreeTime(s.astimezone(zone), _book_link(slug, entry.length_minutes, therapist, s))
            for s in services.shown_free(entry, now, limit=FREE_NOW_SHOWN)
        ]
        if entry.status in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)
        else []
    )
    page = {
        "entry": entry,
        "days": day_range(entry.first_day, entry.last_day),
        "parts": [PartOfDay(p).label for p in in_day_order(entry.parts_of_day)],
        "free_now": free,
    }
    return render(request, "bookings/waitlist_entry.html", page)


def day_range(first: date, last: date) -> str:
    """ "Monday 7 December", or "Monday 7 December to Friday 11 December": one day once."""
    if first == last:
        return f"{first:%A} {first.day} {first:%B}"
    return f"{first:%A} {first.day} {first:%B} to {last:%A} {last.day} {last:%B}"


@never_cache
@require_POST
def waitlist_leave(request: HttpRequest, token: str) -> HttpResponse:
    entry = _entry(token)
    services.leave_waitlist(entry=entry)
    return HttpResponseSeeOther(reverse("bookings:waitlist_entry", args=[entry.token]))


@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_offer(request: HttpRequest, token: str) -> HttpResponse:
    """A freed time offered to one waiting client: the first to book it gets it."""
    offer = _offer(token)
    now = timezone.now()
    status = 200
    gone_message = ""
    booked = offer.booking if offer.status == OfferStatus.TAKEN else None
    if booked is not None:
        # Booked already: the link again (a reload, the email tapped again) or the form
        # sent again (Back, then "Book it"; a double click) finds the booking.
        return HttpResponseSeeOther(reverse("bookings:booking_detail", args=[booked.manage_token]))
    if request.method == "POST":
        try:
            booking = services.accept_offer(offer=offer, now=now)
        except services.OfferGone as error:
            gone_message = error.message
            status = 409
            try:
                offer.refresh_from_db()
            except WaitlistOffer.DoesNotExist:
                # Erased (the client asked to be forgotten) while this page was open.
                raise Http404 from None
        else:
            # Under a paid policy the time is held and the client goes on to pay.
            onward = "payment_page" if awaits_payment(booking) else "booking_detail"
            return HttpResponseSeeOther(reverse(f"bookings:{onward}", args=[booking.manage_token]))
    entry = offer.entry
    start = timezone.localtime(offer.start, selectors.clinic_zone())
    page = {
        "offer": offer,
        "entry": entry,
        "start": start,
        "end": start + timedelta(minutes=entry.length_minutes),
        "open": offers.offer_is_open(offer, now) and offers.still_free(offer, now),
        "changes_until": online_changes_until(offer.start, rules=ClinicRules.cached(), now=now),
        "taken": offer.status == OfferStatus.TAKEN,
        "price": entry.technique.lengths.filter(minutes=entry.length_minutes)
        .values_list("price", flat=True)
        .first(),
        "gone_message": gone_message or services.GONE_MESSAGE,
    }
    return render(request, "bookings/waitlist_offer.html", page, status=status)
