import hmac
import re
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers, patch_cache_control


class HttpResponseSeeOther(HttpResponseRedirect):
    """After a post: the browser fetches the next page with GET, so reload never re-posts."""

    status_code = 303


def no_store(response: HttpResponse) -> HttpResponse:
    """Health answers, client details or safety advice on the page: no cache may keep it."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


# Tokens are secrets.token_urlsafe(32): anything else is not worth a query.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")

_ModelT = TypeVar("_ModelT", bound=Model)


def row_by_token(queryset: QuerySet[_ModelT], field: str, token: str) -> _ModelT:
    """The one row whose secret `field` equals `token`, or a plain 404."""
    if not TOKEN_PATTERN.fullmatch(token):
        raise Http404
    found = queryset.filter(**{field: token}).first()
    # The index lookup finds the candidate; the final say is a constant-time comparison.
    if found is None or not hmac.compare_digest(getattr(found, field), token):
        raise Http404
    return found
