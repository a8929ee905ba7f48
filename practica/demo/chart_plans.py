"""Demo treatment plans, for the patients whose outcome series the outcomes
seed recorded (chart_outcomes.py), so every plan's progress shows real
numbers.

- Physiotherapy: an active plan per patient with an NPRS goal and an ODI
  (back) or LEFS (leg) goal whose baselines are the first scores, plus a range
  of motion goal (lumbar flexion or knee flexion) with a value recorded at
  each later visit, from that visit's note when it has one. The last of these
  patients' plan is completed, its goals met.
- Counselling: an active plan per client with a PHQ-9 goal (and GAD-7).

Everything goes through the plans services as the visits' provider, so it is
validated and audited like a plan made on the pages. Running it twice adds
nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from practica.charting.models import ClinicalNote, Problem
from practica.charting.services_chart import add_problem
from practica.outcomes.models import MeasureResponse
from practica.plans.models import Goal, TreatmentPlan
from practica.plans.services import (
    GoalFields,
    PlanFields,
    add_goal,
    change_goal_status,
    change_plan_status,
    create_plan,
    record_progress,
)
from practica.scheduling.models import Appointment, AttendanceStatus
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import ALL_PERMISSIONS

GOAL_WEEKS = 8
MAX_PROGRESS_VISITS = 10
# An open plan's goals and review fall due after today, so the demo shows
# them on track or behind rather than all overdue.
OPEN_TARGET_WEEKS = 3


@dataclass(frozen=True)
class Metric:
    description: str
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    comment: str

    @property
    def higher_is_better(self) -> bool:
        return self.target > self.baseline


LUMBAR = Metric(
    description="Bend forward to tie shoes without pain",
    name="Lumbar flexion, fingertips to floor",
    unit="cm",
    baseline=Decimal(32),
    target=Decimal(10),
    comment="Standing, knees straight",
)
KNEE = Metric(
    description="Full knee bend for stairs and kneeling",
    name="Knee flexion ROM",
    unit="degrees",
    baseline=Decimal(95),
    target=Decimal(130),
    comment="Goniometer, supine heel slide",
)


@dataclass(frozen=True)
class Series:
    """A patient's outcome series, as the outcomes seed recorded it."""

    responses: dict[str, list[MeasureResponse]]  # measure code -> oldest first

    def first(self, code: str) -> Decimal | None:
        rows = self.responses.get(code)
        return rows[0].score if rows else None

    @property
    def visits(self) -> list[Appointment]:
        """The visits the scores were taken at, oldest first."""
        seen: dict[object, Appointment] = {}
        for rows in self.responses.values():
            for row in rows:
                if row.appointment is not None:
                    seen.setdefault(row.appointment_id, row.appointment)
        return sorted(seen.values(), key=lambda a: a.start_at)


def _series_by_patient(clinic: Clinic) -> dict[object, Series]:
    rows = (
        MeasureResponse.objects.filter(clinic=clinic, appointment__isnull=False)
        .select_related(
            "patient",
            "appointment__location",
            "appointment__provider__membership__user",
        )
        .order_by("patient__last_name", "patient_id", "taken_on", "created_at")
    )
    found: dict[object, dict[str, list[MeasureResponse]]] = {}
    for row in rows:
        found.setdefault(row.patient_id, {}).setdefault(row.measure_code, []).append(
            row
        )
    return {pk: Series(responses=series) for pk, series in found.items()}


def _actor(visit: Appointment) -> Actor:
    membership = visit.provider.membership
    return Actor(
        clinic=visit.clinic,
        user=membership.user,
        membership=membership,
        permissions=frozenset(ALL_PERMISSIONS),
    )


def _day(visit: Appointment) -> dt.date:
    return visit.start_at.astimezone(visit.location.tz).date()


