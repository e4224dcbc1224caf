"""A browser test's tables are emptied only after the live server has answered every request the
browser sent (kaderasi/conftest.py `_Connections`): a page the service worker was still keeping
when the test ended was otherwise answered after the flush, and its read-audit row named a mother
that no longer existed (the guided-session test's foreign-key error after the danger-call tests)."""

import socket

import pytest

from kaderasi.conftest import _Connections

CSS = "/static/offline/offline.css"


@pytest.fixture
def connections(live_server, monkeypatch):
    return _Connections(live_server.thread.httpd, monkeypatch)


def _connect(live_server) -> socket.socket:
    return socket.create_connection((live_server.thread.host, live_server.thread.port), timeout=10)


def _answer(sock: socket.socket) -> bytes:
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    return answer


def test_the_wait_lasts_while_a_request_is_being_answered(live_server, connections):
    assert connections.wait_until_answered(timeout=5)
    with _connect(live_server) as sock:
        # Half a request: the server is still reading it.
        sock.sendall(f"GET {CSS} HTTP/1.1\r\nHost: localhost\r\n".encode())
        assert not connections.wait_until_answered(timeout=0.3)
        sock.sendall(b"Connection: close\r\n\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 200")
    assert connections.wait_until_answered(timeout=10)
    assert connections.open == 0


def test_requests_sent_just_before_their_connections_closed_are_answered_before_the_wait_ends(
    live_server, connections, monkeypatch
):
    server = live_server.thread.httpd
    answered = []
    finish = server.finish_request

    def finish_request(request, client_address):
        finish(request, client_address)
        answered.append(client_address)

    monkeypatch.setattr(server, "finish_request", finish_request)
    for _ in range(5):
        sock = _connect(live_server)
        sock.sendall(f"GET {CSS} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        sock.close()  # the browser went away; the request is still read and answered
    assert connections.wait_until_answered(timeout=10)
    assert len(answered) == 5
