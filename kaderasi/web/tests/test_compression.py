"""Pages and JSON go out compressed with gzip (with Django's BREACH padding); partial answers and
media already compressed go out as they are (decision 0125)."""

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from kaderasi.web.compression import PageCompressionMiddleware

PAGE = "<!doctype html><title>Beranda</title>" + "<p>Ny. Rina Handayani, hari nifas ke-2</p>" * 40


def _through(response, accept="gzip, deflate, br"):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=accept)
    return PageCompressionMiddleware(lambda request: response)(request)


@pytest.mark.parametrize(
    "content_type",
    ["text/html; charset=utf-8", "application/json", "text/javascript", "image/svg+xml"],
)
def test_a_page_or_json_goes_out_gzipped_and_smaller(content_type):
    sent = _through(HttpResponse(PAGE, content_type=content_type))

    assert sent["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in sent["Vary"]
    assert gzip.decompress(sent.content).decode() == PAGE
    assert len(sent.content) < len(PAGE) / 5


def test_two_answers_of_the_same_page_differ_in_length_now_and_then():
    """Django's padding: up to 100 random bytes, so a length does not reveal a guessed secret."""
    lengths = {len(_through(HttpResponse(PAGE)).content) for _ in range(20)}

    assert len(lengths) > 1


@pytest.mark.parametrize(
    ("status", "content_type"),
    [(206, "text/plain"), (200, "video/mp4"), (200, "application/pdf"), (200, "image/png")],
)
def test_partial_answers_and_compressed_media_go_out_as_they_are(status, content_type):
    body = b"\x00" * 5000
    sent = _through(HttpResponse(body, status=status, content_type=content_type))

    assert not sent.has_header("Content-Encoding")
    assert sent.content == body


def test_a_browser_that_does_not_accept_gzip_gets_the_page_as_it_is():
    sent = _through(HttpResponse(PAGE), accept="identity")

    assert not sent.has_header("Content-Encoding")
    assert sent.content.decode() == PAGE
