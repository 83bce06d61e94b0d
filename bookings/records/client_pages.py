"""The client page's provisional records: "Unconfirmed: same email as Priya Shah", with
front desk's "Join to Priya" and "Different person" (records/identity.py).

ClientAdmin.get_urls adds `identity_view`; the client list and page show `unconfirmed`.
The page's sessions carry their place in a course of care (`with_course_marks`).
"""

from dataclasses import replace
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.booking import courses
from bookings.frontdesk.staff_scope import staff_scope
from bookings.models import Booking, Client
from bookings.records import identity
from bookings.records.selectors import ClientHistory, ClientSession, same_person_candidates
from clinic.display import national_phone


def unconfirmed(client: Client) -> str:
    """Staff's word for a provisional record, empty for a settled one."""
    match = client.same_email_as
    if match is None or client.merged_into_id is not None:
        return ""
    return f"Unconfirmed: same email as {match.name}"


def may_settle(request: HttpRequest, client_admin: admin.ModelAdmin[Client]) -> bool:
    """Front desk (and superusers) decide whose record a provisional one is."""
    return staff_scope(request).sees_all and client_admin.has_change_permission(request)


@require_POST
def identity_view(
    request: HttpRequest, client_admin: admin.ModelAdmin[Client], client_id: int
) -> HttpResponse:
    """ "Join to …" or "Different person", posted from the provisional client's page."""
    if not may_settle(request, client_admin) or not isinstance(request.user, User):
        raise PermissionDenied
    client = client_admin.get_queryset(request).filter(pk=client_id).first()
    if client is None:
        raise Http404("No such client.")
    now = timezone.now()
    action = request.POST.get("action")
    try:
        if action == "join":
            kept = identity.join_provisional(client=client, by=request.user, now=now)
            client_admin.message_user(request, f"Joined {client.name}'s booking to {kept.name}.")
            return HttpResponseRedirect(reverse("admin:bookings_client_change", args=[kept.pk]))
        if action == "different":
            identity.different_person(client=client, now=now)
            client_admin.message_user(request, f"{client.name} stays a record of their own.")
        else:
            raise Http404("No such action.")
    except identity.IdentityError as error:
        client_admin.message_user(request, str(error), messages.ERROR)
    return HttpResponseRedirect(reverse("admin:bookings_client_change", args=[client.pk]))


def page_context(
    request: HttpRequest, client_admin: admin.ModelAdmin[Client], client: Client
) -> dict[str, Any]:
    """The client page's notice and actions: front desk only (a therapist never learns
    whose address another person typed)."""
    desk = may_settle(request, client_admin)
    notice = unconfirmed(client) if desk else ""
    # Records an online booking (which never asks the public) may have duplicated.
    maybe_same = (
        same_person_candidates(
            name=client.name,
            phone=client.phone,
            date_of_birth=client.date_of_birth,
            leaving_out=client.pk,
        )
        if desk and client.merged_into_id is None
        else []
    )
    possible = {
        "possible_duplicates": [{"client": c, "phone": national_phone(c.phone)} for c in maybe_same]
    }
    if not notice:
        return {"unconfirmed": ""} | possible
    return possible | {
        "unconfirmed": notice,
        "same_email_as": client.same_email_as,
        "join_to": (client.same_email_as.name.split() or [""])[0] if client.same_email_as else "",
        # The client tapped the link, but the address is a household's or the names
        # differ: front desk decides.
        "email_proved": client.bookings.filter(email_confirmed_at__isnull=False).exists(),
    }


def with_course_marks(history: ClientHistory) -> ClientHistory:
    """The history with each course session's "3 of 6": one query, none without a course."""
    marks = courses.course_marks(
        Booking(pk=s.booking_id, course_id=s.course_id)
        for s in (*history.upcoming, *history.past)
        if s.course_id is not None
    )
    if not marks:
        return history

    def marked(sessions: tuple[ClientSession, ...]) -> tuple[ClientSession, ...]:
        return tuple(replace(s, course_mark=marks.get(s.booking_id, "")) for s in sessions)

    return replace(history, upcoming=marked(history.upcoming), past=marked(history.past))
