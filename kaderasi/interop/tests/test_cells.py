"""Workbook cells read numbers as the web forms and the phone do (core/decimals.py)."""

from decimal import Decimal

import pytest
from django.utils import translation

from kaderasi.interop import cells
from kaderasi.interop.errors import InteropErrorCode

VOLUME = cells.decimal(Decimal(0), Decimal(1500), 1)


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        ("35,5", Decimal("35.5")),
        ("35.5", Decimal("35.5")),
        (" 12,5 ", Decimal("12.5")),
        (35.5, Decimal("35.5")),
        (45.100000000000001, Decimal("45.1")),  # Excel's float noise
        (1200, Decimal("1200.0")),
        ("1200", Decimal("1200.0")),
        (",5", Decimal("0.5")),
    ],
)
def test_a_volume_cell_reads_the_decimal_comma_and_excel_numbers(raw, read):
    assert VOLUME(raw) == read


@pytest.mark.parametrize("raw", ["1.200", "1,200"])
def test_a_volume_cell_that_could_be_a_decimal_or_a_thousand_is_refused_not_read_as_1_2(raw):
    """Regression: "1,200" was read as 1.2 ml."""
    with translation.override("en"), pytest.raises(cells.CellInvalid) as refused:
        VOLUME(raw)
    assert refused.value.code == InteropErrorCode.INVALID_NUMBER
    assert refused.value.message == (
        f"“{raw}” could be a decimal or a thousand. Write a decimal with a comma (12,5) and a "
        "whole number without a dot (1200)."
    )


def test_a_cell_with_thousands_separators_is_refused_in_indonesian():
    with translation.override("id"), pytest.raises(cells.CellInvalid) as refused:
        VOLUME("1.200,5")
    assert refused.value.code == InteropErrorCode.INVALID_NUMBER
    assert refused.value.message == (
        "“1.200,5” memakai pemisah ribuan. Tulis angka tanpa titik atau spasi (1200); koma "
        "hanya untuk desimal (12,5)."
    )


def test_an_integer_cell_reads_the_same_rules_with_its_own_code():
    parity = cells.integer(1, 20)
    assert parity("3") == 3
    assert parity(3.0) == 3
    with pytest.raises(cells.CellInvalid) as refused:
        parity("1.000")
    assert refused.value.code == InteropErrorCode.INVALID_INTEGER
