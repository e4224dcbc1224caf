"""A minimal JSON-over-HTTP client for the gateways (standard library only)."""

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from kaderasi.reminders.channels import ChannelError


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: dict | list | None
    text: str


def basic_auth(username: str, password: str) -> str:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return f"Basic {token}"


def request_json(
    method: str,
    url: str,
    *,
    payload: dict | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> HttpResponse:
    """Send `payload` as JSON and read a JSON answer. Any HTTP status is returned; a network
    failure (refused, timed out) raises a transient ChannelError."""
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - configured URL
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return _read(response.status, response.read())
    except urllib.error.HTTPError as error:
        return _read(error.code, error.read())
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ChannelError(f"Gateway unreachable: {type(reason).__name__}") from error


def _read(status: int, raw: bytes) -> HttpResponse:
    text = raw.decode("utf-8", errors="replace")
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        body = None
    return HttpResponse(status=status, body=body, text=text[:500])


def is_transient_status(status: int) -> bool:
    """Worth trying again: rate limits, timeouts, server errors, and refused credentials (an
    expired token is renewed by an administrator while the message waits)."""
    return status in {401, 408, 425, 429} or status >= 500
