import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from .context_processors import clinic

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection inside a view into a calm 503 page.

    Django discards the broken connection at the end of the request (and
    CONN_HEALTH_CHECKS tests reused ones), so the next request reconnects.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # What broke and where, for whoever reads the log; never the request's data.
        match = request.resolver_match
        logger.error(
            "Database unavailable in %s: %s (SQLSTATE %s)",
            match.view_name if match is not None else "an unresolved path",
            type(exception).__name__,
            getattr(exception.__cause__, "sqlstate", None) or "none",
        )
        # Rendered without the request: context processors might touch the database.
        html = render_to_string("503.html", clinic(request))
        return HttpResponse(html, status=503, headers={"Retry-After": "30"})
