"""Admin sign-in throttling per username across addresses (clinic/login_throttle.py), and
through a cache outage."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.security]

RIGHT_PASSWORD = "a-long-test-password-1"


def login(client, username, password, address):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_wrong_passwords_from_rotating_addresses_lock_the_username(
    client, superuser, front_desk_user, settings
):
    limit = settings.LOGIN_FAILURES_PER_USERNAME
    for n in range(limit - 1):
        assert login(client, superuser.username, "guess", f"198.51.100.{n}").status_code == 200
    assert login(client, superuser.username, "guess", "198.51.100.200").status_code == 429
    # From a new address, even the right password waits for the hour to pass.
    assert login(client, superuser.username, RIGHT_PASSWORD, "203.0.113.50").status_code == 429
    assert AccessAttempt.objects.filter(username=superuser.username).exists()
    # Other staff sign in as ever, from the same addresses.
    other = login(client, front_desk_user.username, RIGHT_PASSWORD, "198.51.100.1")
    assert other.status_code == 302


def test_one_address_is_still_locked_at_the_lower_limit(client, superuser, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, superuser.username, "guess", "203.0.113.9").status_code == 200
    assert login(client, superuser.username, "guess", "203.0.113.9").status_code == 429


def test_a_few_typos_from_two_devices_lock_nobody_out(client, superuser, settings):
    for address in ("203.0.113.9", "198.51.100.7"):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            login(client, superuser.username, "typo", address)
    assert login(client, superuser.username, RIGHT_PASSWORD, "203.0.113.9").status_code == 302


def test_sign_in_and_its_throttle_work_while_the_cache_is_down(client, superuser, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 9: every cache call fails.
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    client.raise_request_exception = False
    for n in range(settings.LOGIN_FAILURES_PER_USERNAME - 1):
        assert login(client, superuser.username, "guess", f"198.51.100.{n}").status_code == 200
    assert login(client, superuser.username, "guess", "198.51.100.99").status_code == 429
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
