from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("find-your-massage/", views.intake, name="intake"),
]
