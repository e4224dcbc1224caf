"""Render booklet chapters (markdown written by coordinators) to safe HTML.

Raw HTML in the markdown is shown as text, links keep only safe schemes, and an image whose
source is `illustration:NAME` becomes a figure with kaderasi's own SVG drawing inline (so the
booklet needs no extra request on a slow connection and prints crisply)."""

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import markdown
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from kaderasi.training.models import Booklet, BookletChapter
from kaderasi.training.thresholds import fill, rule_data

ILLUSTRATION_DIR = Path(__file__).resolve().parent.parent / "static" / "training" / "illustrations"
ILLUSTRATION_PREFIX = "illustration:"
SAFE_LINK = re.compile(r"^(https?:|mailto:|tel:|#|/)", re.IGNORECASE)


@cache
def illustration_svg(name: str) -> str | None:
    """The SVG markup of a shipped illustration, or None for an unknown name."""
    if not re.fullmatch(r"[a-z0-9-]+", name):
        return None
    path = ILLUSTRATION_DIR / f"{name}.svg"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return text[text.index("<svg") :]


HEADING_BELOW = {"h1": "h3", "h2": "h3", "h3": "h4", "h4": "h5", "h5": "h6"}


def _is_lone_image(element: ElementTree.Element) -> bool:
    return (
        element.tag == "p"
        and len(element) == 1
        and element[0].tag == "img"
        and not (element.text or "").strip()
        and not (element[0].tail or "").strip()
    )


class _SafeContent(Treeprocessor):
    def run(self, root: ElementTree.Element) -> None:
        for parent in list(root.iter()):
            for index, element in enumerate(list(parent)):
                if element.tag == "a" and not SAFE_LINK.match(element.get("href", "")):
                    element.attrib.pop("href", None)
                if _is_lone_image(element):
                    # A paragraph holding only an image becomes the figure itself, so that a
                    # heading stays with its drawing across a page break.
                    parent[index] = self._figure(element[0])
                elif element.tag == "img":
                    parent[index] = self._figure(element)
                elif element.tag in HEADING_BELOW:
                    # The chapter title is the page's h2: the chapter's own headings sit below it.
                    element.tag = HEADING_BELOW[element.tag]
                elif element.tag == "table":
                    wrapper = ElementTree.Element("div", {"class": "table-scroll"})
                    wrapper.append(element)
                    parent[index] = wrapper

    def _figure(self, image: ElementTree.Element) -> ElementTree.Element:
        source = image.get("src", "")
        caption = image.get("alt", "")
        figure = ElementTree.Element("figure", {"class": "illustration"})
        svg = (
            illustration_svg(source[len(ILLUSTRATION_PREFIX) :])
            if source.startswith(ILLUSTRATION_PREFIX)
            else None
        )
        if svg is not None:
            holder = ElementTree.SubElement(figure, "div", {"class": "drawing"})
            holder.text = self.md.htmlStash.store(svg)
        else:
            # Only kaderasi's own drawings are embedded; any other image stays out.
            figure.set("class", "illustration missing")
        figcaption = ElementTree.SubElement(figure, "figcaption")
        figcaption.text = caption
        return figure


class _BookletExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeContent(md), "kaderasi_safe_content", 0)


def render_markdown(text: str) -> SafeString:
    """HTML for coordinator-written markdown: tables and lists, no raw HTML, no unsafe links."""
    html = markdown.markdown(
        text, extensions=["tables", "sane_lists", _BookletExtension()], output_format="html"
    )
    return mark_safe(html)  # noqa: S308 - raw HTML is escaped by the extension above


@dataclass(frozen=True)
class RenderedChapter:
    chapter: BookletChapter
    title: str
    html: SafeString


def rendered_chapters(booklet: Booklet, *, language: str) -> list[RenderedChapter]:
    """The chapters as HTML in `language`, with every threshold, danger-sign list and reference
    table read from the rule data (`training/thresholds.py`) rather than typed."""
    data = rule_data(with_rows=True)
    return [
        RenderedChapter(
            chapter=chapter,
            title=chapter.localized("title", language),
            html=render_markdown(fill(chapter.localized("body", language), data, language)),
        )
        for chapter in booklet.chapters.all()
    ]
