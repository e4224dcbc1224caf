"""PDF files laid out by WeasyPrint from an HTML document, with Python's cyclic garbage collector
paused while it works.

A WeasyPrint layout allocates hundreds of thousands of short-lived objects (boxes, styles, text
lines). Each allocation burst sets off the cyclic collector, and about once a render a full
collection walks every object the process holds: Django, the models read, matplotlib. On the
Pandes 2018 report that full collection alone took 0.2-0.3 s of a 1.3 s render (decision 0200).
Nearly all of the layout's garbage is freed by reference counting as it goes; the few cycles it
leaves are collected at the first collection after the render.

WeasyPrint itself is imported on first use (decision 0150).
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_collector_paused() -> Iterator[None]:
    """Run the block with `gc` disabled; on leaving (also by an exception) the collector is
    enabled again if it was enabled on entering, and left as it was otherwise."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pdf_from_html(html: str, **options) -> bytes:
    """The PDF WeasyPrint lays out from `html` (no base URL: every resource is inline), with
    `options` passed to `write_pdf` (`pdf_variant`, `custom_metadata`, ...)."""
    from weasyprint import HTML

    with cyclic_collector_paused():
        return HTML(string=html, base_url=None).write_pdf(**options)
