"""The demo clinic's lab results: a diabetic foot-care patient's HbA1c
falling every three months, and vitamin D low then normal for a second
patient, recorded and flagged through the service."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from practica.demo.chart_labs import seed_labs
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.labs.models import LabResult
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Labs Demo",
        slug="labs-demo",
        email_domain="labs.example",
        patients=40,
        providers=6,
        days_back=70,
        days_ahead=2,
    )
    return generate_clinic(spec).clinic


def _series(clinic: Clinic, code: str) -> dict[object, list[LabResult]]:
    series: dict[object, list[LabResult]] = {}
    for result in LabResult.objects.filter(clinic=clinic, loinc_code=code).order_by(
        "collected_at"
    ):
        series.setdefault(result.patient_id, []).append(result)
    return series


def test_seed_labs_records_flagged_trends(demo_clinic: Clinic) -> None:
    # when
    seed_labs(demo_clinic, today=timezone.localdate())

    # then one patient's HbA1c falls every three months, all above the range
    (a1c,) = _series(demo_clinic, "4548-4").values()
    values = [r.value_number for r in a1c]
    assert len(values) == 6
    assert values == sorted(values, reverse=True)
    assert values[0] == Decimal("8.6")
    assert {r.flag for r in a1c} == {"H"}
    assert {r.unit for r in a1c} == {"%"}
    # and the same patient has lipids and a kidney panel
    for code in ("14647-2", "39469-2", "14646-4", "98979-8", "14682-9", "32294-1"):
        assert set(_series(demo_clinic, code)) == {a1c[0].patient_id}, code
    # and another patient's vitamin D is low, then normal
    (vitamin_d,) = _series(demo_clinic, "14635-7").values()
    assert [r.flag for r in vitamin_d] == ["L", "N"]
    assert vitamin_d[0].patient_id != a1c[0].patient_id
    (hemoglobin,) = _series(demo_clinic, "718-7").values()
    assert {r.unit for r in hemoglobin} == {"g/L"}
    # and every result was entered by a provider, in the past
    results = LabResult.objects.filter(clinic=demo_clinic)
    assert not results.filter(recorded_by__isnull=True).exists()
    assert not results.filter(collected_at__gt=timezone.now()).exists()


def test_seed_labs_twice_adds_nothing(demo_clinic: Clinic) -> None:
    # given
    today = timezone.localdate()
    seed_labs(demo_clinic, today=today)
    before = LabResult.objects.filter(clinic=demo_clinic).count()
    # when
    seed_labs(demo_clinic, today=today)
    # then
    assert LabResult.objects.filter(clinic=demo_clinic).count() == before
    assert before > 0
