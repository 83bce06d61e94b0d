"""The safety questions asked again before a course's later sessions, behind the
booking's private link (the re-check email links here; bookings/booking/recheck.py).

Only answers that count are taken: until answering would cover the first session that
needs it, the page says when we will email instead. A sent answer is redirected to a
thank-you page (a GET), so reloading it sends nothing again."""

from datetime import datetime, timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bookings.booking import flow, recheck
from bookings.booking.course_forms import RecheckForm
from bookings.booking.course_pages import course_booking
from bookings.booking.recheck_rule import flagged
from bookings.models import Booking, BookingStatus, RecheckResult
from clinic.http import HttpResponseSeeOther, no_store
from clinic.protection import limit_form_posts

SENT = "sent"
THANKED = (RecheckResult.CLEAR, RecheckResult.CHANGED)


def _too_early(first_due: Booking | None, now: datetime) -> bool:
    """Answers given now would not cover the first session that needs them."""
    if first_due is None:
        return False
    return first_due.start > now + timedelta(days=recheck.interval_days())


@require_http_methods(["GET", "POST"])
@limit_form_posts
def manage_recheck(request: HttpRequest, token: str) -> HttpResponse:
    booking = course_booking(token)
    now = timezone.now()
    state = recheck.client_recheck(booking, now)
    if state is None:
        raise Http404
    course = state.course
    upcoming = course.sessions.filter(status=BookingStatus.CONFIRMED, start__gt=now).exists()
    since = timezone.localtime(state.answers_at)
    first_due = state.due[0] if state.due else None
    # The page talks about the session its link is for when that one needs it.
    this = next((b for b in state.due if b.pk == booking.pk), first_due)
    reported = flagged(course.recheck_result, course.recheck_reported_at, course.answers_at)
    context: dict[str, object] = {
        "booking": booking,
        "since": since,
        "next": this,
        "reported": reported,
        "course": course,
        "upcoming": upcoming,
        "result": "",
    }
    if request.method == "GET" and SENT in request.GET and course.recheck_result in THANKED:
        return _done(request, context | {"result": course.recheck_result})
    if not upcoming or (request.method == "GET" and not state.due and not reported):
        return _done(request, context)
    if not reported and _too_early(first_due, now):
        return _done(request, context | {"not_yet": first_due})
    form = RecheckForm(request.POST or None, since=f"{since:%A} {since.day} {since:%B}")
    if request.method == "POST":
        # An emergency sign answered yes goes to its advice at once, whatever else is
        # still unanswered (as in the booking steps).
        urgent = form.urgent_signs_said()
        if urgent or form.is_valid():
            result = recheck.record_recheck(
                booking=booking,
                emergency_signs=urgent or form.emergency_signs(),
                health_changed=not urgent and form.health_changed(),
                now=now,
            )
            if result == RecheckResult.EMERGENCY:
                return flow.urgent_page(request, booking.technique)
            url = reverse("bookings:manage_recheck", args=[booking.manage_token])
            return HttpResponseSeeOther(f"{url}?{SENT}=1")
    status = 400 if form.errors else 200
    page = render(request, "bookings/manage_recheck.html", context | {"form": form}, status=status)
    return no_store(page)


def _done(request: HttpRequest, context: dict[str, object]) -> HttpResponse:
    return no_store(render(request, "bookings/manage_recheck_done.html", context))
