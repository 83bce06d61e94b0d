from django.conf import settings
from django.core import checks

LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_check(app_configs: object, **kwargs: object) -> list[checks.CheckMessage]:
    """Rate limits count requests in the cache, so every app server must share one."""
    if settings.CACHES["default"]["BACKEND"] in LOCAL_CACHES:
        return [
            checks.Warning(
                "The cache is local to each process, so form rate limits are per worker.",
                hint="Set CACHE_URL to a Redis server shared by all app servers.",
                id="clinic.W001",
            )
        ]
    return []


NOT_SENDING_SMS_BACKENDS = {"bookings.sms.ConsoleBackend", "bookings.sms.LocmemBackend"}


@checks.register(deploy=True)
def sms_backend_check(app_configs: object, **kwargs: object) -> list[checks.CheckMessage]:
    """Clients who tick "text me a reminder" must get one: no printing backend live,
    and no Twilio backend without its credentials."""
    if settings.SMS_BACKEND in NOT_SENDING_SMS_BACKENDS:
        return [
            checks.Warning(
                "Text reminders are printed or kept in memory, never sent.",
                hint="Set SMS_BACKEND=bookings.sms.TwilioBackend and the TWILIO_* settings.",
                id="clinic.W002",
            )
        ]
    twilio = (settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM)
    if settings.SMS_BACKEND == "bookings.sms.TwilioBackend" and not all(twilio):
        return [
            checks.Warning(
                "The Twilio text backend has no credentials or sender: every text will fail.",
                hint="Set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM.",
                id="clinic.W003",
            )
        ]
    return []


@checks.register(deploy=True)
def payments_check(app_configs: object, **kwargs: object) -> list[checks.CheckMessage]:
    """A paid policy without Stripe's keys means every booking is paid at the clinic
    (bookings/payments/selectors.clinic_terms), which is not what the clinic chose."""
    from django.db import DatabaseError

    from bookings.models import ClinicRules, PaymentPolicy

    try:
        policy = ClinicRules.objects.values_list("payment_policy", flat=True).first()
    except DatabaseError:
        return []
    paid = policy not in (None, PaymentPolicy.AT_CLINIC)
    if paid and not (settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET):
        return [
            checks.Warning(
                "The clinic's payment policy takes card payments, but Stripe's keys are "
                "not set: clients are asked to pay at the clinic instead.",
                hint="Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or choose "
                "“Pay at the clinic” in Clinic rules.",
                id="clinic.W004",
            )
        ]
    return []
