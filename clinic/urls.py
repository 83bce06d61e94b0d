from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Clinic administration"
admin.site.site_title = "Clinic admin"
admin.site.index_title = "Schedules, bookings and techniques"

handler500 = "clinic.views.server_error"

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("", include("catalog.urls")),
    path("", include("bookings.urls")),
    path("admin/", admin.site.urls),
]
