"""The abnormal flag of a result, from its value and reference range.

Numeric: below the low end is L, above the high end H, beyond a critical
limit LL or HH, inside the range N; no range, no flag. A value given with a
comparator ("<0.5", ">90") is flagged only when every value it stands for
lies on the same side. Qualitative: a result other than the test's normal
answer ("Positive" where "Negative" is normal) is A. The clinician may set
any flag by hand; the services then keep theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from practica.labs.models import Comparator, Flag


@dataclass(frozen=True)
class Limits:
    low: Decimal | None = None
    high: Decimal | None = None
    critical_low: Decimal | None = None
    critical_high: Decimal | None = None


def _below(number: Decimal, comparator: str, limit: Decimal) -> bool:
    """Every value the reading stands for is under `limit`."""
    if comparator in (Comparator.GREATER, Comparator.GREATER_OR_EQUAL):
        return False
    if comparator == Comparator.LESS:
        return number <= limit
    return number < limit


def _above(number: Decimal, comparator: str, limit: Decimal) -> bool:
    """Every value the reading stands for is over `limit`."""
    if comparator in (Comparator.LESS, Comparator.LESS_OR_EQUAL):
        return False
    if comparator == Comparator.GREATER:
        return number >= limit
    return number > limit


def numeric_flag(number: Decimal, comparator: str, limits: Limits) -> str:
    """N, L, H, LL or HH; "" when there is no range to judge by."""
    if limits.critical_low is not None and _below(
        number, comparator, limits.critical_low
    ):
        return Flag.CRITICAL_LOW
    if limits.critical_high is not None and _above(
        number, comparator, limits.critical_high
    ):
        return Flag.CRITICAL_HIGH
    if limits.low is None and limits.high is None:
        return ""
    if limits.low is not None and _below(number, comparator, limits.low):
        return Flag.LOW
    if limits.high is not None and _above(number, comparator, limits.high):
        return Flag.HIGH
    if comparator and not _inside(number, comparator, limits):
        return ""  # "<10" with a range of 5-8: cannot tell
    return Flag.NORMAL


def _inside(number: Decimal, comparator: str, limits: Limits) -> bool:
    """A comparator reading lies wholly inside the range (a range starting
    at zero holds every "<" reading under its high end: amounts are never
    negative)."""
    if comparator in (Comparator.LESS, Comparator.LESS_OR_EQUAL):
        from_zero = limits.low is None or limits.low <= 0
        return from_zero and (limits.high is None or number <= limits.high)
    return limits.high is None and (limits.low is None or number >= limits.low)


def text_flag(value: str, normal: str) -> str:
    """N when the answer is the normal one, A when it differs, "" when the
    test has no normal answer."""
    if not normal:
        return ""
    return Flag.NORMAL if value.strip().lower() == normal.lower() else Flag.ABNORMAL
