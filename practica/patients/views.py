"""HTTP glue for patients: list and search, register, detail, edit, picker."""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from practica.audit.services import record_view
from practica.patients.errors import InvalidPatientDataError, PatientPermissionError
from practica.patients.forms import PatientForm, initial_for
from practica.patients.models import Patient
from practica.patients.selectors import (
    find_likely_duplicates,
    get_patient_for,
    list_patients,
    search_patients,
)
from practica.patients.services import register_patient, update_patient
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import PATIENTS_EDIT, PATIENTS_VIEW

PAGE_SIZE = 50
SEARCH_LIMIT = 25
PICKER_LIMIT = 10
FORM_TEMPLATE = "patients/patient_form.html"


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, object],
    *,
    partial: str,
    status: int = 200,
) -> HttpResponse:
    """Full page, or the named partial of the same template for htmx."""
    name = f"{template}#{partial}" if _is_htmx(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@clinic_view(PATIENTS_VIEW)
def patient_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    query = request.GET.get("q", "").strip()[:100]
    context: dict[str, object] = {"query": query, "limit": SEARCH_LIMIT}
    if query:
        results = search_patients(actor=actor, query=query, limit=SEARCH_LIMIT)
        context["results"] = results
        shown = len(results)
        detail = "patient search"
    else:
        page = Paginator(list_patients(actor=actor), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["page"] = page
        shown = len(page.object_list)
        detail = "patient list"
    if shown:
        record_view(actor=actor, obj=None, patient_id=None, detail=detail)
    return _render(request, "patients/patient_list.html", context, partial="results")


@require_GET
@clinic_view(PATIENTS_VIEW)
def patient_picker(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    query = request.GET.get("q", "").strip()[:100]
    results = search_patients(actor=actor, query=query, limit=PICKER_LIMIT)
    if results:
        record_view(actor=actor, obj=None, patient_id=None, detail="patient picker")
    response = render(
        request,
        "patients/patient_picker.html",
        {"query": query, "results": results, "limit": PICKER_LIMIT},
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@clinic_view(PATIENTS_VIEW)
def patient_detail(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    patient = get_patient_for(actor=actor, patient_id=patient_id)
    context = {
        "patient": patient,
        "age": patient.age_on(timezone.localdate()),
        "can_edit": actor.can(PATIENTS_EDIT),
    }
    return render(request, "patients/patient_detail.html", context)


def _duplicates_for(
    actor: Actor, form: PatientForm, patient: Patient | None
) -> list[Patient]:
    data = form.cleaned_data
    return find_likely_duplicates(
        actor=actor,
        first_name=data["first_name"],
        last_name=data["last_name"],
        date_of_birth=data["date_of_birth"],
        phone=data["phone"],
        exclude_id=patient.id if patient is not None else None,
    )


def _save(
    request: HttpRequest, form: PatientForm, patient: Patient | None
) -> HttpResponse:
    """Check for likely duplicates, call the service, then redirect or re-render."""
    actor = get_actor(request)
    context: dict[str, object] = {"form": form, "patient": patient}
    confirmed = request.POST.get("confirm_duplicate") == "1"
    if not confirmed and (patient is None or form.identity_changed()):
        duplicates = _duplicates_for(actor, form, patient)
        if duplicates:
            context["duplicates"] = duplicates
            return _render(request, FORM_TEMPLATE, context, partial="form", status=422)
    try:
        if patient is None:
            saved = register_patient(actor=actor, data=form.to_data())
        else:
            saved = update_patient(actor=actor, patient=patient, data=form.to_data())
    except PatientPermissionError:
        return render(request, "403.html", status=403)
    except InvalidPatientDataError as error:
        form.add_error(error.field, error.message)
        return _render(request, FORM_TEMPLATE, context, partial="form", status=422)
    url = reverse("patients:patient-detail", kwargs={"patient_id": saved.id})
    if _is_htmx(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_http_methods(["GET", "POST"])
@clinic_view(PATIENTS_EDIT)
def patient_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PatientForm(request.POST)
        if form.is_valid():
            return _save(request, form, None)
        return _render(
            request, FORM_TEMPLATE, {"form": form}, partial="form", status=422
        )
    return _render(request, FORM_TEMPLATE, {"form": PatientForm()}, partial="form")


@require_http_methods(["GET", "POST"])
@clinic_view(PATIENTS_EDIT)
def patient_edit(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    if request.method == "POST":
        patient = get_patient_for(
            actor=actor, patient_id=patient_id, record_access=False
        )
        form = PatientForm(request.POST, initial=initial_for(patient))
        if form.is_valid():
            return _save(request, form, patient)
        context = {"form": form, "patient": patient}
        return _render(request, FORM_TEMPLATE, context, partial="form", status=422)
    patient = get_patient_for(actor=actor, patient_id=patient_id)
    form = PatientForm(initial=initial_for(patient))
    return _render(
        request, FORM_TEMPLATE, {"form": form, "patient": patient}, partial="form"
    )
