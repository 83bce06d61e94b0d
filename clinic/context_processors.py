from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

# The menu in base.html: name in the template -> URL name.
MENU = {
    "home": "catalog:home",
    "techniques": "catalog:technique_list",
    "how_massage_helps": "catalog:how_massage_helps",
    "intake": "bookings:intake",
    "my_bookings": "bookings:account",
}


def clinic(request: HttpRequest | None = None) -> dict[str, object]:
    """The clinic's details for every page; the same for every visitor (the booking steps
    render their kept lists with it, without a request)."""
    return {
        "clinic": {
            "name": settings.CLINIC_NAME,
            "address": settings.CLINIC_ADDRESS,
            "phone": settings.CLINIC_PHONE,
            "email": settings.CLINIC_EMAIL,
            "currency": settings.CLINIC_CURRENCY_SYMBOL,
            "health_retention_days": settings.HEALTH_ANSWERS_RETENTION_DAYS,
            # Outcome answers and their intake baseline are kept as treatment notes are.
            "outcome_retention_years": settings.NOTES_RETENTION_YEARS,
            "emergency_number": settings.EMERGENCY_NUMBER,
            "non_emergency_number": settings.NON_EMERGENCY_NUMBER,
        }
    }


def menu(request: HttpRequest | None = None) -> dict[str, dict[str, str]]:
    """The menu's addresses, reversed once per URLconf and script prefix rather than on
    every page: four `{% url %}` tags were a tenth of a booking step served from the cache."""
    return {"menu": _menu(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)}


@lru_cache(maxsize=16)
def _menu(prefix: str, urlconf: str) -> dict[str, str]:
    # `reverse` reads the prefix itself; it is part of the key so a new one reverses again.
    return {name: reverse(url_name, urlconf=urlconf) for name, url_name in MENU.items()}
