import re
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["/", "/techniques/", "/techniques/swedish/", "/how-massage-helps/", "/admin/login/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_served_with_strict_security_headers(client, url):
    response = client.get(url, secure=True)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert not re.search(r"https?://", csp), "no third-party origin may be allowed"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_have_no_inline_scripts_or_styles(client, url):
    html = client.get(url).content.decode()
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script
    if not url.startswith("/admin/"):
        assert " style=" not in html
        assert not re.search(r"\son[a-z]+=", html)


def test_plain_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/techniques/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_health_check_is_not_redirected_so_load_balancers_can_probe_it(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz/").status_code == 200


def test_session_and_csrf_cookies_are_secure_and_session_is_http_only(settings):
    assert settings.SESSION_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_SECURE


def test_weak_passwords_are_refused():
    for weak in ("short1", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("correct-horse-battery-staple-7")


def login(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.9",
    )


def test_admin_login_is_locked_after_repeated_failures(client, superuser):
    for _ in range(4):
        response = login(client, superuser.username, "not-the-password")
        assert response.status_code == 200
    assert login(client, superuser.username, "not-the-password").status_code == 429
    # Even the right password is refused while the lockout lasts.
    response = login(client, superuser.username, "a-long-test-password-1")
    assert response.status_code == 429
    assert "Sign-in is locked" in response.content.decode()
    assert AccessAttempt.objects.filter(username=superuser.username).exists()


def test_a_successful_login_before_the_limit_resets_the_count(client, superuser):
    for _ in range(4):
        login(client, superuser.username, "not-the-password")
    assert login(client, superuser.username, "a-long-test-password-1").status_code == 302
    assert not AccessAttempt.objects.filter(username=superuser.username).exists()


def test_lockouts_are_visible_to_superusers_but_not_front_desk(client, superuser, front_desk_user):
    login(client, "someone", "guess")
    url = reverse("admin:axes_accessattempt_changelist")
    client.force_login(superuser)
    assert "someone" in client.get(url).content.decode()
    client.force_login(front_desk_user)
    assert client.get(url).status_code == 403


def test_healthz_reports_the_database(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker_last_seen": None}


def test_healthz_says_unavailable_when_the_database_is_gone(client):
    with mock.patch("clinic.views.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_losing_the_database_mid_request_gives_a_calm_page_and_the_next_request_recovers(client):
    with mock.patch(
        "catalog.views.TechniqueListView.get_queryset",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get("/techniques/")
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode().lower()
    assert "Traceback" not in response.content.decode()
    assert client.get("/techniques/").status_code == 200


@override_settings(DEBUG=False)
def test_an_unexpected_error_shows_a_friendly_500_without_details(client):
    client.raise_request_exception = False
    with mock.patch("catalog.views.render", side_effect=RuntimeError("secret detail")):
        response = client.get("/how-massage-helps/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "something went wrong" in html.lower()
    assert "secret detail" not in html


def test_the_client_address_is_the_one_our_own_proxy_saw(rf, settings):
    from clinic.client_ip import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    # The leftmost entry was written by the client and could be forged.
    assert client_ip(request) == "198.51.100.20"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.1"
