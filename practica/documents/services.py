"""Writes for patient documents: upload, entered in error, key rotation.

An upload is checked whole before anything is written (size, sniffed type,
parse), then sealed with the active key and stored in one transaction with
its audit entry, so a refused file leaves no row and no bytes behind.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.documents.encryption import Sealed, decrypt, encrypt, keyring
from practica.documents.errors import (
    DocumentAlreadyInErrorError,
    DocumentError,
    DocumentRefusedError,
    DocumentUnreadableError,
    InvalidReasonError,
)
from practica.documents.file_names import clean_name
from practica.documents.file_types import inspect
from practica.documents.models import Document
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import ALL_PERMISSIONS, CHART_EDIT

if TYPE_CHECKING:
    from practica.patients.models import Patient

logger = logging.getLogger(__name__)
REASON_MAX = 500


class DocumentPermissionError(DocumentError):
    """The acting member lacks the chart permission this action needs."""


def max_upload_bytes() -> int:
    return int(settings.DOCUMENTS_MAX_UPLOAD_BYTES)


def size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def upload_document(
    *,
    actor: Actor,
    patient: Patient,
    category: str,
    title: str,
    file_name: str,
    data: bytes,
) -> Document:
    """Check, encrypt and store one file in the patient's chart."""
    if not actor.can(CHART_EDIT):
        raise DocumentPermissionError(f"Missing permission {CHART_EDIT}.")
    if patient.clinic_id != actor.clinic.pk:
        raise DocumentPermissionError("The patient is not in this clinic.")
    name = clean_name(file_name)
    limit = max_upload_bytes()
    if len(data) > limit:
        raise DocumentRefusedError(
            name, f"the file is larger than the {size_label(limit)} limit."
        )
    if category not in Document.Category.values:
        raise DocumentRefusedError(name, "choose one of the listed categories.")
    inspected = inspect(data, file_name=name)
    document_id = uuid.uuid4()
    sealed = encrypt(data, document_id=document_id, clinic_id=actor.clinic.pk)
    with transaction.atomic():
        document = Document.objects.create(
            id=document_id,
            clinic=actor.clinic,
            patient=patient,
            category=category,
            title=title.strip() or name,
            original_name=name,
            content_type=inspected.content_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor.membership,
            key_id=sealed.key_id,
            nonce=sealed.nonce,
            ciphertext=sealed.ciphertext,
            extracted_text=inspected.extracted_text,
        )
        record_change(
            actor=actor,
            action="create",
            obj=document,
            patient_id=patient.pk,
            detail=f"document {inspected.content_type}, {len(data)} bytes",
        )
    logger.info("documents.uploaded", extra={"document_id": str(document.pk)})
    return document


def open_sealed(document: Document) -> bytes:
    """Decrypt a document and check it against its stored digest."""
    plaintext = decrypt(
        Sealed(
            key_id=document.key_id,
            nonce=bytes(document.nonce),
            ciphertext=bytes(document.ciphertext),
        ),
        document_id=document.pk,
        clinic_id=document.clinic_id,
    )
    if hashlib.sha256(plaintext).hexdigest() != document.sha256:
        raise DocumentUnreadableError("The document does not match its digest.")
    return plaintext


def mark_entered_in_error(*, actor: Actor, document: Document, reason: str) -> Document:
    """Keep the document, flagged as a wrong upload, with who, when and why."""
    if not actor.can(CHART_EDIT):
        raise DocumentPermissionError(f"Missing permission {CHART_EDIT}.")
    reason = reason.strip()
    if not reason:
        raise InvalidReasonError("Reason: say why this document is in error.")
    if len(reason) > REASON_MAX:
        raise InvalidReasonError(f"Reason: at most {REASON_MAX} characters.")
    with transaction.atomic():
        locked = (
            Document.objects.select_for_update()
            .defer("ciphertext")
            .get(clinic=actor.clinic, pk=document.pk)
        )
        if locked.is_entered_in_error:
            raise DocumentAlreadyInErrorError
        locked.is_entered_in_error = True
        locked.entered_in_error_reason = reason
        locked.entered_in_error_at = timezone.now()
        locked.entered_in_error_by = actor.membership
        locked.save(
            update_fields=[
                "is_entered_in_error",
                "entered_in_error_reason",
                "entered_in_error_at",
                "entered_in_error_by",
                "updated_at",
            ]
        )
        record_change(
            actor=actor,
            action="entered_in_error",
            obj=locked,
            patient_id=locked.patient_id,
            detail=reason[:200],
        )
    return locked


def _stale_ids(active_id: str, batch_size: int) -> Iterator[list[uuid.UUID]]:
    while True:
        ids = list(
            Document.objects.exclude(key_id=active_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield ids


def rotate_document_keys(*, batch_size: int = 50) -> int:
    """Re-encrypt every document not sealed with the active key (all clinics).

    Each document is re-sealed under a row lock in its own transaction with
    its audit entry, so the command can be stopped and run again at any time.
    A document that fails to decrypt stops the run (nothing about it changes).
    Returns the number of documents re-encrypted.
    """
    active_id = keyring().active_id
    done = 0
    for ids in _stale_ids(active_id, batch_size):
        for document_id in ids:
            with transaction.atomic():
                document = (
                    Document.objects.select_for_update()
                    .select_related("clinic")
                    .filter(pk=document_id)
                    .exclude(key_id=active_id)
                    .first()
                )
                if document is None:
                    continue
                previous = document.key_id
                try:
                    plaintext = open_sealed(document)
                except DocumentUnreadableError as exc:
                    raise DocumentUnreadableError(
                        f"Document {document.pk}: {exc}"
                    ) from exc
                sealed = encrypt(
                    plaintext, document_id=document.pk, clinic_id=document.clinic_id
                )
                document.key_id = sealed.key_id
                document.nonce = sealed.nonce
                document.ciphertext = sealed.ciphertext
                document.save(
                    update_fields=["key_id", "nonce", "ciphertext", "updated_at"]
                )
                record_change(
                    actor=Actor.system(document.clinic, frozenset(ALL_PERMISSIONS)),
                    action="rekey",
                    obj=document,
                    patient_id=document.patient_id,
                    detail=f"key {previous} -> {sealed.key_id}",
                )
            done += 1
    logger.info("documents.rotated", extra={"count": done, "key_id": active_id})
    return done
