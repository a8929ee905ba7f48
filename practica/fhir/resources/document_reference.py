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
    from practica.intake.models import FormSubmission


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


def form_submission(
    submission: FormSubmission, *, is_superseded: bool, include_pdf: bool = True
) -> Resource:
    """A signed form (intake, health history, consent) with its PDF inline;
    a submission corrected by a later one is superseded."""
    pdf = bytes(submission.pdf)
    signer = submission.signer_name or "the patient"
    relationship = submission.get_signer_relationship_display()
    attachment = compact(
        {
            "contentType": "application/pdf",
            "data": base64.b64encode(pdf).decode("ascii") if include_pdf else None,
            "size": len(pdf),
            "hash": sha1_base64(pdf),
            "title": f"{submission.title} (version {submission.form_version})",
            "creation": instant(submission.signed_at),
        }
    )
    return compact(
        {
            "resourceType": "DocumentReference",
            "id": str(submission.pk),
            "status": "superseded" if is_superseded else "current",
            "docStatus": "final",
            "type": concept(
                coding(
                    systems.LOCAL_FORM_KIND,
                    submission.kind,
                    submission.get_kind_display(),
                ),
                text=submission.get_kind_display(),
            ),
            "subject": patient.ref(submission.patient_id),
            "date": instant(submission.signed_at),
            "custodian": organization.ref(submission.clinic_id),
            "description": (
                f"{submission.title}, signed by {signer}"
                + (f" ({relationship.lower()})" if relationship else "")
            ),
            "content": [{"attachment": attachment}],
        }
    )
