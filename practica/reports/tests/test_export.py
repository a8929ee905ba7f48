"""The record export: the page, the PDF and the FHIR bundle downloads, their
audit entries, refusals and contents."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from practica.audit.models import AuditEntry
from practica.charting.models import ENTERED_IN_ERROR
from practica.charting.tests.factories import (
    AllergyFactory,
    AwaitingCosignatureNoteFactory,
    ChartAlertFactory,
    NoteAddendumFactory,
    NoteCosignatureFactory,
    ProblemFactory,
    SignedNoteFactory,
)
from practica.documents.tests.factories import DocumentFactory, make_pdf
from practica.intake.tests.factories import FormSubmissionFactory
from practica.labs.tests.factories import LabResultFactory
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.plans.tests.factories import (
    GoalFactory,
    GoalProgressFactory,
    PlanDiagnosisFactory,
    TreatmentPlanFactory,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK, OWNER, PROVIDER

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Membership], Client]
URLS = [
    "reports:patient-export",
    "reports:patient-export-pdf",
    "reports:patient-export-bundle",
]


def _url(name: str, patient: Patient) -> str:
    return reverse(name, kwargs={"patient_id": patient.pk})


def _pdf_text(content: bytes) -> str:
    """The PDF's text with each run of white space (table cells wrap) as one
    space."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    return PatientFactory(clinic=clinic, first_name="Quinn", last_name="Exportson")


@pytest.fixture
def provider(clinic: Clinic, member_factory: Callable[..., Membership]) -> Membership:
    return member_factory(clinic, [PROVIDER])


def test_export_page_links_both_downloads_and_records_a_view(
    client_for: ClientFor, provider: Membership, patient: Patient
) -> None:
    # when
    response = client_for(provider).get(_url("reports:patient-export", patient))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert _url("reports:patient-export-pdf", patient) in html
    assert _url("reports:patient-export-bundle", patient) in html
    assert 'aria-current="page">Export record' in html
    entry = AuditEntry.objects.filter(action="view").latest("seq")
    assert entry.patient_id == patient.pk


def test_pdf_holds_the_name_a_note_an_addendum_and_error_marks(
    client_for: ClientFor, provider: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given a signed note with an addendum and a problem entered in error
    note = SignedNoteFactory(clinic=clinic, appointment__patient=patient)
    NoteAddendumFactory(clinic=clinic, note=note, text="Swelling resolved later")
    ProblemFactory(
        clinic=clinic, patient=patient, status=ENTERED_IN_ERROR, status_reason="Typo"
    )
    LabResultFactory(clinic=clinic, patient=patient)
    GoalFactory(
        clinic=clinic, plan=TreatmentPlanFactory(clinic=clinic, patient=patient)
    )
    FormSubmissionFactory(clinic=clinic, patient=patient, title="Consent to treat")
    ChartAlertFactory(
        clinic=clinic, patient=patient, category="latex_free", text="Nitrile only"
    )
    # when
    response = client_for(provider).get(_url("reports:patient-export-pdf", patient))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="chart-{patient.pk}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = _pdf_text(response.content)
    assert "Left knee pain on stairs" in text
    assert "Swelling resolved later" in text
    assert "entered in error" in text
    assert "Low back pain, unspecified" in text
    assert "Hemoglobin A1c" in text
    assert "Knee flexion ROM" in text
    assert "Consent to treat" in text
    assert "Chart alerts (1)" in text
    assert "Latex-free room Nitrile only Warning" in text
    # the patient's name and the page number on every page
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert "Quinn Exportson" in page_text
        assert f"Page {number} of {pages}" in page_text


def test_bundle_parses_as_fhir_and_carries_the_documents_bytes(
    client_for: ClientFor, provider: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given a note, an allergy, a lab result, a plan, a form and a document
    SignedNoteFactory(clinic=clinic, appointment__patient=patient)
    AllergyFactory(clinic=clinic, patient=patient, substance="Latex")
    ChartAlertFactory(clinic=clinic, patient=patient, category="latex_free")
    LabResultFactory(clinic=clinic, patient=patient)
    plan = TreatmentPlanFactory(clinic=clinic, patient=patient)
    PlanDiagnosisFactory(
        clinic=clinic, plan=plan, problem=ProblemFactory(clinic=clinic, patient=patient)
    )
    GoalProgressFactory(clinic=clinic, goal=GoalFactory(clinic=clinic, plan=plan))
    FormSubmissionFactory(clinic=clinic, patient=patient)
    content = make_pdf("Synthetic discharge summary")
    document = DocumentFactory(clinic=clinic, patient=patient, content=content)
    # when
    response = client_for(provider).get(_url("reports:patient-export-bundle", patient))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="chart-{patient.pk}.fhir.json"'
    )
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "collection"
    data = json.loads(response.content)
    types = [e["resource"]["resourceType"] for e in data["entry"]]
    assert types[:2] == ["Patient", "Organization"]
    for wanted in (
        "AllergyIntolerance",
        "Flag",
        "Composition",
        "DocumentReference",
        "CarePlan",
        "Goal",
        "Condition",
        "Observation",
    ):
        assert wanted in types
    assert types.count("DocumentReference") == 2
    assert "Encounter" in types
    assert "Practitioner" in types
    (reference,) = [
        e["resource"] for e in data["entry"] if e["resource"]["id"] == str(document.pk)
    ]
    assert base64.b64decode(reference["content"][0]["attachment"]["data"]) == content
    # every reference inside the bundle points at one of its entries
    full_urls = {e["fullUrl"] for e in data["entry"]}
    references = _references(data["entry"])
    assert references
    assert references <= full_urls


def _references(value: object) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        ref = value.get("reference")
        if isinstance(ref, str):
            found.add(ref)
        for item in value.values():
            found |= _references(item)
    elif isinstance(value, list):
        for item in value:
            found |= _references(item)
    return found


@pytest.mark.parametrize(
    ("name", "export_format"),
    [
        ("reports:patient-export-pdf", "PDF"),
        ("reports:patient-export-bundle", "FHIR bundle"),
    ],
)
def test_each_download_writes_one_view_entry_naming_patient_and_format(
    client_for: ClientFor,
    provider: Membership,
    patient: Patient,
    clinic: Clinic,
    name: str,
    export_format: str,
) -> None:
    # given a document (whose bytes the bundle reads)
    DocumentFactory(clinic=clinic, patient=patient)
    before = AuditEntry.objects.count()
    # when
    client_for(provider).get(_url(name, patient))
    # then: one entry, a view, naming the patient and the format
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [(e.action, e.patient_id, e.detail) for e in entries] == [
        ("view", patient.pk, f"record export: {export_format}")
    ]
    assert entries[0].user_id == provider.user.pk


@pytest.mark.parametrize("name", URLS)
def test_another_clinics_patient_is_not_found_and_audited(
    client_for: ClientFor,
    provider: Membership,
    other_clinic: Clinic,
    clinic: Clinic,
    name: str,
) -> None:
    # given a patient of another clinic
    stranger = PatientFactory(clinic=other_clinic)
    # when
    response = client_for(provider).get(_url(name, stranger))
    # then
    assert response.status_code == 404
    denied = AuditEntry.objects.filter(clinic_id=clinic.pk, outcome="denied")
    assert denied.count() == 1


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING])
@pytest.mark.parametrize("name", URLS)
def test_front_desk_and_billing_are_refused(
    client_for: ClientFor,
    member_factory: Callable[..., Membership],
    clinic: Clinic,
    patient: Patient,
    role: str,
    name: str,
) -> None:
    response = client_for(member_factory(clinic, [role])).get(_url(name, patient))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="view", patient_id=patient.pk).exists()


