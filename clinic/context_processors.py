from django.conf import settings
from django.http import HttpRequest


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
            "emergency_number": settings.EMERGENCY_NUMBER,
            "non_emergency_number": settings.NON_EMERGENCY_NUMBER,
        }
    }
