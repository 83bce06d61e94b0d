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
