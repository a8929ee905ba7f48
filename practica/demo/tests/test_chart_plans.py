"""The demo clinic's treatment plans: built on the outcome series, through
the plans services, with progress from notes and one completed plan."""

from __future__ import annotations

import pytest
from django.utils import timezone

from practica.demo.chart_outcomes import seed_outcomes
from practica.demo.chart_plans import seed_plans
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.plans.models import Goal, GoalProgress, PlanStatusChange, TreatmentPlan
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Plans Demo",
        slug="plans-demo",
        email_domain="plans.example",
        patients=40,
        providers=6,
        days_back=70,
        days_ahead=2,
    )
    clinic = generate_clinic(spec).clinic
    seed_outcomes(clinic, today=timezone.localdate())
    return clinic


def test_seed_plans_builds_plans_on_the_outcome_series(demo_clinic: Clinic) -> None:
    # when
    seed_plans(demo_clinic, today=timezone.localdate())

    # then: physio plans follow NPRS and ODI or LEFS, counselling ones PHQ-9
    plans = TreatmentPlan.objects.filter(clinic=demo_clinic)
    goals = Goal.objects.filter(clinic=demo_clinic)
    assert plans.filter(status="active").count() >= 3
    assert plans.filter(status="completed").count() == 1
    assert goals.filter(measure_code="nprs").exists()
    assert goals.filter(measure_code__in=["odi", "lefs"]).exists()
    assert goals.filter(measure_code="phq9").exists()
    for goal in goals.filter(kind="measure"):
        assert goal.target != goal.baseline
    # and each plan's first status row says who created it
    assert (
        PlanStatusChange.objects.filter(
            clinic=demo_clinic, from_status="", changed_by__isnull=False
        ).count()
        == plans.count()
    )
    # and range-of-motion goals carry values recorded from notes, in the past
    rom = goals.filter(kind="metric")
    assert rom.count() >= 2
    progress = GoalProgress.objects.filter(clinic=demo_clinic)
    assert progress.filter(note__isnull=False).exists()
    assert not progress.filter(recorded_on__gte=timezone.localdate()).exists()
    # and the completed plan's goals are met
    completed = plans.get(status="completed")
    assert set(completed.goals.values_list("status", flat=True)) == {"met"}


def test_seed_plans_twice_adds_nothing(demo_clinic: Clinic) -> None:
    # given
    today = timezone.localdate()
    seed_plans(demo_clinic, today=today)
    before = (
        TreatmentPlan.objects.filter(clinic=demo_clinic).count(),
        Goal.objects.filter(clinic=demo_clinic).count(),
        GoalProgress.objects.filter(clinic=demo_clinic).count(),
    )
    # when
    seed_plans(demo_clinic, today=today)
    # then
    after = (
        TreatmentPlan.objects.filter(clinic=demo_clinic).count(),
        Goal.objects.filter(clinic=demo_clinic).count(),
        GoalProgress.objects.filter(clinic=demo_clinic).count(),
    )
    assert after == before
    assert before[0] > 0
