"""What a message says: the email (text, HTML and calendar file) and the text message
for a Notification row, rendered when it is sent."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bookings.booking.selectors import online_changes_until
from bookings.messaging.ics import CalendarEvent, calendar_file
from bookings.models import (
    Booking,
    BookingStatus,
    ClinicRules,
    Notification,
    NotificationChannel,
    NotificationKind,
    OutcomeRequest,
    Payment,
    PaymentKind,
)
from bookings.payments import selectors as payment_selectors

CLIENT_KINDS = {
    NotificationKind.CONFIRMATION,
    NotificationKind.RESCHEDULE,
    NotificationKind.CANCELLATION,
    NotificationKind.CANCELLED_BY_CLINIC,
    NotificationKind.REMINDER,
}
CANCELLATION_KINDS = {NotificationKind.CANCELLATION, NotificationKind.CANCELLED_BY_CLINIC}
PAYMENT_EMAIL_KINDS = {
    NotificationKind.RECEIPT,
    NotificationKind.LATE_REFUND,
    NotificationKind.REFUND,
}
REFUND_KINDS = {NotificationKind.LATE_REFUND, NotificationKind.REFUND}
# About money, not about the session's time: sent whatever became of the session.
PAYMENT_KINDS = PAYMENT_EMAIL_KINDS | {NotificationKind.HOLD_RELEASED}
# A course's one email about several sessions (notifications.notify_course_*).
# The desk's one note about a course (its sessions in `course_sessions`).
CLINIC_COURSE_SUBJECTS = {
    NotificationKind.CLINIC_BOOKED: "New course {reference}: {count} more sessions",
    NotificationKind.CLINIC_CANCELLED: "Course {reference}: {count} sessions cancelled",
}
COURSE_KINDS = {NotificationKind.COURSE_BOOKED, NotificationKind.COURSE_CANCELLED}
CLINIC_KINDS = {
    NotificationKind.CLINIC_BOOKED,
    NotificationKind.CLINIC_RESCHEDULED,
    NotificationKind.CLINIC_CANCELLED,
}

SUBJECTS = {
    NotificationKind.CONFIRMATION: "Your massage is booked: {when}",
    NotificationKind.RESCHEDULE: "Your massage has moved: {when}",
    NotificationKind.CANCELLATION: "Your massage on {when} is cancelled",
    NotificationKind.CANCELLED_BY_CLINIC: "Your massage on {when} is cancelled: we are sorry",
    NotificationKind.REMINDER: "Reminder: your massage {when}",
    NotificationKind.CLINIC_BOOKED: "New booking {reference}: {when}",
    NotificationKind.CLINIC_RESCHEDULED: "Booking {reference} moved: {when}",
    NotificationKind.CLINIC_CANCELLED: "Booking {reference} cancelled: {when}",
    NotificationKind.OUTCOME_ASK: "How is your back today?",
    NotificationKind.HOME_CARE: "Your home-care plan is ready",
    NotificationKind.RECEIPT: "Your receipt: massage on {when}",
    NotificationKind.HOLD_RELEASED: "Not booked, nothing charged: {when}",
    NotificationKind.LATE_REFUND: "Refunded: the time on {when} was no longer free",
    NotificationKind.REFUND: "Refund for your massage on {when}",
    NotificationKind.PAYMENT_LINK: "Your massage on {when}: payment",
    # No health words: the subject sits in an inbox list (bookings/booking/recheck.py).
    NotificationKind.SAFETY_RECHECK: "A few questions before your massage on {when}",
    NotificationKind.COURSE_BOOKED: "Your course of {count} massages is booked, from {when}",
    NotificationKind.COURSE_CANCELLED: "{count} massages of your course are cancelled",
}


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def calendar_uid(booking: Booking) -> str:
    # Stable for the booking's life, so a move or a cancellation updates the same entry.
    return f"booking-{booking.reference}@{site_domain()}"


def manage_url(booking: Booking) -> str:
    return f"{settings.SITE_URL}{reverse('bookings:manage', args=[booking.manage_token])}"


def home_care_url(booking: Booking) -> str:
    """Where the client reads their home-care plan: behind the booking's private link."""
    path = reverse("bookings:home_care", args=[booking.manage_token])
    return f"{settings.SITE_URL}{path}"


def recheck_url(booking: Booking) -> str:
    """A course's safety re-check page, behind the booking's private link."""
    path = reverse("bookings:manage_recheck", args=[booking.manage_token])
    return f"{settings.SITE_URL}{path}"


def confirm_email_url(booking: Booking) -> str:
    """The booking email's "Confirm your email" link, while the address is unproven."""
    if booking.email_token is None or booking.email_confirmed_at is not None:
        return ""
    return f"{settings.SITE_URL}{reverse('bookings:confirm_email', args=[booking.email_token])}"


def outcome_url(outcome: OutcomeRequest) -> str:
    return f"{settings.SITE_URL}{reverse('bookings:outcome', args=[outcome.token])}"


