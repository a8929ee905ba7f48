"""HTTP glue for the chart page: the summary and clinical lists (alerts
included), adding to a list, changing a row's status, and the ICD-10/CVX code search."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from practica.charting import services_chart
from practica.charting.codes import search
from practica.charting.errors import ChartEntryInvalidError
from practica.charting.forms_chart import (
    AllergyForm,
    ChartAlertForm,
    CodeSearchForm,
    EntryStatusForm,
    ImmunizationForm,
    MedicalHistoryForm,
    MedicationForm,
    ProblemForm,
    VitalSignsForm,
)
from practica.charting.models import (
    Allergy,
    ChartAlert,
    ChartEntry,
    Immunization,
    MedicalHistory,
    Medication,
    Problem,
    VitalSigns,
)
from practica.charting.selectors_chart import (
    get_chart_for,
    get_entry_for_change,
    get_patient_for_chart_change,
)
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import CHART_EDIT, CHART_VIEW

TEMPLATE = "charting/chart_detail.html"


@dataclass(frozen=True)
class ChartList:
    """One clinical list: its model, add form, add service and URL names."""

    kind: str
    model: type[ChartEntry]
    form: type[forms.ModelForm[Any]]
    add: Callable[..., ChartEntry]
    added: str

    @property
    def status_choices(self) -> list[tuple[str, str]]:
        return services_chart.status_choices(self.model)


LISTS = {
    chart_list.kind: chart_list
    for chart_list in (
        ChartList(
            "problems", Problem, ProblemForm, services_chart.add_problem, "Problem"
        ),
        ChartList(
            "allergies", Allergy, AllergyForm, services_chart.add_allergy, "Allergy"
        ),
        ChartList(
            "medications",
            Medication,
            MedicationForm,
            services_chart.add_medication,
            "Medication",
        ),
        ChartList(
            "immunizations",
            Immunization,
            ImmunizationForm,
            services_chart.add_immunization,
            "Immunization",
        ),
        ChartList(
            "vitals",
            VitalSigns,
            VitalSignsForm,
            services_chart.record_vital_signs,
            "Vital signs",
        ),
        ChartList(
            "history",
            MedicalHistory,
            MedicalHistoryForm,
            services_chart.add_history_entry,
            "History entry",
        ),
        ChartList(
            "alerts", ChartAlert, ChartAlertForm, services_chart.add_alert, "Alert"
        ),
    )
}


def _auto_id(kind: str) -> str:
    """Element ids of a list's add form: the lists share field names
    (severity, code, note, text) and one page holds every form, so each
    label must point at its own list's field."""
    return f"{kind}-%s"


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


def _context(
    *,
    actor: Actor,
    patient_id: uuid.UUID,
    bound: forms.ModelForm[Any] | None = None,
    kind: str = "",
) -> dict[str, Any]:
    chart = get_chart_for(actor=actor, patient_id=patient_id, now=timezone.now())
    add_forms = {
        name: (
            bound
            if name == kind and bound is not None
            else chart_list.form(auto_id=_auto_id(name))
        )
        for name, chart_list in LISTS.items()
    }
    return {
        "chart": chart,
        "patient": chart.patient,
        "forms": add_forms,
        "status_choices": {k: v.status_choices for k, v in LISTS.items()},
        "can_edit": actor.can(CHART_EDIT),
    }


