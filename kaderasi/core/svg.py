"""SVG drawn by matplotlib, made fit to be put inline in a page under kaderasi's
Content-Security-Policy (docs/security.md), which refuses `<style>` elements without the page's
nonce: matplotlib's one style rule (`*{stroke-linejoin: round; stroke-linecap: butt}`) becomes
the same two presentation attributes on the root, which every element inherits."""

import re

STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
STAR_RULE = re.compile(r"^\s*\*\s*\{(.*)\}\s*$", re.DOTALL)


def style_element_inlined(svg: str) -> str:
    """`svg` without its `<style>` elements; a rule for every element (`*{…}`) is kept as
    presentation attributes of the root `<svg>`. Any other rule is refused: it would be lost."""
    attributes = []
    for match in STYLE_ELEMENT.finditer(svg):
        rule = STAR_RULE.match(match.group(1))
        if rule is None:
            raise ValueError(f"an SVG style rule that is not for every element: {match.group(1)}")
        for declaration in rule.group(1).split(";"):
            name, _sep, value = declaration.partition(":")
            if name.strip() and value.strip():
                attributes.append(f' {name.strip()}="{value.strip()}"')
    svg = STYLE_ELEMENT.sub("", svg)
    svg = svg.replace("<defs>\n  \n </defs>", "").replace("<defs>\n </defs>", "")
    return svg.replace("<svg", "<svg" + "".join(attributes), 1)
