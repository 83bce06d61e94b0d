"""The desk's *Add booking*: a phone or walk-in client booked from a day-view gap.

The gap's "+" opens it with the therapist and start filled and the cursor in the client
search. Typing shows the matches (one match is chosen for you); choosing a client sets
the technique and length from their last session, else from what the therapist is
booked for most; the length menu holds the technique's lengths only. Each change re-reads
the free times in place through django-htmx: the response swaps, out of band, the free
times and only what the change alters (the technique and length, the start, the
matches), never a field the desk may be typing in; htmx keeps the focus, and changes
queue behind the one in flight, only the last kept (`hx-sync`). Without JavaScript,
"Show free times" and "Find client" post the whole form and the page returns scrolled
to what was asked.
A typed new client whose phone another record holds is asked about first: "Use Priya
Shah, 07700 900100?" or "No, a different person".
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings.booking import services
from bookings.booking.errors import BookingError, staff_message
from bookings.booking.selectors import staff_free_starts
from bookings.frontdesk import selectors as desk_selectors
from bookings.frontdesk.forms import StaffBookingForm, technique_lengths
from bookings.frontdesk.views import admin_context, asked_when, staff_user
from bookings.models import Booking, Client, Therapist
from bookings.payments import desk_link
from bookings.payments import selectors as payment_selectors
from bookings.payments import services as payment_services
from bookings.payments.gateway import GatewayUnavailable
from bookings.records.admin import search_clients
from bookings.records.selectors import same_person_candidates
from bookings.scheduling import selectors
from catalog.models import Technique
from clinic.display import clinic_datetime, national_phone
from clinic.http import no_store

# A search offers this many clients; more means the desk should type more of it.
CLIENT_CHOICES = 10

# The length the desk most often means when nothing says otherwise.
USUAL_MINUTES = 60

# What a change re-renders besides the free times: a choice of technique or client may
# change the technique and length; a search, the matches too.
SEARCHING = ("client_search", "find")
CHOOSING = ("technique", "client", *SEARCHING)


def _initial_from_query(request: HttpRequest) -> dict[str, Any]:
    """A gap link's therapist and start, or a date, prefill the form; nonsense is ignored."""
    initial: dict[str, Any] = {}
    therapist = request.GET.get("therapist", "")
    if therapist.isdigit():
        initial["therapist"] = int(therapist)
    initial |= asked_when(request)[1]
    for name in ("technique", "length_minutes"):
        if request.GET.get(name, "").isdigit():
            initial[name] = int(request.GET[name])
    if request.GET.get("client", "").isdigit():
        # "Book again" from a client's page: their record's details, ready to book.
        client = Client.objects.filter(pk=int(request.GET["client"])).first()
        if client is not None:
            client = client.merged_into or client
            initial |= {"client": client.pk}
    _fill_defaults(initial, client_chosen="client" in initial)
    return initial


def _as_id(value: object) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


def _fill_defaults(values: Any, *, client_chosen: bool) -> None:
    """Technique and length from the client's last session (when a client was just
    chosen) or the therapist's most booked, where the desk has not chosen one; a length
    the technique is not offered in becomes one it is. `values`: initial or POST data."""
    therapist_id = _as_id(values.get("therapist"))
    client_id = _as_id(values.get("client"))
    if client_chosen or not _as_id(values.get("technique")):
        default = desk_selectors.session_default(
            client_id=client_id if client_chosen else None,
            therapist_id=therapist_id,
            offered=desk_selectors.offered_techniques(therapist_id),
        )
        if default is not None and (client_chosen or not _as_id(values.get("technique"))):
            values["technique"] = default.technique_id
            values["length_minutes"] = default.length_minutes
    technique_id = _as_id(values.get("technique"))
    if technique_id is None:
        return
    lengths = technique_lengths(technique_id)
    if lengths and _as_id(values.get("length_minutes")) not in lengths:
        values["length_minutes"] = USUAL_MINUTES if USUAL_MINUTES in lengths else lengths[0]


def _settled_post(request: HttpRequest) -> tuple[QueryDict, str]:
    """The posted form with what the last click or keystroke implies filled in, and
    which field (or button) it was."""
    data = request.POST.copy()
    trigger = request.headers.get("HX-Trigger-Name", "") or data.get("action", "")
    if picked := data.get("pick", ""):
        # A free time's button: that time, and the page stays where it was.
        data["time"] = picked
        trigger = "pick"
    if chosen := _as_id(data.get("use_client")):
        data["client"] = str(chosen)
        data["action"] = "book"
    if data.get("different_person_button"):
        data["different_person"] = "on"
        data["action"] = "book"
    searched = trigger in ("client_search", "find") or "client" not in data
    just_chosen = trigger == "client"
    term = data.get("client_search", "").strip()
    if searched and term and data.get("action") != "book":
        found = list(_matches(term)[:2])
        if len(found) == 1 and data.get("client") != str(found[0].pk):
            data["client"] = str(found[0].pk)
            just_chosen = True
    if data.get("action") != "book":
        # What the desk sees is what books: nothing posted with "Book" is changed.
        _fill_defaults(data, client_chosen=just_chosen and bool(_as_id(data.get("client"))))
    return data, trigger


