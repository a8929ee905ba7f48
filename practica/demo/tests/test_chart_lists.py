"""The demo clinic's chart lists, entered through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from practica.charting.models import Allergy, Immunization, Problem, VitalSigns
from practica.demo.chart_lists import seed_chart_lists
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Chart Lists Demo",
        slug="chart-lists-demo",
        email_domain="chartlists.example",
        patients=40,
        providers=6,
        days_back=40,
        days_ahead=2,
    )
    return generate_clinic(spec).clinic


def test_seed_chart_lists_fills_charts_across_modalities(demo_clinic: Clinic) -> None:
    # when
    seed_chart_lists(demo_clinic, today=timezone.localdate())
    # then
    problems = Problem.objects.filter(clinic=demo_clinic)
    codes = set(problems.values_list("code", flat=True))
    assert {"M54.50", "F41.1", "E11.42", "M54.2"} <= codes
    assert len(set(problems.values_list("patient_id", flat=True))) >= 8
    assert problems.filter(status="resolved").count() == 1
    assert Allergy.objects.filter(clinic=demo_clinic, substance="Penicillin").exists()
    assert Immunization.objects.filter(clinic=demo_clinic, code="158").exists()
    assert VitalSigns.objects.filter(clinic=demo_clinic).exists()
    assert all(p.recorded_by_id is not None for p in problems)


def test_seed_chart_lists_twice_adds_nothing(demo_clinic: Clinic) -> None:
    # given
    seed_chart_lists(demo_clinic, today=timezone.localdate())
    count = Problem.objects.filter(clinic=demo_clinic).count()
    # when
    seed_chart_lists(demo_clinic, today=timezone.localdate())
    # then
    assert Problem.objects.filter(clinic=demo_clinic).count() == count
