"""HTTP glue for search: a patient's chart, and the clinic's charts.

GET only; nothing changes but the audit trail (one view entry per patient
whose content is shown). The query text is never logged or audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from practica.search.forms import ClinicSearchForm, PatientSearchForm
from practica.search.selectors import (
    get_patient_for_search,
    search_clinic,
    search_patient,
)
from practica.search.sources import SOURCES
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import CHART_VIEW

PATIENT_TEMPLATE = "search/patient_search.html"
CLINIC_TEMPLATE = "search/clinic_search.html"


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int
) -> HttpResponse:
    htmx = bool(request.htmx)  # type: ignore[attr-defined]  # set by HtmxMiddleware
    response = render(
        request, f"{template}#results" if htmx else template, context, status=status
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _sources_label() -> str:
    return ", ".join(s.label.lower() for s in SOURCES.values())


@require_GET
@clinic_view(CHART_VIEW)
def patient_search(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for_search(actor=actor, patient_id=patient_id)
    form = PatientSearchForm(data=request.GET) if request.GET else PatientSearchForm()
    searched = form.is_valid()
    result = search_patient(
        actor=actor,
        patient=patient,
        terms=form.terms if searched else None,
        sort="date" if searched and form.sort_value == "date" else "relevance",
    )
    context = {
        "patient": patient,
        "form": form,
        "result": result,
        "searched": searched,
        "sources_label": _sources_label(),
        "action": reverse("search:patient-search", kwargs={"patient_id": patient.pk}),
    }
    status = 422 if form.is_bound and not searched else 200
    return _render(request, PATIENT_TEMPLATE, context, status)


@require_GET
@clinic_view(CHART_VIEW)
def clinic_search(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = ClinicSearchForm(data=request.GET) if request.GET else ClinicSearchForm()
    result = None
    if form.is_valid():
        result = search_clinic(
            actor=actor,
            terms=form.terms,
            sort="date" if form.sort_value == "date" else "relevance",
            page=form.page_value,
            page_size=form.size_value,
        )
    context = {
        "form": form,
        "result": result,
        "sources_label": _sources_label(),
        "query_string": _page_query(request) if result else "",
        "action": reverse("search:clinic-search"),
    }
    status = 422 if form.is_bound and result is None else 200
    return _render(request, CLINIC_TEMPLATE, context, status)


def _page_query(request: HttpRequest) -> str:
    """The search's parameters without the page, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return str(params.urlencode())
