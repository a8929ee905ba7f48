"""HTTP glue for outcome measures: a patient's outcomes, the form to record a
response, a response's page and its entered-in-error mark."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practica.charting.selectors import get_note_for_change
from practica.outcomes.errors import InvalidResponseError, ResponseLockedError
from practica.outcomes.forms import ErrorMarkForm, ResponseForm
from practica.outcomes.measures import get_measure
from practica.outcomes.selectors import (
    get_patient_for_recording,
    get_patient_outcomes,
    get_response_for,
    get_response_for_change,
    is_entered_in_error,
)
from practica.outcomes.services import mark_entered_in_error, record_response
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import CHART_EDIT, CHART_VIEW


@require_GET
@clinic_view(CHART_VIEW)
def patient_outcomes(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    outcomes = get_patient_outcomes(actor=actor, patient_id=patient_id)
    context = {"outcomes": outcomes, "can_record": actor.can(CHART_EDIT)}
    return render(request, "outcomes/patient_outcomes.html", context)


@require_http_methods(["GET", "POST"])
@clinic_view(CHART_EDIT)
def response_create(
    request: HttpRequest, patient_id: uuid.UUID, measure_id: str
) -> HttpResponse:
    actor = get_actor(request)
    measure = get_measure(measure_id)
    if measure is None:
        raise Http404("No such outcome measure.")
    posted = request.method == "POST"
    patient = get_patient_for_recording(
        actor=actor, patient_id=patient_id, record_access=not posted
    )
    if not posted:
        form = ResponseForm(measure=measure)
        note_id = request.GET.get("note", "")
        if note_id:
            form.initial["note"] = note_id
        context = {"form": form, "measure": measure, "patient": patient}
        return render(request, "outcomes/response_form.html", context)
    form = ResponseForm(measure=measure, data=request.POST)
    if form.is_valid():
        note_id = form.cleaned_data["note"]
        note = get_note_for_change(actor=actor, note_id=note_id) if note_id else None
        try:
            response = record_response(
                actor=actor,
                patient=patient,
                measure_code=measure.code,
                answers=form.answers(),
                taken_on=form.taken_on_value(),
                note=note,
            )
        except InvalidResponseError as exc:
            for name, field_messages in exc.errors.items():
                target = name if name in form.fields else None
                for message in field_messages:
                    form.add_error(target, message)
        else:
            messages.success(request, f"{measure.short_name} recorded.")
            return redirect("outcomes:response-detail", response_id=response.pk)
    context = {"form": form, "measure": measure, "patient": patient}
    return render(request, "outcomes/response_form.html", context, status=422)


def _detail(
    request: HttpRequest, response_id: uuid.UUID, *, form: ErrorMarkForm | None = None
) -> HttpResponse:
    actor = get_actor(request)
    response = get_response_for(actor=actor, response_id=response_id)
    measure = get_measure(response.measure_code)
    if measure is None:  # a measure retired from the registry
        raise Http404("No such outcome measure.")
    answers = [
        (n, item.label, response.answers.get(item.key))
        for n, item in enumerate(measure.items, 1)
    ]
    option_labels = {o.value: o.label for o in measure.options}
    context = {
        "response": response,
        "measure": measure,
        "answers": [
            (n, label, value, option_labels.get(value, "") if value is not None else "")
            for n, label, value in answers
        ],
        "error_mark": response.error_mark if is_entered_in_error(response) else None,
        "can_mark": actor.can(CHART_EDIT) and not is_entered_in_error(response),
        "mark_form": form or ErrorMarkForm(),
    }
    return render(
        request,
        "outcomes/response_detail.html",
        context,
        status=422 if form is not None else 200,
    )


@require_GET
@clinic_view(CHART_VIEW)
def response_detail(request: HttpRequest, response_id: uuid.UUID) -> HttpResponse:
    return _detail(request, response_id)


@require_POST
@clinic_view(CHART_EDIT)
def response_mark_error(request: HttpRequest, response_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    response = get_response_for_change(actor=actor, response_id=response_id)
    form = ErrorMarkForm(data=request.POST)
    if form.is_valid():
        try:
            mark_entered_in_error(
                actor=actor, response=response, reason=form.cleaned_data["reason"]
            )
        except InvalidResponseError as exc:
            for message in exc.errors.get("reason", [str(exc)]):
                form.add_error("reason", message)
        except ResponseLockedError as exc:
            messages.error(request, str(exc))
            return redirect("outcomes:response-detail", response_id=response.pk)
        else:
            messages.success(request, "Response marked entered in error.")
            return redirect("outcomes:response-detail", response_id=response.pk)
    return _detail(request, response.pk, form=form)
