"""Validation and scoring of one set of answers to a measure.

Pure functions, no database: `score_answers` either returns the score, band
and flags, or raises `InvalidResponseError` naming every item at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from practica.outcomes.errors import InvalidResponseError
from practica.outcomes.measures import Measure, Scoring

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Scored:
    answers: dict[str, int | None]  # every item key; None = skipped
    score: Decimal
    band: str
    flags: list[str]


def _as_value(raw: object) -> int | str | None:
    """An answer as an int, None for blank, or the raw text when invalid."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    return str(raw)


def score_answers(measure: Measure, answers: Mapping[str, object]) -> Scored:
    """Validate `answers` (item key -> value) and score them."""
    errors: dict[str, list[str]] = {}
    known = {item.key for item in measure.items}
    unknown = sorted(set(answers) - known)
    if unknown:
        errors["__all__"] = [
            f"Unknown items for {measure.short_name}: {', '.join(unknown)}."
        ]
    low, high = measure.min_option, measure.max_option
    values: dict[str, int | None] = {}
    skipped = []
    for item in measure.items:
        value = _as_value(answers.get(item.key))
        if value is None:
            skipped.append(item)
            values[item.key] = None
        elif isinstance(value, str) or not low <= value <= high:
            errors[item.key] = [
                f"{item.label}: choose a whole number from {low} to {high}."
            ]
        else:
            values[item.key] = value
    if len(skipped) > measure.max_skipped:
        allowed = (
            f"at most {measure.max_skipped} may be left blank"
            if measure.max_skipped
            else "every item needs an answer"
        )
        for item in skipped:
            errors[item.key] = [f"{item.label}: answer this item ({allowed})."]
    if errors:
        raise InvalidResponseError(errors)
    answered = [v for v in values.values() if v is not None]
    total = Decimal(sum(answered))
    if measure.scoring is Scoring.PERCENT_OF_ANSWERED:
        score = total / (Decimal(high) * len(answered)) * 100
    else:
        score = total
    score = score.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    flags = [text for key, text in measure.flag_items if (values.get(key) or 0) > 0]
    return Scored(
        answers=values, score=score, band=measure.band_for(score), flags=flags
    )
