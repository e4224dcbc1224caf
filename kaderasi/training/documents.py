"""Printable documents: the A5 booklet and the certificate, rendered with WeasyPrint from
templates in `templates/training/pdf/`, and the QR code that points to a certificate's public
verification page."""

import datetime as dt
import io
import re
from dataclasses import replace

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from kaderasi.core.pdf_layout import cyclic_collector_paused, pdf_from_html
from kaderasi.training.booklets import rendered_chapters
from kaderasi.training.certification import certificate_status
from kaderasi.training.models import Booklet, Certificate
from kaderasi.training.selectors import training_policy_for


def qr_svg(url: str, *, scale: int = 4) -> SafeString:
    """An inline SVG QR code for `url` (error correction M: readable when printed small or a
    little smudged)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, nl=False
    )
    return mark_safe(buffer.getvalue().decode())  # noqa: S308 - segno's own SVG output


def _pdf(html: str) -> bytes:
    return pdf_from_html(html)


# WeasyPrint (70) cannot break a line at a space that sits just before an inline element such as
# <strong> and falls back to the paragraph's first break ("Milk / increases by itself …"). Moving
# that space inside the element gives it a break opportunity it handles.
_SPACE_BEFORE_INLINE = re.compile(r" <(strong|em|a)((?:\s[^>]*)?)>")


def _printable(html: SafeString) -> SafeString:
    return mark_safe(_SPACE_BEFORE_INLINE.sub(r"<\1\2> ", html))  # noqa: S308 - already safe


def booklet_pdf(booklet: Booklet, *, language: str, rules_approved: bool = False) -> bytes:
    """The booklet as an A5 PDF: cover, contents, one chapter per section, ruled pages for notes
    so that the page count is a multiple of 4 (it folds into a saddle-stitched booklet without
    blank sheets), sources at the back. Unless `rules_approved`, it says that its clinical rules
    are proposals not yet approved by a midwife."""
    from weasyprint import HTML

    chapters = [
        replace(chapter, html=_printable(chapter.html))
        for chapter in rendered_chapters(booklet, language=language)
    ]

    def render(notes_pages: int):
        with translation.override(language):
            html = render_to_string(
                "training/pdf/booklet.html",
                {
                    "booklet": booklet,
                    "title": booklet.localized("title", language),
                    "subtitle": booklet.localized("subtitle", language),
                    "chapters": chapters,
                    "language": language,
                    "rules_approved": rules_approved,
                    "notes_pages": range(notes_pages),
                },
            )
        return HTML(string=html).render()

    with cyclic_collector_paused():
        document = render(0)
        missing = -len(document.pages) % 4
        if missing:
            document = render(missing)
        return document.write_pdf()


def certificate_context(certificate: Certificate, *, verify_url: str, on: dt.date) -> dict:
    training = certificate.training
    programme = certificate.cadre.programme
    policy = training_policy_for(programme)
    return {
        "certificate": certificate,
        "cadre": certificate.cadre,
        "programme": programme,
        "training": training,
        "trainers": list(training.trainers.all()) if training else [],
        "policy": policy,
        "issuer": policy.certificate_issuer or programme.name,
        "status": certificate_status(certificate, on=on),
        "verify_url": verify_url,
        "qr": qr_svg(verify_url),
    }


def certificate_pdf(
    certificate: Certificate, *, verify_url: str, language: str, on: dt.date
) -> bytes:
    """The certificate as an A4 landscape PDF with its verification code and a QR code to
    `verify_url`."""
    with translation.override(language):
        html = render_to_string(
            "training/pdf/certificate.html",
            certificate_context(certificate, verify_url=verify_url, on=on),
        )
    return _pdf(html)
