"""Charts drawn by matplotlib go inline into pages whose Content-Security-Policy refuses a
`<style>` element without the nonce: its one rule becomes presentation attributes."""

import pytest

from kaderasi.core.svg import style_element_inlined

MATPLOTLIB_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n <defs>\n'
    '  <style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>\n'
    " </defs>\n <path d='M0 0'/>\n</svg>"
)


def test_the_star_rule_becomes_attributes_of_the_root_and_the_style_element_goes():
    svg = style_element_inlined(MATPLOTLIB_SVG)

    assert "<style" not in svg
    assert svg.startswith('<svg stroke-linejoin="round" stroke-linecap="butt" xmlns=')
    assert "<path d='M0 0'/>" in svg


def test_a_rule_for_some_elements_only_is_refused_rather_than_lost():
    with pytest.raises(ValueError, match="not for every element"):
        style_element_inlined("<svg><style>path{fill: red}</style></svg>")


def test_the_mothers_charts_carry_no_style_element():
    from kaderasi.care.charts import Point, weight_change_chart

    svg = weight_change_chart(
        [Point(day=1.5, value=-3.0), Point(day=3.5, value=-6.0)],
        review_percent=-7.0,
        referral_percent=-10.0,
    )

    assert "<style" not in svg
    assert 'stroke-linejoin="round"' in svg