def test_owner_may_export(
    client_for: ClientFor,
    member_factory: Callable[..., Membership],
    clinic: Clinic,
    patient: Patient,
) -> None:
    client = client_for(member_factory(clinic, [OWNER]))
    response = client.get(_url("reports:patient-export-bundle", patient))
    assert response.status_code == 200


@pytest.mark.parametrize("name", URLS)
def test_downloads_refuse_post(
    client_for: ClientFor, provider: Membership, patient: Patient, name: str
) -> None:
    assert client_for(provider).post(_url(name, patient)).status_code == 405


def test_a_document_failing_its_check_is_listed_but_not_exported(
    client_for: ClientFor, provider: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given a document whose stored bytes were altered
    document = DocumentFactory(clinic=clinic, patient=patient, title="Altered scan")
    damaged = bytearray(document.ciphertext)
    damaged[0] ^= 0xFF
    type(document).objects.filter(pk=document.pk).update(ciphertext=bytes(damaged))
    client = client_for(provider)
    # when
    bundle = client.get(_url("reports:patient-export-bundle", patient))
    pdf = client.get(_url("reports:patient-export-pdf", patient))
    # then: the bundle leaves it out, the PDF lists it with the failure
    assert bundle.status_code == 200
    assert str(document.pk) not in bundle.content.decode()
    assert "Altered scan" in _pdf_text(pdf.content)


def test_a_co_signature_and_an_awaited_one_are_in_both_formats(
    client_for: ClientFor, provider: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given a supervised provider's note co-signed, and another still awaiting
    cosigned = NoteCosignatureFactory(
        clinic=clinic,
        note__clinic=clinic,
        note__appointment__patient=patient,
        note__cosigner__display_name="Dana Supervisor",
        comment="Agree with the plan",
    )
    awaiting = AwaitingCosignatureNoteFactory(
        clinic=clinic,
        appointment__patient=patient,
        cosigner__display_name="Robin Mentor",
    )
    client = client_for(provider)
    # when
    pdf = client.get(_url("reports:patient-export-pdf", patient))
    bundle = client.get(_url("reports:patient-export-bundle", patient)).json()
    # then the PDF names the co-signer and the one awaited
    text = _pdf_text(pdf.content)
    assert "Co-signed by" in text
    assert "Dana Supervisor, supervisor" in text
    assert "Agree with the plan" in text
    assert "Awaiting co-signature by Robin Mentor, supervisor" in text
    # and the co-signed note's Composition has a professional attester
    compositions = {
        e["resource"]["id"]: e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Composition"
    }
    modes = [a["mode"] for a in compositions[str(cosigned.note.pk)]["attester"]]
    assert modes == ["legal", "professional"]
    assert [a["mode"] for a in compositions[str(awaiting.pk)]["attester"]] == ["legal"]
