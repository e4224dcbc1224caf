"""No developer words on Indonesian pages (issue 18, Build 4): an export waiting in the queue
said "Menunggu worker", the reminder statuses spoke of a "gateway"."""

import pytest
from django.utils import translation
from django.utils.translation import gettext


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [
        ("Waiting for a worker", "Menunggu diproses"),
        ("Through the message gateway", "Lewat layanan pesan otomatis"),
        ("Refused by the gateway", "Ditolak oleh layanan pesan"),
        ("The gateway could not deliver it", "Layanan pesan tidak dapat mengirimkannya"),
    ],
)
def test_status_words_are_plain_indonesian(english, indonesian):
    with translation.override("id"):
        assert gettext(english) == indonesian
