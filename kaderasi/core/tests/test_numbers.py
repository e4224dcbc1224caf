"""The one way kaderasi writes numbers: p-values, percentages, changes, decimal comma in Bahasa
Indonesia and decimal point in English, charts included."""

import math
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from kaderasi.core import numbers
from kaderasi.evaluation.presentation import Cell
from kaderasi.reports.report_statistics import p_phrase
from kaderasi.training.templatetags.training_tags import pvalue


@pytest.mark.parametrize(
    ("value", "english", "indonesian"),
    [
        (2.534e-7, "< 0.001", "< 0,001"),
        (0.001, "0.00100", "0,00100"),
        (0.0497, "0.0497", "0,0497"),
        (0.253, "0.253", "0,253"),
        (1.0, "1.00", "1,00"),
        (None, "—", "—"),
        (math.nan, "—", "—"),
    ],
)
def test_a_p_value_has_three_significant_digits_or_the_floor_in_both_languages(
    value, english, indonesian
):
    with translation.override("en"):
        assert numbers.p_value(value) == english
    with translation.override("id"):
        assert numbers.p_value(value) == indonesian


def test_a_p_statement_says_equals_or_less_than():
    with translation.override("en"):
        assert numbers.p_statement(0.253) == "p = 0.253"
        assert numbers.p_statement(0.0001) == "p < 0.001"
        assert numbers.p_statement(None) == "p —"


def test_numbers_round_half_up_group_thousands_and_use_the_minus_sign():
    with translation.override("en"):
        assert numbers.number(0.125, 2) == "0.13"
        assert numbers.number(2.5, 0) == "3"
        assert numbers.number(1234.5, 1) == "1,234.5"
        assert numbers.number(-5.06, 1) == "−5.1"
        assert numbers.number(-0.04, 1) == "0.0"
        assert numbers.number(12.5) == "12.5"
        assert numbers.number(Decimal("3008")) == "3,008"
    with translation.override("id"):
        assert numbers.number(1234.5, 1) == "1.234,5"
        assert numbers.number(-5.06, 1) == "−5,1"
        assert numbers.number(12.5) == "12,5"


def test_percentages_changes_and_intervals_are_written_in_the_active_language():
    with translation.override("en"):
        assert numbers.percent(-5.06) == "−5.1 %"
        assert numbers.signed(229) == "+229.0"
        assert numbers.signed(-12.5) == "−12.5"
        assert numbers.signed(0) == "0.0"
        assert numbers.interval([191.0834, 266.9166]) == "191.08 – 266.92"
        assert numbers.interval_words([1.25, 3.5], 1) == "1.3 to 3.5"
        assert numbers.mean_sd(66, 9.74) == "66.0 ± 9.7"
    with translation.override("id"):
        assert numbers.percent(-5.06) == "−5,1 %"
        assert numbers.percent(None) == "—"
        assert numbers.signed(-12.5) == "−12,5"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 4))
def test_a_written_number_reads_back_as_the_value_rounded(value, places):
    with translation.override("id"):
        text = numbers.number(value, places)
    read = Decimal(text.replace(".", "").replace(",", ".").replace(numbers.MINUS, "-"))
    assert abs(read - Decimal(str(value))) <= Decimal(1).scaleb(-places) / 2
    assert "-" not in text
    assert read != 0 or not text.startswith(numbers.MINUS)


@given(st.floats(min_value=1e-12, max_value=1, allow_nan=False))
def test_a_p_value_is_never_written_as_zero_or_above_one(value):
    with translation.override("en"):
        text = numbers.p_value(value)
    assert text.startswith("< ") or 0 < float(text) <= 1


def test_a_chart_writes_its_numeric_ticks_with_the_active_languages_decimal_sign():
    figure = Figure()
    axes = figure.add_subplot()
    axes.plot([1, 2, 3], [-5.5, -2.5, 0.5])
    axes.set_xticks([1, 2, 3], ["Day 1", "Day 2", "Day 3"])
    with translation.override("id"):
        numbers.localize_chart_ticks(figure)
        labels = [numbers.tick(value) for value in (-5.5, -2.5, 0.5)]
        y_formatter = axes.yaxis.get_major_formatter()
        assert [y_formatter(value, 0) for value in (-5.5, 0.5)] == ["−5,5", "0,5"]
    assert labels == ["−5,5", "−2,5", "0,5"]
    assert axes.xaxis.get_major_formatter()(1, 0) == "Day 1"  # own labels are kept


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("p", [0.0497, 0.00195, 0.253, 0.0004])
def test_the_evaluation_the_report_and_the_trainers_summary_write_a_p_value_alike(language, p):
    with translation.override(language):
        evaluation = Cell(p, kind="p").display
        report = p_phrase(p).removeprefix("= ")
        summary = pvalue(p)
        expected = numbers.p_value(p)
    assert evaluation == report == summary == expected


def test_templates_write_numbers_with_the_same_functions():
    page = Template(
        "{% load numbers %}{{ gain|signed:1 }} · {{ share|percent:0 }} · {{ p|p_value }}"
    )
    context = Context({"gain": -3, "share": 12.5, "p": 0.0497})
    with translation.override("id"):
        assert page.render(context) == "−3,0 · 13 % · 0,0497"
    with translation.override("en"):
        assert page.render(context) == "−3.0 · 13 % · 0.0497"
