from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("find-your-massage/", views.intake, name="intake"),
    # Booking a session
    path("book/<slug:slug>/", views.book, name="book"),
    path("book/<slug:slug>/confirm/", views.book_submit, name="book_submit"),
    path("booking/<str:token>/", views.booking_detail, name="booking_detail"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("manage/<str:token>/reschedule/", views.manage_reschedule, name="manage_reschedule"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
