"""localstripe (with tests/payments/fake_stripe.py's Checkout) on a spare port, as the
fault suite starts redis-server; a missing localstripe fails under CI=true and skips
otherwise. Every connection the payments make is recorded, so a test can prove that
nothing reached anything but the local fake."""

import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "whsec_test_localstripe"
SECRET_KEY = "sk_test_localstripe"


def _spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"localstripe is not listening on {port}")


@dataclass
class Delivery:
    body: bytes
    signature: str

    @property
    def event(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


@dataclass
class FakeStripe:
    base: str
    deliveries: list[Delivery] = field(default_factory=list)

    def pay(self, url: str, card: str = "visa") -> requests.Response:
        """The client on the hosted page: choose a test card and pay (or save it)."""
        return requests.post(url, data={"card": card}, allow_redirects=False, timeout=10)

    def wait_for(self, kind: str, object_id: str = "", timeout: float = 10) -> Delivery:
        """The signed webhook localstripe sent (after its one-second delay)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for delivery in self.deliveries:
                event = delivery.event
                if event["type"] == kind and object_id in ("", event["data"]["object"]["id"]):
                    self.deliveries.remove(delivery)
                    return delivery
            time.sleep(0.05)
        raise TimeoutError(f"no {kind} webhook from localstripe")


def _receiver(fake: FakeStripe) -> HTTPServer:
    class Receive(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            fake.deliveries.append(
                Delivery(self.rfile.read(length), self.headers.get("Stripe-Signature", ""))
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def localstripe_server() -> Iterator[str]:
    if importlib.util.find_spec("localstripe") is None:
        reason = "localstripe is not installed (pip install -r requirements-dev.txt)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (required under CI=true)")
        pytest.skip(reason)
    port = _spare_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.payments.fake_stripe", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


CONNECTIONS: list[tuple[str, int]] = []


@pytest.fixture
def fake_stripe(
    localstripe_server: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeStripe]:
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_TIMEOUT_SECONDS = 5
    fake = FakeStripe(base=localstripe_server)
    receiver = _receiver(fake)
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/"
    requests.post(
        f"{localstripe_server}/_config/webhooks/clinic",
        data={"url": hook, "secret": WEBHOOK_SECRET},
        timeout=5,
    ).raise_for_status()
    real_connect = socket.socket.connect

    def recording_connect(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple):
            CONNECTIONS.append((str(address[0]), int(address[1])))
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", recording_connect)
    CONNECTIONS.clear()
    yield fake
    receiver.shutdown()
    receiver.server_close()
