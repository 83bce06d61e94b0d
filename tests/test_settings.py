import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_secret_key_with_debug_off_is_a_clear_startup_error():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_on_runs_without_a_secret_key():
    result = run_manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x7Jq2-production-like-secret-key-with-enough-entropy-91fa0c2b4e",
        ALLOWED_HOSTS="clinic.example",
        CSRF_TRUSTED_ORIGINS="https://clinic.example",
        SECURE_SSL_REDIRECT="true",
        CACHE_URL="redis://127.0.0.1:6379/0",
        STATICFILES_BACKEND="whitenoise.storage.CompressedManifestStaticFilesStorage",
        **TWILIO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


TWILIO = {
    "SMS_BACKEND": "bookings.sms.TwilioBackend",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_FROM": "+441174960999",
}
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Jq2-production-like-secret-key-with-enough-entropy-91fa0c2b4e",
    "ALLOWED_HOSTS": "clinic.example",
}


@pytest.mark.parametrize(
    ("sms", "warning"),
    [
        ({"SMS_BACKEND": "bookings.sms.ConsoleBackend"}, "clinic.W002"),
        (TWILIO | {"TWILIO_AUTH_TOKEN": ""}, "clinic.W003"),
    ],
)
def test_check_deploy_warns_when_text_reminders_would_not_be_sent(sms, warning):
    result = run_manage("check", "--deploy", **PRODUCTION, **sms)
    assert warning in result.stdout + result.stderr


def test_sqlite_is_the_default_and_is_set_up_for_concurrent_writers():
    code = (
        "from django.conf import settings;"
        "d = settings.DATABASES['default'];"
        "o = d['OPTIONS'];"
        "print(d['ENGINE'], o['transaction_mode'], 'WAL' in o['init_command'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env | {"DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split()[-3:] == ["django.db.backends.sqlite3", "IMMEDIATE", "True"]


def test_check_deploy_warns_when_rate_limits_would_not_be_shared():
    result = run_manage(
        "check",
        "--deploy",
        DEBUG="false",
        SECRET_KEY="x7Jq2-production-like-secret-key-with-enough-entropy-91fa0c2b4e",
        ALLOWED_HOSTS="clinic.example",
        CACHE_URL="locmemcache://",
    )
    assert "clinic.W001" in result.stdout + result.stderr


def site_url(**env: str) -> str:
    code = "from django.conf import settings; print(settings.SITE_URL)"
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=clean | {"DEBUG": "true"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-1]


def test_links_in_emails_follow_the_local_port_unless_site_url_is_set():
    assert site_url() == "http://127.0.0.1:8000"
    assert site_url(PORT="8301") == "http://127.0.0.1:8301"
    assert site_url(PORT="8301", SITE_URL="https://clinic.example/") == "https://clinic.example"


def make_dry_run(target: str, *args: str) -> list[str]:
    result = subprocess.run(
        ["make", "--dry-run", target, *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_on_port_and_passes_it_to_the_settings_and_the_worker():
    run, worker = make_dry_run("run", "PORT=8301"), make_dry_run("worker", "PORT=8301")

    assert run[-1].endswith("runserver 127.0.0.1:8301")
    assert run and worker and all("PORT=8301" in line for line in run + worker)
