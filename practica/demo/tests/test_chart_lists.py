"""The demo clinic's chart lists and alerts, entered through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from practica.charting.models import (
    Allergy,
    ChartAlert,
    Immunization,
    Problem,
    VitalSigns,
)
from practica.demo.chart_lists import _seed_lists, seed_chart_lists
from practica.demo.chart_outcomes import seed_outcomes
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.outcomes.models import MeasureResponse
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
    alerts = ChartAlert.objects.filter(clinic=demo_clinic).count()
    # when
    seed_chart_lists(demo_clinic, today=timezone.localdate())
    # then
    assert Problem.objects.filter(clinic=demo_clinic).count() == count
    assert ChartAlert.objects.filter(clinic=demo_clinic).count() == alerts


def test_seed_chart_lists_flags_risks_and_needs(demo_clinic: Clinic) -> None:
    # given
    today = timezone.localdate()
    # when: the lists, then the outcome series (load_demo's order)
    seed_chart_lists(demo_clinic, today=today)
    seed_outcomes(demo_clinic, today=today)
    # then
    alerts = {
        a.category: a
        for a in ChartAlert.objects.filter(clinic=demo_clinic).select_related("patient")
    }
    assert set(alerts) == {
        "fall_risk",
        "interpreter",
        "self_harm_risk",
        "latex_free",
    }
    assert all(a.status == "active" and a.recorded_by_id for a in alerts.values())
    interpreter = alerts["interpreter"]
    assert interpreter.text == interpreter.patient.preferred_language
    assert interpreter.text not in ("English", "French")
    assert alerts["self_harm_risk"].severity == "critical"
    flagged = MeasureResponse.objects.get(
        clinic=demo_clinic, measure_code="phq9", answers__q9=1
    )
    assert alerts["self_harm_risk"].patient_id == flagged.patient_id
    latex = Allergy.objects.get(clinic=demo_clinic, substance="Latex")
    assert alerts["latex_free"].patient_id == latex.patient_id


def test_alerts_are_added_to_a_clinic_charted_before_them(
    demo_clinic: Clinic,
) -> None:
    # given a clinic whose lists were seeded before alerts existed
    _seed_lists(demo_clinic, timezone.localdate())
    problems = Problem.objects.filter(clinic=demo_clinic).count()
    assert not ChartAlert.objects.filter(clinic=demo_clinic).exists()
    # when
    seed_chart_lists(demo_clinic, today=timezone.localdate())
    # then: the alerts exist once, the lists are unchanged
    assert Problem.objects.filter(clinic=demo_clinic).count() == problems
    assert ChartAlert.objects.filter(clinic=demo_clinic).count() == 4