def _matches(term: str) -> QuerySet[Client]:
    return search_clients(Client.objects.current(), term).order_by("name", "pk")


def _client_choices(data: QueryDict | None, initial: dict[str, Any]) -> QuerySet[Client]:
    """The clients the form offers: the search's matches and the one already chosen."""
    current = Client.objects.current()
    posted = data if data is not None else QueryDict()
    given = (posted.get("client", ""), initial.get("client"))
    chosen = [pk for pk in map(_as_id, given) if pk is not None]
    term = posted.get("client_search", "")
    found = list(_matches(term).values_list("pk", flat=True)[:CLIENT_CHOICES])
    return current.filter(pk__in=[*found, *chosen]).order_by("name", "pk")


def _session_values(form: StaffBookingForm) -> dict[str, Any]:
    if form.is_bound:
        return dict(getattr(form, "cleaned_data", {}))
    values = dict(form.initial)
    technique_id = values.get("technique")
    values["technique"] = (
        Technique.objects.active().filter(pk=technique_id).first() if technique_id else None
    )
    return values


def _free_times(form: StaffBookingForm) -> list[datetime] | None:
    """The free starts on the chosen day for what the form holds so far, in clinic time;
    None until a technique, a length and a day are chosen."""
    values = _session_values(form)
    technique, length, day = (
        values.get("technique"),
        values.get("length_minutes"),
        values.get("day"),
    )
    if technique is None or not length or day is None:
        return None
    therapist = values.get("therapist")
    therapist_id = therapist.pk if isinstance(therapist, Therapist) else therapist
    slots = staff_free_starts(
        technique=technique,
        length_minutes=int(length),
        therapist_id=therapist_id,
        day=day,
        now=timezone.now(),
    )
    return [timezone.localtime(slot.start, selectors.clinic_zone()) for slot in slots]


def _chosen_time(form: StaffBookingForm) -> str:
    values = _session_values(form)
    wall = values.get("time")
    return f"{wall:%H:%M}" if isinstance(wall, time) else ""


def _duplicates(form: StaffBookingForm) -> list[dict[str, Any]]:
    """Records a typed new client may already have (same phone), unless the desk said
    "No, a different person"."""
    data = form.cleaned_data
    if data.get("client") or data.get("different_person") or not data.get("client_phone"):
        return []
    return [
        {"client": c, "phone": national_phone(c.phone)}
        for c in same_person_candidates(name=data["client_name"], phone=data["client_phone"])
    ]


def staff_booking_view(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking]
) -> HttpResponse:
    """Book a phone or walk-in client through book_session with the desk's overrides."""
    # BookingAdmin.has_add_permission already asks for the desk's scope.
    if not booking_admin.has_add_permission(request):
        raise PermissionDenied
    therapists = Therapist.objects.active().order_by("display_name")
    initial = _initial_from_query(request)
    live_url = request.get_full_path()
    data, trigger = _settled_post(request) if request.method == "POST" else (None, "")
    clients = _client_choices(data, initial)
    form = StaffBookingForm(
        data, initial=initial, therapists=therapists, clients=clients, live_url=live_url
    )
    booking_now = data is not None and data.get("action") == "book"
    duplicates: list[dict[str, Any]] = []
    if booking_now and form.is_valid():
        if repeated := _just_booked(request, form):
            # "Book" sent twice (a double click, a resent form): the first one booked it.
            return _booked(request, booking_admin, repeated)
        duplicates = _duplicates(form)
        if not duplicates:
            booked = _book(request, booking_admin, form)
            if booked is not None:
                return booked
    if form.is_bound and not booking_now:
        # Choosing, searching and "Show free times" are not a booking yet: no complaints.
        form.is_valid()
        form.errors.clear()
    context = admin_context(request, booking_admin, "Book a phone or walk-in client")
    context |= _page_context(form, clients, duplicates=duplicates)
    if request.headers.get("HX-Request") == "true" and not booking_now:
        context |= {
            "swap_choice": trigger in CHOOSING,
            "swap_time": trigger == "pick",
            "swap_matches": trigger in SEARCHING,
        }
        return no_store(render(request, "admin/bookings/booking/_staff_book_live.html", context))
    return no_store(render(request, "admin/bookings/booking/staff_book.html", context))


