from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.documents.models import Document
from practica.documents.tests.factories import (
    DocumentFactory,
    make_jpeg,
    make_pdf,
    make_png,
)
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK
from practica.tenancy.tests.factories import make_member

pytestmark = pytest.mark.django_db

# Session, user, membership, roles, patient, the audit entry (savepoint, chain
# read, insert, chain update, release), the documents: 11 whatever the count.
QUERIES = 11


def _upload(
    client: Client, patient: Patient, data: bytes, name: str, field: str = "file"
) -> object:
    return client.post(
        reverse("documents:document-upload", kwargs={"patient_id": patient.pk}),
        {
            "category": "lab_report",
            "title": "Blood work",
            field: SimpleUploadedFile(name, data, content_type="application/pdf"),
        },
    )


def _file_url(document: Document) -> str:
    return reverse("documents:document-file", kwargs={"document_id": document.pk})


def test_upload_then_download_gives_back_the_same_bytes(
    provider_client: Client, patient: Patient
) -> None:
    # given
    data = make_pdf("Synthetic lab report")
    # when
    response = _upload(provider_client, patient, data, "lab.pdf")
    document = Document.objects.get()
    download = provider_client.get(_file_url(document))
    # then
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert bytes(document.ciphertext) != data
    assert download.status_code == 200
    assert download.content == data
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'inline; filename="lab.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"


def test_a_photo_from_the_camera_input_is_accepted(
    provider_client: Client, patient: Patient
) -> None:
    _upload(provider_client, patient, make_jpeg(), "IMG_0001.JPG", field="photo")
    assert Document.objects.get().content_type == "image/jpeg"


def test_a_png_sent_as_pdf_is_stored_and_served_as_png(
    provider_client: Client, patient: Patient
) -> None:
    # when
    _upload(provider_client, patient, make_png(), "scan.pdf")
    document = Document.objects.get()
    download = provider_client.get(_file_url(document) + "?download=1")
    # then
    assert document.content_type == "image/png"
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == 'attachment; filename="scan.png"'


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"MZ\x90\x00" + b"\x00" * 64,
            "setup.pdf",
            "Not uploaded. setup.pdf: this is not a PDF, PNG or JPEG file "
            "(checked from its content).",
        ),
        (
            b"%PDF-1.4\nbroken",
            "broken.pdf",
            "Not uploaded. broken.pdf: the PDF is damaged or incomplete and cannot "
            "be read.",
        ),
    ],
    ids=["exe-named-pdf", "corrupt-pdf"],
)
def test_a_bad_file_is_refused_with_its_name_and_nothing_is_left(
    provider_client: Client, patient: Patient, data: bytes, name: str, message: str
) -> None:
    # when
    response = _upload(provider_client, patient, data, name)
    # then
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert message in response.content.decode()  # type: ignore[attr-defined]
    assert Document.objects.count() == 0


@override_settings(DOCUMENTS_MAX_UPLOAD_BYTES=1024 * 1024)
def test_a_file_over_the_size_limit_is_refused(
    provider_client: Client, patient: Patient
) -> None:
    # given a 1 MB limit and a file just over it
    data = make_pdf() + b"\n" * (1024 * 1024)
    # when
    response = _upload(provider_client, patient, data, "huge.pdf")
    # then
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert (
        "Not uploaded. huge.pdf: the file is larger than the 1 MB limit."
        in response.content.decode()  # type: ignore[attr-defined]
    )
    assert Document.objects.count() == 0


def test_an_upload_without_a_file_names_the_field(
    provider_client: Client, patient: Patient
) -> None:
    response = provider_client.post(
        reverse("documents:document-upload", kwargs={"patient_id": patient.pk}),
        {"category": "referral"},
    )
    assert response.status_code == 422
    assert "File: Choose a file or take a photo." in response.content.decode()
    assert Document.objects.count() == 0


@pytest.mark.parametrize("tamper", ["ciphertext", "swap"])
def test_a_tampered_or_swapped_blob_is_refused_cleanly_and_audited(
    provider_client: Client, clinic: Clinic, tamper: str
) -> None:
    # given
    document = DocumentFactory(clinic=clinic)
    other = DocumentFactory(clinic=clinic, patient=document.patient)
    if tamper == "ciphertext":
        flipped = bytearray(document.ciphertext)
        flipped[10] ^= 0xFF
        Document.objects.filter(pk=document.pk).update(ciphertext=bytes(flipped))
    else:
        Document.objects.filter(pk=document.pk).update(
            ciphertext=other.ciphertext, nonce=other.nonce
        )
    # when
    response = provider_client.get(_file_url(document))
    # then
    assert response.status_code == 409
    assert "fails the integrity check" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.filter(action="view").order_by("-seq").first()
    assert entry is not None
    assert (entry.patient_id, entry.object_id, entry.detail) == (
        document.patient_id,
        str(document.pk),
        "download refused: integrity check failed",
    )


def test_every_download_is_audited_with_the_patient(
    provider_client: Client, provider_member: Membership, clinic: Clinic
) -> None:
    document = DocumentFactory(clinic=clinic)
    provider_client.get(_file_url(document))
    provider_client.get(_file_url(document) + "?download=1")
    entries = AuditEntry.objects.filter(action="view", object_id=str(document.pk))
    assert [(e.patient_id, e.user_id, e.detail) for e in entries] == [
        (document.patient_id, provider_member.user.pk, "download")
    ] * 2


