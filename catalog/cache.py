"""Catalog pages served from the cache (Redis in production).

Home, the technique list, technique pages and "how massage helps" are the same for
every visitor, so their rendered HTML is kept under the page's name. Only the body is
kept: each response is still built per request, so the middleware adds its own headers
(CSP, security, cookies) as usual.

Nothing per visitor is stored or served: a visitor with a flash message waiting gets a
fresh render (the messages sit in base.html), and a render that used a CSRF token, a CSP
nonce or the session is not stored. Staff saves in admin call `clear_catalog_pages()`,
which swaps the version every stored page carries, so the next request renders afresh.
A cache that fails never breaks a page: it is rendered as if nothing were cached.
"""

import logging
from collections.abc import Callable
from uuid import uuid4

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse

logger = logging.getLogger(__name__)

VERSION_KEY = "catalog:pages:version"
PAGE_KEY = "catalog:page:{name}"
# A save made while the cache was unreachable could not clear it: this bounds how long
# such a page (or one rendered by the previous deploy's templates) can stay.
PAGE_SECONDS = 15 * 60


def clear_catalog_pages() -> None:
    """Drop every cached catalog page once the current transaction commits.

    After the commit, not before: a page rendered between the clear and the commit would
    store the old content under the new version.
    """
    transaction.on_commit(_new_version)


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid4().hex, None)
    except Exception as error:
        # Redis raises its own errors, not Django's: any failure means "not cleared".
        logger.warning(
            "Catalog pages not cleared: the cache failed (%s); they refresh within %d minutes",
            type(error).__name__,
            PAGE_SECONDS // 60,
        )


def cached_page(
    request: HttpRequest, name: str, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page `name` from the cache, or `render()` it (and keep it if it is visitor-free)."""
    if request.method not in ("GET", "HEAD") or len(get_messages(request)):
        return _rendered(render)
    key = PAGE_KEY.format(name=name)
    try:
        found = cache.get_many([VERSION_KEY, key])
    except Exception as error:
        logger.warning("Catalog page rendered: the cache failed (%s)", type(error).__name__)
        return _rendered(render)
    version = found.get(VERSION_KEY)
    page = found.get(key)
    if version is not None and page is not None and page[0] == version:
        return HttpResponse(page[1])
    if version is None:
        version = _first_version()
        if version is None:
            return _rendered(render)

    session = getattr(request, "session", None)
    session_read_before = session is None or session.accessed
    response = _rendered(render)
    if _is_the_same_for_everyone(request, response, session_read_before):
        try:
            cache.set(key, (version, response.content), PAGE_SECONDS)
        except Exception as error:
            logger.warning("Catalog page not cached: the cache failed (%s)", type(error).__name__)
    return response


def _first_version() -> str | None:
    version = uuid4().hex
    try:
        if cache.add(VERSION_KEY, version, None):
            return version
        current: str | None = cache.get(VERSION_KEY)
        return current
    except Exception as error:
        logger.warning("Catalog page rendered: the cache failed (%s)", type(error).__name__)
        return None


def _rendered(render: Callable[[], HttpResponse]) -> HttpResponse:
    response = render()
    if isinstance(response, SimpleTemplateResponse):
        response.render()
    return response


def _is_the_same_for_everyone(
    request: HttpRequest, response: HttpResponse, session_read_before: bool
) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not isinstance(getattr(request, "_csp_nonce", None), str)
        and (session_read_before or session is None or not session.accessed)
        and not len(get_messages(request))
    )
