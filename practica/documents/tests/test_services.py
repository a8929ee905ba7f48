from __future__ import annotations

import base64
import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from practica.audit.models import AuditEntry
from practica.documents.errors import (
    DocumentAlreadyInErrorError,
    DocumentRefusedError,
    InvalidReasonError,
)
from practica.documents.models import Document
from practica.documents.services import (
    DocumentPermissionError,
    mark_entered_in_error,
    open_sealed,
    upload_document,
)
from practica.documents.tests.factories import DocumentFactory, make_pdf, make_png
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import actor_for, make_member

pytestmark = pytest.mark.django_db

DEV_KEY = "dev1:ZGV2LW9ubHktZG9jdW1lbnQta2V5LTMyLWJ5dGVzISE="
NEW_KEY = "k2:" + base64.b64encode(b"n" * 32).decode()


def _upload(actor: Actor, patient: Patient, data: bytes, name: str) -> Document:
    return upload_document(
        actor=actor,
        patient=patient,
        category=Document.Category.LAB_REPORT,
        title="",
        file_name=name,
        data=data,
    )


def test_upload_stores_ciphertext_that_opens_to_the_file(
    provider_actor: Actor, patient: Patient
) -> None:
    # given
    data = make_pdf("Synthetic lab report HbA1c")
    # when
    document = _upload(provider_actor, patient, data, "lab.pdf")
    # then
    stored = Document.objects.get(pk=document.pk)
    assert bytes(stored.ciphertext) != data
    assert b"HbA1c" not in bytes(stored.ciphertext)
    assert open_sealed(stored) == data
    assert (
        stored.title,
        stored.original_name,
        stored.content_type,
        stored.size_bytes,
        stored.sha256,
        stored.key_id,
        stored.extracted_text,
        stored.uploaded_by_id,
    ) == (
        "lab.pdf",
        "lab.pdf",
        "application/pdf",
        len(data),
        hashlib.sha256(data).hexdigest(),
        "dev1",
        "Synthetic lab report HbA1c",
        provider_actor.membership.pk if provider_actor.membership else None,
    )
    entry = AuditEntry.objects.get(action="create", object_id=str(document.pk))
    assert (entry.patient_id, entry.object_type, entry.detail) == (
        patient.pk,
        "documents.document",
        f"document application/pdf, {len(data)} bytes",
    )


def test_a_png_named_pdf_is_stored_as_a_png(
    provider_actor: Actor, patient: Patient
) -> None:
    document = _upload(provider_actor, patient, make_png(), "scan.pdf")
    assert (document.content_type, document.extracted_text) == ("image/png", "")


