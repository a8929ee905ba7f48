"""HTTP glue for treatment plans: a patient's plans, a plan's page, the plan,
goal and progress forms, status changes, and progress recorded from a note."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.plans.errors import PlanInvalidError
from practica.plans.forms import (
    ErrorMarkForm,
    GoalForm,
    GoalStatusForm,
    NoteProgressForm,
    PlanForm,
    PlanStatusForm,
    ProgressForm,
    plan_initial,
    service_errors,
)
from practica.plans.models import Goal, TreatmentPlan
from practica.plans.selectors import (
    get_goal_for,
    get_note_for_progress,
    get_patient_for_plan,
    get_patient_plans,
    get_plan_detail,
    get_plan_for,
    get_progress_for_change,
    list_note_goals,
    list_patient_notes_for,
    list_plan_choices,
)
from practica.plans.services import (
    PLAN_TRANSITIONS,
    add_goal,
    change_goal_status,
    change_plan_status,
    create_plan,
    mark_progress_in_error,
    record_progress,
    record_progress_from_note,
    update_plan,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import CHART_EDIT, CHART_VIEW

DETAIL = "plans/plan_detail.html"


def _htmx(request: HttpRequest) -> bool:
    return bool(request.htmx)  # type: ignore[attr-defined]  # set by HtmxMiddleware


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


def _messages_of(form: Any) -> list[str]:
    return [m for field_messages in form.errors.values() for m in field_messages]


def _change_errors(form: Any, change: Callable[[dict[str, Any]], object]) -> list[str]:
    """Validate a small POST form and run its change: the messages of the
    form or of the service's refusal, or none when the change was made."""
    if not form.is_valid():
        return _messages_of(form)
    try:
        change(form.cleaned_data)
    except PlanInvalidError as exc:
        return [m for ms in exc.errors.values() for m in ms]
    return []


# --- the patient's plans and one plan ---------------------------------------


