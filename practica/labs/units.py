"""Units of lab results: the spellings labs print for one UCUM unit, and
whether an entered unit is one a test is reported in.

A LOINC code fixes the kind of quantity (mass or moles per volume, a
ratio...), so a value in another kind of unit is a different test: glucose
in mmol/L is 14749-6, not 2345-7. Spellings that mean the same number
("K/uL", "10^3/uL", "10*9/L") compare equal; units that would change the
number (g/dL and g/L) are each accepted only where the test lists them, and
the trend chart plots one unit at a time.
"""

from __future__ import annotations

import re

# Spelling (after _squash) -> the UCUM unit it means.
_ALIASES = {
    "k/ul": "10*3/uL",
    "10^3/ul": "10*3/uL",
    "x10e3/ul": "10*3/uL",
    "10e3/ul": "10*3/uL",
    "thou/ul": "10*3/uL",
    "10^9/l": "10*9/L",
    "x10e9/l": "10*9/L",
    "10e9/l": "10*9/L",
    "m/ul": "10*6/uL",
    "10^6/ul": "10*6/uL",
    "x10e6/ul": "10*6/uL",
    "10^12/l": "10*12/L",
    "x10e12/l": "10*12/L",
    "mm/hr": "mm/h",
    "sec": "s",
    "seconds": "s",
    "iu/l": "U/L",
    "u/l": "U/L",
    "miu/l": "m[IU]/L",
    "uiu/ml": "u[IU]/mL",
    "ml/min/1.73m2": "mL/min/{1.73_m2}",
    "mmhg": "mm[Hg]",
    "percent": "%",
}
# Units that are the same number: 1 K/uL = 1 x10^9/L; 1 mIU/L = 1 uIU/mL.
_SAME_NUMBER = (
    {"10*3/uL", "10*9/L"},
    {"10*6/uL", "10*12/L"},
    {"m[IU]/L", "u[IU]/mL"},
)
_SPACES = re.compile(r"\s+")


def _squash(unit: str) -> str:
    text = _SPACES.sub("", unit).lower()
    for old, new in (("µ", "u"), ("μ", "u"), ("mcg", "ug"), ("[", ""), ("]", "")):
        text = text.replace(old, new)
    return text.replace("{", "").replace("}", "").replace("_", "")


def unit_key(unit: str) -> str:
    """One spelling per unit, for comparing what a lab printed."""
    squashed = _squash(unit)
    canonical = _ALIASES.get(squashed)
    return _squash(canonical) if canonical else squashed


def same_number(first: str, second: str) -> bool:
    """True when a value in `first` is the same number in `second`."""
    a, b = unit_key(first), unit_key(second)
    if a == b:
        return True
    return any(
        {a, b} <= {unit_key(u) for u in group} and a != b for group in _SAME_NUMBER
    )


def matching_unit(entered: str, accepted: tuple[str, ...]) -> str | None:
    """The test's own spelling of `entered` when the test is reported in it,
    else None."""
    key = unit_key(entered)
    for unit in accepted:
        if unit_key(unit) == key:
            return unit
    return None


TIMES = "\N{MULTIPLICATION SIGN}"
_DISPLAY = (
    ("{1.73_m2}", "1.73 m²"),
    ("10*3/", f"{TIMES}10³/"),
    ("10*6/", f"{TIMES}10⁶/"),
    ("10*9/", f"{TIMES}10⁹/"),
    ("10*12/", f"{TIMES}10¹²/"),
    ("u[IU]", "µIU"),
    ("m[IU]", "mIU"),
    ("[IU]", "IU"),
    ("[U]", "U"),
    ("mm[Hg]", "mmHg"),
    ("[pH]", ""),
    ("/[HPF]", "/HPF"),
    ("(24.h)", "24 h"),
    ("uL", "µL"),
    ("ug", "µg"),
    ("umol", "µmol"),
)
_ANNOTATION = re.compile(r"\{[^}]*\}")


def display_unit(unit: str) -> str:
    """A UCUM unit as people read it: "mL/min/{1.73_m2}" -> "mL/min/1.73 m²",
    "10*9/L" -> "10⁹/L" after a times sign; annotations such as {creat} and
    unitless codes ({INR}, {ratio}, [pH], 1) are dropped."""
    text = unit
    for code, shown in _DISPLAY:
        text = text.replace(code, shown)
    text = _ANNOTATION.sub("", text)
    return "" if text == "1" else text