def test_the_chart_section_lists_documents_by_category(
    provider_client: Client, clinic: Clinic, patient: Patient
) -> None:
    # given
    DocumentFactory(
        clinic=clinic, patient=patient, category="imaging", title="Knee X-ray"
    )
    DocumentFactory(
        clinic=clinic, patient=patient, category="referral", title="GP referral"
    )
    DocumentFactory(clinic=clinic, title="Someone else's letter")
    # when
    response = provider_client.get(
        reverse("documents:patient-documents", kwargs={"patient_id": patient.pk})
    )
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("GP referral") < page.index("Knee X-ray")  # category order
    assert 'id="category-referral"' in page
    assert 'id="category-imaging"' in page
    assert "Someone else" not in page
    assert 'capture="environment"' in page
    assert "documents/upload.js" in page


def test_search_within_the_patients_documents_reads_pdf_text(
    provider_client: Client, clinic: Clinic, patient: Patient
) -> None:
    DocumentFactory(
        clinic=clinic, patient=patient, title="Lab one", extracted_text="Ferritin low"
    )
    DocumentFactory(
        clinic=clinic, patient=patient, title="Lab two", extracted_text="TSH normal"
    )
    url = reverse("documents:patient-documents", kwargs={"patient_id": patient.pk})
    page = provider_client.get(url, {"q": "ferritin"}).content.decode()
    assert "Lab one" in page
    assert "Lab two" not in page


def test_the_chart_section_runs_a_constant_number_of_queries(
    provider_client: Client,
    clinic: Clinic,
    patient: Patient,
    provider_member: Membership,
    django_assert_num_queries: Callable[[int], object],
) -> None:
    # given one document (the page is read once to warm the session)
    url = reverse("documents:patient-documents", kwargs={"patient_id": patient.pk})
    DocumentFactory(clinic=clinic, patient=patient, uploaded_by=provider_member)
    provider_client.get(url)  # warm the session and the audit chain
    with django_assert_num_queries(QUERIES):  # type: ignore[operator]
        provider_client.get(url)
    # when five more arrive, by other uploaders, in other categories
    for category in ["imaging", "consent", "insurance", "other", "lab_report"]:
        DocumentFactory(
            clinic=clinic,
            patient=patient,
            category=category,
            uploaded_by=make_member(clinic, ["provider"]),
        )
    # then the page still runs the same queries
    with django_assert_num_queries(QUERIES):  # type: ignore[operator]
        provider_client.get(url)


def test_entered_in_error_from_the_page(
    provider_client: Client, clinic: Clinic
) -> None:
    # given
    document = DocumentFactory(clinic=clinic)
    url = reverse(
        "documents:document-entered-in-error", kwargs={"document_id": document.pk}
    )
    # when
    response = provider_client.post(url, {"reason": "Filed on the wrong chart"})
    page = provider_client.get(response["Location"]).content.decode()
    # then
    assert response.status_code == 302
    assert Document.objects.get(pk=document.pk).entered_in_error_reason == (
        "Filed on the wrong chart"
    )
    assert "Entered in error" in page


def test_entered_in_error_without_a_reason_is_422(
    provider_client: Client, clinic: Clinic
) -> None:
    document = DocumentFactory(clinic=clinic)
    url = reverse(
        "documents:document-entered-in-error", kwargs={"document_id": document.pk}
    )
    response = provider_client.post(url, {"reason": ""})
    assert response.status_code == 422
    assert "Not marked in error. Reason: This field is required." in (
        response.content.decode()
    )
    assert Document.objects.get(pk=document.pk).is_entered_in_error is False


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING])
@pytest.mark.parametrize(
    "name",
    [
        "documents:patient-documents",
        "documents:document-upload",
        "documents:document-file",
        "documents:document-entered-in-error",
    ],
)
def test_front_desk_and_billing_are_refused_every_document_url(
    clinic: Clinic, role: str, name: str
) -> None:
    # given
    document = DocumentFactory(clinic=clinic)
    client = Client()
    client.force_login(make_member(clinic, [role]).user)
    kwargs = (
        {"patient_id": document.patient_id}
        if name.startswith("documents:patient") or name.endswith("upload")
        else {"document_id": document.pk}
    )
    url = reverse(name, kwargs=kwargs)
    # when
    get_status = client.get(url).status_code
    post_status = client.post(url, {"reason": "x"}).status_code
    # then
    assert {get_status, post_status} <= {403, 405}
    assert 403 in {get_status, post_status}
    assert Document.objects.get(pk=document.pk).is_entered_in_error is False


def test_another_clinics_document_is_not_found_and_audited(
    provider_client: Client, clinic: Clinic, other_clinic: Clinic
) -> None:
    document = DocumentFactory(clinic=other_clinic)
    response = provider_client.get(_file_url(document))
    assert response.status_code == 404
    denied = AuditEntry.objects.get(clinic_id=clinic.pk, outcome="denied")
    assert (denied.object_type, denied.object_id) == (
        "documents.document",
        str(document.pk),
    )


def test_uploading_to_another_clinics_patient_is_not_found(
    provider_client: Client, other_clinic: Clinic
) -> None:
    response = _upload(
        provider_client, PatientFactory(clinic=other_clinic), make_pdf(), "a.pdf"
    )
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert Document.objects.count() == 0