def _diagnoses(actor: Actor, visit: Appointment, fallback: str) -> list[Problem]:
    """The patient's active problems; one is added if the list is empty."""
    patient = visit.patient
    assert patient is not None  # outcome series are of patients
    problems = list(
        Problem.objects.filter(
            clinic=actor.clinic, patient=patient, status=Problem.Status.ACTIVE
        )
    )
    if problems:
        return problems
    return [
        add_problem(actor=actor, patient=patient, code=fallback, onset_on=_day(visit))
    ]


def _completed_visits(first: Appointment, today: dt.date) -> list[Appointment]:
    rows = Appointment.objects.filter(
        clinic_id=first.clinic_id,
        patient=first.patient,
        provider_id=first.provider_id,
        status=AttendanceStatus.COMPLETED,
        start_at__gte=first.start_at,
    ).select_related("location")
    return [v for v in rows.order_by("start_at") if _day(v) < today]


def _plan(
    actor: Actor,
    first: Appointment,
    *,
    title: str,
    diagnoses: Sequence[Problem],
    planned_visits: int,
    per_week: int,
    weeks: int,
    notes: str,
    today: dt.date | None = None,
) -> TreatmentPlan:
    """An active plan from the first visit; `today` (open plans) moves the
    review date after it."""
    patient = first.patient
    assert patient is not None
    start = _day(first)
    review = start + dt.timedelta(weeks=weeks)
    if today is not None:
        review = max(review, today + dt.timedelta(weeks=2))
    return create_plan(
        actor=actor,
        patient=patient,
        fields=PlanFields(
            provider=first.provider,
            title=title,
            start_on=start,
            review_on=review,
            planned_visits=planned_visits,
            frequency_count=per_week,
            frequency_period=TreatmentPlan.Period.WEEK,
            duration_weeks=weeks,
            diagnoses=diagnoses,
            notes=notes,
        ),
        status=TreatmentPlan.Status.ACTIVE,
    )


def _measure_goal(
    actor: Actor,
    plan: TreatmentPlan,
    *,
    code: str,
    description: str,
    baseline: Decimal,
    target: Decimal,
    target_on: dt.date,
) -> Goal | None:
    if baseline == target:  # nothing to improve on: no goal
        return None
    return add_goal(
        actor=actor,
        plan=plan,
        fields=GoalFields(
            description=description,
            kind=Goal.Kind.MEASURE,
            measure_code=code,
            baseline=baseline,
            target=target,
            target_on=target_on,
        ),
    )


def _target_on(plan: TreatmentPlan, today: dt.date, *, is_open: bool) -> dt.date:
    due = plan.start_on + dt.timedelta(weeks=GOAL_WEEKS)
    if is_open:
        due = max(due, today + dt.timedelta(weeks=OPEN_TARGET_WEEKS))
    return due


def _metric_goal(
    actor: Actor,
    plan: TreatmentPlan,
    metric: Metric,
    visits: Sequence[Appointment],
    target_on: dt.date,
) -> Goal:
    goal = add_goal(
        actor=actor,
        plan=plan,
        fields=GoalFields(
            description=metric.description,
            kind=Goal.Kind.METRIC,
            metric_name=metric.name,
            unit=metric.unit,
            baseline=metric.baseline,
            target=metric.target,
            higher_is_better=metric.higher_is_better,
            target_on=target_on,
        ),
    )
    later = list(visits[1:MAX_PROGRESS_VISITS])
    notes = {
        n.appointment_id: n
        for n in ClinicalNote.objects.filter(clinic=actor.clinic, appointment__in=later)
    }
    for index, visit in enumerate(later, 1):
        # About 85% of the way by the last visit, in even steps.
        share = Decimal("0.85") * index / len(later)
        value = metric.baseline + (metric.target - metric.baseline) * share
        record_progress(
            actor=actor,
            goal=goal,
            value=value.quantize(Decimal(1)),
            recorded_on=_day(visit),
            note=notes.get(visit.pk),
            comment=metric.comment,
        )
    return goal


