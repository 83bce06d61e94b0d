from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("find-your-massage/", views.intake, name="intake"),
    # Booking a session
    path("book/<slug:slug>/", views.book, name="book"),
    path("book/<slug:slug>/confirm/", views.book_submit, name="book_submit"),
    path("booking/<str:token>/", views.booking_detail, name="booking_detail"),
]
