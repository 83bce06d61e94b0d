from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of whoever sent the request, as far as our own proxies vouch for it.

    Behind N trusted proxies (TRUSTED_PROXY_COUNT), the client is the Nth entry from
    the right of X-Forwarded-For; anything further left was written by the client and
    could be forged to dodge rate limits.
    """
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies:
        header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    address: str = request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104
    return address