@require_GET
@clinic_view(CHART_VIEW)
def chart_detail(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    """The chart page; an htmx request gets the summary banner only."""
    actor = get_actor(request)
    context = _context(actor=actor, patient_id=patient_id)
    htmx = bool(request.htmx)  # type: ignore[attr-defined]  # set by HtmxMiddleware
    template = f"{TEMPLATE}#banner" if htmx else TEMPLATE
    return _vary(render(request, template, context))


def _section_url(patient_id: uuid.UUID, kind: str) -> str:
    url = reverse("charting:chart-detail", kwargs={"patient_id": patient_id})
    return f"{url}#chart-{kind}"


def _add_view(kind: str) -> Callable[..., HttpResponseBase]:
    chart_list = LISTS[kind]

    def view(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
        actor = get_actor(request)
        patient = get_patient_for_chart_change(actor=actor, patient_id=patient_id)
        htmx = bool(request.htmx)  # type: ignore[attr-defined]  # set by HtmxMiddleware
        form = chart_list.form(data=request.POST, auto_id=_auto_id(kind))
        if form.is_valid():
            try:
                chart_list.add(actor=actor, patient=patient, **form.cleaned_data)
            except ChartEntryInvalidError as exc:
                for field, field_messages in exc.errors.items():
                    for message in field_messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                if htmx:
                    context = _context(actor=actor, patient_id=patient.pk)
                    response = render(request, f"{TEMPLATE}#{kind}", context)
                    response["HX-Trigger"] = "chart-changed"
                    return _vary(response)
                messages.success(request, f"{chart_list.added} added.")
                return redirect(_section_url(patient.pk, kind))
        context = _context(actor=actor, patient_id=patient.pk, bound=form, kind=kind)
        template = f"{TEMPLATE}#{kind}" if htmx else TEMPLATE
        return _vary(render(request, template, context, status=422))

    view.__name__ = f"{kind}_create"
    view.__doc__ = f"Add to the patient's {kind} (POST)."
    return require_POST(clinic_view(CHART_EDIT)(view))


def _status_view(kind: str) -> Callable[..., HttpResponseBase]:
    chart_list = LISTS[kind]

    def view(request: HttpRequest, **kwargs: uuid.UUID) -> HttpResponse:
        actor = get_actor(request)
        (entry_id,) = kwargs.values()
        entry = get_entry_for_change(
            actor=actor, model=chart_list.model, entry_id=entry_id
        )
        form = EntryStatusForm(choices=chart_list.status_choices, data=request.POST)
        errors: list[str] = []
        if form.is_valid():
            try:
                services_chart.change_entry_status(
                    actor=actor,
                    entry=entry,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
            except ChartEntryInvalidError as exc:
                errors = [m for ms in exc.errors.values() for m in ms]
        else:
            errors = [
                f"{form.fields[name].label}: {error}"
                for name, field_errors in form.errors.items()
                for error in field_errors
            ]
        htmx = bool(request.htmx)  # type: ignore[attr-defined]  # set by HtmxMiddleware
        if not errors and not htmx:
            messages.success(request, "Status changed.")
            return redirect(_section_url(entry.patient_id, kind))
        context = _context(actor=actor, patient_id=entry.patient_id)
        context["status_error_id"] = str(entry.pk)
        context["status_error_list"] = errors
        template = f"{TEMPLATE}#{kind}" if htmx else TEMPLATE
        response = render(request, template, context, status=422 if errors else 200)
        if htmx and not errors:
            response["HX-Trigger"] = "chart-changed"
        return _vary(response)

    view.__name__ = f"{kind}_status"
    view.__doc__ = f"Change the status of one of the patient's {kind} (POST)."
    return require_POST(clinic_view(CHART_EDIT)(view))


problem_create = _add_view("problems")
allergy_create = _add_view("allergies")
medication_create = _add_view("medications")
immunization_create = _add_view("immunizations")
vitals_create = _add_view("vitals")
history_create = _add_view("history")
alert_create = _add_view("alerts")
problem_status = _status_view("problems")
allergy_status = _status_view("allergies")
medication_status = _status_view("medications")
immunization_status = _status_view("immunizations")
vitals_status = _status_view("vitals")
history_status = _status_view("history")
alert_status = _status_view("alerts")


@require_GET
@clinic_view(CHART_VIEW)
def code_search(request: HttpRequest) -> HttpResponse:
    """Options for the ICD-10 and CVX pickers (no patient data: not audited)."""
    form = CodeSearchForm(data=request.GET)
    if not form.is_valid():
        context = {"errors": form.messages()}
        return render(request, "charting/chart_codes.html", context, status=422)
    codes = search(
        form.cleaned_data["system"],
        form.cleaned_data["q"],
        limit=form.cleaned_data["limit"],
    )
    return render(request, "charting/chart_codes.html", {"codes": codes})
