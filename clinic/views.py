from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

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


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever a page links to (the admin links none), and
    # a 404 for every page view only hides real ones in the logs.
    return redirect(static("img/favicon.svg"), permanent=True)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "600"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: whatever broke (the database, a context processor) must not
    # break the error page too.
    return HttpResponse(render_to_string("500.html", clinic(request)), status=500)
