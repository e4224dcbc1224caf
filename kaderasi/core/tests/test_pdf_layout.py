"""WeasyPrint lays a PDF out with the cyclic garbage collector paused (a full collection during a
report's layout cost a fifth of its time) and the collector comes back as it was."""

import gc

import pytest

from kaderasi.core.pdf_layout import cyclic_collector_paused, pdf_from_html


@pytest.fixture
def collector_restored():
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_inside_and_enabled_again_after(collector_restored):
    gc.enable()

    with cyclic_collector_paused():
        inside = gc.isenabled()

    assert inside is False
    assert gc.isenabled() is True


def test_the_collector_is_enabled_again_when_the_layout_fails(collector_restored):
    gc.enable()

    with pytest.raises(RuntimeError), cyclic_collector_paused():
        raise RuntimeError("layout failed")

    assert gc.isenabled() is True


def test_a_collector_disabled_before_stays_disabled(collector_restored):
    gc.disable()

    with cyclic_collector_paused():
        pass

    assert gc.isenabled() is False


def test_the_pdf_is_laid_out_with_the_collector_paused(collector_restored, monkeypatch):
    seen = {}

    class Printer:
        def __init__(self, string, base_url=None):
            seen["html"] = string

        def write_pdf(self, **options):
            seen["collector_enabled"] = gc.isenabled()
            seen["options"] = options
            return b"%PDF-1.7 stub"

    monkeypatch.setattr("weasyprint.HTML", Printer)
    gc.enable()

    pdf = pdf_from_html("<p>Laporan</p>", pdf_variant="pdf/ua-1")

    assert pdf == b"%PDF-1.7 stub"
    assert seen == {
        "html": "<p>Laporan</p>",
        "collector_enabled": False,
        "options": {"pdf_variant": "pdf/ua-1"},
    }
    assert gc.isenabled() is True
