"""DocumentReference: a document of the chart with its file inline.

`attachment.data` is the file, base64; `attachment.hash` is the base64 SHA-1
of those bytes, as FHIR defines it (we store a SHA-256 to check integrity;
FHIR R4 names SHA-1).
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from practica.fhir import systems
from practica.fhir.datatypes import (
    Resource,
    coding,
    compact,
    concept,
    instant,
)
from practica.fhir.resources import organization, patient

if TYPE_CHECKING:
    from practica.documents.models import Document


def sha1_base64(content: bytes) -> str:
    digest = hashlib.sha1(content, usedforsecurity=False).digest()
    return base64.b64encode(digest).decode("ascii")


def to_fhir(document: Document, content: bytes) -> Resource:
    """`content` is the decrypted file (the caller decrypts and checks it)."""
    category = document.get_category_display()
    return compact(
        {
            "resourceType": "DocumentReference",
            "id": str(document.pk),
            "status": (
                "entered-in-error" if document.is_entered_in_error else "current"
            ),
            "docStatus": "final",
            "type": concept(
                coding(systems.LOCAL_DOCUMENT_CATEGORY, document.category, category),
                text=category,
            ),
            "subject": patient.ref(document.patient_id),
            "date": instant(document.created_at),
            "custodian": organization.ref(document.clinic_id),
            "description": document.title,
            "content": [
                {
                    "attachment": {
                        "contentType": document.content_type,
                        "data": base64.b64encode(content).decode("ascii"),
                        "size": len(content),
                        "hash": sha1_base64(content),
                        "title": document.original_name,
                        "creation": instant(document.created_at),
                    }
                }
            ],
        }
    )
