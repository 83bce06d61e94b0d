"""Sending text messages, with the backend chosen in settings like Django's email.

SMS_BACKEND is a dotted path: `ConsoleBackend` (the default) prints each text,
`LocmemBackend` keeps them in `outbox` for tests, `TwilioBackend` sends them through
Twilio's Messages API. A backend raises on failure; `SmsRejected` means the provider
refused this text for good (a bad number), anything else is worth another try.
"""

import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from twilio.http.http_client import TwilioHttpClient


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class SmsRejected(Exception):
    """The provider refused the text for good: sending it again would not help."""


class SmsFailed(Exception):
    """The provider did not take the text this time (down, busy): try again later."""


class BaseBackend:
    def send(self, message: TextMessage) -> str:
        """Send one text; returns the provider's id for it."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send(self, message: TextMessage) -> str:
        with self._lock:
            self.stream.write(f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n")
            self.stream.flush()
        return "console"


# What LocmemBackend sent, oldest first; tests clear it (tests/conftest.py).
outbox: list[TextMessage] = []


class LocmemBackend(BaseBackend):
    def send(self, message: TextMessage) -> str:
        outbox.append(message)
        return f"locmem-{len(outbox)}"


class TwilioBackend(BaseBackend):
    def __init__(self) -> None:
        from twilio.rest import Client

        if not (
            settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.TWILIO_FROM
        ):
            raise ImproperlyConfigured(
                "TwilioBackend needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM"
            )
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=_twilio_http_client(),
        )

    def send(self, message: TextMessage) -> str:
        from twilio.base.exceptions import TwilioRestException

        sender: dict[str, Any] = (
            {"messaging_service_sid": settings.TWILIO_FROM}
            if settings.TWILIO_FROM.startswith("MG")
            else {"from_": settings.TWILIO_FROM}
        )
        try:
            sent = self.client.messages.create(to=message.to, body=message.body, **sender)
        except TwilioRestException as error:
            # Twilio's code and message say what was wrong (e.g. 21211, not a valid
            # number); the text itself never goes into the error.
            summary = f"Twilio answered {error.status}, error {error.code}: {error.msg}"
            if 400 <= error.status < 500 and error.status != 429:
                raise SmsRejected(summary) from error
            raise SmsFailed(summary) from error
        return str(sent.sid)


def _twilio_http_client() -> "TwilioHttpClient":
    from twilio.http.http_client import TwilioHttpClient
    from twilio.http.response import Response

    class HttpClient(TwilioHttpClient):
        # The library always writes https://api.twilio.com; tests (and a proxy, if a
        # deployment needs one) change the base through TWILIO_API_BASE_URL.
        # Twilio's HttpClient names the second parameter `uri` and its TwilioHttpClient
        # `url`, so no name is right for both to mypy; Twilio passes it by position.
        def request(  # type: ignore[override]
            self, method: str, url: str, *args: Any, **kwargs: Any
        ) -> Response:
            default = "https://api.twilio.com"
            if url.startswith(default):
                url = settings.TWILIO_API_BASE_URL + url.removeprefix(default)
            return super().request(method, url, *args, **kwargs)

    return HttpClient(timeout=settings.SMS_TIMEOUT)


def get_backend() -> BaseBackend:
    backend: BaseBackend = import_string(settings.SMS_BACKEND)()
    return backend


def send_text(*, to: str, body: str) -> str:
    return get_backend().send(TextMessage(to=to, body=body))
