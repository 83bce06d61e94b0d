"""The waitlist in the admin: front desk sees who waits, adds phone clients, offers times."""

from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from bookings.booking import errors
from bookings.booking.selectors import free_starts, technique_choices
from bookings.frontdesk.staff_scope import StaffScope, staff_scope
from bookings.models import OfferStatus, WaitlistEntry, WaitlistOffer
from bookings.models.waitlist import WaitlistEntryQuerySet
from bookings.scheduling import availability, selectors
from bookings.waitlist import offers, services
from bookings.waitlist.forms import StaffWaitlistForm
from bookings.waitlist.matching import PARTS, Wish, suitable_starts
from clinic.admin import LabelledTabularInline
from clinic.display import clinic_datetime, clinic_days, national_phone, phone_link
from clinic.http import HttpResponseSeeOther


def waiting_on(request: HttpRequest, day: date, scope: StaffScope) -> list[WaitlistEntry]:
    """Who waits for a time on `day` and whom this user may see (for the day view), in
    one query."""
    if not request.user.has_perm("bookings.view_waitlistentry"):
        return []
    entries = (
        WaitlistEntry.objects.waiting()
        .filter(first_day__lte=day, last_day__gte=day)
        .select_related("technique", "therapist")
    )
    return list(_scoped(request, entries, scope))


def _scoped(
    request: HttpRequest, entries: QuerySet[WaitlistEntry], scope: StaffScope | None = None
) -> QuerySet[WaitlistEntry]:
    scope = scope or staff_scope(request)
    if scope.sees_all:
        return entries
    # A therapist sees who waits for them, or for anyone: people who might fill a gap.
    return entries.filter(Q(therapist=scope.therapist) | Q(therapist__isnull=True))


class CallRow(NamedTuple):
    """One time on the desk's call list, as the day view shows it."""

    offer_id: int
    entry_id: int
    client_name: str
    when: str
    wants: str
    phone: str
    phone_link: str
    still_free: bool


def to_call_on(request: HttpRequest, day: date, scope: StaffScope) -> list[CallRow]:
    """The times offered on `day` to clients no message can reach (no email, no texts):
    the desk phones them. Whom this user may see, still ahead, earliest first."""
    if not request.user.has_perm("bookings.view_waitlistoffer"):
        return []
    zone = selectors.clinic_zone()
    now = timezone.now()
    day_start = availability.wall_to_utc(day, time(0), zone)
    day_end = availability.wall_to_utc(day + timedelta(days=1), time(0), zone)
    found = (
        WaitlistOffer.objects.filter(
            status=OfferStatus.TO_CALL, start__gte=max(day_start, now), start__lt=day_end
        )
        .select_related("entry__technique", "entry__therapist")
        .order_by("start", "pk")
    )
    if not scope.sees_all:
        found = found.filter(Q(entry__therapist=scope.therapist) | Q(entry__therapist__isnull=True))
    rows = []
    still_free = offers.free_checker(now)
    for offer in found:
        entry = offer.entry
        who = f" with {entry.therapist.display_name}" if entry.therapist else ""
        rows.append(
            CallRow(
                offer_id=offer.pk,
                entry_id=entry.pk,
                client_name=entry.client_name,
                when=f"{offer.start.astimezone(zone):%H:%M}",
                wants=f"{entry.technique.name}, {entry.length_minutes} min{who}",
                phone=national_phone(entry.client_phone),
                phone_link=entry.client_phone,
                still_free=still_free(offer),
            )
        )
    return rows


