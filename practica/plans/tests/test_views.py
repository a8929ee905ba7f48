"""The plan pages: lists and detail with progress, the forms (422 naming the
field, nothing written), status changes over htmx and plain POST, progress
from a note, role refusals and flat query counts."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from practica.audit.models import AuditEntry
from practica.charting.tests.factories import ClinicalNoteFactory, ProblemFactory
from practica.outcomes.tests.factories import MeasureResponseFactory
from practica.patients.models import Patient
from practica.plans.models import Goal, GoalProgress, PlanStatusChange, TreatmentPlan
from practica.plans.tests.factories import (
    GoalFactory,
    GoalProgressFactory,
    MeasureGoalFactory,
    TreatmentPlanFactory,
)
from practica.scheduling.models import Provider
from practica.tenancy.models import Clinic, Membership

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Membership], Client]
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"plans:{name}", kwargs=kwargs)


def _plan_data(provider: Provider, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Shoulder rehabilitation",
        "provider": str(provider.pk),
        "start_on": "2026-03-02",
        "review_on": "2026-04-13",
        "planned_visits": "12",
        "frequency_count": "2",
        "frequency_period": "week",
        "duration_weeks": "6",
        "notes": "",
        "status": "active",
    }
    data.update(changes)
    return data


def _goal_data(**changes: str) -> dict[str, str]:
    data = {
        "description": "Reach overhead without pain",
        "kind": "metric",
        "measure_code": "",
        "metric_name": "Shoulder flexion",
        "unit": "degrees",
        "direction": "higher",
        "baseline": "100",
        "target": "170",
        "target_on": "2026-04-13",
    }
    data.update(changes)
    return data


# --- the list and the detail -----------------------------------------------------


def test_list_shows_plans_with_visits_and_goal_progress(
    client_for: ClientFor,
    provider_member: Membership,
    plan: TreatmentPlan,
    clinic: Clinic,
) -> None:
    # given an NPRS goal (7 -> 2) with scores 7 then 4 since the start
    MeasureGoalFactory(plan=plan, description="Less pain")
    for day, score in ((plan.start_on, 7), (YESTERDAY, 4)):
        MeasureResponseFactory(
            clinic=clinic,
            patient=plan.patient,
            measure_code="nprs",
            answers={"pain": score},
            score=Decimal(score),
            band="",
            taken_on=day,
        )
    # when
    response = client_for(provider_member).get(
        _url("patient-plans", patient_id=plan.patient_id)
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert plan.title in html
    assert "<strong>0</strong> of 12 done" in html
    assert "Latest <strong>4</strong> points" in html
    assert "60% of the way" in html
    assert 'aria-current="page">Treatment plans' in html
    assert html.count('<circle class="point"') == 2


def test_list_query_count_is_flat(
    client_for: ClientFor,
    provider_member: Membership,
    plan: TreatmentPlan,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(provider_member)
    url = _url("patient-plans", patient_id=plan.patient_id)
    GoalProgressFactory(goal=GoalFactory(plan=plan))
    client.get(url)  # warm the session
    with django_assert_num_queries(16) as few:
        client.get(url)
    # more plans, goals and values
    for _ in range(3):
        more = TreatmentPlanFactory(
            clinic=plan.clinic, patient=plan.patient, provider=plan.provider
        )
        GoalProgressFactory.create_batch(3, goal=GoalFactory(plan=more))
        MeasureGoalFactory(plan=more)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="card plan-card"') == 4


def test_detail_shows_goals_values_and_status_history(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    # given a metric goal with one good and one mistaken value
    goal = GoalFactory(plan=plan)
    GoalProgressFactory(goal=goal, value=Decimal(110))
    GoalProgressFactory(
        goal=goal,
        value=Decimal(20),
        entered_in_error_at=timezone.now(),
        error_reason="Typo",
    )
    PlanStatusChange.objects.create(
        clinic=plan.clinic,
        plan=plan,
        to_status="active",
        changed_at=timezone.now(),
        changed_by=provider_member,
    )
    # when
    response = client_for(provider_member).get(_url("plan-detail", plan_id=plan.pk))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Latest <strong>110</strong> degrees" in html
    assert "50% of the way" in html
    assert "<del>20</del>" in html
    assert "created as active" in html
    assert _url("progress-create", goal_id=goal.pk) in html


def test_detail_query_count_is_flat(
    client_for: ClientFor,
    provider_member: Membership,
    plan: TreatmentPlan,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(provider_member)
    url = _url("plan-detail", plan_id=plan.pk)
    GoalProgressFactory(goal=GoalFactory(plan=plan))
    client.get(url)
    with django_assert_num_queries(18) as few:
        client.get(url)
    for _ in range(3):
        GoalProgressFactory.create_batch(3, goal=GoalFactory(plan=plan))
        MeasureGoalFactory(plan=plan)
    ClinicalNoteFactory.create_batch(3, clinic=plan.clinic, patient=plan.patient)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('<article class="goal"') == 7


def test_owner_reads_plans_without_edit_links(
    client_for: ClientFor, owner_member: Membership, plan: TreatmentPlan
) -> None:
    GoalFactory(plan=plan)
    client = client_for(owner_member)
    listing = client.get(_url("patient-plans", patient_id=plan.patient_id))
    detail = client.get(_url("plan-detail", plan_id=plan.pk))
    assert (listing.status_code, detail.status_code) == (200, 200)
    html = listing.content.decode() + detail.content.decode()
    assert "/create/" not in html
    assert "/progress/" not in html
    assert "/status/" not in html


def test_front_desk_is_refused_every_plan_page(
    client_for: ClientFor, front_desk_member: Membership, plan: TreatmentPlan
) -> None:
    client = client_for(front_desk_member)
    goal = GoalFactory(plan=plan)
    urls = [
        _url("patient-plans", patient_id=plan.patient_id),
        _url("plan-detail", plan_id=plan.pk),
        _url("plan-create", patient_id=plan.patient_id),
        _url("goal-create", plan_id=plan.pk),
        _url("progress-create", goal_id=goal.pk),
    ]
    assert [client.get(url).status_code for url in urls] == [403] * 5
    assert client.post(_url("plan-status", plan_id=plan.pk)).status_code == 403


# --- create and edit a plan ---------------------------------------------------------


def test_create_form_offers_the_patients_active_problems(
    client_for: ClientFor,
    provider_member: Membership,
    provider: Provider,
    patient: Patient,
    clinic: Clinic,
) -> None:
    ProblemFactory(clinic=clinic, patient=patient, code="M75.41", display="Impinge")
    ProblemFactory(clinic=clinic, patient=patient, code="S39.012A", status="resolved")
    response = client_for(provider_member).get(
        _url("plan-create", patient_id=patient.pk)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "M75.41 Impinge" in html
    assert "S39.012A" not in html
    assert f'<option value="{provider.pk}" selected>' in html


def test_creating_a_plan_redirects_to_it(
    client_for: ClientFor,
    provider_member: Membership,
    provider: Provider,
    patient: Patient,
    clinic: Clinic,
) -> None:
    problem = ProblemFactory(clinic=clinic, patient=patient)
    data = _plan_data(provider, diagnoses=str(problem.pk))
    response = client_for(provider_member).post(
        _url("plan-create", patient_id=patient.pk), data
    )
    plan = TreatmentPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("plan-detail", plan_id=plan.pk)
    assert (plan.status, plan.planned_visits) == ("active", 12)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"review_on": "2026-03-01"}, "Review date: cannot be before the start date."),
        ({"planned_visits": "many"}, "Planned visits: enter a whole number."),
        ({"start_on": "soon"}, "Start date: enter a date."),
        ({"title": ""}, "Title: this field is required."),
        ({"diagnoses": "not-a-problem"}, "Diagnoses: choose a listed option."),
    ],
)
def test_a_bad_plan_gets_422_naming_the_field(
    client_for: ClientFor,
    provider_member: Membership,
    provider: Provider,
    patient: Patient,
    changes: dict[str, str],
    message: str,
) -> None:
    response = client_for(provider_member).post(
        _url("plan-create", patient_id=patient.pk), _plan_data(provider, **changes)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert TreatmentPlan.objects.count() == 0


def test_editing_a_plan_saves_it(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    client = client_for(provider_member)
    form = client.get(_url("plan-edit", plan_id=plan.pk))
    assert form.status_code == 200
    assert plan.title in form.content.decode()
    data = _plan_data(plan.provider, title="Knee plan, phase 2")
    response = client.post(_url("plan-edit", plan_id=plan.pk), data)
    plan.refresh_from_db()
    assert response.status_code == 302
    assert plan.title == "Knee plan, phase 2"


# --- status changes -----------------------------------------------------------------


def test_plan_status_by_plain_post_redirects(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    response = client_for(provider_member).post(
        _url("plan-status", plan_id=plan.pk), {"status": "on_hold", "reason": ""}
    )
    plan.refresh_from_db()
    assert response.status_code == 302
    assert plan.status == "on_hold"


def test_plan_status_over_htmx_returns_the_status_section(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    response = client_for(provider_member).post(
        _url("plan-status", plan_id=plan.pk),
        {"status": "completed", "reason": "Goals met"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="plan-status"')
    assert "active → completed" in html
    assert response["Vary"] == "HX-Request, Cookie" or "HX-Request" in response["Vary"]


@pytest.mark.parametrize("htmx", [True, False])
def test_discontinuing_without_a_reason_gets_422(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan, htmx: bool
) -> None:
    response = client_for(provider_member).post(
        _url("plan-status", plan_id=plan.pk),
        {"status": "discontinued", "reason": ""},
        **(HTMX if htmx else {}),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Reason: say why the plan is discontinued." in html
    assert html.lstrip().startswith('<section id="plan-status"') is htmx
    plan.refresh_from_db()
    assert plan.status == "active"


def test_goal_status_over_htmx_returns_the_goals_section(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    goal = GoalFactory(plan=plan)
    response = client_for(provider_member).post(
        _url("goal-status", goal_id=goal.pk), {"status": "met"}, **HTMX
    )
    goal.refresh_from_db()
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="plan-goals"')
    assert goal.status == "met"


def test_a_bad_goal_status_gets_422(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    goal = GoalFactory(plan=plan)
    response = client_for(provider_member).post(
        _url("goal-status", goal_id=goal.pk), {"status": "won"}
    )
    assert response.status_code == 422
    assert "Status: choose a listed option." in response.content.decode()


# --- goals and progress -------------------------------------------------------------


def test_adding_a_metric_goal(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    client = client_for(provider_member)
    assert client.get(_url("goal-create", plan_id=plan.pk)).status_code == 200
    response = client.post(_url("goal-create", plan_id=plan.pk), _goal_data())
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#goal-{goal.pk}")
    assert (goal.metric_name, goal.unit, goal.target) == (
        "Shoulder flexion",
        "degrees",
        Decimal(170),
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"target_on": "2026-03-01"},
            "Target date: cannot be before the plan&#x27;s start date",
        ),
        ({"target": "100"}, "Target: must differ from the baseline."),
        (
            {"kind": "measure", "measure_code": "sf36"},
            "Measure: choose a listed option.",
        ),
        ({"baseline": "a lot"}, "Baseline: enter a number."),
        (
            {
                "kind": "measure",
                "measure_code": "odi",
                "baseline": "40",
                "target": "60",
            },
            "Target: must be below the baseline (lower is better).",
        ),
    ],
)
def test_a_bad_goal_gets_422_naming_the_field(
    client_for: ClientFor,
    provider_member: Membership,
    plan: TreatmentPlan,
    changes: dict[str, str],
    message: str,
) -> None:
    response = client_for(provider_member).post(
        _url("goal-create", plan_id=plan.pk), _goal_data(**changes)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Goal.objects.count() == 0


def test_a_goal_for_a_discontinued_plan_gets_422(
    client_for: ClientFor, provider_member: Membership, provider: Provider
) -> None:
    plan = TreatmentPlanFactory(
        clinic=provider.clinic, provider=provider, status="discontinued"
    )
    response = client_for(provider_member).post(
        _url("goal-create", plan_id=plan.pk), _goal_data()
    )
    assert response.status_code == 422
    assert (
        "Plan: goals cannot be added to a discontinued plan."
        in response.content.decode()
    )


def test_record_progress_for_a_chosen_note(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    # given a note of the patient, picked from the plan page
    goal = GoalFactory(plan=plan)
    note = ClinicalNoteFactory(clinic=plan.clinic, appointment__patient=plan.patient)
    client = client_for(provider_member)
    form = client.get(_url("progress-create", goal_id=goal.pk) + f"?note={note.pk}")
    assert f'<option value="{note.pk}" selected>' in form.content.decode()
    # when
    response = client.post(
        _url("progress-create", goal_id=goal.pk),
        {"value": "112", "recorded_on": YESTERDAY.isoformat(), "note": str(note.pk)},
    )
    # then
    progress = GoalProgress.objects.get()
    assert response.status_code == 302
    assert (progress.value, progress.note_id) == (Decimal(112), note.pk)


def test_a_progress_value_that_is_not_a_number_gets_422(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    goal = GoalFactory(plan=plan)
    response = client_for(provider_member).post(
        _url("progress-create", goal_id=goal.pk),
        {"value": "ninety", "recorded_on": YESTERDAY.isoformat()},
    )
    assert response.status_code == 422
    assert "Value: enter a number." in response.content.decode()
    assert GoalProgress.objects.count() == 0


def test_marking_a_value_in_error_over_htmx(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    progress = GoalProgressFactory(goal=GoalFactory(plan=plan))
    url = _url("progress-mark-error", progress_id=progress.pk)
    client = client_for(provider_member)
    refused = client.post(url, {"reason": ""}, **HTMX)
    assert refused.status_code == 422
    assert "Reason: this field is required." in refused.content.decode()
    done = client.post(url, {"reason": "Wrong goal"}, **HTMX)
    progress.refresh_from_db()
    assert done.status_code == 200
    assert progress.is_entered_in_error


def test_note_progress_records_each_metric_goal_and_links_measures(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    # given a metric and a measure goal, and a note of the patient
    metric = GoalFactory(plan=plan)
    MeasureGoalFactory(plan=plan)
    note = ClinicalNoteFactory(clinic=plan.clinic, appointment__patient=plan.patient)
    client = client_for(provider_member)
    url = _url("note-progress", note_id=note.pk)
    page = client.get(url).content.decode()
    assert f'name="{metric.pk}-value"' in page
    assert f"/record/?note={note.pk}" in page
    # when
    response = client.post(
        url,
        {
            "recorded_on": YESTERDAY.isoformat(),
            f"{metric.pk}-value": "118",
            f"{metric.pk}-comment": "Less stiff",
        },
    )
    # then
    progress = GoalProgress.objects.get()
    assert response.status_code == 302
    assert (progress.goal, progress.note, progress.comment) == (
        metric,
        note,
        "Less stiff",
    )


def test_note_progress_names_the_goal_value_at_fault(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    metric = GoalFactory(plan=plan)
    note = ClinicalNoteFactory(clinic=plan.clinic, appointment__patient=plan.patient)
    response = client_for(provider_member).post(
        _url("note-progress", note_id=note.pk),
        {"recorded_on": YESTERDAY.isoformat(), f"{metric.pk}-value": "lots"},
    )
    assert response.status_code == 422
    assert "Knee flexion ROM (degrees): enter a number." in response.content.decode()
    assert GoalProgress.objects.count() == 0


def test_every_page_records_one_view(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    client = client_for(provider_member)
    before = AuditEntry.objects.filter(action="view").count()
    client.get(_url("plan-detail", plan_id=plan.pk))
    views = AuditEntry.objects.filter(action="view")
    assert views.count() == before + 1
    assert views.order_by("-seq")[0].patient_id == plan.patient_id


def test_user_text_is_escaped(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    GoalFactory(plan=plan, description="<script>alert(1)</script>")
    html = client_for(provider_member).get(_url("plan-detail", plan_id=plan.pk))
    content = html.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_visits_count_completed_visits_with_the_plans_provider(
    client_for: ClientFor, provider_member: Membership, plan: TreatmentPlan
) -> None:
    from practica.scheduling.tests.factories import AppointmentFactory, local

    for day, status, provider in (
        (datetime.date(2026, 3, 4), "completed", plan.provider),
        (datetime.date(2026, 3, 6), "completed", plan.provider),
        (datetime.date(2026, 3, 9), "no_show", plan.provider),
        (datetime.date(2026, 2, 20), "completed", plan.provider),  # before start
        (datetime.date(2026, 3, 11), "completed", None),  # another provider
    ):
        fields: dict[str, object] = {
            "clinic": plan.clinic,
            "patient": plan.patient,
            "status": status,
            "start_at": local(day, 10),
        }
        if provider is not None:
            fields["provider"] = provider
        AppointmentFactory(**fields)
    response = client_for(provider_member).get(_url("plan-detail", plan_id=plan.pk))
    assert re.search(r"<strong>2</strong> of 12 done", response.content.decode())


@pytest.mark.parametrize(
    ("member", "shown"), [("provider_member", True), ("owner_member", False)]
)
def test_a_notes_page_links_to_goal_progress_for_chart_editors(
    client_for: ClientFor,
    clinic: Clinic,
    member: str,
    shown: bool,
    request: pytest.FixtureRequest,
) -> None:
    note = ClinicalNoteFactory(clinic=clinic)
    membership = request.getfixturevalue(member)
    response = client_for(membership).get(
        reverse("charting:note-detail", kwargs={"note_id": note.pk})
    )
    assert response.status_code == 200
    assert (
        _url("note-progress", note_id=note.pk) in response.content.decode()
    ) is shown