def book_again_url(booking: Booking) -> str:
    """The technique's booking page while it is offered, else the home page."""
    if booking.technique.is_active:
        return f"{settings.SITE_URL}{reverse('bookings:book', args=[booking.technique.slug])}"
    return f"{settings.SITE_URL}/"


def booking_of(notification: Notification) -> Booking:
    """The booking a message is about; waitlist offers have none and never come here."""
    if notification.booking is None:
        raise ValueError(f"Notification {notification.pk} is not about a booking")
    return notification.booking


def clinic_details() -> dict[str, str]:
    """The clinic as every email and text signs off."""
    return {
        "name": settings.CLINIC_NAME,
        "address": settings.CLINIC_ADDRESS,
        "phone": settings.CLINIC_PHONE,
        "email": settings.CLINIC_EMAIL,
        "currency": settings.CLINIC_CURRENCY_SYMBOL,
        "brand_colour": settings.CLINIC_BRAND_COLOUR,
    }


def _first_name(booking: Booking) -> str:
    parts = booking.client_name.split()
    return parts[0] if parts else ""


def _calendar_event(notification: Notification) -> CalendarEvent:
    return session_event(
        booking_of(notification),
        start=notification.session_start,
        sequence=notification.calendar_sequence,
        cancelled=notification.kind in CANCELLATION_KINDS,
    )


def session_event(
    booking: Booking, *, start: datetime, sequence: int, cancelled: bool
) -> CalendarEvent:
    """A session's calendar event: one UID for the booking's life (`calendar_uid`)."""
    return CalendarEvent(
        uid=calendar_uid(booking),
        start=start,
        end=start + timedelta(minutes=booking.length_minutes),
        summary=f"{booking.technique.name} with {booking.therapist.display_name}",
        location=f"{settings.CLINIC_NAME}, {settings.CLINIC_ADDRESS}",
        description=f"Booking reference {booking.reference}. "
        f"To change or cancel: {manage_url(booking)}",
        sequence=sequence,
        cancelled=cancelled,
        organizer_email=settings.CLINIC_EMAIL,
        attendee_email=booking.client_email,
    )


def course_sessions_of(notification: Notification) -> list[tuple[Booking, int]]:
    """The sessions a course's email is about, by start, with their calendar sequence:
    for "booked" those still confirmed, for "cancelled" those still cancelled (one
    reinstated since is no longer cancelled by a late retry)."""
    sequences = {booking_id: sequence for booking_id, sequence in notification.course_sessions}
    cancelled = (NotificationKind.COURSE_CANCELLED, NotificationKind.CLINIC_CANCELLED)
    wanted = BookingStatus.CANCELLED if notification.kind in cancelled else BookingStatus.CONFIRMED
    rows = (
        Booking.objects.filter(pk__in=sequences, status=wanted)
        .select_related("technique", "therapist")
        .order_by("start", "pk")
    )
    return [(row, sequences[row.pk]) for row in rows]


def _course_context(notification: Notification) -> dict[str, object]:
    # A course's email to the client, or the desk's one note about a course.
    if notification.kind not in COURSE_KINDS and not notification.course_sessions:
        return {}
    sessions = []
    for session, _ in course_sessions_of(notification):
        start = timezone.localtime(session.start)
        sessions.append(
            {
                "start": start,
                "end": start + timedelta(minutes=session.length_minutes),
                "therapist": session.therapist.display_name,
                "reference": session.reference,
                "manage_url": manage_url(session),
            }
        )
    lead = booking_of(notification)
    left_out = [position for booking_id, position in notification.course_sessions if not booking_id]
    return {
        "sessions": sessions,
        "left_out": left_out,
        # Staff cancelling because the client asked keep no message for them
        # (courses.cancel_in_course): the email is the client's own "As you asked".
        "by_clinic": lead.cancelled_by_id is not None and bool(lead.client_message),
        "window_hours": ClinicRules.load().cancellation_window_hours,
    }


# Email clients drop <style> blocks or parts of them, so the layout's styles go into
# each element; the block stays for what cannot be inlined (dark mode, small screens).
_INLINER = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def render_html(template_name: str, context: dict[str, object]) -> str:
    return _INLINER.inline(render_to_string(template_name, context))


def email_context(notification: Notification, *, now: datetime) -> dict[str, object]:
    booking = booking_of(notification)
    start = timezone.localtime(notification.session_start)
    previous = notification.previous_start
    return {
        "kind": notification.kind,
        "booking": booking,
        "first_name": _first_name(booking),
        "start": start,
        "end": start + timedelta(minutes=booking.length_minutes),
        "previous_start": timezone.localtime(previous) if previous else None,
        # Worked out when it is sent: a retry an hour later must not promise a change
        # online that is no longer possible.
        "changes_until": online_changes_until(
            notification.session_start, rules=ClinicRules.load(), now=now
        ),
        "manage_url": manage_url(booking),
        "confirm_email_url": confirm_email_url(booking)
        if notification.kind == NotificationKind.CONFIRMATION
        else "",
        "book_again_url": book_again_url(booking),
        # The clinic's words to the client, never its reason (staff only).
        "client_message": booking.client_message,
        "outcome_url": _outcome_url_of(notification),
        "home_care_url": home_care_url(booking)
        if notification.kind == NotificationKind.HOME_CARE
        else "",
        "recheck_url": recheck_url(booking)
        if notification.kind == NotificationKind.SAFETY_RECHECK
        else "",
        "clinic": clinic_details(),
        "receipt_url": receipt_url(booking),
        **_payment_context(notification, booking),
        **_course_context(notification),
    }


