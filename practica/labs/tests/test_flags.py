"""Abnormal flags worked out from values and ranges."""

from __future__ import annotations

from decimal import Decimal

import pytest

from practica.labs.flags import Limits, numeric_flag, text_flag

RANGE = Limits(
    low=Decimal("3.5"),
    high=Decimal("5.1"),
    critical_low=Decimal("2.8"),
    critical_high=Decimal("6.2"),
)


@pytest.mark.parametrize(
    ("value", "comparator", "flag"),
    [
        ("4.2", "", "N"),
        ("3.5", "", "N"),
        ("5.1", "", "N"),
        ("3.4", "", "L"),
        ("5.2", "", "H"),
        ("2.7", "", "LL"),
        ("6.3", "", "HH"),
        ("2.8", "", "L"),
        ("3.5", "<", "L"),
        ("3.6", "<", ""),
        ("5.1", ">", "H"),
        ("7.0", ">", "HH"),
        ("4.0", ">", ""),
    ],
)
def test_numeric_flag(value: str, comparator: str, flag: str) -> None:
    assert numeric_flag(Decimal(value), comparator, RANGE) == flag


def test_no_range_means_no_flag_unless_critical() -> None:
    assert numeric_flag(Decimal(9), "", Limits()) == ""
    assert numeric_flag(Decimal(9), "", Limits(critical_high=Decimal(8))) == "HH"


@pytest.mark.parametrize(
    ("value", "comparator", "limits", "flag"),
    [
        ("90", ">", Limits(low=Decimal(60)), "N"),
        ("45", "", Limits(low=Decimal(60)), "L"),
        ("0.01", "<", Limits(low=Decimal(0), high=Decimal("0.04")), "N"),
        ("5.8", "", Limits(high=Decimal("5.2")), "H"),
    ],
)
def test_open_and_zero_based_ranges(
    value: str, comparator: str, limits: Limits, flag: str
) -> None:
    assert numeric_flag(Decimal(value), comparator, limits) == flag


@pytest.mark.parametrize(
    ("value", "normal", "flag"),
    [
        ("Negative", "Negative", "N"),
        (" negative ", "Negative", "N"),
        ("Positive", "Negative", "A"),
        ("2+", "Negative", "A"),
        ("Positive", "", ""),
    ],
)
def test_text_flag(value: str, normal: str, flag: str) -> None:
    assert text_flag(value, normal) == flag