def _book(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], form: StaffBookingForm
) -> HttpResponse | None:
    data = form.cleaned_data
    try:
        booking = services.book_session(
            therapist_id=data["therapist"].pk if data["therapist"] else None,
            technique=data["technique"],
            length_minutes=data["length_minutes"],
            start=form.start(),
            client_name=data["client_name"],
            client_email=data["client_email"],
            client_phone=data["client_phone"],
            client_id=data["client"].pk if data["client"] else None,
            # Staff asked every safety question: the same rules as online.
            intake=form.intake(),
            clinical_override_reason=form.override_reason(),
            sms_opt_in=data["sms_opt_in"],
            consent=data["consent"],
            acknowledged_warning=data["told_to_see_doctor"],
            by=staff_user(request),
            ignore_notice_and_horizon=True,
            outside_hours_reason=data["outside_hours_reason"] if data["outside_hours"] else "",
        )
    except BookingError as error:
        repeated = _just_booked(request, form)
        if repeated is None:
            form.add_error(None, staff_message(error))
            return None
        # Two "Book"s at once: the other one booked it.
        booking = repeated
    else:
        if data.get("payment") == "link":
            _send_payment_link(request, booking)
    return _booked(request, booking_admin, booking)


def _send_payment_link(request: HttpRequest, booking: Booking) -> None:
    """The desk chose a payment link: the booking stands whatever becomes of it."""
    try:
        desk_link.request_payment(booking=booking, now=timezone.now())
    except payment_services.PaymentRefused as refused:
        messages.warning(request, f"No payment link was sent: {refused.message}")
    except GatewayUnavailable:
        messages.warning(
            request, "Stripe did not answer, so no payment link was sent: send it from the booking."
        )
    else:
        messages.info(request, f"Payment link emailed to {booking.client_email}.")


def _booked(
    request: HttpRequest, booking_admin: admin.ModelAdmin[Booking], booking: Booking
) -> HttpResponse:
    local = timezone.localtime(booking.start, selectors.clinic_zone())
    booking_admin.message_user(
        request,
        f"Booked {booking.client_name} with {booking.therapist.display_name} on "
        f"{clinic_datetime(booking.start, selectors.clinic_zone())} "
        f"(reference {booking.reference}).",
        messages.SUCCESS,
    )
    return HttpResponseRedirect(f"{reverse('admin:bookings_booking_day')}?{_day_query(local)}")


# A repeat of the same "Book" this soon is the same booking, not a clash.
REPEAT_WINDOW = timedelta(minutes=5)


def _just_booked(request: HttpRequest, form: StaffBookingForm) -> Booking | None:
    data = form.cleaned_data
    found = Booking.objects.active().filter(
        booked_by=staff_user(request),
        start=form.start(),
        technique=data["technique"],
        created_at__gte=timezone.now() - REPEAT_WINDOW,
    )
    if data["client"] is not None:
        found = found.filter(client=data["client"])
    else:
        found = found.filter(client_name=data["client_name"], client_phone=data["client_phone"])
    return found.select_related("therapist").first()


def _day_query(local: datetime) -> str:
    return urlencode({"date": f"{local:%Y-%m-%d}"})


def _page_context(
    form: StaffBookingForm, clients: QuerySet[Client], *, duplicates: list[dict[str, Any]]
) -> dict[str, Any]:
    free = _free_times(form)
    values = _session_values(form)
    shown_day: date | None = values.get("day")
    chosen_client = values.get("client") if form.is_bound else None
    return {
        "form": form,
        "choice_fields": [form["technique"], form["length_minutes"]],
        "where_fields": [form["therapist"], form["day"]],
        "time_fields": [form["time"]],
        "client_search_fields": [form["client_search"]],
        "client_choice_fields": [form["client"]] if clients else [],
        "client_fields": [
            form[n] for n in ("client_name", "client_phone", "sms_opt_in", "client_email")
        ],
        "chosen_client": chosen_client,
        **form.grouped_safety_fields(),
        "safety_fields": [form[n] for n in ("told_to_see_doctor", "consent")],
        "clinical_override_fields": [
            form[n] for n in ("clinical_override", "clinical_override_reason")
        ],
        "override_fields": [form[n] for n in ("outside_hours", "outside_hours_reason")],
        "free_times": free or [],
        "free_times_asked": free is not None,
        "chosen_time": _chosen_time(form),
        "chosen_is_free": _chosen_time(form) in {f"{t:%H:%M}" for t in free or []},
        "shown_day": shown_day,
        "duplicates": duplicates,
        "payment_fields": [form["payment"]] if payment_selectors.desk_may_ask() else [],
    }