def _payment_context(notification: Notification, booking: Booking) -> dict[str, object]:
    """The payment policy in the client's words, and for a payment email the amount of
    the latest movement it is about."""
    asked = payment_selectors.asked_by_desk(booking)
    words = payment_selectors.words(payment_selectors.booking_terms(booking), asked=asked)
    link = ""
    if notification.kind == NotificationKind.PAYMENT_LINK:
        link = settings.SITE_URL + reverse("bookings:payment_page", args=[booking.manage_token])
    last = ""
    if notification.kind in PAYMENT_EMAIL_KINDS:
        kind = PaymentKind.REFUND if notification.kind in REFUND_KINDS else None
        rows = Payment.objects.succeeded().filter(booking=booking)
        rows = rows.filter(kind=kind) if kind else rows.exclude(kind=PaymentKind.REFUND)
        row = rows.order_by("-at", "-pk").first()
        last = payment_selectors.show(row.amount_minor) if row else ""
    return {
        "payment_words": words,
        "payment_last": last,
        "payment_url": link,
        "price_line": payment_selectors.price_line(booking),
    }


def receipt_url(booking: Booking) -> str:
    path = reverse("bookings:payment_receipt", args=[booking.manage_token])
    return f"{settings.SITE_URL}{path}"


def _outcome_url_of(notification: Notification) -> str:
    if notification.kind != NotificationKind.OUTCOME_ASK:
        return ""
    outcome = OutcomeRequest.objects.filter(booking=notification.booking_id).first()
    return outcome_url(outcome) if outcome else ""


def build_message(notification: Notification, *, now: datetime) -> EmailMultiAlternatives:
    booking = booking_of(notification)
    context = email_context(notification, now=now)
    start = timezone.localtime(notification.session_start)
    template = "clinic_note" if notification.kind in CLINIC_KINDS else notification.kind
    listed = context.get("sessions")  # a course's email: the sessions it lists
    subject_of = SUBJECTS[NotificationKind(notification.kind)]
    if notification.kind in CLINIC_KINDS and isinstance(listed, list):
        subject_of = CLINIC_COURSE_SUBJECTS.get(NotificationKind(notification.kind), subject_of)
    subject = subject_of.format(
        when=f"{start:%A} {start.day} {start:%B} at {start:%H:%M}",
        reference=booking.reference,
        count=len(listed) if isinstance(listed, list) else 0,
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        reply_to=[settings.CLINIC_EMAIL],
    )
    message.attach_alternative(render_html(f"emails/{template}.html", context), "text/html")
    if notification.kind in CLIENT_KINDS:
        cancelling = notification.kind in CANCELLATION_KINDS
        message.attach(
            "cancellation.ics" if cancelling else "booking.ics",
            calendar_file(
                [_calendar_event(notification)],
                now=now,
                method="CANCEL" if cancelling else "REQUEST",
            ),
            "text/calendar",
        )
    if notification.kind in COURSE_KINDS:
        message.attach(*course_calendar(notification, now=now), "text/calendar")
    return message


def course_calendar(notification: Notification, *, now: datetime) -> tuple[str, bytes]:
    """A course's calendar file: one event per session, each with its own UID, so a
    session moved or cancelled later updates its own event alone."""
    cancelling = notification.kind == NotificationKind.COURSE_CANCELLED
    events = [
        session_event(session, start=session.start, sequence=sequence, cancelled=cancelling)
        for session, sequence in course_sessions_of(notification)
    ]
    method = "CANCEL" if cancelling else "REQUEST"
    name = "cancellation.ics" if cancelling else "course.ics"
    return name, calendar_file(events, now=now, method=method)


def text_body(notification: Notification) -> str:
    """A text's words: first name, day and time, clinic, link. Texts sit on lock
    screens, so no surname, no technique, nothing about the client's health."""
    booking = booking_of(notification)
    return render_to_string(
        f"sms/{notification.kind}.txt",
        {
            "first_name": _first_name(booking),
            "start": timezone.localtime(notification.session_start),
            "manage_url": manage_url(booking),
            "clinic": clinic_details(),
        },
    ).strip()


def calendar_for(booking: Booking, *, now: datetime) -> bytes:
    """The client's .ics for the session as it stands, the same event the emails carry."""
    latest = (
        Notification.objects.for_booking(booking)
        .filter(kind__in=CLIENT_KINDS, channel=NotificationChannel.EMAIL)
        .order_by("-calendar_sequence", "-pk")
        .first()
    )
    notification = Notification(
        booking=booking,
        kind=NotificationKind.CONFIRMATION,
        session_start=booking.start,
        calendar_sequence=latest.calendar_sequence if latest else 0,
    )
    return calendar_file([_calendar_event(notification)], now=now, method="PUBLISH")
