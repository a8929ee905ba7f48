"""The demo clinic's forms: signed consents and intake questionnaires across
modalities, one health history accepted into the chart and one pending."""

from __future__ import annotations

import pytest
from django.utils import timezone

from practica.charting.models import Allergy
from practica.demo.chart_forms import seed_forms, signature_png
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.intake.models import FormKind, FormSubmission, MappingDecision
from practica.intake.selectors import get_patient_forms
from practica.intake.signatures import validate_signature_png
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import ALL_PERMISSIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Forms Demo",
        slug="forms-demo",
        email_domain="forms.example",
        patients=40,
        providers=6,
        days_back=40,
        days_ahead=2,
    )
    return generate_clinic(spec).clinic


def test_seed_forms_signs_consents_across_modalities(demo_clinic: Clinic) -> None:
    # when
    seed_forms(demo_clinic, today=timezone.localdate())
    # then every consent carries a real signature, a signer and a PDF
    submissions = FormSubmission.objects.filter(clinic=demo_clinic)
    consents = submissions.filter(kind=FormKind.CONSENT)
    assert consents.order_by().values("patient").distinct().count() >= 8
    for consent in consents:
        assert validate_signature_png(bytes(consent.signature_png))
        assert consent.signer_relationship == "self"
        assert bytes(consent.pdf).startswith(b"%PDF")
        assert consent.signed_at < timezone.now()
    assert submissions.filter(kind=FormKind.INTAKE).count() >= 8
    # and one health history was accepted into the chart, one is pending
    histories = submissions.filter(kind=FormKind.HEALTH_HISTORY)
    assert histories.count() == 2
    accepted = MappingDecision.objects.get(
        clinic=demo_clinic, decision=MappingDecision.Decision.ACCEPTED
    )
    assert Allergy.objects.filter(
        pk=accepted.chart_entry_id, substance="Sulfa drugs"
    ).exists()
    actor = Actor.system(demo_clinic, frozenset(ALL_PERMISSIONS))
    pending = [
        get_patient_forms(actor=actor, patient_id=h.patient_id).pending
        for h in histories
    ]
    assert sorted(p > 0 for p in pending) == [True, True]


def test_seed_forms_twice_adds_nothing(demo_clinic: Clinic) -> None:
    today = timezone.localdate()
    seed_forms(demo_clinic, today=today)
    before = FormSubmission.objects.filter(clinic=demo_clinic).count()
    seed_forms(demo_clinic, today=today)
    assert FormSubmission.objects.filter(clinic=demo_clinic).count() == before
    assert before > 0


def test_demo_signature_is_a_drawn_png() -> None:
    assert validate_signature_png(signature_png("Alex Example"))