def _physio_plan(series: Series, today: dt.date, *, completed: bool) -> None:
    first = series.visits[0]
    actor = _actor(first)
    visits = _completed_visits(first, today)
    back = "odi" in series.responses
    plan = _plan(
        actor,
        first,
        title="Low back rehabilitation" if back else "Knee rehabilitation",
        diagnoses=_diagnoses(actor, first, "M54.50" if back else "M25.561"),
        planned_visits=len(visits) if completed else max(len(visits) + 4, 8),
        per_week=2,
        weeks=6,
        notes=(
            "Manual therapy, graded exercise and a home programme; "
            "review function at 6 weeks."
        ),
        today=None if completed else today,
    )
    due = _target_on(plan, today, is_open=not completed)
    goals: list[Goal | None] = []
    nprs = series.first("nprs")
    if nprs is not None:
        goals.append(
            _measure_goal(
                actor,
                plan,
                code="nprs",
                description="Pain at most 2/10 in daily activities",
                baseline=nprs,
                target=max(Decimal(0), min(Decimal(2), nprs - 1)),
                target_on=due,
            )
        )
    odi, lefs = series.first("odi"), series.first("lefs")
    if odi is not None:
        goals.append(
            _measure_goal(
                actor,
                plan,
                code="odi",
                description="Back disability down to minimal (ODI 20% or less)",
                baseline=odi,
                target=max(Decimal(0), min(Decimal(20), odi - 10)),
                target_on=due,
            )
        )
    if lefs is not None:
        goals.append(
            _measure_goal(
                actor,
                plan,
                code="lefs",
                description="Walk, climb stairs and squat with little difficulty",
                baseline=lefs,
                target=min(Decimal(80), max(Decimal(65), lefs + 9)),
                target_on=due,
            )
        )
    goals.append(_metric_goal(actor, plan, LUMBAR if back else KNEE, visits, due))
    if completed:
        for goal in goals:
            if goal is not None:
                change_goal_status(actor=actor, goal=goal, status=Goal.Status.MET)
        change_plan_status(
            actor=actor,
            plan=plan,
            status=TreatmentPlan.Status.COMPLETED,
            reason="Goals met; discharged to the home programme.",
        )


def _counselling_plan(series: Series, today: dt.date) -> None:
    first = series.visits[0]
    actor = _actor(first)
    visits = _completed_visits(first, today)
    plan = _plan(
        actor,
        first,
        title="Counselling: low mood and worry",
        diagnoses=_diagnoses(actor, first, "F32.1"),
        planned_visits=max(len(visits) + 6, 10),
        per_week=1,
        weeks=12,
        notes="CBT-based sessions; behavioural activation and worry time.",
        today=today,
    )
    due = _target_on(plan, today, is_open=True)
    phq9, gad7 = series.first("phq9"), series.first("gad7")
    if phq9 is not None:
        _measure_goal(
            actor,
            plan,
            code="phq9",
            description="Depressive symptoms minimal (PHQ-9 under 5)",
            baseline=phq9,
            target=max(Decimal(0), min(Decimal(4), phq9 - 5)),
            target_on=due,
        )
    if gad7 is not None:
        _measure_goal(
            actor,
            plan,
            code="gad7",
            description="Worry no longer gets in the way (GAD-7 under 5)",
            baseline=gad7,
            target=max(Decimal(0), min(Decimal(4), gad7 - 5)),
            target_on=due,
        )


def seed_plans(clinic: Clinic, *, today: dt.date) -> None:
    """Treatment plans for the patients with outcome series."""
    if TreatmentPlan.objects.filter(clinic=clinic).exists():
        return
    series = [s for s in _series_by_patient(clinic).values() if s.visits]
    physio = [s for s in series if "nprs" in s.responses]
    counselling = [s for s in series if "phq9" in s.responses]
    # The last physio patient's plan is the completed one (if there are two).
    last = len(physio) - 1
    for number, one in enumerate(physio):
        _physio_plan(one, today, completed=number == last and last > 0)
    for one in counselling:
        _counselling_plan(one, today)
