"""A small HTTP load generator and a gunicorn we start and stop ourselves.

Loopback only, bounded by a request count and a duration, and it stops by itself.
"""

import functools
import http.client
import itertools
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


def screened_intake() -> tuple[str, str]:
    """The intake cookie (name, value) of a client who answered the safety screen with
    nothing to report: every booking step asks for the screen first."""
    from django.http import HttpResponse

    from bookings.intake import cookie as intake_cookie
    from bookings.intake.answers import IntakeAnswers

    response = HttpResponse()
    intake_cookie.remember(response, IntakeAnswers(screened=True))
    return intake_cookie.COOKIE_NAME, response.cookies[intake_cookie.COOKIE_NAME].value


@functools.cache  # signed once: signing on every request would be measured too
def _screened_cookie_header() -> str:
    name, value = screened_intake()
    return f"{name}={value}"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LoadResult:
    name: str
    requests: int
    seconds: float
    statuses: Counter
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else 0.0


@dataclass(frozen=True)
class Server:
    port: int
    pid: int

    def worker_pids(self) -> list[int]:
        """The arbiter's children: the processes that serve the requests."""
        pids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = proc_status(int(status.parent.name))
            except (OSError, ValueError):
                continue  # gone meanwhile
            if fields.get("PPid") == str(self.pid):
                pids.append(int(status.parent.name))
        return sorted(pids)


def proc_status(pid: int) -> dict[str, str]:
    """/proc/<pid>/status as name -> value ("VmHWM" -> "81234 kB")."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {name: value.strip() for name, _, value in (line.partition(":") for line in lines)}


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM), in MiB."""
    return int(proc_status(pid)["VmHWM"].split()[0]) / 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(*, env: dict[str, str], workers: int) -> Iterator[Server]:
    """A gunicorn (sync workers) on a free loopback port, stopped on the way out."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "clinic.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "512",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ | env)
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}")
            try:
                status, _, _ = fetch(port, Request("GET", "/healthz/"))
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz/ within 30 s")
            time.sleep(0.2)
        yield Server(port, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def fetch(
    port: int, request: Request, conn: http.client.HTTPConnection | None = None
) -> tuple[int, dict[str, str], bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"Host": HOST, "Cookie": _screened_cookie_header(), **dict(request.headers)}
        conn.request(request.method, request.path, body=request.body or None, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    except (http.client.HTTPException, OSError):
        conn.close()
        raise
    finally:
        if own:
            conn.close()


def csrf_pair(port: int, path: str) -> tuple[str, str]:
    """A CSRF cookie and the matching form token, as a browser gets them from a GET."""
    status, headers, body = fetch(port, Request("GET", path))
    cookie = CSRF_COOKIE.search(headers.get("set-cookie", ""))
    token = CSRF_INPUT.search(body)
    if status != 200 or cookie is None or token is None:
        raise RuntimeError(f"No CSRF token from {path} (status {status})")
    return cookie.group(1), token.group(1).decode()


def form_post(path: str, fields: dict[str, object], *, cookie: str) -> Request:
    return Request(
        "POST",
        path,
        urlencode(fields).encode(),
        (
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", f"csrftoken={cookie}; {_screened_cookie_header()}"),
        ),
    )


def hammer(
    name: str,
    port: int,
    requests: Callable[[], Request | None],
    *,
    clients: int,
    seconds: float,
    max_requests: int,
    warmup: float = 0.3,
) -> LoadResult:
    """`clients` threads, each on a keep-alive connection, until time or count runs out.

    `requests()` is called for every request (it may hand out fresh slots) and ends
    the run early by returning None.
    """
    lock = threading.Lock()
    statuses: Counter = Counter()
    latencies: list[float] = []
    counter = itertools.count()
    start_at = time.perf_counter() + warmup
    stop_at = start_at + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        seen: Counter = Counter()
        try:
            while True:
                now = time.perf_counter()
                if now >= stop_at:
                    break
                request = requests()
                if request is None:
                    break
                measured = now >= start_at
                if measured and next(counter) >= max_requests:
                    break
                began = time.perf_counter()
                try:
                    status, _, _ = fetch(port, request, conn)
                except (http.client.HTTPException, OSError):
                    status = 0
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
                if measured:
                    mine.append(time.perf_counter() - began)
                    seen[status] += 1
        finally:
            conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(seen)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + warmup + 60)
    elapsed = min(time.perf_counter(), stop_at) - start_at
    return LoadResult(name, len(latencies), max(elapsed, 1e-9), statuses, latencies)
