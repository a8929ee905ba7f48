"""The demo clinic's documents: generated PDFs and a PNG, uploaded through
the service, encrypted, and added once only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from practica.audit.models import AuditEntry
from practica.demo.chart_documents import seed_documents
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.documents.models import Document
from practica.documents.services import open_sealed
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Documents Demo",
        slug="documents-demo",
        email_domain="documents.example",
        patients=30,
        providers=6,
        days_back=40,
        days_ahead=2,
    )
    return generate_clinic(spec).clinic


def test_demo_documents_are_real_files_stored_encrypted(demo_clinic: Clinic) -> None:
    # when
    seed_documents(demo_clinic, today=timezone.localdate())
    # then
    documents = list(Document.objects.filter(clinic=demo_clinic).order_by("title"))
    assert [(d.title, d.content_type) for d in documents] == [
        ("Blood work", "application/pdf"),
        ("GP referral, low back pain", "application/pdf"),
        ("Home exercise programme", "application/pdf"),
        ("Left foot, pressure area", "image/png"),
    ]
    assert len({d.patient_id for d in documents}) == 3
    assert all(d.uploaded_by_id is not None for d in documents)
    assert "Ferritin" in documents[0].extracted_text
    assert open_sealed(documents[3]).startswith(b"\x89PNG")
    assert (
        AuditEntry.objects.filter(
            clinic_id=demo_clinic.pk, action="create", object_type="documents.document"
        ).count()
        == 4
    )


def test_seeding_twice_adds_nothing(demo_clinic: Clinic) -> None:
    seed_documents(demo_clinic, today=timezone.localdate())
    seed_documents(demo_clinic, today=timezone.localdate())
    assert Document.objects.filter(clinic=demo_clinic).count() == 4
