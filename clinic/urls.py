from django.contrib import admin
from django.urls import include, path

from bookings.intake.admin import try_warning_phrases_view

from . import views

handler500 = "clinic.views.server_error"

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("", include("catalog.urls")),
    path("", include("bookings.urls")),
    path(
        "admin/catalog/warningphrase/try/",
        admin.site.admin_view(try_warning_phrases_view),
        name="admin_try_warning_phrases",
    ),
    path("admin/", admin.site.urls),
]
