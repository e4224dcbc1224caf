"""Search terms (a mother's name, NIK or phone number) do not reach the access logs: the query
string of every request line is written as `?[redacted]` (docs/privacy.md)."""

import logging

from kaderasi.core.log_filters import ACCESS_LOGGERS, QueryStringRedactor


def record(msg, args):
    return logging.LogRecord("django.server", logging.INFO, __file__, 1, msg, args, None)


def test_the_development_servers_request_line_loses_its_query_string():
    line = record('"%s" %s %s', ("GET /id/care/mothers/?q=Siti+Aminah&page=2 HTTP/1.1", "200", "9"))
    assert QueryStringRedactor().filter(line)
    assert line.getMessage() == '"GET /id/care/mothers/?[redacted] HTTP/1.1" 200 9'


def test_gunicorns_access_atoms_lose_the_query_string_and_the_referers():
    atoms = {
        "h": "10.0.0.1",
        "r": "GET /id/care/mothers/?q=3310014101900001 HTTP/1.1",
        "q": "q=3310014101900001",
        "f": "https://kaderasi.example.org/id/care/mothers/?q=081234567890",
        "s": "200",
    }
    line = record('%(h)s "%(r)s" %(s)s "%(f)s" %(q)s', atoms)
    QueryStringRedactor().filter(line)
    text = line.getMessage()
    assert "3310014101900001" not in text and "081234567890" not in text
    assert "/id/care/mothers/?[redacted]" in text


def test_both_access_loggers_carry_the_filter():
    for name in ACCESS_LOGGERS:
        assert any(isinstance(f, QueryStringRedactor) for f in logging.getLogger(name).filters)
