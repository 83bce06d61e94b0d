from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from clinic.urls import handler500  # noqa: F401  (the same error page as the site)


def trivial(request: HttpRequest) -> HttpResponse:
    """The baseline: the whole middleware stack, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("clinic.urls")),
]
