"""Bundles: resources gathered into one FHIR R4 Bundle.

The record export is a `collection` bundle (a set of resources with no
single document structure): each entry's fullUrl is `urn:uuid:<id>`, and
references between entries use those URNs, so the bundle is self-contained.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from practica.fhir.datatypes import JSON, Resource, instant


def entry_url(resource: Resource) -> str:
    return f"urn:uuid:{resource['id']}"


def collection(
    resources: Iterable[Resource], *, bundle_id: uuid.UUID, at: datetime.datetime
) -> Resource:
    entries: list[JSON] = [
        {"fullUrl": entry_url(resource), "resource": resource} for resource in resources
    ]
    return {
        "resourceType": "Bundle",
        "id": str(bundle_id),
        "meta": {"lastUpdated": instant(at)},
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{bundle_id}"},
        "type": "collection",
        "timestamp": instant(at),
        "total": len(entries),
        "entry": entries,
    }
