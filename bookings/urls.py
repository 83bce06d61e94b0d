from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("manage/<str:token>/reschedule/", views.manage_reschedule, name="manage_reschedule"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
