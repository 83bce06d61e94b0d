from django.urls import path

from bookings.booking import manage as views_manage
from bookings.booking import views
from bookings.intake.views import intake, intake_check, intake_result
from bookings.records import views as views_outcome
from bookings.waitlist import views as views_waitlist

app_name = "bookings"

urlpatterns = [
    path("find-your-massage/", intake, name="intake"),
    path("find-your-massage/result/", intake_result, name="intake_result"),
    path("find-your-massage/check/", intake_check, name="intake_check"),
    # Booking a session
    path("book/<slug:slug>/", views.book, name="book"),
    path("book/<slug:slug>/screen/", views.book_screen, name="book_screen"),
    path("book/<slug:slug>/confirm/", views.book_submit, name="book_submit"),
    path("book/<slug:slug>/waitlist/", views_waitlist.waitlist_join, name="waitlist_join"),
    path("waitlist/<str:token>/", views_waitlist.waitlist_entry, name="waitlist_entry"),
    path("waitlist/<str:token>/leave/", views_waitlist.waitlist_leave, name="waitlist_leave"),
    path("waitlist/offer/<str:token>/", views_waitlist.waitlist_offer, name="waitlist_offer"),
    path("booking/<str:token>/", views_manage.booking_detail, name="booking_detail"),
    path(
        "booking/<str:token>/calendar.ics",
        views_manage.booking_calendar,
        name="booking_calendar",
    ),
    path("manage/<str:token>/", views_manage.manage, name="manage"),
    path("manage/<str:token>/cancel/", views_manage.manage_cancel, name="manage_cancel"),
    path(
        "manage/<str:token>/reschedule/", views_manage.manage_reschedule, name="manage_reschedule"
    ),
    path("how-is-your-back/<str:token>/", views_outcome.outcome, name="outcome"),
    path("calendar/<str:token>.ics", views_manage.calendar_feed, name="calendar_feed"),
]
