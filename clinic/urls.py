from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Clinic administration"
admin.site.site_title = "Clinic admin"
admin.site.index_title = "Schedules, bookings and techniques"

urlpatterns = [
    path("", include("catalog.urls")),
    path("", include("bookings.urls")),
    path("admin/", admin.site.urls),
]
