"""Factories of the plans app; URL_KWARG_BUILDERS feeds the URL tests.

The factories insert rows directly (an active plan from 2 Mar 2026, a
free-metric goal, a value); tests of the rules go through the services.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import factory
from django.utils import timezone

from practica.patients.tests.factories import PatientFactory
from practica.plans.models import (
    Goal,
    GoalProgress,
    PlanDiagnosis,
    PlanStatusChange,
    TreatmentPlan,
)
from practica.scheduling.tests.factories import ProviderFactory
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import make_clinic

START = datetime.date(2026, 3, 2)


class TreatmentPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentPlan

    clinic = factory.LazyFunction(make_clinic)
    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )
    provider = factory.SubFactory(
        ProviderFactory, clinic=factory.SelfAttribute("..clinic")
    )
    title = factory.Sequence(lambda n: f"Knee rehabilitation {n}")
    start_on = START
    review_on = START + datetime.timedelta(weeks=6)
    planned_visits = 12
    frequency_count = 2
    frequency_period = TreatmentPlan.Period.WEEK
    duration_weeks = 6
    status = TreatmentPlan.Status.ACTIVE
    status_changed_at = factory.LazyFunction(timezone.now)


class PlanStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanStatusChange

    plan = factory.SubFactory(TreatmentPlanFactory)
    clinic = factory.SelfAttribute("plan.clinic")
    from_status = ""
    to_status = TreatmentPlan.Status.ACTIVE
    changed_at = factory.LazyFunction(timezone.now)


class PlanDiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanDiagnosis

    clinic = factory.SelfAttribute("plan.clinic")


class GoalFactory(factory.django.DjangoModelFactory):
    """A free-metric goal: knee flexion from 90 to 130 degrees."""

    class Meta:
        model = Goal

    plan = factory.SubFactory(TreatmentPlanFactory)
    clinic = factory.SelfAttribute("plan.clinic")
    description = factory.Sequence(lambda n: f"Bend the knee fully {n}")
    kind = Goal.Kind.METRIC
    metric_name = "Knee flexion ROM"
    unit = "degrees"
    baseline = Decimal(90)
    target = Decimal(130)
    higher_is_better = True
    target_on = START + datetime.timedelta(weeks=6)


class MeasureGoalFactory(GoalFactory):
    """An NPRS goal: pain from 7 down to 2."""

    kind = Goal.Kind.MEASURE
    measure_code = "nprs"
    metric_name = ""
    unit = ""
    baseline = Decimal(7)
    target = Decimal(2)
    higher_is_better = False


class GoalProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalProgress

    goal = factory.SubFactory(GoalFactory)
    clinic = factory.SelfAttribute("goal.clinic")
    value = Decimal(100)
    recorded_on = START + datetime.timedelta(weeks=1)


URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {
    "plan_id": lambda clinic: TreatmentPlanFactory(clinic=clinic).id,
    "goal_id": lambda clinic: GoalFactory(plan__clinic=clinic).id,
    "progress_id": lambda clinic: GoalProgressFactory(goal__plan__clinic=clinic).id,
}
