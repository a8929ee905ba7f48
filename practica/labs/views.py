"""HTTP glue for lab results: the patient's labs (latest per test, the add
form), one test's trend and history, marking a result entered in error, and
the LOINC search for the add form's picker."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from practica.labs.errors import LabResultInvalidError, LabResultLockedError
from practica.labs.forms import CodeSearchForm, ErrorMarkForm, LabResultForm
from practica.labs.loinc import search
from practica.labs.selectors import (
    get_display_zone,
    get_patient_for_lab_change,
    get_patient_labs,
    get_result_for_change,
    get_test_history,
)
from practica.labs.services import mark_entered_in_error, record_lab_result
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import CHART_EDIT, CHART_VIEW

LIST_TEMPLATE = "labs/result_list.html"
TEST_TEMPLATE = "labs/test_detail.html"


def _in_clinic_zone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Parse and show times in the clinic's zone (datetime-local inputs are
    wall-clock times there)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        zone = get_display_zone(actor=get_actor(request))
        with timezone.override(zone):
            return view(request, *args, **kwargs)

    return wrapper


def _htmx(request: HttpRequest) -> bool:
    return bool(request.htmx)  # type: ignore[attr-defined]  # set by HtmxMiddleware


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


def _list_context(
    *, actor: Actor, patient_id: uuid.UUID, form: LabResultForm | None = None
) -> dict[str, Any]:
    can_edit = actor.can(CHART_EDIT)
    return {
        "labs": get_patient_labs(actor=actor, patient_id=patient_id),
        "can_edit": can_edit,
        "form": (form or LabResultForm()) if can_edit else None,
        "form_open": form is not None,
    }


@require_GET
@clinic_view(CHART_VIEW)
@_in_clinic_zone
def patient_labs(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    """The patient's latest result of each test, flagged ones first."""
    actor = get_actor(request)
    context = _list_context(actor=actor, patient_id=patient_id)
    return _vary(render(request, LIST_TEMPLATE, context))


def _errors_to_form(form: LabResultForm, exc: LabResultInvalidError) -> None:
    for name, field_messages in exc.errors.items():
        field = form.fields.get(name)
        for message in field_messages:
            if field is None:
                form.add_error(None, message)
                continue
            # The field template names the field (its form label); the
            # service's message starts with its own "Label: ".
            form.add_error(name, message.split(": ", 1)[-1])


@require_POST
@clinic_view(CHART_EDIT)
@_in_clinic_zone
def result_create(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    """Add a result (POST); an htmx request gets the results region back."""
    actor = get_actor(request)
    patient = get_patient_for_lab_change(actor=actor, patient_id=patient_id)
    form = LabResultForm(data=request.POST)
    htmx = _htmx(request)
    if form.is_valid():
        try:
            result = record_lab_result(
                actor=actor, patient=patient, **form.cleaned_data
            )
        except LabResultInvalidError as exc:
            _errors_to_form(form, exc)
        else:
            if htmx:
                context = _list_context(actor=actor, patient_id=patient.pk)
                context["added"] = result
                response = render(request, f"{LIST_TEMPLATE}#labs", context)
                response["HX-Trigger"] = "labs-changed"
                return _vary(response)
            messages.success(request, f"{result.test_name}: result added.")
            return redirect("labs:patient-labs", patient_id=patient.pk)
    context = _list_context(actor=actor, patient_id=patient.pk, form=form)
    template = f"{LIST_TEMPLATE}#labs" if htmx else LIST_TEMPLATE
    return _vary(render(request, template, context, status=422))


def _test_page(
    request: HttpRequest,
    *,
    actor: Actor,
    patient_id: uuid.UUID,
    loinc_code: str,
    error_id: uuid.UUID | None = None,
    mark_form: ErrorMarkForm | None = None,
) -> HttpResponse:
    history = get_test_history(
        actor=actor, patient_id=patient_id, loinc_code=loinc_code
    )
    context = {
        "history": history,
        "patient": history.patient,
        "can_edit": actor.can(CHART_EDIT),
        "error_id": error_id,
        "mark_form": mark_form,
    }
    status = 422 if mark_form is not None else 200
    return render(request, TEST_TEMPLATE, context, status=status)


@require_GET
@clinic_view(CHART_VIEW)
@_in_clinic_zone
def test_detail(
    request: HttpRequest, patient_id: uuid.UUID, loinc_code: str
) -> HttpResponse:
    """One test: its trend against the reference range and every result."""
    actor = get_actor(request)
    return _test_page(
        request, actor=actor, patient_id=patient_id, loinc_code=loinc_code
    )


@require_POST
@clinic_view(CHART_EDIT)
@_in_clinic_zone
def result_mark_error(request: HttpRequest, lab_result_id: uuid.UUID) -> HttpResponse:
    """Mark a result entered in error, with a reason (POST)."""
    actor = get_actor(request)
    result = get_result_for_change(actor=actor, lab_result_id=lab_result_id)
    form = ErrorMarkForm(data=request.POST)
    if form.is_valid():
        try:
            mark_entered_in_error(
                actor=actor, result=result, reason=form.cleaned_data["reason"]
            )
        except LabResultInvalidError as exc:
            for message in exc.errors.get("reason", [str(exc)]):
                form.add_error("reason", message.removeprefix("Reason: "))
        except LabResultLockedError as exc:
            messages.error(request, str(exc))
            return redirect(
                "labs:test-detail",
                patient_id=result.patient_id,
                loinc_code=result.loinc_code,
            )
        else:
            messages.success(request, "Result marked entered in error.")
            return redirect(
                "labs:test-detail",
                patient_id=result.patient_id,
                loinc_code=result.loinc_code,
            )
    return _test_page(
        request,
        actor=actor,
        patient_id=result.patient_id,
        loinc_code=result.loinc_code,
        error_id=result.pk,
        mark_form=form,
    )


@require_GET
@clinic_view(CHART_VIEW)
def code_search(request: HttpRequest) -> HttpResponse:
    """Options for the LOINC picker (no patient data: not audited)."""
    form = CodeSearchForm(data=request.GET)
    if not form.is_valid():
        context = {"errors": form.messages()}
        return render(request, "labs/code_options.html", context, status=422)
    tests = search(form.query(), limit=form.limit_value())
    return render(request, "labs/code_options.html", {"tests": tests})