class OfferInline(LabelledTabularInline[WaitlistOffer, WaitlistEntry]):
    model = WaitlistOffer
    extra = 0
    fields = ["shown_start", "status", "offered_by", "booking"]
    readonly_fields = ["shown_start", "status", "offered_by", "booking"]
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[WaitlistOffer]:
        # Times free when the client joined were shown to them, not offered.
        return super().get_queryset(request).exclude(status=OfferStatus.SHOWN)

    def has_add_permission(self, request: HttpRequest, obj: WaitlistEntry | None = None) -> bool:
        return False

    @admin.display(description="Time offered")
    def shown_start(self, offer: WaitlistOffer) -> str:
        return clinic_datetime(offer.start, selectors.clinic_zone())


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin[WaitlistEntry]):
    list_display = [
        "client_name",
        "technique",
        "length_minutes",
        "who",
        "days",
        "parts",
        "status",
        "shown_joined_at",
    ]
    list_filter = ["status", "technique", "therapist"]
    show_full_result_count = False
    search_fields = ["client_name", "client_email", "client_phone"]
    list_select_related = ["technique", "therapist"]
    readonly_fields = [
        "client_name",
        "client_email",
        "phone",
        "text_offers",
        "technique",
        "length_minutes",
        "therapist",
        "first_day",
        "last_day",
        "parts",
        "status",
        "shown_joined_at",
        "added_by",
        "booking",
    ]
    fields = tuple(readonly_fields)
    inlines = [OfferInline]
    actions = ["take_off_the_waitlist"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WaitlistEntry]:
        return _scoped(request, super().get_queryset(request))

    def has_change_permission(self, request: HttpRequest, obj: WaitlistEntry | None = None) -> bool:
        # Entries change through the services (offers, leaving), never by hand.
        return False

    @admin.display(description="Therapist")
    def who(self, entry: WaitlistEntry) -> str:
        return entry.therapist.display_name if entry.therapist else "Anyone"

    @admin.display(description="Days")
    def days(self, entry: WaitlistEntry) -> str:
        return clinic_days(entry.first_day, entry.last_day)

    @admin.display(description="Parts of the day")
    def parts(self, entry: WaitlistEntry) -> str:
        return entry.parts_of_day_shown()

    @admin.display(description="Client phone")
    def phone(self, entry: WaitlistEntry) -> str:
        return phone_link(entry.client_phone)

    @admin.display(description="Offers by text")
    def text_offers(self, entry: WaitlistEntry) -> str:
        return "Yes, the client agreed" if entry.sms_opt_in else "No"

    @admin.display(description="Joined", ordering="joined_at")
    def shown_joined_at(self, entry: WaitlistEntry) -> str:
        return clinic_datetime(entry.joined_at, selectors.clinic_zone())

    @admin.action(description="Take the selected clients off the waitlist", permissions=["delete"])
    def take_off_the_waitlist(self, request: HttpRequest, queryset: WaitlistEntryQuerySet) -> None:
        for entry in queryset.waiting():
            services.leave_waitlist(entry=entry)
        self.message_user(request, "Taken off the waitlist.", messages.SUCCESS)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:entry_id>/offer/", wrap(self.offer_view), name="bookings_waitlistentry_offer"
            ),
            path(
                "call/<int:offer_id>/book/",
                wrap(self.book_for_caller_view),
                name="bookings_waitlistoffer_book",
            ),
            path(
                "call/<int:offer_id>/unreached/",
                wrap(self.unreached_view),
                name="bookings_waitlistoffer_unreached",
            ),
            *super().get_urls(),
        ]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request) or not isinstance(request.user, User):
            raise PermissionDenied
        form = StaffWaitlistForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.join_waitlist(
                    technique=data["technique"],
                    length_minutes=data["length_minutes"],
                    therapist_id=form.therapist_id(),
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    parts_of_day=data["parts_of_day"],
                    client_name=data["client_name"],
                    client_email=data["client_email"],
                    client_phone=data["client_phone"],
                    sms_opt_in=data["sms_opt_in"],
                    # Staff asked every safety question: the same rules as online.
                    intake=form.intake(),
                    acknowledged_warning=data["told_to_see_doctor"],
                    by=request.user,
                )
            except (services.WaitlistError, errors.BookingError) as error:
                form.add_error(None, errors.staff_message(error))
            else:
                self.message_user(
                    request, f"{entry.client_name} is on the waitlist.", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:bookings_waitlistentry_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Add a client to the waitlist",
            "form": form,
            **form.grouped_safety_fields(),
            "client_fields": form.client_fields(),
            "safety_fields": [form["told_to_see_doctor"]],
        }
        response = render(request, "admin/bookings/waitlistentry/add.html", context)
        response["Cache-Control"] = "private, no-store"
        return response

    def offer_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        """Offer a chosen free start to one waiting client by hand."""
        user = request.user
        if not isinstance(user, User) or not user.has_perm("bookings.add_waitlistoffer"):
            raise PermissionDenied
        entry = get_object_or_404(
            _scoped(request, WaitlistEntry.objects.waiting().select_related("technique")),
            pk=entry_id,
        )
        now = timezone.now()
        starts = free_starts_for(entry, now)
        zone = selectors.clinic_zone()
        error = ""
        if request.method == "POST":
            chosen = next((s for s in starts if s.isoformat() == request.POST.get("start")), None)
            if chosen is None:
                error = "That time is not free any more, or was not chosen. Please pick one below."
            else:
                offer = services.make_offer(entry=entry, start=chosen, now=now, by=user)
                if offer is None:
                    error = "This client was offered that time before; each time is offered once."
                else:
                    self.message_user(
                        request,
                        f"{clinic_datetime(chosen, zone)} offered to {entry.client_name}.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:bookings_waitlistentry_change", args=[entry.pk])
                    )
        offered = set(entry.offers.values_list("start", flat=True))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Offer a time to {entry.client_name}",
            "entry": entry,
            "error": error,
            "starts": [(s.isoformat(), clinic_datetime(s, zone), s in offered) for s in starts],
        }
        return render(request, "admin/bookings/waitlistentry/offer.html", context)

    def _call(self, request: HttpRequest, offer_id: int, permission: str) -> WaitlistOffer:
        if request.method != "POST":
            raise PermissionDenied
        if not request.user.has_perm(permission):
            raise PermissionDenied
        entries = _scoped(request, WaitlistEntry.objects.all())
        return get_object_or_404(
            WaitlistOffer.objects.select_related("entry__technique", "booking").filter(
                entry__in=entries
            ),
            pk=offer_id,
        )

    def _back_to_day(self, offer: WaitlistOffer) -> HttpResponse:
        day = offer.start.astimezone(selectors.clinic_zone()).date()
        return HttpResponseSeeOther(
            reverse("admin:bookings_booking_day") + f"?date={day:%Y-%m-%d}#to-call"
        )

    def book_for_caller_view(self, request: HttpRequest, offer_id: int) -> HttpResponse:
        """ "Book it for them": the client said yes on the phone."""
        offer = self._call(request, offer_id, "bookings.add_booking")
        user = request.user
        if not isinstance(user, User):
            raise PermissionDenied
        when = clinic_datetime(offer.start, selectors.clinic_zone())
        already = offer.status == OfferStatus.TAKEN
        try:
            booking = services.book_for_caller(offer=offer, by=user)
        except services.WaitlistError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            said = "was booked already" if already else "is booked"
            self.message_user(
                request,
                f"{when} {said} for {offer.entry.client_name} ({booking.reference}).",
                messages.SUCCESS,
            )
        return self._back_to_day(offer)

    def unreached_view(self, request: HttpRequest, offer_id: int) -> HttpResponse:
        """ "Couldn't reach": the time leaves the call list; the client keeps waiting."""
        offer = self._call(request, offer_id, "bookings.change_waitlistoffer")
        if services.mark_unreached(offer=offer):
            self.message_user(
                request,
                f"Noted: {offer.entry.client_name} could not be reached. They stay on the "
                "waitlist.",
                messages.INFO,
            )
        return self._back_to_day(offer)


def free_starts_for(entry: WaitlistEntry, now: datetime) -> list[datetime]:
    """The free starts in the entry's days (any part of the day: staff may ask)."""
    choices = technique_choices(entry.technique.slug, now=now)
    if choices is None:
        return []
    slots = free_starts(
        choices, length_minutes=entry.length_minutes, therapist_id=entry.therapist_id
    )
    wish = Wish(entry.first_day, entry.last_day, PARTS, entry.therapist_id)
    return suitable_starts(wish, slots, selectors.clinic_zone())


@admin.register(WaitlistOffer)
class WaitlistOfferAdmin(admin.ModelAdmin[WaitlistOffer]):
    list_display = ["entry", "shown_start", "status", "offered_by", "created_at"]
    list_filter = ["status"]
    show_full_result_count = False
    readonly_fields = ["entry", "start", "status", "offered_by", "booking", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WaitlistOffer | None = None) -> bool:
        return False

    @admin.display(description="Time offered", ordering="start")
    def shown_start(self, offer: WaitlistOffer) -> str:
        return clinic_datetime(offer.start, selectors.clinic_zone())