@require_GET
@clinic_view(CHART_VIEW)
def patient_plans(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    plans = get_patient_plans(
        actor=actor, patient_id=patient_id, today=timezone.localdate()
    )
    context = {
        "plans": plans,
        "patient": plans.patient,
        "can_edit": actor.can(CHART_EDIT),
    }
    return render(request, "plans/plan_list.html", context)


def _detail(
    request: HttpRequest,
    plan_id: uuid.UUID,
    *,
    status: int = 200,
    partial: str = "",
    **extra: Any,
) -> HttpResponse:
    actor = get_actor(request)
    detail = get_plan_detail(actor=actor, plan_id=plan_id, today=timezone.localdate())
    plan = detail.plan
    next_statuses = [
        (value, label)
        for value, label in TreatmentPlan.Status.choices
        if value in PLAN_TRANSITIONS[plan.status]
    ]
    context = {
        "detail": detail,
        "plan": plan,
        "patient": detail.patient,
        "can_edit": actor.can(CHART_EDIT),
        "next_statuses": next_statuses,
        "goal_statuses": Goal.Status.choices,
        "status_errors": [],
        "goal_error_id": "",
        "goal_errors": [],
        "mark_error_id": "",
        "mark_errors": [],
        **extra,
    }
    template = f"{DETAIL}#{partial}" if partial else DETAIL
    return _vary(render(request, template, context, status=status))


@require_GET
@clinic_view(CHART_VIEW)
def plan_detail(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    return _detail(request, plan_id)


# --- create and edit a plan ----------------------------------------------------


@require_http_methods(["GET", "POST"])
@clinic_view(CHART_EDIT)
def plan_create(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    posted = request.method == "POST"
    patient = get_patient_for_plan(
        actor=actor, patient_id=patient_id, record_access=not posted
    )
    choices = list_plan_choices(actor=actor, patient=patient)
    if not posted:
        mine = actor.membership.pk if actor.membership else None
        own = [p.pk for p in choices.providers if p.membership_id == mine]
        initial = {
            "start_on": timezone.localdate(),
            "planned_visits": 8,
            "frequency_count": 1,
            "frequency_period": TreatmentPlan.Period.WEEK,
            "provider": own[0] if own else None,
        }
        form = PlanForm(choices=choices, is_new=True, initial=initial)
        context = {"form": form, "patient": patient, "plan": None}
        return render(request, "plans/plan_form.html", context)
    form = PlanForm(choices=choices, is_new=True, data=request.POST)
    if form.is_valid():
        try:
            plan = create_plan(
                actor=actor,
                patient=patient,
                fields=form.plan_fields(),
                status=form.initial_status(),
            )
        except PlanInvalidError as exc:
            service_errors(form, exc.errors)
        else:
            messages.success(request, "Treatment plan created.")
            return redirect("plans:plan-detail", plan_id=plan.pk)
    context = {"form": form, "patient": patient, "plan": None}
    return render(request, "plans/plan_form.html", context, status=422)


@require_http_methods(["GET", "POST"])
@clinic_view(CHART_EDIT)
def plan_edit(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    posted = request.method == "POST"
    plan = get_plan_for(actor=actor, plan_id=plan_id, record_access=not posted)
    choices = list_plan_choices(actor=actor, patient=plan.patient, plan=plan)
    if not posted:
        form = PlanForm(
            choices=choices, is_new=False, initial=plan_initial(plan, choices.chosen)
        )
        context = {"form": form, "patient": plan.patient, "plan": plan}
        return render(request, "plans/plan_form.html", context)
    form = PlanForm(choices=choices, is_new=False, data=request.POST)
    if form.is_valid():
        try:
            update_plan(actor=actor, plan=plan, fields=form.plan_fields())
        except PlanInvalidError as exc:
            service_errors(form, exc.errors)
        else:
            messages.success(request, "Treatment plan saved.")
            return redirect("plans:plan-detail", plan_id=plan.pk)
    context = {"form": form, "patient": plan.patient, "plan": plan}
    return render(request, "plans/plan_form.html", context, status=422)


# --- status changes --------------------------------------------------------------


@require_POST
@clinic_view(CHART_EDIT)
def plan_status(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    plan = get_plan_for(actor=actor, plan_id=plan_id, record_access=False)
    errors = _change_errors(
        PlanStatusForm(data=request.POST),
        lambda data: change_plan_status(
            actor=actor, plan=plan, status=data["status"], reason=data["reason"]
        ),
    )
    htmx = _htmx(request)
    if not errors and not htmx:
        messages.success(request, "Plan status changed.")
        return redirect("plans:plan-detail", plan_id=plan.pk)
    return _detail(
        request,
        plan.pk,
        status=422 if errors else 200,
        partial="status" if htmx else "",
        status_errors=errors,
    )


@require_POST
@clinic_view(CHART_EDIT)
def goal_status(request: HttpRequest, goal_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    goal = get_goal_for(actor=actor, goal_id=goal_id, record_access=False)
    errors = _change_errors(
        GoalStatusForm(data=request.POST),
        lambda data: change_goal_status(actor=actor, goal=goal, status=data["status"]),
    )
    htmx = _htmx(request)
    if not errors and not htmx:
        messages.success(request, "Goal status changed.")
        return redirect(_goal_anchor(goal))
    return _detail(
        request,
        goal.plan_id,
        status=422 if errors else 200,
        partial="goals" if htmx else "",
        goal_error_id=str(goal.pk),
        goal_errors=errors,
    )


def _goal_anchor(goal: Goal) -> str:
    url = reverse("plans:plan-detail", kwargs={"plan_id": goal.plan_id})
    return f"{url}#goal-{goal.pk}"


# --- goals and progress ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@clinic_view(CHART_EDIT)
def goal_create(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    posted = request.method == "POST"
    plan = get_plan_for(actor=actor, plan_id=plan_id, record_access=not posted)
    if not posted:
        form = GoalForm(initial={"target_on": plan.review_on})
        return render(request, "plans/goal_form.html", {"form": form, "plan": plan})
    form = GoalForm(data=request.POST)
    if form.is_valid():
        try:
            goal = add_goal(actor=actor, plan=plan, fields=form.goal_fields())
        except PlanInvalidError as exc:
            service_errors(form, exc.errors)
        else:
            messages.success(request, "Goal added.")
            return redirect(_goal_anchor(goal))
    context = {"form": form, "plan": plan}
    return render(request, "plans/goal_form.html", context, status=422)


def _note_day(note: Any) -> datetime.date:
    appointment = note.appointment
    if appointment is not None:
        local: datetime.date = appointment.start_at.astimezone(
            appointment.location.tz
        ).date()
        return local
    return timezone.localdate(note.created_at)


@require_http_methods(["GET", "POST"])
@clinic_view(CHART_EDIT)
def progress_create(request: HttpRequest, goal_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    posted = request.method == "POST"
    goal = get_goal_for(actor=actor, goal_id=goal_id, record_access=not posted)
    plan = goal.plan
    notes = list_patient_notes_for(actor=actor, patient=plan.patient)
    if not posted:
        initial: dict[str, Any] = {"recorded_on": timezone.localdate()}
        wanted = request.GET.get("note", "")
        chosen = next((n for n in notes if str(n.pk) == wanted), None)
        if chosen is not None:
            initial.update(note=str(chosen.pk), recorded_on=_note_day(chosen))
        form = ProgressForm(notes=notes, initial=initial)
        context = {"form": form, "goal": goal, "plan": plan}
        return render(request, "plans/progress_form.html", context)
    form = ProgressForm(notes=notes, data=request.POST)
    if form.is_valid():
        try:
            record_progress(
                actor=actor,
                goal=goal,
                value=form.cleaned_data["value"],
                recorded_on=form.cleaned_data["recorded_on"],
                note=form.chosen_note(),
                comment=form.cleaned_data["comment"],
            )
        except PlanInvalidError as exc:
            service_errors(form, exc.errors)
        else:
            messages.success(request, "Progress recorded.")
            return redirect(_goal_anchor(goal))
    context = {"form": form, "goal": goal, "plan": plan}
    return render(request, "plans/progress_form.html", context, status=422)


@require_POST
@clinic_view(CHART_EDIT)
def progress_mark_error(request: HttpRequest, progress_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    progress = get_progress_for_change(actor=actor, progress_id=progress_id)
    errors = _change_errors(
        ErrorMarkForm(data=request.POST),
        lambda data: mark_progress_in_error(
            actor=actor, progress=progress, reason=data["reason"]
        ),
    )
    htmx = _htmx(request)
    if not errors and not htmx:
        messages.success(request, "Value marked entered in error.")
        return redirect(_goal_anchor(progress.goal))
    return _detail(
        request,
        progress.goal.plan_id,
        status=422 if errors else 200,
        partial="goals" if htmx else "",
        mark_error_id=str(progress.pk),
        mark_errors=errors,
    )


@require_http_methods(["GET", "POST"])
@clinic_view(CHART_EDIT)
def note_progress(request: HttpRequest, note_id: uuid.UUID) -> HttpResponse:
    """Record the progress of every goal of the patient's open plans from one
    treatment note; measure goals link to the outcome-measure form."""
    actor = get_actor(request)
    posted = request.method == "POST"
    note = get_note_for_progress(actor=actor, note_id=note_id, record_access=not posted)
    goals = list_note_goals(actor=actor, note=note)
    if not posted:
        form = NoteProgressForm(goals=goals, initial={"recorded_on": _note_day(note)})
        return render(request, "plans/note_progress.html", _note_context(form, note))
    form = NoteProgressForm(goals=goals, data=request.POST)
    if form.is_valid():
        try:
            record_progress_from_note(
                actor=actor,
                note=note,
                recorded_on=form.recorded_on_value(),
                values=form.values(),
            )
        except PlanInvalidError as exc:
            service_errors(form, exc.errors)
        else:
            messages.success(request, "Progress recorded from the note.")
            return redirect("plans:patient-plans", patient_id=note.patient_id)
    context = _note_context(form, note)
    return render(request, "plans/note_progress.html", context, status=422)


def _note_context(form: NoteProgressForm, note: Any) -> dict[str, Any]:
    goals = list(form.all_goals)
    return {
        "form": form,
        "note": note,
        "goals": goals,
        "measure_goals": [g for g in goals if g.is_measure],
    }
