"""The LOINC subset shipped with the labs app (loinc.tsv beside this module):
common tests with their usual UCUM unit, adult reference range and, for a
few, critical limits. Read once and searched in memory, like the chart's
ICD-10 and CVX lists (practica/charting/codes). Source, licence and the
required notice: LICENSE-LOINC and docs/code-lists.md."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from practica.labs.units import display_unit

DEFAULT_LIMIT = 20
MAX_LIMIT = 50
CODE_FORMAT = re.compile(r"^[0-9]{1,7}-[0-9]$")
_WORD = re.compile(r"[a-z0-9]+")
_FIELDS = 11
# Words clinicians type that LOINC's names do not hold ("hba1c", "cbc").
_GROUP_WORDS = {
    "Complete blood count": "cbc",
    "White cell differential": "cbc diff",
    "Electrolytes and kidney": "bmp cmp lytes renal",
    "Liver": "cmp lft",
    "Urinalysis": "ua dipstick",
}
_CODE_WORDS = {
    "4548-4": "hba1c glycated",
    "17856-6": "hba1c glycated",
    "59261-8": "hba1c glycated",
    "33914-3": "egfr",
    "62238-1": "egfr",
    "98979-8": "egfr",
    "2345-7": "bmp cmp",
    "14749-6": "bmp cmp",
    "17861-6": "bmp cmp",
    "2000-8": "bmp cmp",
    "3016-3": "thyroid stimulating hormone",
    "11580-8": "thyroid stimulating hormone",
    "1742-6": "sgpt",
    "1920-8": "sgot",
    "3084-1": "uric acid gout",
    "14933-6": "uric acid gout",
    "4537-7": "sed rate",
    "30341-2": "sed rate",
    "6301-6": "warfarin pt",
    "34714-6": "warfarin pt",
    "62292-8": "vitamin 25oh",
    "1989-3": "vitamin 25oh",
    "14635-7": "vitamin 25oh",
    "2132-9": "vitamin",
    "14685-2": "vitamin",
    "9318-7": "acr",
    "14959-1": "acr",
    "32294-1": "acr",
}


class Scale(StrEnum):
    QUANTITATIVE = "Qn"  # a number with a unit
    ORDINAL = "Ord"  # ranked answers: Negative, Trace, 1+ ...
    NOMINAL = "Nom"  # named answers: an organism, a colour ...


@dataclass(frozen=True)
class LoincTest:
    code: str
    name: str  # LOINC long common name
    short_name: str
    units: tuple[str, ...]  # usual unit first; empty for Ord/Nom tests
    low: Decimal | None
    high: Decimal | None
    critical_low: Decimal | None
    critical_high: Decimal | None
    normal: str  # the normal answer (Ord/Nom) or a range in words
    scale: Scale
    group: str
    words: tuple[str, ...]

    @property
    def unit(self) -> str:
        return self.units[0] if self.units else ""

    @property
    def unit_label(self) -> str:
        return display_unit(self.unit)

    @property
    def is_numeric(self) -> bool:
        return self.scale == Scale.QUANTITATIVE

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


def check_digit_ok(code: str) -> bool:
    """LOINC's mod-10 check digit (the digit after the dash) matches."""
    body, _, digit = code.partition("-")
    total = 0
    for position, char in enumerate(reversed(body)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            value = value - 9 if value > 9 else value
        total += value
    return str((10 - total % 10) % 10) == digit


def is_valid_code(code: str) -> bool:
    """Digits, a dash and a matching check digit (e.g. 4548-4)."""
    return bool(CODE_FORMAT.match(code)) and check_digit_ok(code)


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


@functools.cache
def load() -> tuple[LoincTest, ...]:
    """Every shipped test, in file order (grouped, common tests first)."""
    path = Path(__file__).with_name("loinc.tsv")
    tests = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != _FIELDS:
            raise ValueError(f"loinc.tsv: {len(fields)} fields in {fields[0]}")
        code, name, short, units, low, high, c_low, c_high, normal, scale, group = (
            fields
        )
        tests.append(
            LoincTest(
                code=code,
                name=name,
                short_name=short,
                units=tuple(u for u in units.split(",") if u),
                low=_decimal(low),
                high=_decimal(high),
                critical_low=_decimal(c_low),
                critical_high=_decimal(c_high),
                normal=normal,
                scale=Scale(scale),
                group=group,
                words=_words(
                    " ".join(
                        (
                            name,
                            short,
                            group,
                            _GROUP_WORDS.get(group, ""),
                            _CODE_WORDS.get(code, ""),
                        )
                    )
                ),
            )
        )
    return tuple(tests)


@functools.cache
def _by_code() -> dict[str, LoincTest]:
    return {test.code: test for test in load()}


def lookup(code: str) -> LoincTest | None:
    """The shipped test with this code (surrounding spaces ignored), or None."""
    return _by_code().get(code.strip())


@functools.cache
def group_order() -> dict[str, int]:
    """Each group's position in the file, for listing results by group."""
    order: dict[str, int] = {}
    for test in load():
        order.setdefault(test.group, len(order))
    return order


def search(query: str, *, limit: int = DEFAULT_LIMIT) -> list[LoincTest]:
    """Tests whose code starts with the query, then tests whose name, short
    name or group holds every query word as a word prefix ("a1c" finds
    4548-4, "vit d" the vitamin D tests)."""
    limit = max(1, min(limit, MAX_LIMIT))
    text = query.strip()
    if not text:
        return []
    by_code = [t for t in load() if t.code.startswith(text)]
    query_words = _words(text)
    by_words = [
        t
        for t in load()
        if t not in by_code
        and query_words
        and all(any(w.startswith(q) for w in t.words) for q in query_words)
    ]
    return [*by_code, *by_words][:limit]
