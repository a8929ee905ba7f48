"""FHIR R4 data types as plain JSON, and the helpers every mapper shares.

Mappers return `Resource` (a JSON object) rather than typed models: the
output is what a client receives, and the tests parse it with a typed FHIR
library (fhir.resources) to validate it.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import TypeAlias

JSON: TypeAlias = str | int | float | bool | list["JSON"] | dict[str, "JSON"] | None
Resource: TypeAlias = dict[str, JSON]

# Stable ids for resources made from rows without a UUID key (the clinic, a
# provider) or from part of a row (one vital sign of a set): uuid5 of this
# namespace, so the same row gives the same id in every export.
ID_NAMESPACE = uuid.UUID("6f0c8a52-2f6e-4f4e-9d8e-3b1f3a4f0c11")


def derived_id(kind: str, key: object) -> uuid.UUID:
    return uuid.uuid5(ID_NAMESPACE, f"{kind}:{key}")


def urn(value: uuid.UUID) -> str:
    return f"urn:uuid:{value}"


def reference(target: uuid.UUID, display: str = "") -> Resource:
    """A reference to a resource in the same bundle (its urn:uuid fullUrl)."""
    ref: Resource = {"reference": urn(target)}
    if display:
        ref["display"] = display
    return ref


def display_only(display: str) -> Resource:
    """A reference naming someone who is not a resource of the bundle."""
    return {"display": display}


def coding(system: str, code: str, display: str = "") -> Resource:
    out: Resource = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def concept(*codings: Resource, text: str = "") -> Resource:
    out: Resource = {}
    if codings:
        out["coding"] = list(codings)
    if text:
        out["text"] = text
    return out


def instant(value: datetime.datetime) -> str:
    """An aware datetime as FHIR dateTime/instant (UTC, seconds)."""
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds")


def date(value: datetime.date) -> str:
    return value.isoformat()


def number(value: Decimal | int) -> int | float:
    """A JSON number for a FHIR decimal: whole values stay integers; others
    are the shortest float that reads back as the same decimal."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def annotation(text: str) -> list[JSON]:
    """`note` of a resource: one annotation, or none for empty text."""
    return [{"text": text}] if text.strip() else []


def compact(resource: Resource) -> Resource:
    """Drop empty values (None, "", [], {}): FHIR forbids empty elements."""
    return {k: v for k, v in resource.items() if v not in (None, "", [], {})}
