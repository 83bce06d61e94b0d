from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from clinic.urls import handler500  # noqa: F401  (the same error page as the site)


def trivial(request: HttpRequest) -> HttpResponse:
    """The baseline: the whole middleware stack, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


# bench/run.py creates it before the pages run.
FLOOR_TABLE = "bench_commit_floor"


def commit_floor(request: HttpRequest) -> HttpResponse:
    """The floor of any write: the middleware stack, one INSERT and its COMMIT."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FLOOR_TABLE} DEFAULT VALUES")
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("bench/commit/", commit_floor, name="bench_commit_floor"),
    path("", include("clinic.urls")),
]
