"""The plan services: every rule refuses with the field named and writes
nothing; every change is audited; nothing is deleted."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from practica.audit.models import AuditEntry
from practica.charting.models import Problem
from practica.charting.tests.factories import ClinicalNoteFactory, ProblemFactory
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.plans.errors import PlanInvalidError, PlanPermissionError
from practica.plans.models import (
    Goal,
    GoalProgress,
    PlanDiagnosis,
    PlanStatusChange,
    TreatmentPlan,
)
from practica.plans.services import (
    GoalFields,
    NoteValue,
    PlanFields,
    add_goal,
    change_goal_status,
    change_plan_status,
    create_plan,
    mark_progress_in_error,
    record_progress,
    record_progress_from_note,
    update_plan,
)
from practica.plans.tests.factories import (
    GoalFactory,
    GoalProgressFactory,
    MeasureGoalFactory,
    TreatmentPlanFactory,
)
from practica.scheduling.models import Provider
from practica.scheduling.tests.factories import ProviderFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.tests.factories import actor_for

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 3, 2)
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def _fields(provider: Provider, **changes: object) -> PlanFields:
    values: dict[str, object] = {
        "provider": provider,
        "title": "Low back rehabilitation",
        "start_on": START,
        "review_on": START + datetime.timedelta(weeks=6),
        "planned_visits": 10,
        "frequency_count": 2,
        "frequency_period": "week",
        "duration_weeks": 5,
        "notes": "Core stability, graded activity.",
    }
    values.update(changes)
    return PlanFields(**values)  # type: ignore[arg-type]


def _goal(**changes: object) -> GoalFields:
    values: dict[str, object] = {
        "description": "Less pain on walking",
        "kind": "measure",
        "measure_code": "nprs",
        "baseline": Decimal(7),
        "target": Decimal(2),
        "target_on": START + datetime.timedelta(weeks=6),
    }
    values.update(changes)
    return GoalFields(**values)  # type: ignore[arg-type]


def _errors(exc: pytest.ExceptionInfo[PlanInvalidError]) -> dict[str, list[str]]:
    return exc.value.errors


# --- create and edit ---------------------------------------------------------


def test_create_plan_records_diagnoses_status_row_and_audit(
    provider_actor: Actor, provider: Provider, patient: Patient, clinic: Clinic
) -> None:
    # given an active problem of the patient
    problem = ProblemFactory(clinic=clinic, patient=patient)
    # when
    plan = create_plan(
        actor=provider_actor,
        patient=patient,
        fields=_fields(provider, diagnoses=[problem]),
        status="active",
    )
    # then
    assert (plan.status, plan.title, plan.frequency_text) == (
        "active",
        "Low back rehabilitation",
        "2 per week for 5 weeks",
    )
    assert [d.problem_id for d in PlanDiagnosis.objects.filter(plan=plan)] == [
        problem.pk
    ]
    change = PlanStatusChange.objects.get(plan=plan)
    assert (change.from_status, change.to_status) == ("", "active")
    assert change.changed_by == provider_actor.membership
    entry = AuditEntry.objects.get(action="create", object_id=str(plan.pk))
    assert entry.patient_id == patient.pk


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"review_on": START - datetime.timedelta(days=1)},
            "review_on",
            "Review date: cannot be before the start date.",
        ),
        ({"title": "  "}, "title", "Title: give the plan a title."),
        (
            {"planned_visits": 0},
            "planned_visits",
            "Planned visits: enter a number from 1 to 200.",
        ),
        (
            {"frequency_period": "fortnight"},
            "frequency_period",
            "Period: choose per week or per month.",
        ),
        (
            {"start_on": datetime.date(1970, 1, 1)},
            "start_on",
            "Start date: cannot be before the date of birth.",
        ),
    ],
)
def test_create_plan_refuses_bad_fields(
    provider_actor: Actor,
    provider: Provider,
    patient: Patient,
    changes: dict[str, object],
    field: str,
    message: str,
) -> None:
    with pytest.raises(PlanInvalidError) as exc:
        create_plan(
            actor=provider_actor, patient=patient, fields=_fields(provider, **changes)
        )
    assert _errors(exc)[field] == [message]
    assert TreatmentPlan.objects.count() == 0


@pytest.mark.parametrize("whose", ["other_patient", "resolved"])
def test_create_plan_takes_only_the_patients_active_problems(
    provider_actor: Actor,
    provider: Provider,
    patient: Patient,
    clinic: Clinic,
    whose: str,
) -> None:
    # given a problem of another patient, or a resolved one
    owner = PatientFactory(clinic=clinic) if whose == "other_patient" else patient
    status = Problem.Status.RESOLVED if whose == "resolved" else Problem.Status.ACTIVE
    problem = ProblemFactory(clinic=clinic, patient=owner, status=status)
    # when / then
    with pytest.raises(PlanInvalidError) as exc:
        create_plan(
            actor=provider_actor,
            patient=patient,
            fields=_fields(provider, diagnoses=[problem]),
        )
    assert _errors(exc)["diagnoses"] == [
        "Diagnoses: choose from the patient's active problems."
    ]
    assert TreatmentPlan.objects.count() == 0


def test_create_plan_refuses_another_clinics_provider(
    provider_actor: Actor, patient: Patient, other_clinic: Clinic
) -> None:
    stranger = ProviderFactory(clinic=other_clinic)
    with pytest.raises(PlanInvalidError) as exc:
        create_plan(actor=provider_actor, patient=patient, fields=_fields(stranger))
    assert _errors(exc)["provider"] == ["Provider: choose a provider of this clinic."]


def test_create_plan_refuses_a_closed_initial_status(
    provider_actor: Actor, provider: Provider, patient: Patient
) -> None:
    with pytest.raises(PlanInvalidError) as exc:
        create_plan(
            actor=provider_actor,
            patient=patient,
            fields=_fields(provider),
            status="completed",
        )
    assert _errors(exc)["status"] == ["Status: a new plan is a draft or active."]


def test_create_plan_needs_chart_edit(
    owner_member: Membership, provider: Provider, patient: Patient
) -> None:
    with pytest.raises(PlanPermissionError):
        create_plan(
            actor=actor_for(owner_member), patient=patient, fields=_fields(provider)
        )
    assert TreatmentPlan.objects.count() == 0


def test_update_plan_changes_details_and_diagnoses(
    provider_actor: Actor, plan: TreatmentPlan, clinic: Clinic
) -> None:
    # given the plan treats one problem; a second is added, the first dropped
    first = ProblemFactory(clinic=clinic, patient=plan.patient)
    second = ProblemFactory(clinic=clinic, patient=plan.patient, code="M17.11")
    PlanDiagnosis.objects.create(clinic=clinic, plan=plan, problem=first)
    # when
    updated = update_plan(
        actor=provider_actor,
        plan=plan,
        fields=_fields(plan.provider, title="Knee plan", diagnoses=[second]),
    )
    # then
    assert updated.title == "Knee plan"
    assert list(
        PlanDiagnosis.objects.filter(plan=plan).values_list("problem_id", flat=True)
    ) == [second.pk]
    assert AuditEntry.objects.filter(action="update", object_id=str(plan.pk)).exists()


def test_update_plan_keeps_a_diagnosis_resolved_since(
    provider_actor: Actor, plan: TreatmentPlan, clinic: Clinic
) -> None:
    problem = ProblemFactory(
        clinic=clinic, patient=plan.patient, status=Problem.Status.RESOLVED
    )
    PlanDiagnosis.objects.create(clinic=clinic, plan=plan, problem=problem)
    update_plan(
        actor=provider_actor,
        plan=plan,
        fields=_fields(plan.provider, diagnoses=[problem]),
    )
    assert PlanDiagnosis.objects.filter(plan=plan, problem=problem).exists()


def test_a_closed_plan_cannot_be_edited(
    provider_actor: Actor, clinic: Clinic, provider: Provider
) -> None:
    plan = TreatmentPlanFactory(clinic=clinic, provider=provider, status="completed")
    with pytest.raises(PlanInvalidError) as exc:
        update_plan(
            actor=provider_actor, plan=plan, fields=_fields(provider, title="New")
        )
    assert _errors(exc)["__all__"] == ["Plan: a completed plan cannot be edited."]
    plan.refresh_from_db()
    assert plan.title != "New"


# --- plan status -----------------------------------------------------------------


def test_status_changes_keep_who_when_and_why(
    provider_actor: Actor, plan: TreatmentPlan
) -> None:
    # when the plan is put on hold, then discontinued
    change_plan_status(actor=provider_actor, plan=plan, status="on_hold")
    change_plan_status(
        actor=provider_actor, plan=plan, status="discontinued", reason="Moved away"
    )
    # then
    plan.refresh_from_db()
    assert plan.status == "discontinued"
    rows = list(PlanStatusChange.objects.filter(plan=plan))
    assert [(r.from_status, r.to_status, r.reason) for r in rows] == [
        ("active", "on_hold", ""),
        ("on_hold", "discontinued", "Moved away"),
    ]
    assert rows[0].changed_by == provider_actor.membership
    assert list(
        AuditEntry.objects.filter(action="status", object_id=str(plan.pk))
        .order_by("seq")
        .values_list("detail", flat=True)
    ) == ["active -> on_hold", "on_hold -> discontinued"]


@pytest.mark.parametrize(
    ("start", "status", "reason", "field", "message"),
    [
        (
            "completed",
            "active",
            "",
            "status",
            "Status: a completed plan cannot become active.",
        ),
        (
            "draft",
            "on_hold",
            "",
            "status",
            "Status: a draft plan cannot become on hold.",
        ),
        ("active", "active", "", "status", "Status: the plan already has it."),
        (
            "active",
            "discontinued",
            " ",
            "reason",
            "Reason: say why the plan is discontinued.",
        ),
        ("active", "archived", "", "status", "Status: choose a listed status."),
    ],
)
def test_status_changes_follow_the_rules(
    provider_actor: Actor,
    clinic: Clinic,
    provider: Provider,
    start: str,
    status: str,
    reason: str,
    field: str,
    message: str,
) -> None:
    plan = TreatmentPlanFactory(clinic=clinic, provider=provider, status=start)
    with pytest.raises(PlanInvalidError) as exc:
        change_plan_status(
            actor=provider_actor, plan=plan, status=status, reason=reason
        )
    assert _errors(exc)[field] == [message]
    plan.refresh_from_db()
    assert plan.status == start
    assert not PlanStatusChange.objects.filter(plan=plan).exists()


# --- goals -------------------------------------------------------------------------


def test_a_measure_goal_takes_its_direction_from_the_measure(
    provider_actor: Actor, plan: TreatmentPlan
) -> None:
    goal = add_goal(
        actor=provider_actor, plan=plan, fields=_goal(higher_is_better=True)
    )
    assert (goal.kind, goal.measure_code, goal.higher_is_better) == (
        "measure",
        "nprs",
        False,
    )
    assert (goal.metric_name, goal.unit, goal.status) == ("", "", "in_progress")
    assert AuditEntry.objects.get(action="create", object_id=str(goal.pk)).detail == (
        "nprs"
    )


def test_a_metric_goal_keeps_its_name_unit_and_direction(
    provider_actor: Actor, plan: TreatmentPlan
) -> None:
    goal = add_goal(
        actor=provider_actor,
        plan=plan,
        fields=_goal(
            kind="metric",
            measure_code="nprs",
            metric_name=" Knee flexion ROM ",
            unit="degrees",
            baseline=Decimal(90),
            target=Decimal(130),
            higher_is_better=True,
        ),
    )
    assert (goal.measure_code, goal.metric_name, goal.unit) == (
        "",
        "Knee flexion ROM",
        "degrees",
    )
    assert goal.higher_is_better is True


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"target_on": START - datetime.timedelta(days=1)},
            "target_on",
            "Target date: cannot be before the plan's start date (02 Mar 2026).",
        ),
        ({"target": Decimal(7)}, "target", "Target: must differ from the baseline."),
        (
            {"target": Decimal(9)},
            "target",
            "Target: must be below the baseline (lower is better).",
        ),
        (
            {"measure_code": "sf36"},
            "measure_code",
            "Measure: choose a listed outcome measure.",
        ),
        (
            {"baseline": Decimal(11)},
            "baseline",
            "Baseline: a NPRS score is from 0 to 10.",
        ),
        (
            {"kind": "metric", "metric_name": ""},
            "metric_name",
            "Metric: name what is measured.",
        ),
        (
            {
                "kind": "metric",
                "metric_name": "Grip strength",
                "higher_is_better": True,
            },
            "target",
            "Target: must be above the baseline (higher is better).",
        ),
        ({"description": ""}, "description", "Goal: describe the goal."),
        (
            {"kind": "other"},
            "kind",
            "Target type: choose an outcome measure or a metric.",
        ),
    ],
)
def test_add_goal_refuses_bad_targets(
    provider_actor: Actor,
    plan: TreatmentPlan,
    changes: dict[str, object],
    field: str,
    message: str,
) -> None:
    with pytest.raises(PlanInvalidError) as exc:
        add_goal(actor=provider_actor, plan=plan, fields=_goal(**changes))
    assert _errors(exc)[field] == [message]
    assert Goal.objects.count() == 0


@pytest.mark.parametrize("status", ["discontinued", "completed"])
def test_no_goal_for_a_closed_plan(
    provider_actor: Actor, clinic: Clinic, provider: Provider, status: str
) -> None:
    plan = TreatmentPlanFactory(clinic=clinic, provider=provider, status=status)
    with pytest.raises(PlanInvalidError) as exc:
        add_goal(actor=provider_actor, plan=plan, fields=_goal())
    assert _errors(exc)["__all__"] == [
        f"Plan: goals cannot be added to a {status} plan."
    ]
    assert Goal.objects.count() == 0


def test_goal_status_changes_and_discontinued_is_final(
    provider_actor: Actor, plan: TreatmentPlan
) -> None:
    goal = GoalFactory(plan=plan)
    met = change_goal_status(actor=provider_actor, goal=goal, status="met")
    assert (met.status, met.status_changed_by) == ("met", provider_actor.membership)
    change_goal_status(actor=provider_actor, goal=goal, status="discontinued")
    with pytest.raises(PlanInvalidError) as exc:
        change_goal_status(actor=provider_actor, goal=goal, status="in_progress")
    assert _errors(exc)["status"] == ["Status: a discontinued goal cannot change."]
    goal.refresh_from_db()
    assert goal.status == "discontinued"
    assert (
        AuditEntry.objects.filter(action="status", object_id=str(goal.pk)).count() == 2
    )


# --- progress ------------------------------------------------------------------


def test_record_progress_from_a_note_of_the_patient(
    provider_actor: Actor, plan: TreatmentPlan, clinic: Clinic
) -> None:
    # given
    goal = GoalFactory(plan=plan)
    note = ClinicalNoteFactory(clinic=clinic, appointment__patient=plan.patient)
    # when
    progress = record_progress(
        actor=provider_actor,
        goal=goal,
        value=Decimal("105.5"),
        recorded_on=YESTERDAY,
        note=note,
        comment=" After manual therapy ",
    )
    # then
    assert (progress.value, progress.note, progress.comment) == (
        Decimal("105.5"),
        note,
        "After manual therapy",
    )
    assert progress.recorded_by == provider_actor.membership
    entry = AuditEntry.objects.get(action="create", object_id=str(progress.pk))
    assert (entry.patient_id, entry.detail) == (plan.patient_id, "from note")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"recorded_on": timezone.localdate() + datetime.timedelta(days=1)},
            "recorded_on",
            "Date: cannot be in the future.",
        ),
        (
            {"recorded_on": START - datetime.timedelta(days=1)},
            "recorded_on",
            "Date: cannot be before the plan's start date.",
        ),
        ({"value": Decimal(10) ** 7}, "value", "Value: enter a smaller number."),
        ({"comment": "x" * 501}, "comment", "Comment: at most 500 characters."),
    ],
)
def test_record_progress_refuses_bad_values(
    provider_actor: Actor,
    plan: TreatmentPlan,
    changes: dict[str, object],
    field: str,
    message: str,
) -> None:
    goal = GoalFactory(plan=plan)
    values: dict[str, object] = {"value": Decimal(100), "recorded_on": YESTERDAY}
    values.update(changes)
    with pytest.raises(PlanInvalidError) as exc:
        record_progress(actor=provider_actor, goal=goal, **values)  # type: ignore[arg-type]
    assert _errors(exc)[field] == [message]
    assert GoalProgress.objects.count() == 0


def test_record_progress_refuses_another_patients_note(
    provider_actor: Actor, plan: TreatmentPlan, clinic: Clinic
) -> None:
    goal = GoalFactory(plan=plan)
    note = ClinicalNoteFactory(clinic=clinic)
    with pytest.raises(PlanInvalidError) as exc:
        record_progress(
            actor=provider_actor,
            goal=goal,
            value=Decimal(100),
            recorded_on=YESTERDAY,
            note=note,
        )
    assert _errors(exc)["note"] == ["Note: choose a note of this patient."]


def test_a_measure_goals_progress_comes_from_its_measure(
    provider_actor: Actor, plan: TreatmentPlan
) -> None:
    goal = MeasureGoalFactory(plan=plan)
    with pytest.raises(PlanInvalidError) as exc:
        record_progress(
            actor=provider_actor, goal=goal, value=Decimal(3), recorded_on=YESTERDAY
        )
    assert _errors(exc)["__all__"] == [
        "Goal: its progress is the patient's outcome-measure scores; "
        "record the measure instead."
    ]


def test_no_progress_on_a_discontinued_plan(
    provider_actor: Actor, clinic: Clinic, provider: Provider
) -> None:
    goal = GoalFactory(
        plan=TreatmentPlanFactory(
            clinic=clinic, provider=provider, status="discontinued"
        )
    )
    with pytest.raises(PlanInvalidError) as exc:
        record_progress(
            actor=provider_actor, goal=goal, value=Decimal(99), recorded_on=YESTERDAY
        )
    assert _errors(exc)["__all__"] == ["Plan: it is discontinued; progress is closed."]


def test_progress_from_a_note_is_all_or_nothing(
    provider_actor: Actor, plan: TreatmentPlan, clinic: Clinic
) -> None:
    # given two goals, the second discontinued
    good = GoalFactory(plan=plan)
    stopped = GoalFactory(plan=plan, status="discontinued")
    note = ClinicalNoteFactory(clinic=clinic, appointment__patient=plan.patient)
    values = [
        NoteValue(goal=good, value=Decimal(100)),
        NoteValue(goal=stopped, value=Decimal(101)),
    ]
    # when / then
    with pytest.raises(PlanInvalidError) as exc:
        record_progress_from_note(
            actor=provider_actor, note=note, recorded_on=YESTERDAY, values=values
        )
    assert _errors(exc)["__all__"] == ["Goal: it is discontinued."]
    assert GoalProgress.objects.count() == 0
    # and with the good goal only, it is recorded against the note
    (recorded,) = record_progress_from_note(
        actor=provider_actor, note=note, recorded_on=YESTERDAY, values=values[:1]
    )
    assert (recorded.goal, recorded.note) == (good, note)


def test_progress_from_a_note_needs_one_value(
    provider_actor: Actor, clinic: Clinic
) -> None:
    note = ClinicalNoteFactory(clinic=clinic)
    with pytest.raises(PlanInvalidError) as exc:
        record_progress_from_note(
            actor=provider_actor, note=note, recorded_on=YESTERDAY, values=[]
        )
    assert _errors(exc)["__all__"] == ["Enter a value for at least one goal."]


def test_a_value_entered_in_error_is_marked_once_and_kept(
    provider_actor: Actor, plan: TreatmentPlan
) -> None:
    progress = GoalProgressFactory(goal=GoalFactory(plan=plan))
    marked = mark_progress_in_error(
        actor=provider_actor, progress=progress, reason="Wrong knee"
    )
    assert marked.is_entered_in_error
    assert (marked.error_reason, marked.error_marked_by) == (
        "Wrong knee",
        provider_actor.membership,
    )
    with pytest.raises(PlanInvalidError) as exc:
        mark_progress_in_error(actor=provider_actor, progress=progress, reason="Again")
    assert _errors(exc)["reason"] == ["Reason: the value is already marked in error."]
    assert GoalProgress.objects.filter(pk=progress.pk).exists()
    assert AuditEntry.objects.filter(
        action="entered_in_error", object_id=str(progress.pk)
    ).exists()


def test_marking_in_error_needs_a_reason(
    provider_actor: Actor, plan: TreatmentPlan
) -> None:
    progress = GoalProgressFactory(goal=GoalFactory(plan=plan))
    with pytest.raises(PlanInvalidError) as exc:
        mark_progress_in_error(actor=provider_actor, progress=progress, reason=" ")
    assert _errors(exc)["reason"] == ["Reason: say why the value is in error."]


def test_another_clinics_goal_is_refused(
    provider_actor: Actor, other_clinic: Clinic
) -> None:
    goal = GoalFactory(plan__clinic=other_clinic)
    with pytest.raises(PlanPermissionError):
        change_goal_status(actor=provider_actor, goal=goal, status="met")


@pytest.mark.parametrize(
    "factory", [TreatmentPlanFactory, GoalFactory, GoalProgressFactory]
)
def test_plan_records_are_never_deleted(clinic: Clinic, factory: type) -> None:
    row = factory()
    with pytest.raises(IntegrityError):
        row.delete()
    with pytest.raises(IntegrityError):
        type(row).objects.filter(pk=row.pk).delete()
