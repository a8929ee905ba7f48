"""Reads of patient documents. `list_patient_documents` feeds the chart
section (one query, ciphertext left out); `read_document_for` is the one way a
view obtains a document's bytes, and records each download."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from practica.audit.services import record_view
from practica.documents.errors import DocumentUnreadableError
from practica.documents.models import Document
from practica.documents.services import open_sealed
from practica.tenancy.access import scoped_get_or_404

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor

MAX_QUERY = 100


@dataclass(frozen=True)
class CategoryGroup:
    code: str
    label: str
    documents: list[Document]


def _documents(actor: Actor) -> QuerySet[Document]:
    return Document.objects.filter(clinic=actor.clinic)


def list_patient_documents(
    *, actor: Actor, patient: Patient, query: str = ""
) -> list[CategoryGroup]:
    """The patient's documents grouped by category (in the category order),
    newest first within each; `query` matches title, file name or PDF text.
    One query whatever the count. The caller's page view records the audit
    entry."""
    rows = (
        _documents(actor)
        .filter(patient=patient)
        .defer("ciphertext", "nonce", "extracted_text")
        .select_related("uploaded_by__user", "entered_in_error_by__user")
        .order_by("-created_at", "pk")
    )
    query = query.strip()[:MAX_QUERY]
    if query:
        rows = rows.filter(
            Q(title__icontains=query)
            | Q(original_name__icontains=query)
            | Q(extracted_text__icontains=query)
        )
    by_category: dict[str, list[Document]] = {}
    for document in rows:
        by_category.setdefault(document.category, []).append(document)
    return [
        CategoryGroup(code=code, label=str(label), documents=by_category[code])
        for code, label in Document.Category.choices
        if code in by_category
    ]


def get_document_for_change(*, actor: Actor, document_id: uuid.UUID) -> Document:
    """The document a POST acts on (no view entry: the service records it)."""
    return scoped_get_or_404(
        actor, _documents(actor).defer("ciphertext", "extracted_text"), pk=document_id
    )


@dataclass(frozen=True)
class OpenedDocument:
    document: Document
    content: bytes


def read_document_for(*, actor: Actor, document_id: uuid.UUID) -> OpenedDocument:
    """The decrypted document of the actor's clinic (404 and a denied entry
    otherwise). Every attempt is a view entry naming the patient, a refused
    one too; raises DocumentUnreadableError when the stored bytes fail their
    integrity check."""
    document = scoped_get_or_404(
        actor, _documents(actor).defer("extracted_text"), pk=document_id
    )
    try:
        content = open_sealed(document)
    except DocumentUnreadableError:
        record_view(
            actor=actor,
            obj=document,
            patient_id=document.patient_id,
            detail="download refused: integrity check failed",
        )
        raise
    record_view(
        actor=actor, obj=document, patient_id=document.patient_id, detail="download"
    )
    return OpenedDocument(document=document, content=content)
