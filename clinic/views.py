from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from .context_processors import clinic


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when this server can use the database, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "600"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: whatever broke (the database, a context processor) must not
    # break the error page too.
    return HttpResponse(render_to_string("500.html", clinic(request)), status=500)
