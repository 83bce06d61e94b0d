"""The waitlist in the admin: front desk sees who waits, adds phone clients, offers times."""

from datetime import date, datetime
from typing import Any

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
from bookings.models import WaitlistEntry, WaitlistOffer
from bookings.models.waitlist import WaitlistEntryQuerySet
from bookings.scheduling import selectors
from bookings.waitlist import services
from bookings.waitlist.forms import StaffWaitlistForm
from bookings.waitlist.matching import PARTS, Wish, suitable_starts
from clinic.admin import LabelledTabularInline
from clinic.display import clinic_datetime


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


class OfferInline(LabelledTabularInline[WaitlistOffer, WaitlistEntry]):
    model = WaitlistOffer
    extra = 0
    fields = ["shown_start", "status", "offered_by", "booking"]
    readonly_fields = ["shown_start", "status", "offered_by", "booking"]
    can_delete = False

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
        "client_phone",
        "sms_opt_in",
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
        return f"{entry.first_day:%a} {entry.first_day.day} {entry.first_day:%b %Y} to " + (
            f"{entry.last_day:%a} {entry.last_day.day} {entry.last_day:%b %Y}"
        )

    @admin.display(description="Parts of the day")
    def parts(self, entry: WaitlistEntry) -> str:
        return ", ".join(entry.parts_of_day)

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
                form.add_error(None, error.message)
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
