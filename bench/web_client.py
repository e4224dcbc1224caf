"""A small HTTP client for the benchmarks that talk to a production server (gunicorn): one
request, the cookies an answer sets, a form login, and `Browser`, a signed-in user keeping her
cookies and the CSRF token (the standard library only: nothing to install)."""

import http.client
import re
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def request(port, method, path, body=None, headers=None, *, timeout=120):
    """One request on a fresh connection: (response, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def token_request(port, username, password, device_name="bench"):
    """The phone app's login: `POST /api/v1/auth/token` (201 and a device token when allowed)."""
    import json

    body = {"username": username, "password": password, "device_name": device_name}
    return request(
        port,
        "POST",
        "/api/v1/auth/token",
        json.dumps(body),
        {"Content-Type": "application/json"},
    )


def cookies_of(response) -> dict:
    found = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _sep, rest = value.partition("=")
            found[key] = rest.split(";")[0]
    return found


def form_login(port, path, username, password) -> tuple[bool, dict]:
    """Post the login form at `path` as a browser does: (logged in, the cookies it holds)."""
    page, body = request(port, "GET", path)
    cookies = cookies_of(page)
    token = CSRF_INPUT.search(body)
    form = urllib.parse.urlencode(
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token.group(1).decode() if token else "",
        }
    )
    response, _body = request(
        port,
        "POST",
        path,
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{key}={value}" for key, value in cookies.items()),
            "Referer": f"http://127.0.0.1:{port}{path}",
        },
    )
    cookies.update(cookies_of(response))
    return response.status == 302 and "sessionid" in cookies_of(response), cookies


class Browser:
    """A user on the server: her cookies, kept from answer to answer."""

    def __init__(self, port: int, cookies: dict | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})

    @classmethod
    def signed_in(cls, port: int, username: str, password: str) -> "Browser":
        ok, cookies = form_login(port, "/login/", username, password)
        if not ok:
            raise AssertionError(f"{username} could not log in")
        return cls(port, cookies)

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {"Referer": f"http://127.0.0.1:{self.port}/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        return {**headers, **(extra or {})}

    def get(self, path: str, **query):
        if query:
            path = f"{path}?{urllib.parse.urlencode(query)}"
        response, body = request(self.port, "GET", path, headers=self._headers())
        self.cookies.update(cookies_of(response))
        return response, body

    def post(self, path: str, fields: dict | list):
        """A form posted with the CSRF token (from the cookie; a page is fetched first when the
        browser has none yet)."""
        if "csrftoken" not in self.cookies:
            self.get(path)
        data = list(fields.items()) if isinstance(fields, dict) else list(fields)
        data.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")))
        body = urllib.parse.urlencode(data)
        content = {"Content-Type": "application/x-www-form-urlencoded"}
        response, answer = request(self.port, "POST", path, body, self._headers(content))
        self.cookies.update(cookies_of(response))
        return response, answer

    def upload(self, path: str, fields: dict, files: dict[str, Path], *, timeout=600):
        """A multipart form with files, each streamed from disk (a file of a gigabyte is never
        held in memory)."""
        if "csrftoken" not in self.cookies:
            self.get(path)
        boundary = uuid.uuid4().hex
        parts = [*fields.items(), ("csrfmiddlewaretoken", self.cookies.get("csrftoken", ""))]
        head = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
            for name, value in parts
        )
        pieces: list[bytes | Path] = [head]
        for name, file in files.items():
            pieces.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            )
            pieces.append(file)
            pieces.append(b"\r\n")
        pieces.append(f"--{boundary}--\r\n".encode())
        length = sum(p.stat().st_size if isinstance(p, Path) else len(p) for p in pieces)
        headers = self._headers(
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(length),
            }
        )
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        connection.request("POST", path, body=_stream(pieces), headers=headers)
        response = connection.getresponse()
        answer = response.read()
        connection.close()
        self.cookies.update(cookies_of(response))
        return response, answer


def _stream(pieces: list) -> Iterator[bytes]:
    for piece in pieces:
        if isinstance(piece, Path):
            with piece.open("rb") as file:
                while chunk := file.read(1 << 20):
                    yield chunk
        else:
            yield piece
