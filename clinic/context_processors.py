from django.conf import settings
from django.http import HttpRequest


def clinic(request: HttpRequest) -> dict[str, object]:
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