@override_settings(DOCUMENTS_MAX_UPLOAD_BYTES=100)
def test_a_file_over_the_limit_is_refused_and_nothing_is_written(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    with pytest.raises(DocumentRefusedError) as caught:
        _upload(provider_actor, patient, make_pdf(), "big.pdf")
    # then
    assert str(caught.value) == "big.pdf: the file is larger than the 100 bytes limit."
    assert Document.objects.count() == 0
    assert not AuditEntry.objects.filter(action="create").exists()


def test_an_exe_named_pdf_is_refused_and_nothing_is_written(
    provider_actor: Actor, patient: Patient
) -> None:
    with pytest.raises(DocumentRefusedError) as caught:
        _upload(provider_actor, patient, b"MZ\x90\x00" + b"\x00" * 100, "x.pdf")
    assert caught.value.reason.startswith("this is not a PDF, PNG or JPEG file")
    assert Document.objects.count() == 0


def test_front_desk_cannot_upload(clinic: Clinic, patient: Patient) -> None:
    actor = actor_for(make_member(clinic, [FRONT_DESK]))
    with pytest.raises(DocumentPermissionError):
        _upload(actor, patient, make_pdf(), "a.pdf")
    assert Document.objects.count() == 0


def test_a_patient_of_another_clinic_is_refused(
    provider_actor: Actor, other_clinic: Clinic
) -> None:
    with pytest.raises(DocumentPermissionError):
        _upload(
            provider_actor, PatientFactory(clinic=other_clinic), make_pdf(), "a.pdf"
        )
    assert Document.objects.count() == 0


def test_entered_in_error_keeps_the_document_with_who_and_why(
    provider_actor: Actor, clinic: Clinic
) -> None:
    # given
    document = DocumentFactory(clinic=clinic)
    # when
    mark_entered_in_error(
        actor=provider_actor, document=document, reason=" Wrong patient "
    )
    # then
    stored = Document.objects.get(pk=document.pk)
    assert (
        stored.is_entered_in_error,
        stored.entered_in_error_reason,
        stored.entered_in_error_by_id,
    ) == (
        True,
        "Wrong patient",
        provider_actor.membership.pk if provider_actor.membership else None,
    )
    assert stored.entered_in_error_at is not None
    entry = AuditEntry.objects.get(action="entered_in_error")
    assert (entry.patient_id, entry.detail) == (document.patient_id, "Wrong patient")


def test_entered_in_error_twice_is_refused(
    provider_actor: Actor, clinic: Clinic
) -> None:
    document = DocumentFactory(clinic=clinic)
    mark_entered_in_error(actor=provider_actor, document=document, reason="Duplicate")
    with pytest.raises(DocumentAlreadyInErrorError):
        mark_entered_in_error(actor=provider_actor, document=document, reason="Again")
    assert AuditEntry.objects.filter(action="entered_in_error").count() == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("  ", "Reason: say why this document is in error."),
        ("x" * 501, "Reason: at most 500 characters."),
    ],
)
def test_entered_in_error_needs_a_reason(
    provider_actor: Actor, clinic: Clinic, reason: str, message: str
) -> None:
    document = DocumentFactory(clinic=clinic)
    with pytest.raises(InvalidReasonError) as caught:
        mark_entered_in_error(actor=provider_actor, document=document, reason=reason)
    assert str(caught.value) == message
    assert Document.objects.get(pk=document.pk).is_entered_in_error is False


def test_rotation_reseals_every_document_with_the_new_key(
    clinic: Clinic, other_clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    # given documents of two clinics sealed with the old key
    contents = {
        DocumentFactory(clinic=clinic, content=make_png()).pk: make_png(),
        DocumentFactory(clinic=other_clinic).pk: make_pdf(),
    }
    before = {d.pk: bytes(d.ciphertext) for d in Document.objects.all()}
    # when a new key is put first and the command runs (twice: idempotent)
    with override_settings(DOCUMENT_KEYS=f"{NEW_KEY},{DEV_KEY}"):
        call_command("rotate_document_keys")
        first = capsys.readouterr().out
        call_command("rotate_document_keys")
        second = capsys.readouterr().out
    # then every document opens with the new key alone
    assert first == "Re-encrypted 2 document(s) with key k2.\n"
    assert second == "Re-encrypted 0 document(s) with key k2.\n"
    with override_settings(DOCUMENT_KEYS=NEW_KEY):
        for document in Document.objects.all():
            assert document.key_id == "k2"
            assert bytes(document.ciphertext) != before[document.pk]
            assert open_sealed(document) == contents[document.pk]
    assert AuditEntry.objects.filter(action="rekey").count() == 2


def test_rotation_stops_on_a_tampered_document_and_names_it(clinic: Clinic) -> None:
    # given
    document = DocumentFactory(clinic=clinic)
    Document.objects.filter(pk=document.pk).update(ciphertext=b"\x00" * 64)
    # when / then
    with (
        override_settings(DOCUMENT_KEYS=f"{NEW_KEY},{DEV_KEY}"),
        pytest.raises(CommandError) as caught,
    ):
        call_command("rotate_document_keys")
    assert str(caught.value) == (
        f"Rotation stopped: Document {document.pk}: "
        "The stored document fails its integrity check."
    )
    assert Document.objects.get(pk=document.pk).key_id == "dev1"
