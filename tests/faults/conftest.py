"""The fault suite: real parts started on spare ports, then broken.

Marker `faults`; run with `pytest -m faults tests/faults` (`make faults`, and a step of
`.ci/run`). Left out of the ordinary run, which does not select the marker. A missing
binary or database skips a test with its reason, except under CI=true, where it fails.
"""

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from bookings.models import Therapist
from catalog.models import Technique
from tests.factories import TherapistFactory

ROOT = Path(__file__).resolve().parents[2]
CLINIC_ZONE = ZoneInfo("Europe/London")
EVERY_DAY_NINE_TO_FIVE = {day: [(clock(9), clock(17))] for day in range(7)}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # They start servers and wait on them: only when asked for by marker.
    if "faults" in (config.getoption("markexpr") or ""):
        return
    skipped = [item for item in items if item.get_closest_marker("faults")]
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = [item for item in items if not item.get_closest_marker("faults")]


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


def require_binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        unavailable(f"{name} is not installed")
    return path  # type: ignore[return-value]


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL (DATABASE_URL=postgres://...)")


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port}")


# The fault table ------------------------------------------------------------


@dataclass
class FaultRow:
    fault: str
    requests: int = 0
    responses_500: int = 0
    bookings_lost: int = 0
    messages_lost: int = 0
    messages_twice: int = 0


TABLE: list[FaultRow] = []


@pytest.fixture
def fault_row(request: pytest.FixtureRequest) -> Callable[[str], FaultRow]:
    def make(fault: str) -> FaultRow:
        row = FaultRow(fault)
        TABLE.append(row)
        return row

    return make


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TABLE:
        return
    header = "| Fault | Requests | 500s | Bookings lost | Messages lost | Sent twice |"
    lines = [header, "| --- | ---: | ---: | ---: | ---: | ---: |"]
    lines += [
        f"| {r.fault} | {r.requests} | {r.responses_500} | {r.bookings_lost} | "
        f"{r.messages_lost} | {r.messages_twice} |"
        for r in TABLE
    ]
    terminalreporter.write_sep("=", "fault table")
    for line in lines:
        terminalreporter.write_line(line)
    out = ROOT / "artifacts" / "faults.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")


# Real parts -------------------------------------------------------------------


class RedisServer:
    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = spare_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer(require_binary("redis-server"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_cache(settings: object, redis_server: RedisServer) -> Iterator[RedisServer]:
    """The site's cache (CACHE_URL) on a redis-server of its own."""
    settings.CACHES = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
        }
    }
    yield redis_server
    # Back to local memory before the server stops, so clean-up code finds a cache.
    settings.CACHES = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }


@dataclass
class MailSink:
    """An SMTP server: records each message, optionally after a delay."""

    delay: float = 0
    received: list[bytes] = field(default_factory=list)
    connected: list[float] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.connected.append(time.monotonic())
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append(envelope.content)  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.port = spare_port()
        self.sink = MailSink()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    try:
        yield server
    finally:
        server.stop()


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


class WorkerProcess:
    """`manage.py run_worker` against the test database, in its own process."""

    COMMAND = "run_worker"

    def __init__(self, smtp: SmtpServer, **env: str) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            # The worker sends; nothing goes out as a transaction commits.
            "NOTIFICATION_SEND_ON_COMMIT": "false",
            "EMAIL_URL": smtp.url,
            "EMAIL_TIMEOUT": "5",
            "WORKER_SWEEP_SECONDS": "1",
            "CACHE_URL": "locmemcache://",
            "DEBUG": "false",
            "SECRET_KEY": "fault-suite-only-" + "0" * 40,
            "CONN_MAX_AGE": "0",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(sys.executable, "manage.py", self.COMMAND, "--no-reload"),
                *("--interval", "0.2"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def output(self) -> str:
        self.kill()
        assert self.process is not None and self.process.stdout is not None
        return self.process.stdout.read().decode(errors="replace")


@pytest.fixture
def start_worker(smtp_server: SmtpServer) -> Iterator[Callable[..., WorkerProcess]]:
    workers: list[WorkerProcess] = []

    def start(**env: str) -> WorkerProcess:
        worker = WorkerProcess(smtp_server, **env)
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()


def terminate_backends(*, except_own: bool = True) -> int:
    """pg_terminate_backend for every other connection to the test database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def wait_until(check: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


# A clinic on the real clock (the worker compares with it) ------------------------


def clinic_time(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    day = (timezone.now().astimezone(CLINIC_ZONE) + timedelta(days=days_ahead)).date()
    return datetime.combine(day, clock(hour, minute), CLINIC_ZONE).astimezone(UTC)


@pytest.fixture
def real_clinic(clinic_rules: object) -> Therapist:
    swedish = Technique.objects.get(slug="swedish")
    return TherapistFactory(
        display_name="Anna K.", techniques=[swedish], hours=EVERY_DAY_NINE_TO_FIVE
    )
