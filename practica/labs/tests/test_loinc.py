"""The shipped LOINC subset, its search, the check digit and units."""

from __future__ import annotations

import pytest

from practica.labs.loinc import (
    Scale,
    check_digit_ok,
    is_valid_code,
    load,
    lookup,
    search,
)
from practica.labs.units import display_unit, matching_unit, same_number, unit_key


def test_every_shipped_code_is_well_formed_and_unique() -> None:
    # given the shipped list
    tests = load()
    # then
    assert len(tests) >= 200
    assert all(is_valid_code(t.code) for t in tests)
    assert len({t.code for t in tests}) == len(tests)
    assert all(t.name and t.short_name and t.group for t in tests)


def test_every_range_is_ordered_and_numeric_tests_have_a_unit() -> None:
    for test in load():
        if test.low is not None and test.high is not None:
            assert test.low <= test.high, test.code
        if test.critical_low is not None and test.low is not None:
            assert test.critical_low < test.low, test.code
        if test.critical_high is not None and test.high is not None:
            assert test.critical_high > test.high, test.code
        assert bool(test.units) == (test.scale == Scale.QUANTITATIVE), test.code


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("4548-4", True),
        ("2345-7", True),
        ("718-7", True),
        ("98979-8", True),
        ("4548-5", False),
        ("2345-1", False),
    ],
)
def test_check_digit(code: str, valid: bool) -> None:
    assert check_digit_ok(code) is valid


@pytest.mark.parametrize("code", ["4548", "4548-", "abc-4", "12345678-9", " 4548-4"])
def test_malformed_codes_are_not_valid(code: str) -> None:
    assert not is_valid_code(code)


def test_lookup_finds_the_loinc_names() -> None:
    # when
    a1c = lookup(" 4548-4 ")
    # then
    assert a1c is not None
    assert a1c.name == "Hemoglobin A1c/Hemoglobin.total in Blood"
    assert a1c.short_name == "Hgb A1c MFr Bld"
    assert a1c.unit == "%"
    assert lookup("9999-4") is None


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("4548", "4548-4"),
        ("hba1c", "4548-4"),
        ("a1c", "4548-4"),
        ("egfr", "33914-3"),
        ("vitamin d", "62292-8"),
        ("tsh", "3016-3"),
        ("ferritin", "2276-4"),
        ("uric acid", "3084-1"),
        ("hemoglobin blood", "718-7"),
    ],
)
def test_search_by_code_or_words(query: str, first: str) -> None:
    assert search(query)[0].code == first


def test_search_limits_and_ignores_blank_queries() -> None:
    assert search("   ") == []
    assert len(search("serum", limit=5)) == 5
    assert len(search("serum", limit=500)) == 50


@pytest.mark.parametrize(
    ("entered", "expected"),
    [
        ("K/uL", "10*3/uL"),
        ("x10E9/L", "10*9/L"),
        ("10^3/µL", "10*3/uL"),
        ("mL/min/1.73 m2", "mL/min/{1.73_m2}"),
        ("G/DL", "g/dL"),
        ("mmol/L", None),
    ],
)
def test_units_match_the_tests_spelling(entered: str, expected: str | None) -> None:
    accepted = ("10*3/uL", "10*9/L", "mL/min/{1.73_m2}", "g/dL")
    assert matching_unit(entered, accepted) == expected


def test_units_that_give_the_same_number() -> None:
    assert same_number("K/uL", "10*9/L")
    assert same_number("mIU/L", "uIU/mL")
    assert not same_number("g/dL", "g/L")
    assert unit_key("mcg/L") == unit_key("ug/L")


@pytest.mark.parametrize(
    ("unit", "shown"),
    [
        ("mL/min/{1.73_m2}", "mL/min/1.73 m²"),
        ("10*9/L", "\N{MULTIPLICATION SIGN}10⁹/L"),
        ("mg/mmol{creat}", "mg/mmol"),
        ("{INR}", ""),
        ("u[IU]/mL", "µIU/mL"),
        ("umol/L", "µmol/L"),
        ("%", "%"),
    ],
)
def test_units_are_shown_as_people_read_them(unit: str, shown: str) -> None:
    assert display_unit(unit) == shown
