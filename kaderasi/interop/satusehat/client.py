"""A small SATUSEHAT client: OAuth2 client credentials, then FHIR creates over HTTPS.

SATUSEHAT's token endpoint takes `client_id` and `client_secret` as a form, with
`grant_type=client_credentials` in the query, and answers `access_token` and `expires_in`
(seconds). The token is kept until a minute before it expires. Failures are a `SatusehatError`
that says whether a retry may help (the network, a 5xx, 408, 429, an expired token) or not (any
other 4xx: the resource itself was refused). Messages carry status codes and OperationOutcome
issue codes only, never the diagnostics text, which may echo personal data."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from kaderasi.core import clock

RETRYABLE_STATUSES = {401, 408, 429}
TOKEN_MARGIN = dt.timedelta(seconds=60)


class SatusehatError(Exception):
    def __init__(self, detail: str, *, retryable: bool):
        super().__init__(detail)
        self.detail = detail[:300]
        self.retryable = retryable


@dataclass(frozen=True)
class Created:
    server_id: str


def _issue_codes(body: bytes) -> str:
    try:
        outcome = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    if not isinstance(outcome, dict):
        return ""
    issues = outcome.get("issue") if outcome.get("resourceType") == "OperationOutcome" else None
    return ", ".join(str(issue.get("code")) for issue in issues or [] if isinstance(issue, dict))


class SatusehatClient:
    def __init__(
        self,
        *,
        auth_url: str,
        base_url: str,
        client_id: str,
        client_secret: str,
        timeout: float,
    ):
        self.auth_url = auth_url.rstrip("/")
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout
        self._token: str | None = None
        self._expires: dt.datetime | None = None

    @classmethod
    def from_settings(cls) -> SatusehatClient:
        return cls(
            auth_url=settings.KADERASI_SATUSEHAT_AUTH_URL,
            base_url=settings.KADERASI_SATUSEHAT_BASE_URL,
            client_id=settings.KADERASI_SATUSEHAT_CLIENT_ID,
            client_secret=settings.KADERASI_SATUSEHAT_CLIENT_SECRET,
            timeout=settings.KADERASI_SATUSEHAT_TIMEOUT_SECONDS,
        )

    def _request(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - URLs from settings
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise SatusehatError(f"network: {type(reason).__name__}", retryable=True) from error

    def token(self) -> str:
        if self._token and self._expires and clock.now() < self._expires - TOKEN_MARGIN:
            return self._token
        form = urllib.parse.urlencode(
            {"client_id": self.client_id, "client_secret": self.client_secret}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - URL from settings
            f"{self.auth_url}/accesstoken?grant_type=client_credentials",
            data=form,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        status, body = self._request(request)
        if status != 200:
            raise SatusehatError(
                f"token: HTTP {status}", retryable=status >= 500 or status in RETRYABLE_STATUSES
            )
        try:
            answer = json.loads(body.decode("utf-8"))
            token = str(answer["access_token"])
            seconds = int(answer.get("expires_in") or 0)
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            raise SatusehatError("token: unreadable answer", retryable=True) from error
        self._token, self._expires = token, clock.now() + dt.timedelta(seconds=seconds)
        return token

    def create(self, resource: dict[str, Any]) -> Created:
        """POST the resource to its type's endpoint; the id SATUSEHAT gave it."""
        body = dict(resource)
        body.pop("id", None)  # the server assigns ids; ours stays in the outbox row
        request = urllib.request.Request(  # noqa: S310 - URL from settings
            f"{self.base_url}/{resource['resourceType']}",
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token()}",
                "Content-Type": "application/fhir+json",
                "Accept": "application/fhir+json",
            },
        )
        status, answer = self._request(request)
        if status == 401:
            self._token = None  # expired early: the next attempt asks for a new one
        if not 200 <= status < 300:
            codes = _issue_codes(answer)
            raise SatusehatError(
                f"HTTP {status}" + (f": {codes}" if codes else ""),
                retryable=status >= 500 or status in RETRYABLE_STATUSES,
            )
        try:
            server_id = str(json.loads(answer.decode("utf-8"))["id"])
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            raise SatusehatError(f"HTTP {status}: no id in the answer", retryable=False) from error
        return Created(server_id=server_id)
