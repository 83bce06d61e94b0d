from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .context_processors import clinic
from .http import no_store
from .protection import HONEYPOT_FIELD, FormPostsLimited, form_rate_window


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when this server can use the database, 503 when not.

    The email worker's last heartbeat is reported for people and monitors, but never
    fails the check: a stopped worker delays emails, it does not stop the site.
    """
    from bookings.models import WorkerHeartbeat

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        last_seen = WorkerHeartbeat.objects.latest_beat()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "worker_last_seen": last_seen.isoformat() if last_seen else None,
        }
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever a page links to (the admin links none), and
    # a 404 for every page view only hides real ones in the logs.
    return redirect(static("img/favicon.svg"), permanent=True)


def _in_words(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return "an hour" if hours == 1 else f"{hours} hours"
    return "a minute" if minutes == 1 else f"{minutes} minutes"


# Never carried over to the "send again" form: a fresh token comes with the page, and
# the spam trap stays empty.
_NOT_KEPT = {"csrfmiddlewaretoken", HONEYPOT_FIELD}


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The limiter counts in fixed windows: the client may post again when this one ends.
    window = form_rate_window()
    seconds_left = exception.seconds_left if isinstance(exception, FormPostsLimited) else window
    # What was typed stays: the page holds it in a form that sends it again once the
    # wait is over (and Back still returns to the filled-in form).
    kept = [
        (name, value)
        for name in request.POST
        if name not in _NOT_KEPT
        for value in request.POST.getlist(name)
    ]
    context = {
        "window": _in_words(window),
        "wait": _in_words(seconds_left),
        "kept": kept,
        "action": request.get_full_path(),
    }
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(seconds_left)
    return no_store(response)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: whatever broke (the database, a context processor) must not
    # break the error page too.
    return HttpResponse(render_to_string("500.html", clinic(request)), status=500)
