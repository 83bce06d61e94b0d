"""The front desk's pages inside the booking admin (BookingAdmin.get_urls adds them)."""

from django.contrib import admin
from django.urls import URLPattern, path

from bookings.frontdesk.courses import book_course_view, cancel_course_view, course_view
from bookings.frontdesk.day_view import day_view
from bookings.frontdesk.views import cancel_view, move_view
from bookings.models import Booking


def urls(booking_admin: admin.ModelAdmin[Booking]) -> list[URLPattern]:
    page = booking_admin.admin_site.admin_view
    kwargs = {"booking_admin": booking_admin}
    return [
        path("day/", page(day_view), kwargs, name="bookings_booking_day"),
        path("<int:booking_id>/move/", page(move_view), kwargs, name="bookings_booking_move"),
        path("<int:booking_id>/cancel/", page(cancel_view), kwargs, name="bookings_booking_cancel"),
        path("<int:booking_id>/course/", page(course_view), kwargs, name="bookings_booking_course"),
        path(
            "<int:booking_id>/course/book/",
            page(book_course_view),
            kwargs,
            name="bookings_booking_course_book",
        ),
        path(
            "<int:booking_id>/course/cancel/",
            page(cancel_course_view),
            kwargs,
            name="bookings_booking_course_cancel",
        ),
    ]
